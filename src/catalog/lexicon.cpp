#include "catalog/lexicon.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"
#include "core/yaml_strict.h"

namespace kira::catalog {

namespace {

// yaml-cpp throws; everything stays inside this file and becomes a Status.
struct LexError {
  std::string msg;
};

std::string At(const std::string& name, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return name + ": ";
  return name + " line " + std::to_string(m.line + 1) + ": ";
}

void OnlyKeys(const std::string& name, const std::string& path, const YAML::Node& n,
              const std::set<std::string>& allowed) {
  if (!n.IsMap()) throw LexError{At(name, n) + path + " must be a mapping"};
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw LexError{At(name, kv.first) + path + ": unknown key '" + key + "' (allowed: " + list +
                     ")"};
    }
  }
}

std::string Scalar(const std::string& name, const std::string& path, const YAML::Node& n) {
  if (!n.IsScalar()) throw LexError{At(name, n) + path + " must be text"};
  std::string s = text::Trim(n.as<std::string>());
  if (s.empty()) throw LexError{At(name, n) + path + " is empty"};
  return s;
}

std::vector<std::string> Words(const std::string& name, const std::string& path,
                               const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(Scalar(name, path, n));
    return out;
  }
  if (!n.IsSequence()) throw LexError{At(name, n) + path + " must be a list"};
  for (size_t i = 0; i < n.size(); ++i)
    out.push_back(Scalar(name, path + "[" + std::to_string(i) + "]", n[i]));
  return out;
}

std::vector<LexEntry> Entries(const std::string& name, const std::string& key, const YAML::Node& n,
                              bool with_match = false, bool with_gender = false) {
  std::vector<LexEntry> out;
  if (!n) return out;
  if (!n.IsSequence()) throw LexError{At(name, n) + key + " must be a list of entries"};
  std::set<std::string> values;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string path = key + "[" + std::to_string(i) + "]";
    const YAML::Node e = n[i];
    if (with_match) {
      OnlyKeys(name, path, e, {"value", "name_en", "ru", "en", "match"});
    } else if (with_gender) {
      OnlyKeys(name, path, e, {"value", "name_en", "ru", "en", "gender"});
    } else {
      OnlyKeys(name, path, e, {"value", "name_en", "ru", "en"});
    }
    LexEntry le;
    if (!e["value"]) throw LexError{At(name, e) + path + ": 'value' is required"};
    le.value = Scalar(name, path + ".value", e["value"]);
    if (!values.insert(text::Lower(le.value)).second)
      throw LexError{At(name, e) + path + ": value '" + le.value + "' appears twice in " + key};
    if (e["name_en"]) le.name_en = Scalar(name, path + ".name_en", e["name_en"]);
    if (with_gender && e["gender"]) {
      le.gender = Scalar(name, path + ".gender", e["gender"]);
      if (le.gender != "m" && le.gender != "f" && le.gender != "n" && le.gender != "pl")
        throw LexError{At(name, e["gender"]) + path + ".gender: '" + le.gender +
                       "' is not m, f, n or pl"};
    }
    le.ru = Words(name, path + ".ru", e["ru"]);
    le.en = Words(name, path + ".en", e["en"]);
    if (with_match) {
      le.match = Words(name, path + ".match", e["match"]);
      if (le.match.empty()) throw LexError{At(name, e) + path + ": 'match' is required"};
    }
    out.push_back(std::move(le));
  }
  return out;
}

}  // namespace

Status CheckRelated(const Lexicon& lex, const std::string& name) {
  // Related products must name categories the lexicon knows, or the agent would offer
  // something it cannot find.
  std::set<std::string> cats;
  for (const auto& c : lex.categories) cats.insert(c.value);
  for (size_t i = 0; i < lex.related.size(); ++i) {
    const auto& r = lex.related[i];
    const std::string path = "related[" + std::to_string(i) + "]";
    if (!cats.count(r.category))
      return Status::Invalid(name + ": " + path + ".category '" + r.category +
                             "' is not one of the categories");
    for (const auto& o : r.offer)
      if (!cats.count(o))
        return Status::Invalid(name + ": " + path + ".offer '" + o +
                               "' is not one of the categories");
  }
  return Status::Ok();
}

