// Building the catalog's inverted index and resolving query words against it (catalog_impl.h).
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "catalog/catalog_impl.h"
#include "core/lemma.h"
#include "core/text.h"

namespace kira::catalog {

size_t Letters(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Typo tolerance by word length in letters.
int AllowedEdits(size_t letters) { return letters >= 8 ? 2 : letters >= 5 ? 1 : 0; }

// text::PhoneticKey and, for a Latin word with an "h" between vowels or after a vowel at the end
// ("Grohe": "Грое"), the key without it: a catalog word is found by either ("Rehau" is still
// "Рехау").
std::vector<std::string> PhoneticKeys(std::string_view word) {
  std::vector<std::string> keys = {text::PhoneticKey(word)};
  if (text::HasCyrillic(word)) return keys;
  const std::string lat = text::Lower(word);
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  std::string silent;
  for (size_t i = 0; i < lat.size(); ++i) {
    bool after_vowel = i > 0 && vowel(lat[i - 1]);
    bool before_vowel_or_end = i + 1 == lat.size() || vowel(lat[i + 1]);
    if (lat[i] == 'h' && after_vowel && before_vowel_or_end) continue;
    silent += lat[i];
  }
  if (silent != lat) {
    std::string k = text::PhoneticKey(silent);
    if (k != keys[0]) keys.push_back(std::move(k));
  }
  return keys;
}

void Deletes(const std::string& s, int d, std::unordered_set<std::string>* out) {
  if (d == 0 || s.size() <= 1) return;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string t = s.substr(0, i) + s.substr(i + 1);
    if (out->insert(t).second) Deletes(t, d - 1, out);
  }
}

// Deletes by code point of the written word, prefixed with \x01.
void SurfaceDeletes(std::string_view w, int d, std::unordered_set<std::string>* out) {
  std::unordered_set<std::u32string> dels;
  std::u32string u = text::Decode(w);
  std::vector<std::u32string> frontier = {u};
  for (int k = 0; k < d; ++k) {
    std::vector<std::u32string> next;
    for (const auto& f : frontier) {
      if (f.size() <= 1) continue;
      for (size_t i = 0; i < f.size(); ++i) {
        std::u32string t = f.substr(0, i) + f.substr(i + 1);
        if (dels.insert(t).second) next.push_back(std::move(t));
      }
    }
    frontier = std::move(next);
  }
  out->insert("\x01" + std::string(w));
  for (const auto& del : dels) out->insert("\x01" + text::Encode(del));
}

std::string Join(const std::vector<std::string>& stems, size_t from, size_t n) {
  std::string key;
  for (size_t k = from; k < from + n; ++k) {
    if (k > from) key += ' ';
    key += stems[k];
  }
  return key;
}

std::vector<std::string> Stems(const std::vector<std::string>& toks) {
  std::vector<std::string> out;
  out.reserve(toks.size());
  for (const auto& t : toks) out.push_back(text::Stem(t));
  return out;
}

// Stems of the words' dictionary forms ("белых плиток" → the stems of "белый плитка"): a
// second key for lexicon phrases, where Snowball's stems of two forms of a word differ.
std::vector<std::string> LemmaStems(const std::vector<std::string>& toks) {
  std::vector<std::string> out;
  out.reserve(toks.size());
  for (const auto& t : toks) out.push_back(text::LemmaStem(t));
  return out;
}

}  // namespace

