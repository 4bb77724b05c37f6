// Catalog: products, lookups, search, mentions and analogs over the index in catalog_impl.h.
#include "catalog/catalog.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "catalog/catalog_impl.h"
#include "core/lemma.h"
#include "core/text.h"

namespace kira::catalog {

Catalog::Catalog(Lexicon lexicon, SearchLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->lex = std::move(lexicon);
  impl_->limits = limits;
}
Catalog::~Catalog() = default;
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;

void Catalog::Add(Product p) {
  impl_->indexed = false;
  auto [it, fresh] = impl_->by_sku.emplace(p.sku, static_cast<uint32_t>(impl_->products.size()));
  if (!fresh) {
    impl_->products[it->second] = std::move(p);  // a repeated sku replaces the earlier item
    return;
  }
  impl_->products.push_back(std::move(p));
}

void Catalog::SetDistributor(DistributorStock d) {
  std::string sku = d.sku;
  impl_->distributor[sku] = std::move(d);
}

void Catalog::BuildIndex() { impl_->Build(); }

size_t Catalog::size() const { return impl_->products.size(); }

const Product* Catalog::Find(std::string_view sku) const {
  auto it = impl_->by_sku.find(std::string(sku));
  return it == impl_->by_sku.end() ? nullptr : &impl_->products[it->second];
}

std::optional<DistributorStock> Catalog::Distributor(std::string_view sku) const {
  auto it = impl_->distributor.find(std::string(sku));
  if (it == impl_->distributor.end()) return std::nullopt;
  return it->second;
}

const std::vector<Product>& Catalog::products() const { return impl_->products; }
const Lexicon& Catalog::lexicon() const { return impl_->lex; }

Catalog::Mentions Catalog::Extract(std::string_view query) const {
  const Impl& im = *impl_;
  Mentions m;
  if (!im.indexed) return m;
  const auto terms = im.Analyze(query);
  std::unordered_set<uint32_t> matched;
  std::vector<const std::string*> category_choices;  // a word like "плитка" fits several
  // A concept's value as the catalog writes it ("black" for the entry "черный"), else the
  // lexicon's.
  auto value_of = [&](const ConceptRef& c) -> const std::string& {
    const auto& ids = im.ConceptValues(c);
    if (!ids.empty() && c.kind != ConceptKind::kLook && c.kind != ConceptKind::kNotSold)
      return im.attr_value[AttrOf(c.kind)][ids[0]];
    return im.Entry(c).value;
  };
  for (const auto& t : terms) {
    if (m.category.empty()) {
      for (const auto& c : t.concepts)
        if (c.kind == ConceptKind::kCategory)
          for (uint32_t id : im.ConceptValues(c))
            category_choices.push_back(&im.attr_value[kCategory][id]);
    }
    for (const auto& c : t.concepts) {
      const std::string& v = value_of(c);
      switch (c.kind) {
        case ConceptKind::kCategory:
          if (m.category.empty()) m.category = v;
          break;
        case ConceptKind::kColor:
          if (m.color.empty()) m.color = v;
          break;
        case ConceptKind::kSurface:
          if (m.surface.empty()) m.surface = v;
          break;
        case ConceptKind::kMaterial:
          if (m.material.empty()) m.material = v;
          break;
        case ConceptKind::kLook:
          if (m.look.empty()) m.look = v;
          break;
        case ConceptKind::kNotSold:
          if (m.not_sold.empty()) m.not_sold = v;
          break;
        case ConceptKind::kFiller:
          break;
      }
    }
    if (!t.format.empty() && m.format.empty()) m.format = t.format;
    // A typo match names a brand or collection only for a long word: a five-letter word one
    // letter away is too often another word ("metre" is no "Metro").
    if (t.concepts.empty())
      for (const auto& w : t.words)
        if (w.weight >= 0.9f || Letters(t.token) >= 6) matched.insert(w.word);
  }
  // An ambiguous category word ("плитка": floor or wall tile): prefer the category with the
  // most items that have the format, colour, surface and material asked for.
  if (category_choices.size() > 1) {
    std::vector<std::pair<Attr, uint32_t>> want;
    auto want_attr = [&](Attr a, const std::string& v) {
      if (v.empty()) return;
      auto it = im.attr_id[a].find(text::Lower(v));
      if (it != im.attr_id[a].end()) want.push_back({a, it->second});
    };
    want_attr(kFormat, m.format);
    want_attr(kColor, m.color);
    want_attr(kSurface, m.surface);
    want_attr(kMaterial, m.material);
    size_t best = 0;
    for (const std::string* c : category_choices) {
      auto cid = im.attr_id[kCategory].find(text::Lower(*c));
      if (want.empty() || cid == im.attr_id[kCategory].end()) continue;
      size_t n = 0;
      for (uint32_t pid : im.attr_postings[want[0].first][want[0].second]) {
        bool all = im.pattr[pid][kCategory] == cid->second;
        for (size_t k = 1; all && k < want.size(); ++k)
          all = im.pattr[pid][want[k].first] == want[k].second;
        n += all;
      }
      if (n > best) {
        best = n;
        m.category = *c;
      }
    }
  }
  // A brand or collection is mentioned when all its words are said, or one word of 5+
  // letters that no other brand (collection) has: "марацци", "старлайк". The value with the
  // most words said wins.
  for (Attr a : {kBrand, kCollection}) {
    size_t best_hits = 0, best_len = 0;
    const std::string* best = nullptr;
    std::vector<uint32_t> cands;  // values with at least one word said
    for (uint32_t w : matched)
      if (auto it = im.word_values[a].find(w); it != im.word_values[a].end())
        cands.insert(cands.end(), it->second.begin(), it->second.end());
    std::sort(cands.begin(), cands.end());
    cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    for (uint32_t v : cands) {
      const auto& ws = im.attr_tokens[a][v];
      size_t hit = 0;
      bool distinctive_hit = false;
      for (uint32_t w : ws) {
        if (matched.count(w)) {
          ++hit;
          if (im.words[w].letters >= 5 && im.words[w].alpha && im.word_values[a].at(w).size() == 1)
            distinctive_hit = true;
        }
      }
      bool ok = hit == ws.size() || distinctive_hit;
      if (!ok) continue;
      if (hit > best_hits || (hit == best_hits && ws.size() < best_len)) {
        best_hits = hit;
        best_len = ws.size();
        best = &im.attr_value[a][v];
      }
    }
    if (best) (a == kBrand ? m.brand : m.collection) = *best;
  }
  return m;
}

std::vector<std::string> Catalog::CategoriesNamedBy(std::string_view lower_word) const {
  const Impl& im = *impl_;
  if (!im.indexed || lower_word.empty() || lower_word.size() > 4 * im.limits.max_word_letters)
    return {};
  for (const std::string& key : text::StemKeys(lower_word))
    if (auto it = im.category_words.find(key); it != im.category_words.end()) return it->second;
  if (auto it = im.category_words.find(text::LemmaStem(lower_word)); it != im.category_words.end())
    return it->second;
  return {};
}

bool Catalog::IsCategoryStem(std::string_view stem) const {
  return impl_->indexed && impl_->category_words.count(std::string(stem)) > 0;
}

std::vector<Analog> Catalog::FindAnalogs(const Product& p, size_t limit) const {
  const Impl& im = *impl_;
  std::vector<Analog> out;
  if (!im.indexed || limit == 0) return out;
  // The attribute ids of `p` (it may be a product not in this catalog).
  std::array<uint32_t, kAttrCount> pa;
  const std::string* vals[kAttrCount] = {&p.category, &p.color, &p.surface,   &p.material,
                                         &p.format,   &p.brand, &p.collection};
  for (int a = 0; a < kAttrCount; ++a) {
    auto it = im.attr_id[a].find(text::Lower(*vals[a]));
    pa[a] = it == im.attr_id[a].end() ? kNone : it->second;
  }
  // Analogs come from the same category; a product without a known category has none.
  if (pa[kCategory] == kNone) return out;
  struct Cand {
    uint32_t pid;
    double score;
    double price_gap;
  };
  std::vector<Cand> cands;
  auto self = im.by_sku.find(p.sku);
  const uint32_t self_pid = self == im.by_sku.end() ? kNone : self->second;
  int p_unit = -1;
  for (size_t u = 0; u < im.units.size(); ++u)
    if (im.units[u] == p.unit) p_unit = static_cast<int>(u);
  auto consider = [&](uint32_t pid) {
    const auto& q = im.packed[pid];
    const auto& qa = im.pattr[pid];
    if (qa[kCategory] != pa[kCategory] || !q.available || pid == self_pid) return;
    auto same = [&](Attr a) { return pa[a] != kNone && qa[a] == pa[a]; };
    // Weights make the order lexicographic in practice: the format outweighs everything
    // below it, then the colour, surface, material; brand, collection and price break ties.
    double score = 0;
    if (same(kFormat)) score += 10;
    if (same(kColor)) score += 4;
    if (same(kSurface)) score += 2;
    if (same(kMaterial)) score += 1;
    if (same(kBrand)) score += 0.5;
    if (same(kCollection)) score += 0.5;
    if (!p.unit.empty() && q.unit != p_unit) score -= 5;
    double gap = p.price > 0 ? std::fabs(q.price - p.price) / p.price : 1;
    score += 0.9 * std::max(0.0, 1 - gap);
    cands.push_back({pid, score, gap});
  };
  // Items of the same format outrank all others, so when there are enough of them the rest of
  // the category need not be scanned.
  if (pa[kFormat] != kNone) {
    for (uint32_t pid : im.attr_postings[kFormat][pa[kFormat]]) consider(pid);
  }
  if (cands.size() < limit) {
    cands.clear();
    for (uint32_t pid : im.attr_postings[kCategory][pa[kCategory]]) consider(pid);
  }
  auto better = [](const Cand& a, const Cand& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.price_gap != b.price_gap) return a.price_gap < b.price_gap;
    return a.pid < b.pid;
  };
  size_t k = std::min(limit, cands.size());
  std::partial_sort(cands.begin(), cands.begin() + static_cast<long>(k), cands.end(), better);
  static const char* kCodes[kAttrCount] = {"category", "color", "surface",   "material",
                                           "format",   "brand", "collection"};
  static const Attr kOrder[] = {kCategory, kFormat, kColor,     kSurface,
                                kMaterial, kBrand,  kCollection};
  for (size_t i = 0; i < k; ++i) {
    const Product& q = im.products[cands[i].pid];
    Analog an;
    an.product = &q;
    an.score = cands[i].score;
    for (Attr a : kOrder)
      if (pa[a] != kNone && im.pattr[cands[i].pid][a] == pa[a]) an.reasons.push_back(kCodes[a]);
    double rel = p.price > 0 ? (q.price - p.price) / p.price : 0;
    an.reasons.push_back(rel < -0.1 ? "price_lower" : rel > 0.1 ? "price_higher" : "price_similar");
    out.push_back(std::move(an));
  }
  return out;
}

