// Internal to Catalog: the inverted index behind Search/Extract/FindAnalogs.
//
// Every product's text (name, sku, category, brand, collection, format, colour, surface,
// material) is split into words; each distinct word gets an id with its Snowball stem, its
// phonetic key (text::PhoneticKey: Latin and Cyrillic spellings meet) and a posting list of
// products. Typos are found through a deletion index over phonetic keys (SymSpell): a word of 5+
// letters tolerates one edit, 8+ letters two, up to SearchLimits::max_typo_letters; words over
// max_word_letters are skipped, in products and in queries. Lexicon phrases (colours, categories,
// English words) resolve to attribute values with their own posting lists.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"

namespace kira::catalog {

enum Attr : int {
  kCategory,
  kColor,
  kSurface,
  kMaterial,
  kFormat,
  kBrand,
  kCollection,
  kAttrCount
};
constexpr uint32_t kNone = UINT32_MAX;

// Hash for string-keyed maps looked up by string_view without a copy.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using SvMap = std::unordered_map<std::string, V, SvHash, std::equal_to<>>;

// Lower-case letters and digits of a sku, the form a caller's "эс гэ 6226" cannot reach but a
// typed or read-out article can: "SG-622602R" → "sg622602r".
std::string SkuKey(std::string_view sku);

// Fast tokenizer with the same rules as text::Normalize for catalog text: lower-case, ё→е,
// punctuation splits words, "60х60"/"60×60" → "60x60", "7,5" → "7.5".
void TokenizeInto(std::string_view s, std::vector<std::string>* out);

// Characters (code points) of UTF-8 text: the "letters" of the typo rules.
size_t Letters(std::string_view s);

// A word of a query resolved against the vocabulary: (word id, weight in 0..1).
struct WordMatch {
  uint32_t word;
  float weight;
};

// A lexicon concept a phrase can stand for.
enum class ConceptKind { kCategory, kColor, kSurface, kMaterial, kLook, kNotSold, kFiller };
struct ConceptRef {
  ConceptKind kind;
  uint32_t entry;  // index into the lexicon list of that kind (unused for filler)
};

// The attribute a category, colour, surface or material concept names.
inline Attr AttrOf(ConceptKind k) {
  switch (k) {
    case ConceptKind::kCategory:
      return kCategory;
    case ConceptKind::kColor:
      return kColor;
    case ConceptKind::kSurface:
      return kSurface;
    default:
      return kMaterial;
  }
}

struct Catalog::Impl {
  Lexicon lex;
  SearchLimits limits;
  std::vector<Product> products;
  std::unordered_map<std::string, uint32_t> by_sku;
  std::unordered_map<std::string, DistributorStock> distributor;
  bool indexed = false;

  // Vocabulary.
  struct Word {
    std::string text, stem, phon;
    uint16_t letters = 0;
    bool alpha = false;  // letters only (stems, phonetic keys and typos apply)
  };
  std::vector<Word> words;
  SvMap<uint32_t> word_id;
  SvMap<uint32_t> sku_key;                      // SkuKey(sku) → product
  std::vector<std::vector<uint32_t>> postings;  // word → products (ascending)
  std::unordered_map<std::string, std::vector<uint32_t>> by_stem, by_phon, deletes;

  // Attributes, interned per kind; lookup by lower-case value.
  std::array<std::unordered_map<std::string, uint32_t>, kAttrCount> attr_id;
  std::array<SvMap<uint32_t>, kAttrCount> attr_raw;  // value as written → id (skips Lower)
  // Vocabulary words of each attribute value, tokenised once per value.
  std::array<std::vector<std::vector<uint32_t>>, kAttrCount> attr_tokens;
  std::array<std::vector<std::string>, kAttrCount> attr_value;
  std::array<std::vector<std::vector<uint32_t>>, kAttrCount> attr_postings;
  std::vector<std::array<uint32_t, kAttrCount>> pattr;
  // What FindAnalogs and ranking read per product, packed so a scan does not touch Products.
  struct Packed {
    float price = 0;
    float stock = 0;
    uint16_t name_len = 0;
    uint16_t unit = 0;       // index into units
    bool available = false;  // stock > 0 and not discontinued
  };
  std::vector<Packed> packed;
  std::vector<std::string> units;
  // Brand and collection values containing a word (for Extract).
  std::array<std::unordered_map<uint32_t, std::vector<uint32_t>>, kAttrCount> word_values;

