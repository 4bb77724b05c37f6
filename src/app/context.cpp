#include "app/context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/defaults.h"
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

namespace {

// True when `path` is `dir` or inside it (both resolved: symlinks, "..").
bool Inside(const std::filesystem::path& path, const std::string& dir) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  auto d = std::filesystem::weakly_canonical(dir, ec);
  if (ec || d.empty()) return false;
  auto rel = p.lexically_relative(d);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

Result<std::string> EditableProfilePath(const AppOptions& o) {
  const std::string demo = DemoDir();
  const std::string how = ": copy it to your shop's own folder (cp -r " + demo +
                          " /srv/myshop) and start Kira with --business /srv/myshop/profile.yaml";
  if (o.business.empty())
    return Status::Conflict("this server runs the built-in demo profile (" + demo +
                            "/profile.yaml), which Kira never changes" + how);
  std::filesystem::path file(o.business);
  for (const std::string& builtin : {demo, DefaultsDir()})
    if (Inside(file.parent_path().empty() ? "." : file.parent_path(), builtin))
      return Status::Conflict("--business " + o.business + " is inside Kira's built-in folder " +
                              builtin + ", which Kira never changes" + how);
  return o.business;
}

Result<std::string> DatabasePath(const AppOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) return Status::Io("cannot create data directory " + o.data_dir + ": " + ec.message());
  if (!o.db.empty() && !crm::IsPostgresUrl(o.db)) return o.db;
  return o.data_dir + "/kira.db";
}

bool CrmOnPostgres(const AppOptions& o) { return crm::IsPostgresUrl(o.db); }

Result<std::unique_ptr<crm::CrmStore>> OpenCrm(const AppOptions& o, const std::string& node) {
  KIRA_ASSIGN_OR_RETURN(std::string path, DatabasePath(o));  // creates the data dir (dnc.key)
  return crm::OpenCrmStore(CrmOnPostgres(o) ? o.db : path, o.data_dir, node);
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
