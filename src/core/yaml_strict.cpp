#include "core/yaml_strict.h"

#include <yaml-cpp/eventhandler.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/input_checks.h"

namespace kira {

namespace {

// Thrown by the checker to stop the parse at the first problem.
struct Refused {
  std::string message;
};

std::string Quoted(const std::string& s) {
  return "'" + (s.size() > 64 ? s.substr(0, 64) + "…" : s) + "'";
}

class Checker : public YAML::EventHandler {
 public:
  Checker(const std::string& name, const YamlLimits& limits) : name_(name), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) Fail(mark, "a second document ('---'); a shop file holds one");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node(mark, anchor);
    Value(mark, "~");
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Fail(mark, "aliases (*name) are not allowed; write the value out");
  }
  void OnAnchor(const YAML::Mark& mark, const std::string& anchor) override {
    Fail(mark, "anchors (&" + anchor.substr(0, 64) + ") are not allowed; write the value out");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    Node(mark, anchor);
    if (value.size() > limits_.max_scalar_bytes) {
      Fail(mark, "a value longer than " + GroupDigits(limits_.max_scalar_bytes) +
                     " bytes, the limit (max_scalar_bytes)");
    }
    size_t at = 0;
    if (int cp = FirstControl(value, &at); cp >= 0) {
      Fail(mark, "control character " + ControlName(cp) + " in " + Quoted(value.substr(0, at)) +
                     "…; remove it");
    }
    Value(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor, false);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor, true);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    bool map = false;
    bool expect_key = true;                      // maps: the next node is a key
    std::unordered_map<std::string, int> lines;  // maps: key → line of its first use
  };

  [[noreturn]] void Fail(const YAML::Mark& mark, const std::string& what) const {
    throw Refused{name_ + " line " + std::to_string(mark.line + 1) + ": " + what};
  }

  void Node(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) Fail(mark, "anchors (&name) are not allowed");
    if (++nodes_ > limits_.max_nodes) {
      Fail(mark, "more than " + GroupDigits(limits_.max_nodes) +
                     " keys and values, the limit (max_nodes)");
    }
  }

  // A scalar (or null) node complete: a key of the enclosing map, or a value.
  void Value(const YAML::Mark& mark, const std::string& text) {
    if (stack_.empty()) return;
    Frame& f = stack_.back();
    if (!f.map) return;
    if (f.expect_key) {
      const int line = mark.line + 1;
      auto [it, fresh] = f.lines.emplace(text, line);
      if (!fresh) {
        Fail(mark, "duplicate key " + Quoted(text) + " (first at line " +
                       std::to_string(it->second) + "); each key may appear once per mapping");
      }
    }
    f.expect_key = !f.expect_key;
  }

  void Open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    Node(mark, anchor);
    if (!stack_.empty() && stack_.back().map && stack_.back().expect_key)
      Fail(mark, "a key must be plain text, not a list or mapping");
    if (stack_.size() >= limits_.max_depth) {
      Fail(mark, "nested deeper than " + std::to_string(limits_.max_depth) +
                     " levels, the limit (max_depth)");
    }
    stack_.push_back(Frame{map, true, {}});
  }

  void Close() {
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().map) stack_.back().expect_key = true;
  }

  const std::string& name_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  size_t nodes_ = 0;
  int documents_ = 0;
};

}  // namespace

Result<YAML::Node> ParseYamlStrict(std::string_view text, const std::string& name,
                                   const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::Invalid(name + ": the file is " + GroupDigits(text.size()) +
                           " bytes, over the limit of " + GroupDigits(limits.max_bytes) +
                           " (max_bytes)");
  }
  const std::string copy(text);
  try {
    std::istringstream in(copy);
    YAML::Parser parser(in);
    Checker checker(name, limits);
    while (parser.HandleNextDocument(checker)) {
    }
    return YAML::Load(copy);
  } catch (const Refused& r) {
    return Status::Invalid(r.message);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(name + " line " + std::to_string(e.mark.line + 1) +
                           ": not valid YAML: " + e.msg);
  }
}

Result<YAML::Node> LoadYamlStrict(const std::string& path, const YamlLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_bytes) {
    return Status::Invalid(path + ": the file is " + GroupDigits(size) +
                           " bytes, over the limit of " + GroupDigits(limits.max_bytes) +
                           " (max_bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read " + path);
  return ParseYamlStrict(ss.str(), path, limits);
}

}  // namespace kira
