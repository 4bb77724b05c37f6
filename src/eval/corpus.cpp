#include "eval/corpus.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"
#include "core/yaml_strict.h"
#include "crm/outcome.h"
#include "dialog/understanding.h"

namespace kira::eval {

namespace {

namespace fs = std::filesystem;

// Errors name the file and the line of the node they are about.
class Reader {
 public:
  Reader(std::string path, const CorpusLimits& limits) : path_(std::move(path)), lim_(limits) {}

  Status Err(const YAML::Node& n, const std::string& msg) const {
    int line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
    return Status::Invalid(path_ + (line ? ":" + std::to_string(line) : "") + ": " + msg);
  }
  int Line(const YAML::Node& n) const { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

  // A mapping whose keys are all in `known`, each once.
  Status Keys(const YAML::Node& n, const std::string& what,
              std::initializer_list<const char*> known) const {
    if (!n.IsMap()) return Err(n, what + " must be a mapping");
    std::set<std::string> seen;
    for (const auto& kv : n) {
      std::string k = kv.first.Scalar();
      bool ok = std::any_of(known.begin(), known.end(), [&](const char* x) { return k == x; });
      if (!ok) {
        std::string list;
        for (const char* x : known) list += std::string(list.empty() ? "" : ", ") + x;
        return Err(kv.first, "unknown key '" + k + "' in " + what + " (known: " + list + ")");
      }
      if (!seen.insert(k).second) return Err(kv.first, "duplicate key '" + k + "' in " + what);
    }
    return Status::Ok();
  }

  Status Text(const YAML::Node& n, const std::string& what, std::string* out) const {
    if (!n.IsScalar()) return Err(n, what + " must be a string");
    *out = n.Scalar();
    if (out->size() > lim_.max_text_bytes)
      return Err(n, what + " is longer than " + std::to_string(lim_.max_text_bytes) + " bytes");
    if (!text::IsValidUtf8(*out)) return Err(n, what + " is not valid UTF-8");
    return Status::Ok();
  }
  Status NonEmpty(const YAML::Node& n, const std::string& what, std::string* out) const {
    KIRA_RETURN_IF_ERROR(Text(n, what, out));
    if (text::Trim(*out).empty()) return Err(n, what + " is empty");
    return Status::Ok();
  }
  Status OneOf(const YAML::Node& n, const std::string& what,
               const std::vector<std::string_view>& allowed, std::string* out) const {
    KIRA_RETURN_IF_ERROR(Text(n, what, out));
    if (std::find(allowed.begin(), allowed.end(), *out) != allowed.end()) return Status::Ok();
    std::string list;
    for (auto a : allowed) list += std::string(list.empty() ? "" : ", ") + std::string(a);
    return Err(n, what + " '" + *out + "' is not one of: " + list);
  }
  Status Number(const YAML::Node& n, const std::string& what, double* out) const {
    auto v = n.IsScalar() ? text::ParseDecimal(n.Scalar()) : Result<double>(Status::Invalid(""));
    if (!v.ok()) return Err(n, what + " must be a number");
    *out = *v;
    return Status::Ok();
  }
  Status Int(const YAML::Node& n, const std::string& what, int lo, int hi, int* out) const {
    double d = 0;
    KIRA_RETURN_IF_ERROR(Number(n, what, &d));
    if (d != std::floor(d) || d < lo || d > hi)
      return Err(n, what + " must be a whole number from " + std::to_string(lo) + " to " +
                        std::to_string(hi));
    *out = static_cast<int>(d);
    return Status::Ok();
  }
  // A string or a list of strings.
  Status Lines(const YAML::Node& n, const std::string& what, size_t max,
               std::vector<std::string>* out) const {
    if (n.IsScalar()) {
      out->emplace_back();
      return NonEmpty(n, what, &out->back());
    }
    if (!n.IsSequence()) return Err(n, what + " must be a string or a list of strings");
    if (n.size() > max) return Err(n, what + " has more than " + std::to_string(max) + " items");
    for (const auto& item : n) {
      out->emplace_back();
      KIRA_RETURN_IF_ERROR(NonEmpty(item, what, &out->back()));
    }
    return Status::Ok();
  }

  // Optional fields of mapping `n`: an absent `key` leaves `out` empty.
  Status OptNonEmpty(const YAML::Node& n, const char* key, const std::string& what,
                     std::optional<std::string>* out) const {
    if (!n[key]) return Status::Ok();
    std::string s;
    KIRA_RETURN_IF_ERROR(NonEmpty(n[key], what, &s));
    *out = std::move(s);
    return Status::Ok();
  }
  Status OptOneOf(const YAML::Node& n, const char* key, const std::string& what,
                  const std::vector<std::string_view>& allowed,
                  std::optional<std::string>* out) const {
    if (!n[key]) return Status::Ok();
    std::string s;
    KIRA_RETURN_IF_ERROR(OneOf(n[key], what, allowed, &s));
    *out = std::move(s);
    return Status::Ok();
  }
  Status OptInt(const YAML::Node& n, const char* key, const std::string& what, int lo, int hi,
                std::optional<int>* out) const {
    if (!n[key]) return Status::Ok();
    int v = 0;
    KIRA_RETURN_IF_ERROR(Int(n[key], what, lo, hi, &v));
    *out = v;
    return Status::Ok();
  }

  const std::string& path() const { return path_; }
  const CorpusLimits& limits() const { return lim_; }

 private:
  std::string path_;
  const CorpusLimits& lim_;
};

const std::vector<std::string_view> kUnits = {"m2", "box", "piece", "kg", "none"};
const std::vector<std::string_view> kDays = {
    "today",    "tomorrow", "day_after_tomorrow", "monday", "tuesday", "wednesday",
    "thursday", "friday",   "saturday",           "sunday"};
const std::vector<std::string_view> kParts = {"morning", "afternoon", "evening"};
const std::vector<std::string_view> kFulfilment = {"pickup", "delivery"};

Status ParseProduct(const Reader& r, const YAML::Node& n, ProductLabel* out) {
  KIRA_RETURN_IF_ERROR(r.Keys(n, "product", {"sku", "skus", "category", "not_sold"}));
  if (n.size() != 1) return r.Err(n, "product takes exactly one of sku, skus, category, not_sold");
  if (n["sku"]) {
    out->skus.emplace_back();
    return r.NonEmpty(n["sku"], "product sku", &out->skus.back());
  }
  if (n["skus"]) {
    const YAML::Node& s = n["skus"];
    if (!s.IsSequence() || s.size() == 0) return r.Err(s, "product skus must be a list of skus");
    KIRA_RETURN_IF_ERROR(r.Lines(s, "product skus", r.limits().max_list, &out->skus));
    return Status::Ok();
  }
  if (n["category"]) return r.NonEmpty(n["category"], "product category", &out->category);
  const YAML::Node& ns = n["not_sold"];
  if (!ns.IsScalar() || ns.Scalar() != "true")
    return r.Err(ns, "product not_sold must be true (leave product out otherwise)");
  out->not_sold = true;
  return Status::Ok();
}

Status ParseCallback(const Reader& r, const YAML::Node& n, CallbackLabel* out) {
  KIRA_RETURN_IF_ERROR(r.Keys(n, "callback", {"day", "hour", "minute", "in_minutes", "part"}));
  if (n.size() == 0) return r.Err(n, "callback needs at least one of its fields");
  KIRA_RETURN_IF_ERROR(r.OptOneOf(n, "day", "callback day", kDays, &out->day));
  KIRA_RETURN_IF_ERROR(r.OptInt(n, "hour", "callback hour", 0, 23, &out->hour));
  KIRA_RETURN_IF_ERROR(r.OptInt(n, "minute", "callback minute", 0, 59, &out->minute));
  KIRA_RETURN_IF_ERROR(
      r.OptInt(n, "in_minutes", "callback in_minutes", 1, 60 * 24 * 31, &out->in_minutes));
  KIRA_RETURN_IF_ERROR(r.OptOneOf(n, "part", "callback part", kParts, &out->part));
  return Status::Ok();
}

Status ParseSlots(const Reader& r, const YAML::Node& n, SlotLabels* out) {
  KIRA_RETURN_IF_ERROR(r.Keys(n, "slots",
                              {"quantity", "product", "name", "fulfilment", "address", "callback",
                               "manager", "phone", "choice"}));
  if (const YAML::Node& q = n["quantity"]) {
    KIRA_RETURN_IF_ERROR(r.Keys(q, "quantity", {"value", "unit"}));
    if (!q["value"] || !q["unit"]) return r.Err(q, "quantity needs value and unit");
    QuantityLabel l;
    KIRA_RETURN_IF_ERROR(r.Number(q["value"], "quantity value", &l.value));
    if (l.value <= 0) return r.Err(q["value"], "quantity value must be positive");
    KIRA_RETURN_IF_ERROR(r.OneOf(q["unit"], "quantity unit", kUnits, &l.unit));
    out->quantity = l;
  }
  if (const YAML::Node& p = n["product"]) {
    ProductLabel l;
    KIRA_RETURN_IF_ERROR(ParseProduct(r, p, &l));
    out->product = l;
  }
  KIRA_RETURN_IF_ERROR(r.OptNonEmpty(n, "name", "name", &out->name));
  KIRA_RETURN_IF_ERROR(r.OptOneOf(n, "fulfilment", "fulfilment", kFulfilment, &out->fulfilment));
  KIRA_RETURN_IF_ERROR(r.OptNonEmpty(n, "address", "address", &out->address));
  if (const YAML::Node& c = n["callback"]) {
    CallbackLabel l;
    KIRA_RETURN_IF_ERROR(ParseCallback(r, c, &l));
    out->callback = l;
  }
  KIRA_RETURN_IF_ERROR(r.OptNonEmpty(n, "manager", "manager", &out->manager));
  KIRA_RETURN_IF_ERROR(r.OptNonEmpty(n, "phone", "phone", &out->phone));
  if (const std::optional<std::string>& s = out->phone) {
    bool e164 = s->size() >= 8 && s->size() <= 16 && (*s)[0] == '+' &&
                std::all_of(s->begin() + 1, s->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!e164) return r.Err(n["phone"], "phone '" + *s + "' is not E.164 (+79161234567)");
  }
  if (const YAML::Node& c = n["choice"]) {
    int v = 0;
    if (c.IsScalar() && c.Scalar() == "last") {
      out->choice = "last";
    } else {
      KIRA_RETURN_IF_ERROR(r.Int(c, "choice (1, 2, … or last)", 1, 100, &v));
      out->choice = std::to_string(v);
    }
  }
  return Status::Ok();
}

Status ParseUtterance(const Reader& r, const YAML::Node& n, Utterance* out) {
  KIRA_RETURN_IF_ERROR(r.Keys(n, "utterance", {"text", "after", "intents", "slots"}));
  out->line = r.Line(n);
  if (!n["text"]) return r.Err(n, "utterance has no text");
  KIRA_RETURN_IF_ERROR(r.NonEmpty(n["text"], "text", &out->text));
  if (!n["after"]) return r.Err(n, "utterance has no 'after' (the pending question; none)");
  std::string after;
  KIRA_RETURN_IF_ERROR(r.Text(n["after"], "after", &after));
  auto pending = dialog::ParseExpect(after);
  if (!pending)
    return r.Err(n["after"], "after '" + after + "' is not a pending question (docs/eval.md)");
  out->after = *pending;
  if (!n["intents"]) return r.Err(n, "utterance has no intents (write [] for none)");
  const YAML::Node& in = n["intents"];
  if (!in.IsSequence()) return r.Err(in, "intents must be a list");
  if (in.size() > r.limits().max_list) return r.Err(in, "too many intents");
  std::vector<std::string_view> labels(std::begin(dialog::kIntentLabels),
                                       std::end(dialog::kIntentLabels));
  for (const auto& i : in) {
    std::string s;
    KIRA_RETURN_IF_ERROR(r.OneOf(i, "intent", labels, &s));
    if (std::find(out->intents.begin(), out->intents.end(), s) != out->intents.end())
      return r.Err(i, "intent '" + s + "' is listed twice");
    out->intents.push_back(s);
  }
  if (n["slots"] && !n["slots"].IsNull())
    KIRA_RETURN_IF_ERROR(ParseSlots(r, n["slots"], &out->slots));
  return Status::Ok();
}

Status ParseExpectBlock(const Reader& r, const YAML::Node& n, ConversationExpect* out) {
  KIRA_RETURN_IF_ERROR(r.Keys(
      n, "expect", {"outcome", "reason", "order", "name", "fulfilment", "address_contains"}));
  if (!n["outcome"]) return r.Err(n, "expect has no outcome");
  std::vector<std::string_view> outcomes;
  for (const auto& row : crm::kOutcomeTable) outcomes.push_back(row.name);
  KIRA_RETURN_IF_ERROR(r.OneOf(n["outcome"], "outcome", outcomes, &out->outcome));
  std::string s;
  if (n["reason"]) {
    std::vector<std::string_view> reasons;
    for (const auto& row : crm::kNonTargetedReasonTable) reasons.push_back(row.name);
    KIRA_RETURN_IF_ERROR(r.OneOf(n["reason"], "reason", reasons, &s));
    out->reason = s;
  }
  if (const YAML::Node& o = n["order"]) {
    if (!o.IsSequence() || o.size() == 0)
      return r.Err(o, "order must be a list of {sku, qty} lines");
    if (o.size() > r.limits().max_list) return r.Err(o, "too many order lines");
    out->order.emplace();
    for (const auto& line : o) {
      KIRA_RETURN_IF_ERROR(r.Keys(line, "order line", {"sku", "qty"}));
      OrderLineExpect l;
      if (!line["sku"]) return r.Err(line, "order line has no sku");
      KIRA_RETURN_IF_ERROR(r.NonEmpty(line["sku"], "order sku", &l.sku));
      if (line["qty"]) {
        double q = 0;
        KIRA_RETURN_IF_ERROR(r.Number(line["qty"], "order qty", &q));
        if (q <= 0) return r.Err(line["qty"], "order qty must be positive");
        l.qty = q;
      }
      out->order->push_back(l);
    }
  }
  KIRA_RETURN_IF_ERROR(r.OptNonEmpty(n, "name", "name", &out->name));
  KIRA_RETURN_IF_ERROR(r.OptOneOf(n, "fulfilment", "fulfilment", kFulfilment, &out->fulfilment));
  if (n["address_contains"]) {
    KIRA_RETURN_IF_ERROR(r.NonEmpty(n["address_contains"], "address_contains", &s));
    out->address_contains = s;
  }
  return Status::Ok();
}

Status ParseConversation(const Reader& r, const YAML::Node& n, const std::string& agent,
                         ConversationSpec* out) {
  KIRA_RETURN_IF_ERROR(
      r.Keys(n, "conversation", {"id", "caller", "opening", "answers", "turns", "task", "expect"}));
  out->line = r.Line(n);
  if (!n["id"]) return r.Err(n, "conversation has no id");
  KIRA_RETURN_IF_ERROR(r.NonEmpty(n["id"], "id", &out->id));
  if (n["caller"]) {
    KIRA_RETURN_IF_ERROR(r.NonEmpty(n["caller"], "caller", &out->caller));
  }
  bool sim = n["opening"] || n["answers"];
  if (sim && n["turns"])
    return r.Err(n, "conversation '" + out->id + "' has both opening/answers and turns");
  if (n["turns"]) {
    out->scripted = true;
    const YAML::Node& t = n["turns"];
    if (!t.IsSequence() || t.size() == 0) return r.Err(t, "turns must be a list of lines");
    KIRA_RETURN_IF_ERROR(r.Lines(t, "turn", r.limits().max_lines, &out->turns));
  } else {
    if (!n["opening"])
      return r.Err(n, "conversation '" + out->id + "' needs opening (+ answers) or turns");
    KIRA_RETURN_IF_ERROR(r.NonEmpty(n["opening"], "opening", &out->opening));
    if (const YAML::Node& a = n["answers"]) {
      if (!a.IsMap()) return r.Err(a, "answers must map a pending question to lines");
      for (const auto& kv : a) {
        std::string key = kv.first.Scalar();
        if (!dialog::ParseExpect(key))
          return r.Err(kv.first, "unknown key '" + key + "' in answers (a pending question: " +
                                     dialog::ExpectNames() + ")");
        if (out->answers.count(key)) return r.Err(kv.first, "duplicate key '" + key + "'");
        KIRA_RETURN_IF_ERROR(
            r.Lines(kv.second, "answer '" + key + "'", r.limits().max_lines, &out->answers[key]));
        if (out->answers[key].empty()) return r.Err(kv.second, "answer '" + key + "' is empty");
      }
    }
  }
  if (const YAML::Node& t = n["task"]) {
    if (agent != "vera") return r.Err(t, "task is for Vera's conversations (agent: vera)");
    KIRA_RETURN_IF_ERROR(r.Keys(t, "task", {"interest", "source", "note"}));
    TaskSpec ts;
    if (t["interest"]) KIRA_RETURN_IF_ERROR(r.Text(t["interest"], "task interest", &ts.interest));
    if (t["source"]) KIRA_RETURN_IF_ERROR(r.NonEmpty(t["source"], "task source", &ts.source));
    if (t["note"]) KIRA_RETURN_IF_ERROR(r.Text(t["note"], "task note", &ts.note));
    out->task = ts;
  } else if (agent == "vera") {
    return r.Err(n, "Vera's conversation '" + out->id + "' needs the task she calls for");
  }
  if (!n["expect"]) return r.Err(n, "conversation '" + out->id + "' has no expect");
  return ParseExpectBlock(r, n["expect"], &out->expect);
}

Status ParseRoot(const Reader& r, const YAML::Node& root, CorpusFile* f) {
  if (!root.IsMap()) return Status::Invalid(r.path() + ": not a mapping of profile/agent/lang/…");
  KIRA_RETURN_IF_ERROR(
      r.Keys(root, "the file", {"profile", "agent", "lang", "utterances", "conversations"}));
  for (const char* k : {"profile", "agent", "lang"})
    if (!root[k]) return Status::Invalid(r.path() + ": missing key '" + k + "'");
  std::string profile;
  KIRA_RETURN_IF_ERROR(r.NonEmpty(root["profile"], "profile", &profile));
  fs::path pp(profile);
  if (pp.is_relative()) pp = fs::path(r.path()).parent_path() / pp;
  f->profile = pp.lexically_normal().string();
  KIRA_RETURN_IF_ERROR(r.OneOf(root["agent"], "agent", {"kira", "vera"}, &f->agent));
  KIRA_RETURN_IF_ERROR(r.OneOf(root["lang"], "lang", {"ru", "en"}, &f->lang));
  if (!root["utterances"] && !root["conversations"])
    return Status::Invalid(r.path() + ": no utterances and no conversations");
  if (const YAML::Node& u = root["utterances"]) {
    if (!u.IsSequence()) return r.Err(u, "utterances must be a list");
    if (u.size() > r.limits().max_items)
      return r.Err(u, "more than " + std::to_string(r.limits().max_items) + " utterances");
    for (const auto& item : u) {
      Utterance x;
      KIRA_RETURN_IF_ERROR(ParseUtterance(r, item, &x));
      f->utterances.push_back(std::move(x));
    }
  }
  if (const YAML::Node& c = root["conversations"]) {
    if (!c.IsSequence()) return r.Err(c, "conversations must be a list");
    if (c.size() > r.limits().max_items)
      return r.Err(c, "more than " + std::to_string(r.limits().max_items) + " conversations");
    std::set<std::string> ids;
    for (const auto& item : c) {
      ConversationSpec x;
      KIRA_RETURN_IF_ERROR(ParseConversation(r, item, f->agent, &x));
      if (!ids.insert(x.id).second)
        return r.Err(item, "conversation id '" + x.id + "' is used twice");
      f->conversations.push_back(std::move(x));
    }
  }
  return Status::Ok();
}

Result<std::string> ReadLimited(const std::string& path, size_t max) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound(path + ": no such file");
  auto size = fs::file_size(path, ec);
  if (ec) return Status::Io(path + ": " + ec.message());
  if (size > max) return Status::Invalid(path + ": larger than " + std::to_string(max) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<CorpusFile> ParseCorpusFile(const std::string& yaml, const std::string& path,
                                   const CorpusLimits& limits) {
  if (yaml.size() > limits.max_file_bytes)
    return Status::Invalid(path + ": larger than " + std::to_string(limits.max_file_bytes) +
                           " bytes");
  Reader r(path, limits);
  CorpusFile f;
  f.path = path;
  YamlLimits yl;
  yl.max_bytes = limits.max_file_bytes;
  // Duplicate keys, aliases, control characters and size limits: the shared strict parser.
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml, path, yl));
  try {
    KIRA_RETURN_IF_ERROR(ParseRoot(r, root, &f));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return f;
}

Result<CorpusFile> LoadCorpusFile(const std::string& path, const CorpusLimits& limits) {
  KIRA_ASSIGN_OR_RETURN(std::string content, ReadLimited(path, limits.max_file_bytes));
  return ParseCorpusFile(content, path, limits);
}

bool LooksLikeCorpusFile(const std::string& path) {
  auto content = ReadLimited(path, CorpusLimits{}.max_file_bytes);
  if (!content.ok()) return true;  // let the loader report it
  try {
    YAML::Node root = YAML::Load(*content);
    return root.IsMap() && (root["profile"] || root["utterances"] || root["conversations"]);
  } catch (const YAML::Exception&) {
    return true;  // a broken file is reported, not skipped
  }
}

Result<std::vector<std::string>> ExpandCorpusPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".yaml" &&
            LooksLikeCorpusFile(it->path().string()))
          found.push_back(it->path().string());
      }
      if (ec) return Status::Io(p + ": " + ec.message());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      return Status::NotFound(p + ": no such file or directory");
    }
  }
  return out;
}

}  // namespace kira::eval