Result<Lexicon> ParseLexicon(const std::string& yaml, const std::string& name, bool check_related) {
  // Duplicate keys, aliases, control characters and size limits (core/yaml_strict.h).
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml, name));
  try {
    if (!root || root.IsNull()) return Status::Invalid(name + ": the file is empty");
    OnlyKeys(name, "the top level", root,
             {"categories", "colors", "surfaces", "materials", "looks", "not_sold", "related",
              "filler"});
    Lexicon lex;
    lex.categories = Entries(name, "categories", root["categories"], false, /*with_gender=*/true);
    lex.colors = Entries(name, "colors", root["colors"]);
    lex.surfaces = Entries(name, "surfaces", root["surfaces"]);
    lex.materials = Entries(name, "materials", root["materials"]);
    lex.looks = Entries(name, "looks", root["looks"], true);
    lex.not_sold = Entries(name, "not_sold", root["not_sold"]);
    if (const YAML::Node rel = root["related"]) {
      if (!rel.IsSequence()) throw LexError{At(name, rel) + "related must be a list"};
      for (size_t i = 0; i < rel.size(); ++i) {
        const std::string path = "related[" + std::to_string(i) + "]";
        OnlyKeys(name, path, rel[i], {"category", "offer"});
        if (!rel[i]["category"])
          throw LexError{At(name, rel[i]) + path + ": 'category' is required"};
        Lexicon::Related r;
        r.category = Scalar(name, path + ".category", rel[i]["category"]);
        r.offer = Words(name, path + ".offer", rel[i]["offer"]);
        lex.related.push_back(std::move(r));
      }
    }
    if (const YAML::Node f = root["filler"]) {
      OnlyKeys(name, "filler", f, {"ru", "en"});
      for (const char* lang : {"ru", "en"})
        for (auto& w : Words(name, std::string("filler.") + lang, f[lang]))
          lex.filler.push_back(std::move(w));
    }
    if (check_related) KIRA_RETURN_IF_ERROR(CheckRelated(lex, name));
    return lex;
  } catch (const LexError& e) {
    return Status::Invalid(e.msg);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(name + " line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Lexicon> LoadLexicon(const std::string& path, bool check_related) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open lexicon " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  size_t slash = path.find_last_of('/');
  return ParseLexicon(ss.str(), slash == std::string::npos ? path : path.substr(slash + 1),
                      check_related);
}

const char* const* LexiconErrorCodes() {
  static const char* const kCodes[] = {"not_a_mapping",  "unknown_key", "not_text",  "empty",
                                       "not_a_list",     "required",    "duplicate", "bad_gender",
                                       "not_a_category", "empty_file",  "other",     nullptr};
  return kCodes;
}

LexiconError DescribeLexiconError(const std::string& message, const std::string& name) {
  LexiconError e;
  e.code = "other";
  std::string rest = message;
  if (rest.rfind(name, 0) != 0) return e;
  rest = rest.substr(name.size());
  if (rest.rfind(" (", 0) == 0 && rest.find("): ") != std::string::npos)
    rest = rest.substr(rest.find("): ") + 1);  // "lexicon.yaml (over the built-in lexicon): …"
  if (rest.rfind(" line ", 0) == 0) {
    e.line = static_cast<size_t>(std::strtoull(rest.c_str() + 6, nullptr, 10));
    size_t colon = rest.find(": ");
    if (colon == std::string::npos) return e;
    rest = rest.substr(colon);
  }
  if (rest.rfind(": ", 0) != 0) return e;
  rest = rest.substr(2);
  if (rest == "the file is empty") {
    e.code = "empty_file";
    return e;
  }
  // The entry named first: "colors[0].ru[1]", "categories", or "the top level".
  size_t end = 0;
  if (rest.rfind("the top level", 0) == 0) {
    end = 13;
  } else {
    while (end < rest.size() &&
           (std::isalnum(static_cast<unsigned char>(rest[end])) || rest[end] == '_' ||
            rest[end] == '.' || rest[end] == '[' || rest[end] == ']'))
      ++end;
    e.field = rest.substr(0, end);
  }
  const std::string what = rest.substr(end);
  auto quoted = [&](size_t from) {  // the text between the first pair of quotes after `from`
    size_t a = what.find('\'', from);
    size_t b = a == std::string::npos ? a : what.find('\'', a + 1);
    return b == std::string::npos ? std::string() : what.substr(a + 1, b - a - 1);
  };
  auto ends = [&](const std::string& s) {
    return what.size() >= s.size() && what.compare(what.size() - s.size(), s.size(), s) == 0;
  };
  if (what == " must be a mapping") {
    e.code = "not_a_mapping";
  } else if (what.rfind(": unknown key '", 0) == 0) {
    e.code = "unknown_key";
    e.value = quoted(0);
    const std::string al = "(allowed: ";
    if (size_t at = what.find(al); at != std::string::npos && ends(")"))
      e.allowed = what.substr(at + al.size(), what.size() - at - al.size() - 1);
  } else if (what == " must be text") {
    e.code = "not_text";
  } else if (what == " is empty") {
    e.code = "empty";
  } else if (what == " must be a list" || what == " must be a list of entries") {
    e.code = "not_a_list";
  } else if (what.rfind(": '", 0) == 0 && ends("' is required")) {
    e.code = "required";
    e.value = quoted(0);
  } else if (what.rfind(": value '", 0) == 0 &&
             what.find("' appears twice in ") != std::string::npos) {
    e.code = "duplicate";
    e.value = quoted(0);
  } else if (what.rfind(": '", 0) == 0 && ends("' is not m, f, n or pl")) {
    e.code = "bad_gender";
    e.value = quoted(0);
  } else if (what.rfind(" '", 0) == 0 && ends("' is not one of the categories")) {
    e.code = "not_a_category";
    e.value = quoted(0);
  }
  if (e.code == "other") e.field.clear();  // a word of the message, not an entry
  return e;
}

}  // namespace kira::catalog
