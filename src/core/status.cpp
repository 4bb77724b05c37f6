#include "core/status.h"

namespace kira {

namespace {
const char* CodeName(Status::Code c) {
  switch (c) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kInvalid:
      return "invalid";
    case Status::Code::kNotFound:
      return "not found";
    case Status::Code::kIo:
      return "i/o error";
    case Status::Code::kUnavailable:
      return "unavailable";
    case Status::Code::kConflict:
      return "conflict";
    case Status::Code::kInternal:
      return "internal error";
  }
  return "?";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace kira
