#include "core/lemma.h"

#include <algorithm>
#include <hunspell/hunspell.hxx>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/text.h"

#ifndef KIRA_HUNSPELL_DIR
#define KIRA_HUNSPELL_DIR "/usr/share/hunspell"
#endif

namespace kira::text {

namespace {

constexpr size_t kCacheWords = 50000;  // the cache is cleared when it grows past this
constexpr size_t kMaxWordBytes = 96;   // longer "words" are not looked up

struct Dictionary {
  std::mutex mu;
  std::unique_ptr<Hunspell> hs;
  std::unordered_map<std::string, std::vector<std::string>> cache;
};

Dictionary& Dict() {
  static Dictionary* d = [] {
    auto* x = new Dictionary;
    std::string dir = KIRA_HUNSPELL_DIR;
    x->hs = std::make_unique<Hunspell>((dir + "/ru_RU.aff").c_str(), (dir + "/ru_RU.dic").c_str());
    return x;
  }();
  return *d;
}

}  // namespace

std::vector<std::string> Lemmas(std::string_view lower_word) {
  if (lower_word.empty() || lower_word.size() > kMaxWordBytes || !HasCyrillic(lower_word))
    return {};
  Dictionary& d = Dict();
  std::string w(lower_word);
  std::lock_guard<std::mutex> lock(d.mu);
  if (auto it = d.cache.find(w); it != d.cache.end()) return it->second;
  std::vector<std::string> out;
  for (auto& s : d.hs->stem(w)) {
    std::string l = Lower(s);
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
  }
  if (d.cache.size() >= kCacheWords) d.cache.clear();
  d.cache.emplace(std::move(w), out);
  return out;
}

std::string ProperNounLemma(std::string_view word) {
  if (word.empty() || word.size() > kMaxWordBytes || !HasCyrillic(word)) return "";
  std::u32string u = Decode(Lower(word));
  if (u.empty() || u[0] < 0x430 || u[0] > 0x44F) return "";
  u[0] -= 32;  // the dictionary lists proper nouns capitalised
  std::string cap = Encode(u);
  Dictionary& d = Dict();
  std::lock_guard<std::mutex> lock(d.mu);
  std::string key = "\x01" + cap;  // cached apart from Lemmas
  auto it = d.cache.find(key);
  if (it == d.cache.end()) {
    std::vector<std::string> proper;
    for (auto& s : d.hs->stem(cap)) {
      std::u32string l = Decode(s);
      if (!l.empty() && l[0] >= 0x410 && l[0] <= 0x42F) proper.push_back(s);
    }
    if (d.cache.size() >= kCacheWords) d.cache.clear();
    it = d.cache.emplace(std::move(key), std::move(proper)).first;
  }
  return it->second.empty() ? "" : it->second[0];
}

std::string LemmaStem(std::string_view lower_word) {
  std::vector<std::string> l = Lemmas(lower_word);
  return Stem(l.empty() ? lower_word : std::string_view(l[0]));
}

std::vector<std::string> StemKeys(std::string_view lower_word) {
  std::vector<std::string> out = {Stem(lower_word)};
  auto add = [&](std::string k) {
    if (!k.empty() && std::find(out.begin(), out.end(), k) == out.end())
      out.push_back(std::move(k));
  };
  std::vector<std::string> lemmas = Lemmas(lower_word);
  for (const auto& l : lemmas) add(Stem(l));
  if (lemmas.empty() && HasCyrillic(lower_word) && Decode(lower_word).size() >= 8)
    add(Stem(out[0]));
  return out;
}

}  // namespace kira::text
