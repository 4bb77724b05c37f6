// Catalog: the in-memory, searchable view of the shop's products and the distributor's stock.
// Loaded from the store at start-up (catalog_store.h); the dialog engine asks it everything it
// says about products, so every price and quantity spoken comes from here.
//
//   catalog::Catalog cat(lexicon);
//   cat.Add(product);  ...  cat.BuildIndex();
//   auto hits = cat.Search("монте тиберио серый 60x60");   // canonical text (text::Canonical)
//   auto analogs = cat.FindAnalogs(*hits[0].product, 3);
//
// Search matches each query word against the products' words (name, category, brand,
// collection, format, colour, surface, material) by exact form, Snowball stem (case endings),
// phonetic key (Latin/Cyrillic spellings: "церезит" = "Ceresit") and, for words of 5+ letters,
// one typo (two for 8+). Lexicon phrases ("grey", "porcelain tile", "серую", "под дерево")
// resolve to attribute values or looks; filler words ("у вас есть", "do you have") are skipped; a
// read-out sku matches its product. Words are weighted by rarity (idf); ties go to available items,
// then to the larger stock. Concurrency: after BuildIndex every const method may be called from
// several threads at once (scratch memory is per thread). Add/BuildIndex invalidate pointers
// from earlier results.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/lexicon.h"
#include "catalog/product.h"

namespace kira::catalog {

// Bounds of the index and of every query, so Search and Extract cost O(limits) whatever the
// text (probe F1: a 600-letter word in a query cost 2.1 GB and 4 s, 900 letters crashed the
// request): typo keys grow with the square of a word's length.
struct SearchLimits {
  // Longer words are neither indexed nor looked up (no product or caller says one).
  size_t max_word_letters = 48;
  // Longer words get no typo tolerance (exact form, stem and phonetic key only).
  size_t max_typo_letters = 24;
  // A query is cut after this many bytes (at a character boundary) ...
  size_t max_query_bytes = 2048;
  // ... and after this many words.
  size_t max_query_words = 32;
};

struct SearchHit {
  const Product* product = nullptr;
  double score = 0;       // higher is better; comparable within one query
  int matched_terms = 0;  // query words that matched this product
};

struct SearchOptions {
  size_t limit = 5;
  bool in_stock_only = false;
  bool include_discontinued = true;
  std::string category;  // restrict to a category (exact, as in the catalog), "" = any
};

// Why an analog was proposed. Codes, not phrases: the dialog renders them from its phrase data.
// Codes: "category", "format", "color", "surface", "material", "brand", "collection",
//        "price_lower", "price_similar", "price_higher".
struct Analog {
  const Product* product = nullptr;
  double score = 0;
  std::vector<std::string> reasons;
};

// A product to offer alongside another ("a renovation needs many things"): grout, adhesive,
// tools for a tile, from the lexicon's `related` list.
struct Companion {
  std::string category;  // the related category, e.g. "Затирка"
  const Product* product = nullptr;
  std::vector<std::string> reasons;  // "related"; plus "color" when it matches the item's colour
};

class Catalog {
 public:
  explicit Catalog(Lexicon lexicon = {}, SearchLimits limits = {});
  ~Catalog();
  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;

  void Add(Product p);
  void SetDistributor(DistributorStock d);
  // Must be called after the last Add and before Search/FindAnalogs.
  void BuildIndex();

  size_t size() const;
  const Product* Find(std::string_view sku) const;
  std::optional<DistributorStock> Distributor(std::string_view sku) const;
  const std::vector<Product>& products() const;
  const Lexicon& lexicon() const;

  // Free speech-like text (already canonical: text::Canonical) → best products.
  std::vector<SearchHit> Search(std::string_view query, const SearchOptions& opt = {}) const;

  // Attributes mentioned in the text, resolved to catalog values (category, colour, format,
  // surface, material, brand, collection, look), for slot filling and clarifying questions.
  // A brand/collection counts when all its words are said, or one 5+-letter word only it has
  // ("марацци", "старлайк"). A word naming several categories ("плитка") resolves to the one
  // with the most items having the other attributes said; else the lexicon's first.
  struct Mentions {
    std::string category, color, format, surface, material, brand, collection;
    std::string look;      // a lexicon look ("дерево": "под дерево", "wood look")
    std::string not_sold;  // a category word the shop does not sell (from the lexicon)
  };
  Mentions Extract(std::string_view query) const;

  // The categories a word names as a head noun ("керамогранита", "плиток", "adhesive"): from
  // the catalog's category names and the lexicon's phrases for them (not the words after
  // "для"/"for"), matched by stem, by the stem of the word's dictionary form and by
  // text::StemKeys. Empty when the word names none. Built once by BuildIndex.
  std::vector<std::string> CategoriesNamedBy(std::string_view lower_word) const;
  // The same by a Snowball stem (text::Stem): whether it names one of the categories.
  bool IsCategoryStem(std::string_view stem) const;

  // In-stock substitutes (shop stock > 0, not discontinued) for a discontinued or out-of-stock
  // item, from the same category, best first. Ranked by format, then colour, surface,
  // material; brand, collection and price closeness break ties; another unit is penalised.
  // Every analog's reasons start with "category" and end with exactly one price code
  // (price_lower: >10% cheaper, price_higher: >10% dearer, else price_similar).
  std::vector<Analog> FindAnalogs(const Product& p, size_t limit = 3) const;

  // For each category the lexicon relates to p's category (in the lexicon's order), up to
  // `per_category` available items: same colour first (grey grout for a grey tile), then the
  // larger stock. Empty when the lexicon relates nothing to that category.
  std::vector<Companion> FindRelated(const Product& p, size_t per_category = 1) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kira::catalog