namespace {

// Calls f(token) for each token of s; `cur` is a reusable buffer.
template <typename F>
void ForEachToken(std::string_view s, std::string& cur, F&& f) {
  cur.clear();
  // "5kg", "3mm", "2мм" are a number and a unit, said apart ("a five kilo bag", "three mil"):
  // two words. Codes ("K80", "X7R", "CM14") start with letters and stay one word.
  static const std::string_view kUnits[] = {"kg", "mm", "cm", "ml", "l", "m",
                                            "кг", "мм", "см", "мл", "л", "м"};
  auto flush = [&] {
    if (cur.empty()) return;
    size_t d = 0;
    while (d < cur.size() && (IsDigit(cur[d]) || (cur[d] == '.' && d > 0))) ++d;
    if (d > 0 && d < cur.size() && cur[d - 1] != '.') {
      std::string_view unit = std::string_view(cur).substr(d);
      if (std::find(std::begin(kUnits), std::end(kUnits), unit) != std::end(kUnits)) {
        f(std::string_view(cur).substr(0, d));
        f(unit);
        cur.clear();
        return;
      }
    }
    f(std::string_view(cur));
    cur.clear();
  };
  const size_t n = s.size();
  auto next_is_digit = [&](size_t i) { return i < n && IsDigit(s[i]); };
  for (size_t i = 0; i < n;) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      char ch = static_cast<char>(c);
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      bool prev_digit = !cur.empty() && IsDigit(cur.back());
      if ((ch >= 'a' && ch <= 'z') || IsDigit(ch)) {
        cur += (ch == 'x' && prev_digit && next_is_digit(i + 1)) ? 'x' : ch;
      } else if ((ch == '.' || ch == ',') && prev_digit && next_is_digit(i + 1)) {
        cur += '.';
      } else {
        flush();
      }
      ++i;
      continue;
    }
    // Two-byte sequences: Cyrillic (D0/D1 lead bytes) and '×' (C3 97).
    if (i + 1 < n && (c == 0xD0 || c == 0xD1)) {
      char32_t cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
      if (cp == 0x401 || cp == 0x451) cp = 0x435;
      bool prev_digit = !cur.empty() && IsDigit(cur.back());
      if (cp == 0x445 && prev_digit && next_is_digit(i + 2)) {
        cur += 'x';
      } else if (cp >= 0x430 && cp <= 0x44F) {
        cur += static_cast<char>(0xC0 | (cp >> 6));
        cur += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        flush();
      }
      i += 2;
      continue;
    }
    if (i + 1 < n && c == 0xC3 && static_cast<unsigned char>(s[i + 1]) == 0x97 && !cur.empty() &&
        IsDigit(cur.back()) && next_is_digit(i + 2)) {
      cur += 'x';
      i += 2;
      continue;
    }
    flush();
    ++i;  // skip the rest of this code point
    while (i < n && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  flush();
}

}  // namespace

void TokenizeInto(std::string_view s, std::vector<std::string>* out) {
  std::string cur;
  ForEachToken(s, cur, [&](std::string_view t) { out->emplace_back(t); });
}

std::string SkuKey(std::string_view sku) {
  std::string key, cur;
  ForEachToken(sku, cur, [&](std::string_view t) { key += t; });
  return key;
}

// The Product field of each attribute.
constexpr std::string Product::*kAttrField[kAttrCount] = {
    &Product::category, &Product::color, &Product::surface,   &Product::material,
    &Product::format,   &Product::brand, &Product::collection};

uint32_t Catalog::Impl::Intern(Attr a, const std::string& value, uint32_t product) {
  if (value.empty()) return kNone;
  uint32_t id;
  // Items of one collection usually come together: the previous product's value is the
  // likeliest, and comparing with it is cheaper than hashing.
  const uint32_t prev = product > 0 ? pattr[product - 1][a] : kNone;
  if (prev != kNone && products[product - 1].*kAttrField[a] == value) {
    id = prev;
  } else if (auto raw = attr_raw[a].find(std::string_view(value)); raw != attr_raw[a].end()) {
    id = raw->second;
  } else {
    auto [it, fresh] =
        attr_id[a].emplace(text::Lower(value), static_cast<uint32_t>(attr_value[a].size()));
    if (fresh) {
      attr_value[a].push_back(value);
      attr_postings[a].emplace_back();
      std::vector<uint32_t> ids;
      std::string buf;
      ForEachToken(value, buf, [&](std::string_view t) {
        uint32_t w = AddWord(t);
        if (w != kNone && std::find(ids.begin(), ids.end(), w) == ids.end()) ids.push_back(w);
      });
      if (a == kBrand || a == kCollection)
        for (uint32_t w : ids) word_values[a][w].push_back(it->second);
      attr_tokens[a].push_back(std::move(ids));
    }
    id = it->second;
    attr_raw[a].emplace(value, id);
  }
  attr_postings[a][id].push_back(product);
  return id;
}

