// The agents' product flow: finding what the caller means, clarifying, analogs, quantities,
// distributor supply and orders confirmed before they are written (agent_policy.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "catalog/product_fields.h"
#include "core/log.h"
#include "core/text.h"
#include "core/tz.h"
#include "dialog/agent_policy.h"
#include "dialog/grounding.h"
#include "dialog/slots.h"

namespace kira::dialog::policy {

using crm::NonTargetedReason;
using crm::Outcome;

void KiraSession::HandleRequest(Reply& r, const std::string& text, const std::string& canon,
                                const Frame& f) {
  const catalog::Catalog& cat = catalog();
  const ProductLink* link = f.product ? &*f.product : nullptr;
  if (link && !link->mentions.not_sold.empty() &&
      link->confidence == ProductLink::Confidence::kNone) {
    // Told already that the shop does not sell it, the caller names it again ("nah, just the
    // carpet, thanks"): that was all they wanted; saying it a third time would be a loop.
    const bool again =
        nt_reason_ == NonTargetedReason::kNotSold && interest_ == link->mentions.not_sold;
    nt_reason_ = NonTargetedReason::kNotSold;
    interest_ = link->mentions.not_sold;
    if (again) {
      Say(r, "goodbye");
      return EndCall(r);
    }
    std::string what = link->mentions.not_sold;
    if (params_.language != "ru")
      for (const auto& e : cat.lexicon().not_sold)
        if (e.value == what && !e.name_en.empty()) what = e.name_en;
    Say(r, "not_sold", {{"what", what}});
    return Ask(r, "anything_else");
  }
  // A choice among the products we asked about.
  if (stage_ == Stage::kClarify && !candidates_.empty()) {
    // "Монте Тиберио серый матовый" to "which surface?" among other grey matt ones: the
    // request and the answer together name one product that is not among those offered.
    if (!clarify_query_.empty() && !f.choice) {
      ProductLink both = und_->LinkProduct(clarify_query_ + " " + canon);
      const catalog::Product* named = both.best();
      int offered_terms = 0;
      for (const auto& h : both.candidates)
        if (std::find(candidates_.begin(), candidates_.end(), h.product) != candidates_.end())
          offered_terms = std::max(offered_terms, h.matched_terms);
      if (named && std::find(candidates_.begin(), candidates_.end(), named) == candidates_.end() &&
          both.candidates[0].matched_terms > offered_terms) {
        if (f.quantity && f.quantity->unit != "") pending_qty_ = f.quantity;
        candidates_.clear();
        return Present(r, *named, canon);
      }
    }
    const catalog::Product* chosen = ChooseAmong(canon, f.choice);
    if (f.no && !chosen) return Decline(r);
    if (f.quantity && f.quantity->unit != "") pending_qty_ = f.quantity;
    if (chosen) {
      candidates_.clear();
      return Present(r, *chosen, canon);
    }
    // "Белую" among white and blue ones, glossy and matt: fewer candidates, ask what is left.
    auto narrowed = KeepExactMentions(candidates_, catalog().Extract(canon));
    if (narrowed.size() > 1 && narrowed.size() < candidates_.size()) {
      candidates_ = narrowed;
      return AskWhich(r);
    }
    bool new_request =
        link && link->confidence == ProductLink::Confidence::kSure &&
        std::find(candidates_.begin(), candidates_.end(), link->best()) == candidates_.end() &&
        link->candidates[0].matched_terms >= 2;
    if (!new_request && f.quantity) {
      // The quantity came before the choice: keep it and ask the choice again.
      Say(r, "noted_quantity", {{"qty", Num(f.quantity->value)}});
      return AskWhich(r);
    }
    if (!new_request) return Reask(r);
    candidates_.clear();
  }
  // "Двадцать квадратов плитки и четыре мешка клея": every product with its own quantity is
  // its own order line; they are presented one after the other.
  if (stage_ == Stage::kOpen && link && link->confidence != ProductLink::Confidence::kNone) {
    std::vector<Queued> several = SeveralProducts(canon);
    if (!several.empty()) {
      queue_.assign(several.begin() + 1, several.end());
      pending_qty_ = several[0].qty;
      return Present(r, *several[0].product, several[0].canon);
    }
  }
  if (link && link->confidence == ProductLink::Confidence::kSure)
    return Present(r, *link->best(), canon);
  if (link && link->confidence == ProductLink::Confidence::kAmbiguous) {
    // Several good products that differ: ask which one, by what tells them apart.
    std::vector<const catalog::Product*> top;
    for (const auto& h : link->candidates)
      if (top.size() < 3) top.push_back(h.product);
    if (top.size() > 1 && clarifications_ < agent_.phrases.settings().max_clarifications) {
      ++clarifications_;
      candidates_ = top;
      clarify_query_ = canon;
      stage_ = Stage::kClarify;
      return AskWhich(r);
    }
    // Still several after the clarifying questions: never guess one of them.
  }
  // Nothing we can answer (or only a weak match, which is never quoted): clarify, at most
  // max_clarifications times, then offer a manager.
  if (clarifications_ < agent_.phrases.settings().max_clarifications) {
    ++clarifications_;
    stage_ = Stage::kOpen;
    return Ask(r, clarifications_ == 1 ? "clarify_1" : "clarify_2");
  }
  if (!nt_reason_) nt_reason_ = NonTargetedReason::kUnclear;
  stage_ = Stage::kOfferManager;
  Ask(r, "offer_manager");
}

std::vector<KiraSession::Queued> KiraSession::SeveralProducts(const std::string& canon) const {
  std::vector<std::string> parts =
      SplitOrderLines(canon, agent_.phrases.List("order_line_separators"));
  if (parts.size() < 2) return {};
  std::vector<Queued> out;
  std::optional<Quantity> shared;  // "по одной штуке", "one of each": for every product
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    ProductLink link = und_->LinkProduct(part);
    auto q = ExtractQuantity(part, /*bare_allowed=*/false);
    if (q && (q->unit.empty() || q->value <= 0)) q.reset();
    std::vector<std::string> pt = text::Tokens(part);
    bool each = std::find(pt.begin(), pt.end(), "по") != pt.end() ||
                std::find(pt.begin(), pt.end(), "each") != pt.end();
    if (link.confidence != ProductLink::Confidence::kSure) {
      // A part naming no product: its quantity may be the last product's ("…клей Юнис, пять
      // мешков"), or every product's ("…по одной штуке").
      if (q && each)
        shared = q;
      else if (q && !out.empty() && !out.back().qty)
        out.back().qty = q;
      continue;
    }
    if (q && each) shared = q;
    const catalog::Product* p = link.best();
    bool dup = std::any_of(out.begin(), out.end(), [&](const Queued& o) { return o.product == p; });
    if (dup) return {};
    out.push_back({p, q, part});
  }
  if (out.size() < 2) return {};
  for (Queued& o : out)
    if (!o.qty) o.qty = shared;
  // Products said with their own quantities are lines of their own, and so are products each
  // named outright ("the Rubi TZ-850 cutter and a ten mil notched trowel": how many of each is
  // asked in turn). Otherwise the turn is one request (attributes joined by "и", a question
  // about another product).
  bool own_quantities =
      std::none_of(out.begin(), out.end(), [](const Queued& o) { return !o.qty; });
  bool named_outright = std::all_of(out.begin(), out.end(), [&](const Queued& o) {
    ProductLink l = und_->LinkProduct(o.canon);
    return !l.candidates.empty() && l.candidates[0].matched_terms >= 2;
  });
  if (!own_quantities && !named_outright) return {};
  return out;
}