std::vector<Companion> Catalog::FindRelated(const Product& p, size_t per_category) const {
  const Impl& im = *impl_;
  std::vector<Companion> out;
  if (!im.indexed || per_category == 0) return out;
  auto color = im.attr_id[kColor].find(text::Lower(p.color));
  const uint32_t color_id = color == im.attr_id[kColor].end() ? kNone : color->second;
  for (const auto& rel : im.lex.related) {
    if (rel.category != p.category) continue;
    for (const std::string& cat : rel.offer) {
      auto cid = im.attr_id[kCategory].find(text::Lower(cat));
      if (cid == im.attr_id[kCategory].end()) continue;
      std::vector<uint32_t> cands;
      for (uint32_t pid : im.attr_postings[kCategory][cid->second])
        if (im.packed[pid].available) cands.push_back(pid);
      auto same_color = [&](uint32_t pid) {
        return color_id != kNone && im.pattr[pid][kColor] == color_id;
      };
      size_t k = std::min(per_category, cands.size());
      std::partial_sort(cands.begin(), cands.begin() + static_cast<long>(k), cands.end(),
                        [&](uint32_t a, uint32_t b) {
                          if (same_color(a) != same_color(b)) return same_color(a);
                          if (im.packed[a].stock != im.packed[b].stock)
                            return im.packed[a].stock > im.packed[b].stock;
                          return a < b;
                        });
      for (size_t i = 0; i < k; ++i) {
        Companion c;
        c.category = cat;
        c.product = &im.products[cands[i]];
        c.reasons.push_back("related");
        if (same_color(cands[i])) c.reasons.push_back("color");
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace kira::catalog