int Catalog::Impl::Edits(size_t letters) const {
  return letters > limits.max_typo_letters ? 0 : AllowedEdits(letters);
}

uint32_t Catalog::Impl::AddWord(std::string_view w) {
  if (auto it = word_id.find(w); it != word_id.end()) return it->second;
  const size_t letters = Letters(w);
  if (letters > limits.max_word_letters) return kNone;
  const uint32_t id = static_cast<uint32_t>(words.size());
  word_id.emplace(std::string(w), id);
  Word word;
  word.text = std::string(w);
  word.letters = static_cast<uint16_t>(std::min<size_t>(letters, UINT16_MAX));
  word.alpha = std::none_of(w.begin(), w.end(), [](char c) { return IsDigit(c) || c == '.'; });
  if (word.alpha) {
    word.stem = text::Stem(w);
    word.phon = text::PhoneticKey(w);
    by_stem[word.stem].push_back(id);
    for (const std::string& key : PhoneticKeys(w)) by_phon[key].push_back(id);
    int d = Edits(word.letters);
    if (d > 0) {
      std::unordered_set<std::string> dels;
      dels.insert(word.phon);
      Deletes(word.phon, d, &dels);
      // The written form too: "тиберия" is one letter from "тиберио" but two in phonetic
      // keys (я → ia). Its keys carry a \x01 prefix to keep the two spaces apart.
      SurfaceDeletes(w, d, &dels);
      for (const auto& del : dels) deletes[del].push_back(id);
    }
  }
  words.push_back(std::move(word));
  postings.emplace_back();
  return id;
}

