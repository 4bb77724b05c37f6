#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/text.h"

namespace kira::eval {

double Counts::F1() const {
  int d = 2 * tp + fp + fn;
  return d == 0 ? 1.0 : 2.0 * tp / d;
}

Counts& Counts::operator+=(const Counts& o) {
  tp += o.tp;
  fp += o.fp;
  fn += o.fn;
  return *this;
}

std::optional<double> UtteranceScores::IntentMacroF1() const {
  double sum = 0;
  int n = 0;
  for (const auto& [name, c] : intents) {
    if (c.empty()) continue;
    sum += c.F1();
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

UtteranceScores& UtteranceScores::operator+=(const UtteranceScores& o) {
  utterances += o.utterances;
  for (const auto& [k, c] : o.intents) intents[k] += c;
  for (const auto& [k, c] : o.slots) slots[k] += c;
  for (const auto& [k, n] : o.confusions) confusions[k] += n;
  for (const auto& [k, c] : o.intents_by_after) intents_by_after[k] += c;
  return *this;
}

std::string CorpusUnit(const std::string& u) {
  std::string l = text::Lower(u);
  if (l.empty()) return "none";
  if (l == "м2" || l == "m2" || l == "м²" || l == "m²" || l == "sqm") return "m2";
  if (l == "box" || l == "упак" || l == "pack" || l == "кор" || l == "коробка") return "box";
  if (l == "шт" || l == "piece" || l == "pcs" || l == "pc") return "piece";
  if (l == "кг" || l == "kg") return "kg";
  return l;
}

std::string CorpusChoice(int c) {
  if (c == -2) return "last";
  return std::to_string(c + 1);
}

bool QuantityRight(const QuantityLabel& l, const dialog::Quantity& q) {
  return std::fabs(l.value - q.value) <= 0.01 + 1e-9 && CorpusUnit(q.unit) == l.unit;
}

bool ProductRight(const ProductLabel& l, const dialog::ProductLink& p) {
  if (!l.skus.empty()) {
    if (p.confidence != dialog::ProductLink::Confidence::kSure || p.candidates.empty() ||
        p.candidates[0].product == nullptr)
      return false;
    const std::string& best = p.candidates[0].product->sku;
    return std::find(l.skus.begin(), l.skus.end(), best) != l.skus.end();
  }
  if (!l.category.empty())
    return !p.mentions.category.empty() &&
           text::Lower(text::Trim(p.mentions.category)) == text::Lower(text::Trim(l.category));
  if (l.not_sold) return !p.mentions.not_sold.empty();
  return false;
}

namespace {

// Weekday numbers of CallbackTime: 0 = Sunday … 6 = Saturday.
int WeekdayOf(const std::string& day) {
  static const char* const kNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i)
    if (day == kNames[i]) return i;
  return -1;
}

// The frame's callback may grow fields (in_minutes, part); a label field the frame cannot
// carry is never right.
template <typename C>
bool InMinutesRight(const C& c, int want) {
  if constexpr (requires { c.in_minutes; }) {
    if constexpr (requires { c.in_minutes.has_value(); }) {
      return c.in_minutes.has_value() && *c.in_minutes == want;
    } else {
      return c.in_minutes == want;
    }
  } else {
    return false;
  }
}

template <typename C>
bool PartRight(const C& c, const std::string& want) {
  if constexpr (requires { c.part; }) {
    if constexpr (requires { c.part.has_value(); }) {
      return c.part.has_value() && std::string(*c.part) == want;
    } else {
      return std::string(c.part) == want;
    }
  } else {
    return false;
  }
}

// A clock time the caller said, not the default hour of a part of the day ("вечером" → 18).
template <typename C>
bool HourSaid(const C& c) {
  if constexpr (requires { c.hour_said; }) {
    return c.hour_said;
  } else {
    return true;
  }
}

bool SameWord(const std::string& a, const std::string& b) {
  std::string x = text::Lower(text::Trim(a)), y = text::Lower(text::Trim(b));
  return !x.empty() && x == y;
}

// A name asked for may be inflected ("переключите на Анну"): the same word or the same stem.
bool SamePerson(const std::string& said, const std::string& label) {
  if (SameWord(said, label)) return true;
  std::string x = text::Lower(text::Trim(said)), y = text::Lower(text::Trim(label));
  if (x.empty() || x.find(' ') != std::string::npos || y.find(' ') != std::string::npos)
    return false;
  return text::Stem(x) == text::Stem(y);
}

bool AddressRight(const std::string& label, const std::string& predicted) {
  // Canonical: a recogniser's "двенадцать" is the label's "12".
  std::string l = text::Canonical(label), p = text::Canonical(predicted);
  if (l.empty() || p.empty()) return false;
  return p.find(l) != std::string::npos || l.find(p) != std::string::npos;
}

void Tally(Counts* c, bool labelled, bool predicted, bool right) {
  if (labelled && predicted && right)
    ++c->tp;
  else if (labelled)
    ++c->fn;
  else if (predicted)
    ++c->fp;
}

}  // namespace

bool CallbackRight(const CallbackLabel& l, const dialog::CallbackTime& c) {
  if (l.day) {
    const std::string& d = *l.day;
    if (d == "today" || d == "tomorrow" || d == "day_after_tomorrow") {
      int off = d == "today" ? 0 : d == "tomorrow" ? 1 : 2;
      if (c.day_offset != off) return false;
    } else if (c.weekday != WeekdayOf(d)) {
      return false;
    }
  }
  if (l.hour && (c.hour != *l.hour || !HourSaid(c))) return false;
  if (l.minute && c.minute != *l.minute) return false;
  if (l.in_minutes && !InMinutesRight(c, *l.in_minutes)) return false;
  if (l.part && !PartRight(c, *l.part)) return false;
  return true;
}

std::vector<SlotJudgement> ScoreUtterance(const Utterance& u, const dialog::Frame& f,
                                          UtteranceScores* s) {
  ++s->utterances;
  std::set<std::string> want(u.intents.begin(), u.intents.end());
  std::set<std::string> got(f.intents.begin(), f.intents.end());
  for (const auto& i : want) {
    if (got.count(i))
      ++s->intents[i].tp;
    else
      ++s->intents[i].fn;
  }
  for (const auto& i : got)
    if (!want.count(i)) ++s->intents[i].fp;
  std::vector<std::string> missed, extra;
  std::string after(dialog::ExpectName(u.after));
  for (const auto& i : want) {
    Counts& c = s->intents_by_after[i + "@" + after];
    if (got.count(i)) {
      ++c.tp;
    } else {
      ++c.fn;
      missed.push_back(i);
    }
  }
  for (const auto& i : got) {
    if (want.count(i)) continue;
    ++s->intents_by_after[i + "@" + after].fp;
    extra.push_back(i);
  }
  if (missed.empty() && !extra.empty()) missed.push_back("-");
  if (extra.empty() && !missed.empty()) extra.push_back("-");
  for (const auto& m : missed)
    for (const auto& e : extra) ++s->confusions[m + ">" + e];

  const SlotLabels& l = u.slots;
  std::vector<SlotJudgement> out;
  auto judge = [&](const char* slot, bool labelled, bool predicted, bool right) {
    Tally(&s->slots[slot], labelled, predicted, right);
    if (labelled || predicted) out.push_back({slot, labelled, predicted, right});
  };
  judge("quantity", l.quantity.has_value(), f.quantity.has_value(),
        l.quantity && f.quantity && QuantityRight(*l.quantity, *f.quantity));
  judge("product", l.product.has_value(), f.product.has_value(),
        l.product && f.product && ProductRight(*l.product, *f.product));
  judge("name", l.name.has_value(), f.name.has_value(),
        l.name && f.name && SameWord(*l.name, *f.name));
  judge("fulfilment", l.fulfilment.has_value(), f.fulfilment.has_value(),
        l.fulfilment && f.fulfilment && *l.fulfilment == *f.fulfilment);
  judge("address", l.address.has_value(), f.address.has_value(),
        l.address && f.address && AddressRight(*l.address, *f.address));
  judge("callback", l.callback.has_value(), f.callback.has_value(),
        l.callback && f.callback && CallbackRight(*l.callback, *f.callback));
  judge("manager", l.manager.has_value(), f.manager.has_value(),
        l.manager && f.manager && SamePerson(*f.manager, *l.manager));
  judge("phone", l.phone.has_value(), f.phone.has_value(),
        l.phone && f.phone && *l.phone == *f.phone);
  judge("choice", l.choice.has_value(), f.choice.has_value(),
        l.choice && f.choice && *l.choice == CorpusChoice(*f.choice));
  return out;
}

ConversationVerdict JudgeConversation(const ConversationExpect& ex, const ConversationResult& r) {
  ConversationVerdict v;
  auto fail = [&](std::string why, std::string kind) {
    v.reasons.push_back(std::move(why));
    v.kinds.insert(std::move(kind));
  };
  if (r.hit_turn_limit)
    fail("no end after " + std::to_string(r.caller_turns) + " caller turns", "no end");
  const std::string outcome(crm::OptionalName(r.end.outcome));
  const std::string reason(crm::OptionalName(r.end.reason));
  if (outcome != ex.outcome)
    fail("outcome " + outcome + ", expected " + ex.outcome,
         "outcome " + ex.outcome + " -> " + outcome);
  if (ex.reason && reason != *ex.reason)
    fail("reason '" + reason + "', expected " + *ex.reason,
         "reason " + *ex.reason + " -> " + (reason.empty() ? "none" : reason));

  std::vector<crm::OrderLine> lines;
  for (const auto& o : r.orders) lines.insert(lines.end(), o.lines.begin(), o.lines.end());
  std::set<std::string> listed;
  if (ex.order)
    for (const auto& l : *ex.order) listed.insert(l.sku);
  bool check_lines = ex.order.has_value() || ex.outcome != "order_placed";
  if (check_lines) {
    for (const auto& l : lines)
      if (!listed.count(l.sku)) {
        ++v.wrong_product_lines;
        fail("wrong product ordered: " + l.sku + " × " + text::FormatNumber(l.qty, false),
             "wrong product ordered");
      }
    std::vector<bool> used(lines.size(), false);
    if (ex.order) {
      for (const auto& want : *ex.order) {
        bool found = false;
        for (size_t i = 0; i < lines.size() && !found; ++i) {
          if (used[i] || lines[i].sku != want.sku) continue;
          if (want.qty && std::fabs(lines[i].qty - *want.qty) > 0.01 + 1e-9) continue;
          used[i] = found = true;
        }
        if (!found) {
          std::string have;
          for (const auto& l : lines)
            if (l.sku == want.sku) have = " (ordered " + text::FormatNumber(l.qty, false) + ")";
          fail("order line " + want.sku +
                   (want.qty ? " × " + text::FormatNumber(*want.qty, false) : "") + " missing" +
                   have,
               have.empty() ? "order line missing" : "order quantity wrong");
        }
      }
      for (size_t i = 0; i < lines.size(); ++i)
        if (!used[i] && listed.count(lines[i].sku))
          fail("extra order line " + lines[i].sku + " × " + text::FormatNumber(lines[i].qty, false),
               "extra order line");
    }
  }
  if (ex.name) {
    bool ok = SameWord(r.contact_name, *ex.name);
    for (const auto& o : r.orders) ok = ok || SameWord(o.customer_name, *ex.name);
    if (!ok) fail("name not recorded as " + *ex.name, "name not recorded");
  }
  if (ex.fulfilment) {
    bool ok = false;
    for (const auto& o : r.orders) ok = ok || o.fulfilment == *ex.fulfilment;
    if (!ok)
      fail("fulfilment not " + *ex.fulfilment, "fulfilment " + *ex.fulfilment + " not recorded");
  }
  if (ex.address_contains) {
    bool ok = false;
    for (const auto& o : r.orders) {
      std::string a = text::Canonical(o.address), want = text::Canonical(*ex.address_contains);
      ok = ok || (!want.empty() && a.find(want) != std::string::npos);
    }
    if (!ok)
      fail("address does not contain '" + *ex.address_contains + "'", "address not recorded");
  }
  v.success = v.reasons.empty();
  return v;
}

}  // namespace kira::eval
