#include "app/context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace kira::app {

std::string DemoDir() {
  if (const char* env = std::getenv("KIRA_DEMO_DIR")) return env;
  return KIRA_DEMO_DIR;
}

std::string BusinessPath(const AppOptions& o) {
  if (!o.business.empty()) return o.business;
  return DemoDir() + "/profile.yaml";
}

Result<std::string> DatabasePath(const AppOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) return Status::Io("cannot create data directory " + o.data_dir + ": " + ec.message());
  return o.data_dir + "/kira.db";
}

int Fail(const Status& s) {
  std::fprintf(stderr, "kira: %s\n", s.message().c_str());
  switch (s.code()) {
    case Status::Code::kInvalid:
      return 2;
    case Status::Code::kNotFound:
      return 3;
    default:
      return 1;
  }
}

}  // namespace kira::app
