// Status and Result<T>: how every layer reports failure. No exception crosses a layer
// boundary; a failed Status carries a message a user can act on ("catalog.csv line 12,
// field price: 'abc' is not a number").
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kira {

// [[nodiscard]]: a Status or Result dropped on the floor is a failure nobody hears about.
// Where ignoring one is right, the call site says why in a comment.
class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kInvalid, kNotFound, kIo, kUnavailable, kConflict, kInternal };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Prefixes the message with context: "import catalog: " + message.
  Status WithContext(const std::string& context) const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value or a failed Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s)) {}     // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  // By value on a temporary, so `for (auto& x : *store.List())` cannot dangle.
  T value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kira

#define KIRA_RETURN_IF_ERROR(expr)     \
  do {                                 \
    ::kira::Status _kira_s = (expr);   \
    if (!_kira_s.ok()) return _kira_s; \
  } while (0)

#define KIRA_CONCAT_INNER(a, b) a##b
#define KIRA_CONCAT(a, b) KIRA_CONCAT_INNER(a, b)
#define KIRA_ASSIGN_OR_RETURN(lhs, expr)                                                    \
  auto KIRA_CONCAT(_kira_r, __LINE__) = (expr);                                             \
  if (!KIRA_CONCAT(_kira_r, __LINE__).ok()) return KIRA_CONCAT(_kira_r, __LINE__).status(); \
  lhs = std::move(KIRA_CONCAT(_kira_r, __LINE__)).value()