void Catalog::Impl::Build() {
  words.clear();
  word_id.clear();
  sku_key.clear();
  postings.clear();
  by_stem.clear();
  by_phon.clear();
  deletes.clear();
  phrases.clear();
  for (int a = 0; a < kAttrCount; ++a) {
    attr_id[a].clear();
    attr_raw[a].clear();
    attr_tokens[a].clear();
    attr_value[a].clear();
    attr_postings[a].clear();
    word_values[a].clear();
  }
  pattr.assign(products.size(), {});
  packed.assign(products.size(), {});
  units.clear();
  sku_key.reserve(products.size());
  std::vector<std::string> toks;
  std::string buf;
  for (uint32_t i = 0; i < products.size(); ++i) {
    const Product& p = products[i];
    auto& pa = pattr[i];
    pa[kCategory] = Intern(kCategory, p.category, i);
    pa[kColor] = Intern(kColor, p.color, i);
    pa[kSurface] = Intern(kSurface, p.surface, i);
    pa[kMaterial] = Intern(kMaterial, p.material, i);
    pa[kFormat] = Intern(kFormat, p.format, i);
    pa[kBrand] = Intern(kBrand, p.brand, i);
    pa[kCollection] = Intern(kCollection, p.collection, i);
    sku_key.emplace(SkuKey(p.sku), i);
    auto u = std::find(units.begin(), units.end(), p.unit);
    if (u == units.end()) u = units.insert(units.end(), p.unit);
    packed[i].price = static_cast<float>(p.price);
    packed[i].stock = static_cast<float>(p.stock);
    packed[i].name_len = static_cast<uint16_t>(std::min<size_t>(p.name.size(), UINT16_MAX));
    packed[i].unit = static_cast<uint16_t>(u - units.begin());
    packed[i].available = p.stock > 0 && !p.discontinued;
    // The sku is not a vocabulary word (100,000 unique words would swamp the typo index); it
    // is found through sku_key.
    auto post = [&](uint32_t w) {
      auto& list = postings[w];
      if (list.empty() || list.back() != i) list.push_back(i);
    };
    for (int a = 0; a < kAttrCount; ++a)
      if (pa[a] != kNone)
        for (uint32_t w : attr_tokens[a][pa[a]]) post(w);
    ForEachToken(p.name, buf, [&](std::string_view t) {
      if (uint32_t w = AddWord(t); w != kNone) post(w);
    });
  }
  // A household category the catalog itself has ("Ламинат", "Laminate flooring") is never
  // "not sold", whatever the (built-in) lexicon says: its words are skipped when one of its
  // forms, stemmed, runs inside a category value of the catalog.
  std::vector<std::vector<std::string>> category_stems;
  for (const auto& v : attr_value[kCategory]) {
    toks.clear();
    TokenizeInto(v, &toks);
    if (!toks.empty()) category_stems.push_back(Stems(toks));
  }
  auto sold_here = [&](const LexEntry& e) {
    std::vector<const std::string*> forms = {&e.value, &e.name_en};
    for (const auto& w : e.ru) forms.push_back(&w);
    for (const auto& w : e.en) forms.push_back(&w);
    for (const std::string* f : forms) {
      toks.clear();
      TokenizeInto(*f, &toks);
      if (toks.empty()) continue;
      const std::vector<std::string> st = Stems(toks);
      for (const auto& cat : category_stems)
        if (std::search(cat.begin(), cat.end(), st.begin(), st.end()) != cat.end()) return true;
    }
    return false;
  };
  // Lexicon phrases.
  auto add_phrases = [&](const std::vector<LexEntry>& list, ConceptKind kind) {
    for (uint32_t e = 0; e < list.size(); ++e) {
      if (kind == ConceptKind::kNotSold && sold_here(list[e])) continue;
      std::vector<const std::string*> forms = {&list[e].value, &list[e].name_en};
      for (const auto& w : list[e].ru) forms.push_back(&w);
      for (const auto& w : list[e].en) forms.push_back(&w);
      for (const std::string* f : forms) {
        toks.clear();
        TokenizeInto(*f, &toks);
        if (toks.empty()) continue;
        for (const std::string& key :
             {Join(Stems(toks), 0, toks.size()), Join(LemmaStems(toks), 0, toks.size())}) {
          auto& refs = phrases[key];
          bool dup = std::any_of(refs.begin(), refs.end(), [&](const ConceptRef& r) {
            return r.kind == kind && r.entry == e;
          });
          if (!dup) refs.push_back({kind, e});
        }
        max_phrase = std::max(max_phrase, toks.size());
      }
    }
  };
  add_phrases(lex.categories, ConceptKind::kCategory);
  add_phrases(lex.colors, ConceptKind::kColor);
  add_phrases(lex.surfaces, ConceptKind::kSurface);
  add_phrases(lex.materials, ConceptKind::kMaterial);
  add_phrases(lex.looks, ConceptKind::kLook);
  add_phrases(lex.not_sold, ConceptKind::kNotSold);
  look_postings.assign(lex.looks.size(), {});
  for (size_t e = 0; e < lex.looks.size(); ++e) {
    auto& list = look_postings[e];
    for (const auto& m : lex.looks[e].match) {
      toks.clear();
      TokenizeInto(m, &toks);
      for (const auto& t : toks) {
        for (const auto& wm : MatchWord(t)) {
          if (wm.weight < 0.95f) continue;  // the word itself or its stem, no guessing
          const auto& post = postings[wm.word];
          list.insert(list.end(), post.begin(), post.end());
        }
      }
    }
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  // A filler word the catalog's own names or values use ("для кухни" in a plumbing shop's
  // mixers, where kitchen and bath tell two items apart) is a search word there.
  for (const auto& f : lex.filler) {
    toks.clear();
    TokenizeInto(f, &toks);
    if (toks.size() == 1 && Letters(toks[0]) >= 4 && by_stem.count(text::Stem(toks[0]))) continue;
    for (const auto& t : toks) {
      auto& refs = phrases[text::Stem(t)];
      if (refs.empty()) refs.push_back({ConceptKind::kFiller, 0});
    }
  }
  BuildConceptValues();
  BuildCategoryWords();
  indexed = true;
}

std::vector<WordMatch> Catalog::Impl::MatchWord(const std::string& token) const {
  std::vector<WordMatch> out;
  auto add = [&](uint32_t w, float weight) {
    for (auto& m : out)
      if (m.word == w) {
        m.weight = std::max(m.weight, weight);
        return;
      }
    out.push_back({w, weight});
  };
  if (auto it = word_id.find(token); it != word_id.end()) add(it->second, 1.0f);
  bool alpha =
      std::none_of(token.begin(), token.end(), [](char c) { return IsDigit(c) || c == '.'; });
  if (!alpha) {
    // "к80" said for "K80", "ce40" typed for "СЕ40": a code of letters and digits in the other
    // script.
    if (out.empty()) {
      const std::string other =
          text::HasCyrillic(token) ? text::ToLatin(token) : text::ToCyrillic(token);
      if (auto it = word_id.find(other); it != word_id.end()) add(it->second, 0.95f);
    }
    return out;
  }
  if (auto it = by_stem.find(text::Stem(token)); it != by_stem.end())
    for (uint32_t w : it->second) add(w, 0.95f);
  const std::string phon = text::PhoneticKey(token);
  if (auto it = by_phon.find(phon); it != by_phon.end())
    for (uint32_t w : it->second) add(w, 0.9f);
  const size_t letters = Letters(token);
  if (out.empty() && Edits(letters) > 0) {
    std::unordered_set<std::string> keys;
    keys.insert(phon);
    Deletes(phon, Edits(letters), &keys);
    SurfaceDeletes(token, Edits(letters), &keys);
    std::unordered_set<uint32_t> checked;
    for (const auto& k : keys) {
      auto it = deletes.find(k);
      if (it == deletes.end()) continue;
      for (uint32_t w : it->second) {
        if (!checked.insert(w).second) continue;
        int allowed = Edits(std::min<size_t>(letters, words[w].letters));
        if (allowed == 0) continue;
        int d = std::min(text::EditDistance(phon, words[w].phon, allowed),
                         text::EditDistance(token, words[w].text, allowed));
        if (d <= allowed) add(w, d <= 1 ? 0.75f : 0.6f);
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const WordMatch& a, const WordMatch& b) { return a.weight > b.weight; });
  return out;
}

void Catalog::Impl::BuildConceptValues() {
  const std::vector<LexEntry>* lists[4] = {&lex.categories, &lex.colors, &lex.surfaces,
                                           &lex.materials};
  const Attr attrs[4] = {kCategory, kColor, kSurface, kMaterial};
  // A catalog may write a value's words in another order ("Плитка настенная" for the
  // lexicon's "Настенная плитка"): values are also matched by their words, sorted.
  auto word_key = [](const std::string& v) {
    std::vector<std::string> w;
    TokenizeInto(text::Lower(v), &w);
    std::sort(w.begin(), w.end());
    std::string key;
    for (const auto& t : w) key += t + " ";
    return key;
  };
  for (int k = 0; k < 4; ++k) {
    auto& out = concept_values[k];
    out.assign(lists[k]->size(), {});
    std::unordered_map<std::string, uint32_t> by_words;
    for (uint32_t id = 0; id < attr_value[attrs[k]].size(); ++id)
      by_words.emplace(word_key(attr_value[attrs[k]][id]), id);
    for (size_t e = 0; e < lists[k]->size(); ++e) {
      const LexEntry& le = (*lists[k])[e];
      std::vector<const std::string*> forms = {&le.value, &le.name_en};
      for (const auto& w : le.ru) forms.push_back(&w);
      for (const auto& w : le.en) forms.push_back(&w);
      auto& ids = out[e];
      for (const std::string* f : forms) {
        if (f->empty()) continue;
        auto it = attr_id[attrs[k]].find(text::Lower(*f));
        std::optional<uint32_t> id;
        if (it != attr_id[attrs[k]].end()) id = it->second;
        if (!id)
          if (auto w = by_words.find(word_key(*f)); w != by_words.end()) id = w->second;
        if (id && std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
      }
      std::stable_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
        return attr_postings[attrs[k]][a].size() > attr_postings[attrs[k]][b].size();
      });
    }
  }
}

const std::vector<uint32_t>& Catalog::Impl::ConceptValues(const ConceptRef& c) const {
  static const std::vector<uint32_t> kNoValues;
  const int k = static_cast<int>(c.kind);
  if (k < 0 || k >= 4 || c.entry >= concept_values[k].size()) return kNoValues;
  return concept_values[k][c.entry];
}

const LexEntry& Catalog::Impl::Entry(const ConceptRef& c) const {
  switch (c.kind) {
    case ConceptKind::kCategory:
      return lex.categories[c.entry];
    case ConceptKind::kColor:
      return lex.colors[c.entry];
    case ConceptKind::kSurface:
      return lex.surfaces[c.entry];
    case ConceptKind::kMaterial:
      return lex.materials[c.entry];
    case ConceptKind::kLook:
      return lex.looks[c.entry];
    default:
      return lex.not_sold[c.entry];
  }
}

std::vector<Catalog::Impl::Term> Catalog::Impl::Analyze(std::string_view query) const {
  // Bounded whatever the caller sends: the first max_query_bytes (cut at a character
  // boundary), words over max_word_letters dropped, at most max_query_words words.
  if (query.size() > limits.max_query_bytes) {
    size_t cut = limits.max_query_bytes;
    while (cut > 0 && (static_cast<unsigned char>(query[cut]) & 0xC0) == 0x80) --cut;
    query = query.substr(0, cut);
  }
  std::vector<std::string> toks;
  {
    std::string buf;
    ForEachToken(query, buf, [&](std::string_view t) {
      if (toks.size() < limits.max_query_words && Letters(t) <= limits.max_word_letters)
        toks.emplace_back(t);
    });
  }
  const std::vector<std::string> stems = Stems(toks);
  // Phrases are looked up by the words' stems, then by their lemmas' stems ("плиток" is
  // "плитка"), then a lone word by its other stem keys ("керамогранита": text::StemKeys).
  std::vector<std::string> lemma_stems;
  std::vector<Term> terms;
  for (size_t i = 0; i < toks.size();) {
    size_t used = 0;
    const std::vector<ConceptRef>* refs = nullptr;
    for (size_t len = std::min(max_phrase, toks.size() - i); len >= 1 && !refs; --len) {
      auto it = phrases.find(Join(stems, i, len));
      if (it != phrases.end()) {
        refs = &it->second;
        used = len;
      }
    }
    if (!refs && text::HasCyrillic(toks[i])) {
      if (lemma_stems.empty()) lemma_stems = LemmaStems(toks);
      for (size_t len = std::min(max_phrase, toks.size() - i); len >= 1 && !refs; --len) {
        auto it = phrases.find(Join(lemma_stems, i, len));
        if (it != phrases.end()) {
          refs = &it->second;
          used = len;
        }
      }
      if (!refs) {
        std::vector<std::string> keys = text::StemKeys(toks[i]);
        for (size_t k = 1; k < keys.size() && !refs; ++k) {
          auto it = phrases.find(keys[k]);
          if (it != phrases.end()) {
            refs = &it->second;
            used = 1;
          }
        }
      }
    }
    if (refs) {
      bool filler = std::all_of(refs->begin(), refs->end(),
                                [](const ConceptRef& r) { return r.kind == ConceptKind::kFiller; });
      if (!filler) {
        Term t;
        for (size_t k = i; k < i + used; ++k) t.token += (k > i ? " " : "") + toks[k];
        for (const auto& r : *refs)
          if (r.kind != ConceptKind::kFiller) t.concepts.push_back(r);
        // Plain-text fallback for one-word phrases: "серый" also in names and colours the
        // lexicon does not know ("светло-серый").
        if (used == 1) {
          for (const auto& m : MatchWord(toks[i]))
            if (m.weight >= 0.9f) t.words.push_back(m);
        }
        terms.push_back(std::move(t));
      }
      i += used;
      continue;
    }
    Term t;
    t.token = toks[i];
    const std::string& tok = toks[i];
    size_t x = tok.find('x');
    if (x != std::string::npos && x > 0 && x + 1 < tok.size() && IsDigit(tok[0]) &&
        IsDigit(tok[x + 1])) {
      t.format = tok;
      // Callers say sides in either order ("120 на 60"), and in millimetres where the catalog
      // writes centimetres ("six hundred by six hundred" for 60x60) or the other way round;
      // use the catalog's.
      if (!attr_id[kFormat].count(t.format)) {
        const std::string a = tok.substr(0, x), b = tok.substr(x + 1);
        auto scaled = [](const std::string& side, bool down) -> std::string {
          if (side.empty() || !std::all_of(side.begin(), side.end(), IsDigit)) return "";
          if (!down) return side.size() <= 3 ? side + "0" : "";
          return side.size() >= 3 && side.back() == '0' ? side.substr(0, side.size() - 1) : "";
        };
        std::vector<std::pair<std::string, std::string>> tries = {{b, a}};
        for (bool down : {true, false})
          if (!scaled(a, down).empty() && !scaled(b, down).empty()) {
            tries.push_back({scaled(a, down), scaled(b, down)});
            tries.push_back({scaled(b, down), scaled(a, down)});
          }
        for (const auto& [p, q] : tries)
          if (attr_id[kFormat].count(p + "x" + q)) {
            t.format = p + "x" + q;
            break;
          }
      }
    }
    t.words = MatchWord(t.format.empty() ? tok : t.format);
    // "СМ 14" for "CM 14": a short code before a number, typed or recognised in the other
    // script — by the letters' shapes (С=C, М=M) or their sounds (К=K).
    if (i + 1 < toks.size() && IsDigit(toks[i + 1][0]) && Letters(tok) <= 3 &&
        text::HasCyrillic(tok)) {
      for (const std::string& other : {text::CyrillicLookAlikes(tok), text::ToLatin(tok)}) {
        // "к 80" for the code "K80" written as one word.
        for (const std::string& w : {other, other + toks[i + 1]}) {
          auto it = word_id.find(w);
          if (it == word_id.end()) continue;
          bool have = false;
          for (const auto& m : t.words) have = have || m.word == it->second;
          if (!have) t.words.push_back({it->second, 0.9f});
        }
      }
    }
    terms.push_back(std::move(t));
    ++i;
  }
  return terms;
}

// Every word of the catalog's own category names and of the lexicon's phrases for those
// categories, up to "для"/"for" ("клей для плитки" names adhesive, not tile), by stem and by
// the stem of its dictionary form.
void Catalog::Impl::BuildCategoryWords() {
  category_words.clear();
  std::vector<std::string> toks;
  auto add = [&](const std::string& phrase, const std::string& value) {
    toks.clear();
    TokenizeInto(phrase, &toks);
    for (const auto& t : toks) {
      if (t == "для" || t == "for" || t == "на" || t == "под" || t == "of" || t == "and") break;
      if (t.size() < 3) continue;
      for (const std::string& key : {text::Stem(t), text::LemmaStem(t)}) {
        auto& values = category_words[key];
        if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
      }
    }
  };
  const auto& cats = attr_value[kCategory];
  for (const auto& c : cats) add(c, c);
  for (const auto& e : lex.categories) {
    auto it = attr_id[kCategory].find(text::Lower(e.value));
    if (it == attr_id[kCategory].end()) continue;
    const std::string& value = attr_value[kCategory][it->second];
    for (const auto& w : e.ru) add(w, value);
    for (const auto& w : e.en) add(w, value);
    if (!e.name_en.empty()) add(e.name_en, value);
  }
}

}  // namespace kira::catalog
