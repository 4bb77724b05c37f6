#include "app/context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "crm/open_store.h"

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
  if (!o.db.empty() && !crm::IsPostgresUrl(o.db)) return o.db;
  return o.data_dir + "/kira.db";
}

bool CrmOnPostgres(const AppOptions& o) { return crm::IsPostgresUrl(o.db); }

Result<std::unique_ptr<crm::CrmStore>> OpenCrm(const AppOptions& o) {
  KIRA_ASSIGN_OR_RETURN(std::string path, DatabasePath(o));  // creates the data dir (dnc.key)
  return crm::OpenCrmStore(CrmOnPostgres(o) ? o.db : path, o.data_dir);
}

Result<std::unique_ptr<crm::WorkspaceStore>> OpenWorkspace(const AppOptions& o) {
  KIRA_ASSIGN_OR_RETURN(std::string path, DatabasePath(o));
  return crm::OpenWorkspaceStore(CrmOnPostgres(o) ? o.db : path);
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
