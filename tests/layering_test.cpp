// The layer picture of README "How it is built", checked against the build: every kira_*
// library links only libraries of its own or a lower layer, product libraries link no test
// code (gtest, *_testing libraries), and every product source includes headers only from its
// own layer or a layer its library links. CMake writes each library's direct link
// dependencies to KIRA_LAYERS_FILE at configure time (cmake/kira.cmake, kira_write_layers).
// The order below is README's picture; change both together.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
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

}  // namespace
}  // namespace kira
