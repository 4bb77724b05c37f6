// Catalog::Search: a query's terms become sets of alternative posting lists (TermAlternatives),
// products are scored term by term, rare terms first (ScoreTerms), then filtered and ranked
// (RankHits). Per-product scratch arrays come from a pool in Catalog::Impl, so Search stays
// const and safe from several threads without thread_local state.
#include <algorithm>
#include <cmath>

#include "catalog/catalog_impl.h"
#include "core/text.h"

namespace kira::catalog {
namespace {

// A plain-text match of a lexicon word ("плитки" in "Клей для плитки") counts at most this
// share of the word's best attribute match, and its weight is scaled by it.
constexpr float kTextShareOfAttribute = 0.8f;
// A sku typed or read out outranks any word: twice the weight of the rarest word.
constexpr float kSkuWeight = 2.0f;
// A term is "common" when more products than this carry it: max(kCommonMinProducts,
// products / kCommonShareDivisor). Met after rarer terms, it only re-scores their candidates.
constexpr size_t kCommonMinProducts = 2000;
constexpr size_t kCommonShareDivisor = 16;
// Re-scoring candidates against a list this many times longer uses binary search.
constexpr size_t kBinarySearchRatio = 16;
constexpr float kNoCap = 1e9f;

bool Available(const Product& p) { return p.stock > 0 && !p.discontinued; }

}  // namespace

// The alternatives of every term that matches anything, rarest term first. `sku_lists` owns
// the one-product lists of sku matches (stable: reserved for every term).
auto Catalog::Impl::TermAlternatives(const std::vector<Term>& terms,
                                     std::vector<std::vector<uint32_t>>* sku_lists) const
    -> std::vector<TermAlts> {
  const Impl& im = *this;
  const double n = static_cast<double>(im.products.size());
  auto idf = [&](size_t df) { return static_cast<float>(std::log(1.0 + n / double(df))); };
  std::vector<TermAlts> work;
  work.reserve(terms.size());
  sku_lists->reserve(terms.size());
  for (const auto& t : terms) {
    TermAlts ta;
    auto add_attr = [&](Attr a, uint32_t id) {
      const auto& list = im.attr_postings[a][id];
      ta.alts.push_back({&list, idf(list.size()), a, id});
    };
    for (const auto& c : t.concepts) {
      if (c.kind == ConceptKind::kNotSold) continue;
      if (c.kind == ConceptKind::kLook) {
        const auto& list = im.look_postings[c.entry];
        if (!list.empty()) ta.alts.push_back({&list, idf(list.size()), -1, 0});
        continue;
      }
      for (uint32_t id : im.ConceptValues(c)) add_attr(AttrOf(c.kind), id);
    }
    if (!t.format.empty()) {
      auto it = im.attr_id[kFormat].find(t.format);
      if (it != im.attr_id[kFormat].end()) add_attr(kFormat, it->second);
    }
    // For a lexicon word the attribute is what counts; its plain-text match may help but never
    // outweighs the attribute.
    float text_cap = kNoCap;
    if (!t.concepts.empty()) {
      float best_attr = 0;
      for (const Alt& a : ta.alts) best_attr = std::max(best_attr, a.contrib);
      if (best_attr > 0) text_cap = kTextShareOfAttribute * best_attr;
    }
    const float text_weight = t.concepts.empty() ? 1.0f : kTextShareOfAttribute;
    for (const auto& w : t.words) {
      const auto& list = im.postings[w.word];
      if (!list.empty()) {
        float c = std::min(text_cap, w.weight * text_weight * idf(list.size()));
        ta.alts.push_back({&list, c, -1, 0});
      }
    }
    if (t.concepts.empty()) {
      if (auto it = im.sku_key.find(SkuKey(t.token)); it != im.sku_key.end()) {
        sku_lists->push_back({it->second});
        ta.alts.push_back({&sku_lists->back(), kSkuWeight * idf(1), -1, 0});
      }
    }
    if (ta.alts.empty()) continue;
    std::sort(ta.alts.begin(), ta.alts.end(),
              [](const Alt& a, const Alt& b) { return a.contrib > b.contrib; });
    for (const Alt& a : ta.alts) ta.df += a.list->size();
    work.push_back(std::move(ta));
  }
  // Rare terms first. A common term ("керамогранит", "серый": a large share of the catalog)
  // met after others only re-scores the candidates already found, by O(1) attribute checks or
  // a binary search, instead of walking its whole list.
  std::stable_sort(work.begin(), work.end(),
                   [](const TermAlts& a, const TermAlts& b) { return a.df < b.df; });
  return work;
}

// A common term only adds to the candidates rarer terms found.
void Catalog::Impl::RescoreCandidates(const TermAlts& ta, const std::vector<uint32_t>& touched,
                                      Scratch& s) const {
  const Impl& im = *this;
  auto credit = [&](uint32_t pid, float contrib) {
    if (s.tstamp[pid] == s.tgen) return;
    s.tstamp[pid] = s.tgen;
    s.score[pid] += contrib;
    ++s.matched[pid];
  };
  for (const Alt& a : ta.alts) {  // best alternative first
    if (a.attr >= 0) {
      for (uint32_t pid : touched)
        if (im.pattr[pid][a.attr] == a.value) credit(pid, a.contrib);
    } else if (touched.size() * kBinarySearchRatio < a.list->size()) {
      for (uint32_t pid : touched)
        if (std::binary_search(a.list->begin(), a.list->end(), pid)) credit(pid, a.contrib);
    } else {
      for (uint32_t pid : *a.list)
        if (s.qstamp[pid] == s.qgen) credit(pid, a.contrib);
    }
  }
}

// Scores every product the terms reach; returns them (the candidates) in first-touched order.
std::vector<uint32_t> Catalog::Impl::ScoreTerms(const std::vector<TermAlts>& work,
                                                Scratch& s) const {
  const Impl& im = *this;
  const size_t common = std::max(kCommonMinProducts, im.products.size() / kCommonShareDivisor);
  std::vector<uint32_t> touched;
  for (const TermAlts& ta : work) {
    s.NextTerm();
    if (ta.df > common && !touched.empty()) {
      RescoreCandidates(ta, touched, s);
      continue;
    }
    for (const Alt& a : ta.alts) {
      for (uint32_t pid : *a.list) {
        if (s.tstamp[pid] == s.tgen) continue;  // already counted for this term (better alt)
        s.tstamp[pid] = s.tgen;
        if (s.qstamp[pid] != s.qgen) {
          s.qstamp[pid] = s.qgen;
          s.score[pid] = 0;
          s.matched[pid] = 0;
          touched.push_back(pid);
        }
        s.score[pid] += a.contrib;
        ++s.matched[pid];
      }
    }
  }
  return touched;
}

// Filter, then rank: score, matched words, available first, more stock, shorter name,
// catalog order.
std::vector<SearchHit> Catalog::Impl::RankHits(const std::vector<uint32_t>& touched,
                                               const SearchOptions& opt, const Scratch& s) const {
  const Impl& im = *this;
  std::vector<uint32_t> cand;
  cand.reserve(touched.size());
  for (uint32_t pid : touched) {
    const Product& p = im.products[pid];
    if (opt.in_stock_only && !Available(p)) continue;
    if (!opt.include_discontinued && p.discontinued) continue;
    if (!opt.category.empty() && p.category != opt.category) continue;
    cand.push_back(pid);
  }
  auto better = [&](uint32_t a, uint32_t b) {
    if (s.score[a] != s.score[b]) return s.score[a] > s.score[b];
    if (s.matched[a] != s.matched[b]) return s.matched[a] > s.matched[b];
    const auto &pa = im.packed[a], &pb = im.packed[b];
    if (pa.available != pb.available) return pa.available;
    // Equal matches: the item the shop has most of is the safest to offer.
    if (pa.stock != pb.stock) return pa.stock > pb.stock;
    if (pa.name_len != pb.name_len) return pa.name_len < pb.name_len;
    return a < b;
  };
  size_t k = std::min(opt.limit, cand.size());
  std::partial_sort(cand.begin(), cand.begin() + static_cast<long>(k), cand.end(), better);
  std::vector<SearchHit> hits;
  for (size_t i = 0; i < k; ++i)
    hits.push_back({&im.products[cand[i]], s.score[cand[i]], s.matched[cand[i]]});
  return hits;
}

void Catalog::Impl::Scratch::Fit(size_t n) {
  if (score.size() < n) {
    score.resize(n);
    matched.resize(n);
    qstamp.resize(n, 0);
    tstamp.resize(n, 0);
  }
  if (++qgen == 0) {  // wrapped: clear stamps
    std::fill(qstamp.begin(), qstamp.end(), 0);
    qgen = 1;
  }
}

void Catalog::Impl::Scratch::NextTerm() {
  if (++tgen == 0) {
    std::fill(tstamp.begin(), tstamp.end(), 0);
    tgen = 1;
  }
}

Catalog::Impl::ScratchLease::ScratchLease(const Impl& im) : im_(im) {
  {
    std::lock_guard<std::mutex> lock(im.scratch_mu);
    if (!im.scratch_free.empty()) {
      s_ = std::move(im.scratch_free.back());
      im.scratch_free.pop_back();
    }
  }
  if (!s_) s_ = std::make_unique<Scratch>();
  s_->Fit(im.products.size());
}

Catalog::Impl::ScratchLease::~ScratchLease() {
  std::lock_guard<std::mutex> lock(im_.scratch_mu);
  im_.scratch_free.push_back(std::move(s_));
}

std::vector<SearchHit> Catalog::Search(std::string_view query, const SearchOptions& opt) const {
  const Impl& im = *impl_;
  if (!im.indexed || im.products.empty() || opt.limit == 0) return {};
  const auto terms = im.Analyze(query);
  if (terms.empty()) return {};
  std::vector<std::vector<uint32_t>> sku_lists;
  const std::vector<Impl::TermAlts> work = im.TermAlternatives(terms, &sku_lists);
  Impl::ScratchLease scratch(im);
  const std::vector<uint32_t> touched = im.ScoreTerms(work, *scratch);
  return im.RankHits(touched, opt, *scratch);
}

}  // namespace kira::catalog