std::vector<KiraSession::DraftLine> KiraSession::AllLines() const {
  std::vector<DraftLine> out = lines_;
  if (product_) out.push_back({product_, qty_, supply_, lead_days_});
  return out;
}

// Drops candidates that contradict an attribute the caller named exactly ("серый" is not
// "темно-серый"), unless that would drop them all.
std::vector<const catalog::Product*> KiraSession::KeepExactMentions(
    std::vector<const catalog::Product*> in, const catalog::Catalog::Mentions& m) {
  auto filter = [&](const std::string& said, std::string catalog::Product::*field) {
    if (said.empty()) return;
    std::vector<const catalog::Product*> out;
    for (const auto* p : in)
      if (text::Lower(p->*field) == text::Lower(said)) out.push_back(p);
    if (!out.empty()) in = out;
  };
  filter(m.color, &catalog::Product::color);
  filter(m.format, &catalog::Product::format);
  filter(m.surface, &catalog::Product::surface);
  filter(m.collection, &catalog::Product::collection);
  filter(m.brand, &catalog::Product::brand);
  return in;
}

// Asks which candidate, by the first attribute that tells them apart ("Какой формат: 60x60
// или 60x120?"), or by name when only names differ.
void KiraSession::AskWhich(Reply& r) {
  struct Attr {
    const char* key;
    std::string catalog::Product::*field;
  };
  static const Attr kAttrs[] = {{"format", &catalog::Product::format},
                                {"color", &catalog::Product::color},
                                {"surface", &catalog::Product::surface},
                                {"collection", &catalog::Product::collection},
                                {"brand", &catalog::Product::brand}};
  auto join = [&](const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += i + 1 == items.size() ? agent_.phrases.Render("or", {}) : ", ";
      out += items[i];
    }
    return out;
  };
  // The attribute whose values tell every candidate apart; else the one that splits them into
  // the most groups (the answer narrows them, and the next question finishes).
  const Attr* partial = nullptr;
  std::vector<std::string> partial_values;
  for (const Attr& a : kAttrs) {
    std::vector<std::string> values;
    for (const auto* c : candidates_) {
      const std::string& v = c->*(a.field);
      if (v.empty()) {
        values.clear();
        break;
      }
      if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
    }
    if (values.size() < 2 || !agent_.phrases.Has(std::string("clarify_") + a.key)) continue;
    if (values.size() == candidates_.size()) {
      for (auto& v : values) v = AttrWord(a.key, v);  // "matt", not "матовый", in English
      return Ask(r, std::string("clarify_") + a.key, {{"options", join(values)}});
    }
    if (!partial || values.size() > partial_values.size()) {
      partial = &a;
      partial_values = values;
    }
  }
  if (partial) {
    for (auto& v : partial_values) v = AttrWord(partial->key, v);
    return Ask(r, std::string("clarify_") + partial->key, {{"options", join(partial_values)}});
  }
  std::vector<std::string> names;
  for (const auto* c : candidates_) names.push_back(SpokenName(*c));
  Ask(r, "clarify_which", {{"options", join(names)}});
}

