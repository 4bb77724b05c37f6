// The layer picture of README "How it is built", checked against the build: every kira_*
// library links only libraries of its own or a lower layer, product libraries link no test
// code (gtest, *_testing libraries), and every product source includes headers only from its
// own layer or a layer its library links. CMake writes each library's direct link
// dependencies to KIRA_LAYERS_FILE at configure time (cmake/kira.cmake, kira_write_layers).
// The order below is README's picture; change both together.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace kira {
namespace {

// Lowest first. A layer may depend on the layers before it, never on those after.
const std::vector<std::string> kLayers = {
    "core",      "storage", "business", "catalog", "crm",          "leads", "media", "speech",
    "telephony", "dialog",  "voice",    "dialer",  "voice_dialer", "web",   "eval",  "app"};

struct Target {
  std::string name;               // kira_voice
  std::string dir;                // source dir relative to the checkout: src/voice
  std::vector<std::string> deps;  // direct link dependencies as written in CMake
};

// "kira_web_testing" → "web"; "kira_voice_dialer" → "voice_dialer"; "" for names outside src.
std::string LayerOf(const Target& t) {
  static const std::regex src_dir("^src/([a-z_]+)(/.*)?$");
  std::smatch m;
  if (!std::regex_match(t.dir, m, src_dir)) return "";
  return m[1];
}

int Rank(const std::string& layer) {
  for (size_t i = 0; i < kLayers.size(); ++i)
    if (kLayers[i] == layer) return static_cast<int>(i);
  return -1;
}

bool IsTesting(const std::string& name) {
  return name.size() > 8 && name.compare(name.size() - 8, 8, "_testing") == 0;
}
bool IsGtest(const std::string& dep) {
  return dep.find("gtest") != std::string::npos || dep.find("gmock") != std::string::npos ||
         dep.find("GTest") != std::string::npos;
}

// Violations of the link rules, one message each.
std::vector<std::string> CheckLinks(const std::vector<Target>& targets) {
  std::map<std::string, const Target*> by_name;
  for (const auto& t : targets) by_name[t.name] = &t;
  std::vector<std::string> out;
  for (const auto& t : targets) {
    std::string layer = LayerOf(t);
    if (layer.empty()) continue;  // tests/, bench/, tools/ may link anything
    int rank = Rank(layer);
    if (rank < 0) {
      out.push_back(t.name + " is in src/" + layer + ", a layer not in the layer order");
      continue;
    }
    for (const auto& d : t.deps) {
      if (IsGtest(d) && !IsTesting(t.name)) {
        out.push_back(t.name + " is a product library but links " + d);
        continue;
      }
      auto it = by_name.find(d);
      if (it == by_name.end()) continue;  // an external library
      if (IsTesting(d) && !IsTesting(t.name)) {
        out.push_back(t.name + " is a product library but links the test library " + d);
        continue;
      }
      std::string dl = LayerOf(*it->second);
      if (dl.empty()) {
        out.push_back(t.name + " links " + d + ", which is not a layer's library");
        continue;
      }
      if (Rank(dl) > rank)
        out.push_back(t.name + " (" + layer + ") links " + d + " (" + dl + "), a higher layer");
    }
  }
  return out;
}

std::vector<Target> ReadTargets(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::vector<Target> out;
  std::string line;
  // One line per target: NAME<TAB>DIR<TAB>DEP;DEP;...
  while (std::getline(in, line)) {
    std::istringstream cols(line);
    Target t;
    std::string deps;
    if (!std::getline(cols, t.name, '\t') || !std::getline(cols, t.dir, '\t')) continue;
    std::getline(cols, deps, '\t');
    std::istringstream ds(deps);
    std::string d;
    while (std::getline(ds, d, ';'))
      if (!d.empty()) t.deps.push_back(d);
    out.push_back(std::move(t));
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "\n  " + x;
  return s;
}

TEST(Layering, RulesCatchUpwardAndTestLinks) {
  std::vector<Target> t = {
      {"kira_core", "src/core", {"stemmer"}},
      {"kira_crm", "src/crm", {"kira_core", "kira_dialog"}},
      {"kira_dialog", "src/dialog", {"kira_crm"}},
      {"kira_web", "src/web", {"kira_dialog", "GTest::gtest"}},
      {"kira_web_testing", "src/web/testing", {"kira_web", "GTest::gtest"}},
      {"kira_dialer", "src/dialer", {"kira_web_testing"}},
      {"kira_moon", "src/moon", {"kira_core"}},
  };
  auto v = CheckLinks(t);
  ASSERT_EQ(v.size(), 4u) << Join(v);
  EXPECT_NE(v[0].find("kira_crm (crm) links kira_dialog (dialog), a higher layer"),
            std::string::npos);
  EXPECT_NE(v[1].find("kira_web is a product library but links GTest::gtest"), std::string::npos);
  EXPECT_NE(v[2].find("test library kira_web_testing"), std::string::npos);
  EXPECT_NE(v[3].find("src/moon"), std::string::npos);
}

TEST(Layering, LibrariesLinkOnlyDownwards) {
  auto targets = ReadTargets(KIRA_LAYERS_FILE);
  ASSERT_GT(targets.size(), 8u) << KIRA_LAYERS_FILE;
  auto v = CheckLinks(targets);
  EXPECT_TRUE(v.empty()) << Join(v);
}

// An include of another layer's header needs that layer among the library's link
// dependencies (transitively): what phone_originator.h did without voice declaring it.
TEST(Layering, ProductSourcesIncludeOnlyWhatTheirLibraryLinks) {
  auto targets = ReadTargets(KIRA_LAYERS_FILE);
  std::map<std::string, const Target*> by_name;
  for (const auto& t : targets) by_name[t.name] = &t;
  // Layers reachable from each target.
  std::map<std::string, std::set<std::string>> reach;
  std::function<const std::set<std::string>&(const std::string&)> layers_of;
  layers_of = [&](const std::string& name) -> const std::set<std::string>& {
    auto it = reach.find(name);
    if (it != reach.end()) return it->second;
    auto& s = reach[name];
    const Target* t = by_name.count(name) ? by_name[name] : nullptr;
    if (!t) return s;
    s.insert(LayerOf(*t));
    for (const auto& d : t->deps)
      if (by_name.count(d))
        for (const auto& l : layers_of(d)) reach[name].insert(l);
    return reach[name];
  };
  namespace fs = std::filesystem;
  static const std::regex inc("^\\s*#\\s*include\\s*\"([a-z_]+)/[^\"]+\"");
  // A layer this build leaves out (-DKIRA_VOICE=OFF) is only included under its #if; there is
  // no library to check those includes against.
  std::set<std::string> configured;
  for (const auto& t : targets) configured.insert(LayerOf(t));
  std::vector<std::string> v;
  for (const auto& t : targets) {
    std::string layer = LayerOf(t);
    // Product libraries only; one per folder (a folder's files are read as its library's).
    if (layer.empty() || IsTesting(t.name)) continue;
    const auto& allowed = layers_of(t.name);
    for (const auto& e : fs::directory_iterator(fs::path(KIRA_SOURCE_DIR) / t.dir)) {
      std::string file = e.path().filename().string();
      if (!e.is_regular_file() || file.find("_test.") != std::string::npos) continue;
      if (e.path().extension() != ".h" && e.path().extension() != ".cpp") continue;
      std::ifstream in(e.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (!std::regex_search(line, m, inc)) continue;
        std::string l = m[1];
        if (Rank(l) < 0 || allowed.count(l) || !configured.count(l)) continue;
        v.push_back(t.dir + "/" + file + ":" + std::to_string(n) + " includes " + l + "/ but " +
                    t.name + " does not link the " + l + " layer");
      }
    }
  }
  EXPECT_TRUE(v.empty()) << Join(v);
}

// ---- The web layer has no SQL and no SQLite (issue 11) ----
// It reads and writes through store interfaces (crm::CrmStore, crm::WorkspaceStore,
// catalog::CatalogStore), so a PostgreSQL store can serve it. Checked on the text of every
// C++ file under src/web, tests included: no include of sqlite3.h or storage/sqlite.h, and no
// string literal shaped like an SQL statement.

// The contents of the string literals of C++ source `src` (ordinary, raw, prefixed), each with
// its line; comments and character literals are skipped.
std::vector<std::pair<int, std::string>> StringLiterals(const std::string& src) {
  std::vector<std::pair<int, std::string>> out;
  const size_t n = src.size();
  int line = 1;
  size_t i = 0;
  auto advance = [&](size_t to) {
    for (to = std::min(to, n); i < to; ++i)
      if (src[i] == '\n') ++line;
  };
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (i < n) {
    const char c = src[i];
    if (src.compare(i, 2, "//") == 0) {
      advance(src.find('\n', i));
    } else if (src.compare(i, 2, "/*") == 0) {
      size_t e = src.find("*/", i + 2);
      advance(e == std::string::npos ? n : e + 2);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;  // a number, with its digit separators (1'000)
      while (j < n && (ident(src[j]) || src[j] == '\'' || src[j] == '.')) ++j;
      advance(j);
    } else if (ident(c)) {
      size_t j = i;
      while (j < n && ident(src[j])) ++j;
      const std::string id = src.substr(i, j - i);
      const bool raw = j < n && src[j] == '"' &&
                       (id == "R" || id == "u8R" || id == "uR" || id == "UR" || id == "LR");
      advance(j);
      if (!raw) continue;
      size_t open = src.find('(', j + 1);
      if (open == std::string::npos) break;
      const std::string close = ")" + src.substr(j + 1, open - j - 1) + "\"";
      size_t e = src.find(close, open + 1);
      if (e == std::string::npos) e = n;
      out.emplace_back(line, src.substr(open + 1, e - open - 1));
      advance(e + close.size());
    } else if (c == '"' || c == '\'') {
      std::string lit;
      size_t j = i + 1;
      while (j < n && src[j] != c && src[j] != '\n') {
        if (src[j] == '\\' && j + 1 < n) lit += src[j++];
        lit += src[j++];
      }
      if (c == '"') out.emplace_back(line, lit);
      advance(j + 1);
    } else {
      advance(i + 1);
    }
  }
  return out;
}

// SQL statement shapes, in any case; plain words ("select a file", "update") do not match.
bool LooksLikeSql(const std::string& s) {
  static const std::regex sql(
      R"(\bselect\b[\s\S]*\bfrom\b|\binsert\s+(or\s+\w+\s+)?into\b|\bupdate\s+\w+\s+set\b|)"
      R"(\bdelete\s+from\b|\bcreate\s+(unique\s+)?(table|index|view|trigger)\b|)"
      R"(\bdrop\s+(table|index)\b|\balter\s+table\b|\bpragma\s+\w+|\bsqlite_(master|schema)\b)",
      std::regex::icase);
  return std::regex_search(s, sql);
}

// What in one file breaks the rule, one message each ("web/x.cpp:12: ...").
std::vector<std::string> SqlInFile(const std::string& name, const std::string& text) {
  std::vector<std::string> v;
  static const std::regex inc(
      R"(^\s*#\s*include\s*[<"]([^">]*(sqlite3\.h|storage/sqlite\.h))[">])");
  std::istringstream lines(text);
  std::string l;
  for (int n = 1; std::getline(lines, l); ++n) {
    std::smatch m;
    if (std::regex_search(l, m, inc))
      v.push_back(name + ":" + std::to_string(n) + ": includes " + m[1].str());
  }
  for (const auto& [line, lit] : StringLiterals(text))
    if (LooksLikeSql(lit))
      v.push_back(name + ":" + std::to_string(line) + ": SQL in a string: \"" + lit.substr(0, 60) +
                  "\"");
  return v;
}

TEST(Layering, SqlCheckFindsSqlInLiteralsAndIncludesOnly) {
  const std::string bad =
      "#include <sqlite3.h>\n"
      "#include \"storage/sqlite.h\"\n"
      "auto a = db.Prepare(\"SELECT id FROM leads WHERE x = ?\");\n"
      "auto b = R\"sql(\ninsert or replace into web_state(key) values(1)\n)sql\";\n"
      "auto c = \"DELETE FROM t\";\n";
  auto v = SqlInFile("bad.cpp", bad);
  ASSERT_EQ(v.size(), 5u) << Join(v);
  EXPECT_NE(v[0].find("bad.cpp:1: includes sqlite3.h"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("bad.cpp:2: includes storage/sqlite.h"), std::string::npos) << v[1];
  EXPECT_NE(v[2].find("bad.cpp:3: SQL"), std::string::npos) << v[2];
  EXPECT_NE(v[3].find("bad.cpp:4: SQL"), std::string::npos) << v[3];
  EXPECT_NE(v[4].find("bad.cpp:7: SQL"), std::string::npos) << v[4];  // after the raw string
  // Words in comments, UI text and identifiers are not SQL.
  const std::string fine =
      "// SELECT id FROM leads, in a comment\n"
      "/* DELETE FROM x */ int UPDATE_count = 0;\n"
      "SendError(res, 400, \"select a file to update, then delete it\");\n"
      "char q = '\"'; std::string s = \"a \\\"quoted\\\" word\";\n"
      "#include \"crm/workspace_store.h\"\n";
  EXPECT_TRUE(SqlInFile("fine.cpp", fine).empty()) << Join(SqlInFile("fine.cpp", fine));
}

TEST(Layering, WebHasNoSqlAndNoSqliteInclude) {
  namespace fs = std::filesystem;
  const fs::path web = fs::path(KIRA_SOURCE_DIR) / "src/web";
  std::vector<std::string> v;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(web)) {
    const auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".cc")) continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    for (auto& m : SqlInFile(fs::relative(e.path(), web.parent_path()).string(), text.str()))
      v.push_back(std::move(m));
  }
  EXPECT_GT(files, 20) << web;
  EXPECT_TRUE(v.empty()) << Join(v);
  // Nor does its library link the SQLite layer or SQLite itself.
  for (const auto& t : ReadTargets(KIRA_LAYERS_FILE))
    if (t.name == "kira_web")
      for (const auto& d : t.deps)
        EXPECT_TRUE(d != "kira_storage" && d.find("SQLITE") == std::string::npos &&
                    d.find("sqlite") == std::string::npos)
            << "kira_web links " << d;
}

}  // namespace
}  // namespace kira