  // The catalog's values each lexicon entry of a category, colour, surface or material stands
  // for: its value, English name or one of its forms, as the catalog writes it ("black" and
  // "Черный" are both the entry "черный"). Indexed by kind (ConceptKind up to kMaterial), then
  // entry; the most common value first.
  std::array<std::vector<std::vector<uint32_t>>, 4> concept_values;
  const std::vector<uint32_t>& ConceptValues(const ConceptRef& c) const;
  void BuildConceptValues();

  // Products with each lexicon look (ascending), from its `match` words.
  std::vector<std::vector<uint32_t>> look_postings;

  // Lexicon phrases: stems joined by ' ' → concepts.
  std::unordered_map<std::string, std::vector<ConceptRef>> phrases;
  // Head-noun words (by stem and lemma stem) → the catalog's category values they name.
  std::unordered_map<std::string, std::vector<std::string>> category_words;
  size_t max_phrase = 1;

  void Build();
  void BuildCategoryWords();
  uint32_t Intern(Attr a, const std::string& value, uint32_t product);
  // kNone for a word over limits.max_word_letters (not indexed).
  uint32_t AddWord(std::string_view w);
  // Typo edits a word of that many letters may have (0 past limits.max_typo_letters).
  int Edits(size_t letters) const;
  // Vocabulary words that a query word stands for, best first.
  std::vector<WordMatch> MatchWord(const std::string& token) const;

  // A query split into terms (after lexicon phrases and filler are resolved).
  struct Term {
    std::string token;                 // the query text of the term
    std::vector<ConceptRef> concepts;  // empty for a plain word
    std::string format;                // canonical format when the token is one
    std::vector<WordMatch> words;
  };
  std::vector<Term> Analyze(std::string_view query) const;
  const LexEntry& Entry(const ConceptRef& c) const;

  // Search's per-product arrays (catalog_search.cpp). Stamps mark the products a query (qgen)
  // and a term (tgen) have touched, so the arrays are never cleared between searches.
  struct Scratch {
    std::vector<float> score;
    std::vector<uint16_t> matched;
    std::vector<uint32_t> qstamp, tstamp;
    uint32_t qgen = 0, tgen = 0;
    void Fit(size_t n);  // sizes the arrays and starts a query
    void NextTerm();
  };
  // One Scratch from the pool for the lifetime of a search; concurrent searches each get their
  // own, and the pool keeps at most as many as ever ran at once.
  class ScratchLease {
   public:
    explicit ScratchLease(const Impl& im);
    ~ScratchLease();
    ScratchLease(const ScratchLease&) = delete;
    ScratchLease& operator=(const ScratchLease&) = delete;
    Scratch& operator*() { return *s_; }

   private:
    const Impl& im_;
    std::unique_ptr<Scratch> s_;
  };
  mutable std::mutex scratch_mu;
  mutable std::vector<std::unique_ptr<Scratch>> scratch_free;

  // Search's steps (catalog_search.cpp). Each term is a set of alternative posting lists (an
  // attribute value, vocabulary words, a sku); a product scores the best alternative it is in.
  struct Alt {
    const std::vector<uint32_t>* list;
    float contrib;
    int attr;  // >= 0: membership is pattr[pid][attr] == value (O(1))
    uint32_t value;
  };
  struct TermAlts {
    std::vector<Alt> alts;  // best first
    size_t df = 0;          // sum of the alternatives' list sizes
  };
  // The alternatives of every term that matches anything, rarest term first; `sku_lists` owns
  // the one-product lists of sku matches.
  std::vector<TermAlts> TermAlternatives(const std::vector<Term>& terms,
                                         std::vector<std::vector<uint32_t>>* sku_lists) const;
  // Scores every product the terms reach; returns them in first-touched order.
  std::vector<uint32_t> ScoreTerms(const std::vector<TermAlts>& work, Scratch& s) const;
  // A common term only adds to the candidates rarer terms found.
  void RescoreCandidates(const TermAlts& ta, const std::vector<uint32_t>& touched,
                         Scratch& s) const;
  std::vector<SearchHit> RankHits(const std::vector<uint32_t>& touched, const SearchOptions& opt,
                                  const Scratch& s) const;
};

}  // namespace kira::catalog