// Which of the candidates the caller picked: by ordinal ("второй"), or by the words that
// tell them apart ("матовый").
const catalog::Product* KiraSession::ChooseAmong(const std::string& canon,
                                                 const std::optional<int>& choice) const {
  // An attribute named in any of the lexicon's words ("the matte one", "матовую").
  auto narrowed = KeepExactMentions(candidates_, catalog().Extract(canon));
  if (narrowed.size() == 1) return narrowed[0];
  // "Та, что подешевле", "the cheaper one": by price, when the prices differ.
  bool cheaper = false, dearer = false;
  for (const auto& t : text::Tokens(canon)) {
    cheaper = cheaper || t.starts_with("дешев") || t.starts_with("подешев") ||
              t.starts_with("cheap") || t == "бюджетнее" || t == "бюджетный";
    dearer = dearer || t.starts_with("дорож") || t.starts_with("подорож") || t == "дороже" ||
             t.starts_with("expensive") || t == "dearer" || t == "pricier";
  }
  if ((cheaper != dearer) && !candidates_.empty()) {
    const catalog::Product* pick = candidates_[0];
    bool differ = false;
    for (const auto* c : candidates_) {
      if (c->price != pick->price) differ = true;
      if (cheaper ? c->price < pick->price : c->price > pick->price) pick = c;
    }
    if (differ) return pick;
  }
  if (choice) {
    int idx = *choice == -2 ? static_cast<int>(candidates_.size()) - 1 : *choice;
    if (idx >= 0 && idx < static_cast<int>(candidates_.size())) return candidates_[idx];
  }
  std::vector<std::string> said;
  for (const auto& t : text::Tokens(canon)) said.push_back(text::Stem(t));
  const catalog::Product* best = nullptr;
  int best_n = 0;
  bool tie = false;
  for (const auto* c : candidates_) {
    int n = 0;
    for (const auto& t :
         text::Tokens(text::Canonical(SpokenName(*c) + " " + c->surface + " " + c->color))) {
      std::string st = text::Stem(t);
      bool distinct = true;  // count only words not shared by every candidate
      for (const auto* o : candidates_)
        if (o != c &&
            (" " + text::Canonical(SpokenName(*o) + " " + o->surface + " " + o->color) + " ")
                    .find(" " + t + " ") != std::string::npos)
          distinct = false;
      if (!distinct) continue;
      for (const auto& s : said)
        if (s == st) ++n;
    }
    if (n > best_n) {
      best_n = n;
      best = c;
      tie = false;
    } else if (n == best_n && n > 0) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

// Says what we know about a product and moves the conversation on.
void KiraSession::Present(Reply& r, const catalog::Product& p, const std::string& canon) {
  product_ = &p;
  interest_ = p.sku;
  shown_.asked_product = true;
  agreed_.told_minimum = false;
  Vars v = ProductVars(p);
  const catalog::Catalog& cat = catalog();
  if (p.discontinued) {
    OfferAnalogs(r, p, NonTargetedReason::kDiscontinued);
    return;
  }
  auto dist = cat.Distributor(p.sku);
  if (p.stock > 0) {
    Say(r, "in_stock", v);
  } else if (dist && dist->qty > 0) {
    Say(r, "shop_out_distributor_has", v);
    supply_state_.told_sku = p.sku;
    // Needed today, and the distributor takes days: what the shop has now, with the wait still
    // open ("нет, подожду" orders it in).
    if (supply_state_.urgent && dist->lead_days > 0 && !agreed_.distributor_ok) {
      auto q = ExtractQuantity(canon, false);
      if (q && q->unit != "") pending_qty_ = q;
      if (OfferAnalogs(r, p, NonTargetedReason::kOutOfStock, "in_stock_analogs_intro")) {
        supply_state_.waited = &p;
        return;
      }
    }
  } else {
    OfferAnalogs(r, p, NonTargetedReason::kOutOfStock);
    return;
  }
  auto q = ExtractQuantity(canon, false);
  // "Затирка 5 кг" names the bag; "крестики 2 мм, две пачки" counts packs.
  if (q && (q->unit.empty() || q->unit == "кг")) {
    for (double n : NumbersIn(p.name + " " + p.format))
      if (std::fabs(n - q->value) < 1e-9) q.reset();
    if (q && q->value > 0 && q->unit == "") q.reset();
  }
  if (!q && pending_qty_) q = pending_qty_;
  pending_qty_.reset();
  if (q) return HandleQuantity(r, *q);
  stage_ = Stage::kQuantity;
  Ask(r, "ask_quantity", v);
}

bool KiraSession::OfferAnalogs(Reply& r, const catalog::Product& p, crm::NonTargetedReason why,
                               const std::string& intro) {
  auto found = catalog().FindAnalogs(p, agent_.phrases.settings().max_analogs);
  if (found.empty() && !intro.empty()) return false;
  nt_reason_ = why;
  reason_product_ = &p;
  queue_.clear();
  supply_state_.waited = nullptr;
  const std::string reason(crm::Name(why));  // the phrases are named after it
  Vars v = ProductVars(p);
  analogs_.assign(found.begin(), found.end());
  if (analogs_.empty()) {
    Say(r, reason + "_no_analogs", v);
    stage_ = Stage::kOpen;
    Ask(r, "anything_else");
    return true;
  }
  Say(r, intro.empty() ? reason + "_analogs_intro" : intro, v);
  for (size_t i = 0; i < analogs_.size(); ++i) {
    const catalog::Product& a = *analogs_[i].product;
    Vars av = ProductVars(a);
    // What differs from the product asked for, in one short clause: at most two attributes
    // (the name already says their values), then the price ("другой цвет, дешевле").
    std::vector<std::string> parts;
    auto differs = [&](const char* key, const std::string& was, const std::string& is) {
      if (parts.size() >= 2 || was.empty() || is.empty() || text::Lower(was) == text::Lower(is))
        return;
      std::string w = agent_.phrases.Render(std::string("analog_diff_") + key, {});
      if (!w.empty()) parts.push_back(std::move(w));
    };
    differs("format", p.format, a.format);
    differs("color", p.color, a.color);
    differs("surface", p.surface, a.surface);
    differs("collection", p.collection, a.collection);
    differs("brand", p.brand, a.brand);
    if (parts.empty()) parts.push_back(agent_.phrases.Render("analog_diff_none", {}));
    const std::string& price = analogs_[i].reasons.back();  // exactly one price code, last
    if (price.rfind("price_", 0) == 0)
      parts.push_back(agent_.phrases.Render("analog_reason_" + price, {}));
    std::string why;
    for (const auto& w : parts)
      if (!w.empty()) why += (why.empty() ? "" : ", ") + w;
    av["reasons"] = why;
    av["n"] = agent_.phrases.Render("ordinal_" + std::to_string(i + 1), {});
    Say(r, "analog_item", av);
  }
  stage_ = Stage::kAnalogs;
  Ask(r, "analog_question");
  return true;
}

bool KiraSession::Says(const Frame& f, const char* list) const {
  return ContainsAny(f.canonical, agent_.phrases.List(list));
}

void KiraSession::HandleAnalogChoice(Reply& r, const std::string& text, const std::string& canon,
                                     const Frame& f) {
  const catalog::Product* chosen = nullptr;
  if (f.choice) {
    int idx = *f.choice == -2 ? static_cast<int>(analogs_.size()) - 1 : *f.choice;
    if (idx >= 0 && idx < static_cast<int>(analogs_.size())) chosen = analogs_[idx].product;
  }
  // By the words that name an option; a product that matches more of the words than any
  // option is another product named instead ("what about the Monte Tiberio beige, then").
  auto is_option = [&](const catalog::Product* p) {
    for (const auto& a : analogs_)
      if (a.product == p) return true;
    return false;
  };
  const catalog::Product* named = f.product ? f.product->best() : nullptr;
  bool other_named = false;  // another product (or several to choose from) named instead
  if (!chosen) {
    int option_terms = 0;
    for (const auto& h : catalog().Search(canon, Limit(10)))
      if (is_option(h.product) && h.matched_terms >= 1 && !chosen) {
        chosen = h.product;
        option_terms = h.matched_terms;
      }
    if (named && is_option(named)) {
      chosen = named;
    } else if (f.product && !f.product->candidates.empty() &&
               f.product->confidence != ProductLink::Confidence::kWeak &&
               !is_option(f.product->candidates[0].product) &&
               f.product->candidates[0].matched_terms > option_terms) {
      chosen = nullptr;
      other_named = true;
    }
  }
  // An option named in a refusal is refused ("бежевую не хочу, у меня всё в сером", "pink? no
  // way"); "не эту, а вторую" is a choice (f.choice) or a correction.
  if (chosen && !f.choice && f.no && !f.yes && !f.correction && !f.replacement && !other_named &&
      !Says(f, "supply_words"))
    return Decline(r, nt_reason_);
  // "Нет, подожду, закажите": the product the analogs stood in for, from the distributor.
  if (!chosen && supply_state_.waited && Says(f, "supply_words")) {
    const catalog::Product* p = supply_state_.waited;
    agreed_.distributor_ok = true;
    supply_state_.urgent = false;
    return Present(r, *p, canon);
  }
  // Another product named instead of the ones offered ("the slate anthracite, then").
  if (!chosen && other_named && !f.no) {
    stage_ = Stage::kOpen;
    return HandleRequest(r, text, canon, f);
  }
  if (!chosen && f.no) return Decline(r, nt_reason_);
  if (!chosen && f.yes && analogs_.size() == 1) chosen = analogs_[0].product;
  if (f.quantity && f.quantity->unit != "") pending_qty_ = f.quantity;
  if (!chosen) return Reask(r);
  // An analog taken up: the request is the analog's now, no longer "discontinued".
  nt_reason_.reset();
  Present(r, *chosen, canon);
}

void KiraSession::Decline(Reply& r, std::optional<crm::NonTargetedReason> reason) {
  if (reason) nt_reason_ = reason;
  queue_.clear();
  stage_ = Stage::kOpen;
  Say(r, "decline_ok");
  Ask(r, "anything_else");
}

void KiraSession::HandleQuantityAnswer(Reply& r, const std::string& text, const std::string& canon,
                                       const Frame& f) {
  if (f.quantity) return HandleQuantity(r, *f.quantity);
  if (product_ && ApplyCorrection(r, f)) return;
  if (f.no) return Decline(r);
  // A different product instead of a quantity.
  if (f.product && f.product->confidence == ProductLink::Confidence::kSure &&
      f.product->best() != product_) {
    stage_ = Stage::kOpen;
    return HandleRequest(r, text, canon, f);
  }
  Reask(r);
}

// The product of the same collection with the attributes the caller just named ("лучше
// матовый" → the matte one of the same collection, format and colour).
const catalog::Product* KiraSession::Sibling(const catalog::Product& p,
                                             const catalog::Catalog::Mentions& m) const {
  struct Want {
    const std::string* said;
    std::string catalog::Product::*field;
  };
  const Want wants[] = {{&m.surface, &catalog::Product::surface},
                        {&m.color, &catalog::Product::color},
                        {&m.format, &catalog::Product::format}};
  bool changes = false;
  for (const Want& w : wants)
    if (!w.said->empty() && text::Lower(*w.said) != text::Lower(p.*(w.field))) changes = true;
  if (!changes) return nullptr;
  const catalog::Product* best = nullptr;
  int best_same = -1;
  for (const auto& c : catalog().products()) {
    if (&c == &p || c.category != p.category || c.collection != p.collection || c.brand != p.brand)
      continue;
    bool ok = true;
    int same = 0;
    for (const Want& w : wants) {
      if (!w.said->empty()) {
        if (text::Lower(*w.said) != text::Lower(c.*(w.field))) ok = false;
      } else if (c.*(w.field) == p.*(w.field)) {
        ++same;
      }
    }
    if (ok && same > best_same) {
      best = &c;
      best_same = same;
    }
  }
  return best;
}

// The item of the same category, brand and collection whose format has a side the caller said
// and the current one does not ("давайте 170" to Lorena 150x70 → Lorena 170x70), keeping the
// colour and surface; none when two fit as well.
const catalog::Product* KiraSession::SiblingBySide(const catalog::Product& p,
                                                   const std::vector<std::string>& toks) const {
  const std::vector<std::string> own = catalog::FormatSides(p.format);
  const catalog::Product* found = nullptr;
  int best = -1;
  bool tie = false;
  for (const auto& c : catalog().products()) {
    if (&c == &p || c.category != p.category || c.collection != p.collection ||
        c.brand != p.brand || c.format == p.format)
      continue;
    bool hit = false;
    for (const auto& side : catalog::FormatSides(c.format))
      for (const auto& t : toks)
        hit = hit || (t == side && std::find(own.begin(), own.end(), side) == own.end());
    if (!hit) continue;
    // The one that keeps the colour and the surface.
    int same = (c.color == p.color) + (c.surface == p.surface);
    if (same > best) {
      best = same;
      found = &c;
      tie = false;
    } else if (same == best) {
      tie = true;
    }
  }
  return tie ? nullptr : found;
}

bool KiraSession::ApplyCorrection(Reply& r, const Frame& f) {
  const std::vector<std::string> toks = text::Tokens(f.canonical);
  // Another item instead of the one offered ("хотя нет, давайте лучше Церсанит Карину",
  // "actually, I'd rather have the Clevedon") — not one more item ("и ещё затирку").
  const bool instead =
      f.takes_back || (f.correction && std::none_of(toks.begin(), toks.end(), AddsTo));
  const bool offered = stage_ == Stage::kOrderOffer || stage_ == Stage::kConfirmOrder;
  if (f.product) {
    const catalog::Product* sib = Sibling(*product_, f.product->mentions);
    // "Давайте 170" to a 150x70 bath: a side of another format of the same item.
    if (!sib && offered && instead) sib = SiblingBySide(*product_, toks);
    if (!sib && offered && instead && f.product->confidence == ProductLink::Confidence::kSure &&
        f.product->best() != product_)
      sib = f.product->best();
    if (sib) {
      // The quantity said before holds for the corrected product (unless the turn says one).
      pending_qty_ = f.quantity && f.quantity->unit != "" ? f.quantity : requested_;
      Present(r, *sib, "");
      return true;
    }
  } else if (offered && instead) {
    if (const catalog::Product* sib = SiblingBySide(*product_, toks)) {
      pending_qty_ = requested_;
      Present(r, *sib, "");
      return true;
    }
  }
  // The quantity the order already has, said again ("twenty square meters" to "20.16 m², shall
  // I place the order?"), changes nothing: the order step reads it as agreement.
  if (f.quantity && SameQuantity(*f.quantity)) return false;
  // A bare number in a turn that gives an address is the address's ("the house number is 18,
  // not 8").
  if (f.quantity && (f.quantity->unit != "" || (f.correction && !f.address))) {
    HandleQuantity(r, *f.quantity);
    return true;
  }
  if (agreed_.fulfilment_changed && stage_ == Stage::kConfirmOrder) {
    Advance(r);
    return true;
  }
  return false;
}

bool KiraSession::SameQuantity(const Quantity& q) const {
  return requested_ && std::fabs(requested_->value - q.value) < 1e-9 &&
         (q.unit.empty() || q.unit == requested_->unit);
}

void KiraSession::HandleQuantity(Reply& r, const Quantity& q) {
  const catalog::Product& p = *product_;
  requested_ = q;
  double qty = q.value;
  bool tile = p.unit == "м2";
  if (tile && q.unit == "box") {
    if (!p.box_m2) return Ask(r, "ask_quantity_m2", ProductVars(p));
    qty = q.value * *p.box_m2;
  }
  // "Ten square metres" of spacers: an area is no count of pieces — ask in the product's unit.
  if (!tile && q.unit == "м2") {
    stage_ = Stage::kQuantity;
    return Ask(r, "ask_quantity_in_units", ProductVars(p));
  }
  Vars v = ProductVars(p);
  if (tile && engine_.profile().rules.min_order_m2 > 0 &&
      qty < engine_.profile().rules.min_order_m2) {
    nt_reason_ = NonTargetedReason::kSmallQuantity;
    // Told the minimum once, the caller still wants less: that is the answer, not a loop.
    if (agreed_.told_minimum) return Decline(r, NonTargetedReason::kSmallQuantity);
    agreed_.told_minimum = true;
    v["qty"] = Num(qty);
    stage_ = Stage::kQuantity;
    return Ask(r, "small_quantity", v);
  }
  agreed_.told_minimum = false;
  if (tile && p.box_m2 && *p.box_m2 > 0) {
    double boxes = std::ceil(qty / *p.box_m2 - 1e-9);
    double rounded = std::round(boxes * *p.box_m2 * 1000) / 1000;
    if (std::fabs(rounded - qty) > 1e-6) {
      v["boxes"] = Num(boxes);
      v["qty"] = Num(rounded);
      Say(r, "rounded_to_boxes", v);
    }
    qty = rounded;
  }
  qty_ = qty;
  v["qty"] = Num(qty);
  if (tile && engine_.profile().rules.big_project_m2 > 0 &&
      qty >= engine_.profile().rules.big_project_m2) {
    shown_.qualified = true;
    stage_ = Stage::kQualifiedName;
    if (!name_.empty()) {
      Say(r, "big_project", v);
      return FinishQualified(r);
    }
    return Ask(r, "big_project", v);
  }
  auto dist = catalog().Distributor(p.sku);
  if (qty <= p.stock) {
    supply_ = "shop";
    lead_days_ = 0;
    return Advance(r);
  }
  double dq = dist ? dist->qty : 0;
  if (p.stock + dq >= qty) {
    supply_ = "distributor";
    lead_days_ = dist->lead_days;
    if (agreed_.distributor_ok) return Advance(r);
    stage_ = Stage::kSupplyConfirm;
    if (p.stock > 0) return Ask(r, "partial_from_distributor", v);
    // Just told the distributor has it: the question alone, with the in-stock alternative
    // when there is one.
    if (supply_state_.told_sku == p.sku)
      return Ask(r, catalog().FindAnalogs(p, 1).empty() ? "supply_question" : "supply_or_analog",
                 v);
    return Ask(r, "order_from_distributor", v);
  }
  nt_reason_ = NonTargetedReason::kOutOfStock;
  reason_product_ = &p;
  Say(r, "not_enough_anywhere", v);
  OfferAnalogs(r, p, NonTargetedReason::kOutOfStock);
}

void KiraSession::OfferOrder(Reply& r) {
  Vars v = ProductVars(*product_);
  v["qty"] = Num(qty_);
  v["unit"] = UnitWord(product_->unit, qty_);
  double total = 0;
  std::vector<DraftLine> all = AllLines();
  for (const DraftLine& l : all) total += l.product->price * l.qty;
  // Several lines: each is said with its quantity and sum, then the order's total.
  if (all.size() > 1)
    for (const DraftLine& l : all) {
      Vars lv = ProductVars(*l.product);
      lv["qty"] = Num(l.qty);
      lv["unit"] = UnitWord(l.product->unit, l.qty);
      lv["total"] = Money(l.product->price * l.qty);
      Say(r, "order_line", lv);
    }
  v["total"] = Money(total);
  stage_ = Stage::kOrderOffer;
  // After the lines, the total alone: one line's quantity beside it would read as the order's.
  Ask(r, all.size() > 1 ? "order_offer_lines" : "order_offer", v);
}

void KiraSession::ConfirmOrder(Reply& r) {
  Vars v = ProductVars(*product_);
  v["qty"] = Num(qty_);
  v["unit"] = UnitWord(product_->unit, qty_);
  double total = 0;
  std::vector<DraftLine> all = AllLines();
  for (const DraftLine& l : all) total += l.product->price * l.qty;
  if (all.size() > 1) {
    // The read-back names every line: "A, 20 м², and B" with the last line's quantity after.
    std::string products;
    for (size_t i = 0; i + 1 < all.size(); ++i)
      products += SpokenName(*all[i].product) + ", " + Num(all[i].qty) + " " +
                  UnitWord(all[i].product->unit, all[i].qty) + ", ";
    v["product"] = products + SpokenName(*product_);
  }
  v["total"] = Money(total);
  v["name"] = name_;
  v["fulfilment"] = agent_.phrases.Render("fulfilment_" + fulfilment_, {{"address", address_}});
  v["supply"] = supply_ == "distributor"
                    ? agent_.phrases.Render("supply_distributor", ProductVars(*product_))
                    : "";
  stage_ = Stage::kConfirmOrder;
  Ask(r, "confirm_order", v);
}

void KiraSession::PlaceOrder(Reply& r) {
  crm::Order o;
  o.lead_id = lead_id_;
  o.conversation_id = conversation_id_;
  o.status = crm::OrderStatus::kConfirmed;
  o.fulfilment = fulfilment_;
  o.address = address_;
  o.customer_name = name_;
  o.supply = supply_;
  o.lead_days = lead_days_;
  o.created_at = ToUnixMillis(engine_.clock().Now());
  double total = 0;
  for (const DraftLine& d : AllLines()) {
    crm::OrderLine l;
    l.sku = d.product->sku;
    l.name = d.product->name;
    l.qty = d.qty;
    l.unit = d.product->unit;
    l.price = d.product->price;
    o.lines.push_back(l);
    total += l.price * l.qty;
    // The distributor's lead time of any line is the order's.
    if (d.supply == "distributor") {
      o.supply = "distributor";
      o.lead_days = std::max(o.lead_days, d.lead_days);
    }
  }
  o.total = std::round(total * 100) / 100;
  auto id = engine_.store().CreateOrder(o);
  if (!id.ok()) {
    log::Error("dialog", "cannot write order: " + id.status().message());
    Say(r, "technical_problem");
    return Transfer(r);
  }
  order_id_ = *id;
  agreed_.consent = agreed_.distributor_ok = false;
  lines_.clear();
  queue_.clear();
  SaveName();
  Vars v = ProductVars(*product_);
  v["order_id"] = std::to_string(order_id_);
  v["total"] = Money(o.total);
  Say(r, fulfilment_ == "delivery" ? "order_placed_delivery" : "order_placed_pickup", v);
  stage_ = Stage::kOpen;
  Ask(r, "anything_else_after_order");
}
}  // namespace kira::dialog::policy
