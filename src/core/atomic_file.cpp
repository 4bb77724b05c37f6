#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kira {

Status ReplaceFileKeepingVersion(const std::string& path, const std::string& text,
                                 const std::string& history_dir, int version) {
  namespace fs = std::filesystem;
  fs::path p(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir.string() + ": " + ec.message());
  if (!history_dir.empty() && fs::exists(p, ec)) {
    fs::path hist = dir / history_dir;
    fs::create_directories(hist, ec);
    if (ec) return Status::Io("cannot create " + hist.string() + ": " + ec.message());
    fs::path copy = hist / (p.stem().string() + "." + std::to_string(version) + ".yaml");
    fs::copy_file(p, copy, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return Status::Io("cannot keep the previous version in " + copy.string() + ": " +
                        ec.message());
  }
  fs::path tmp = dir / ("." + p.filename().string() + ".tmp" + std::to_string(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(errno));
  size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    fs::remove(tmp, ec);
    return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(err));
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::Io("cannot replace " + path + ": " + ec.message());
  }
  // The rename itself is durable once the directory is.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace kira
