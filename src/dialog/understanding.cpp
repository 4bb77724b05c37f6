#include "dialog/understanding.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "business/profile.h"
#include "catalog/product_fields.h"
#include "core/lemma.h"
#include "core/text.h"
#include "dialog/engine.h"

namespace kira::dialog {

namespace {

constexpr size_t kMaxPatternWords = 8;
constexpr size_t kMaxPatterns = 4000;
constexpr size_t kMaxTokens = 200;  // a turn longer than this is read up to here

UnderstandingRules::Pattern Compile(const std::string& raw) {
  UnderstandingRules::Pattern p;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    bool star = cur.back() == '*';
    if (star) cur.pop_back();
    for (const auto& w : text::Tokens(text::Normalize(cur))) {
      p.words.push_back(w);
      p.prefix.push_back(false);
    }
    if (star && !p.prefix.empty()) p.prefix.back() = true;
    cur.clear();
  };
  for (char c : raw) {
    if (c == ' ')
      flush();
    else
      cur += c;
  }
  flush();
  if (p.words.size() > kMaxPatternWords) {
    p.words.resize(kMaxPatternWords);
    p.prefix.resize(kMaxPatternWords);
  }
  return p;
}

Status ReadList(const YAML::Node& n, const std::string& where, UnderstandingRules::Patterns* out) {
  if (!n.IsSequence()) return Status::Invalid(where + ": expected a list of phrases");
  for (const auto& e : n) {
    if (!e.IsScalar()) return Status::Invalid(where + ": phrases must be text");
    if (out->size() >= kMaxPatterns) return Status::Invalid(where + ": too many phrases");
    auto p = Compile(e.Scalar());
    if (!p.words.empty()) out->push_back(std::move(p));
  }
  return Status::Ok();
}

Status Merge(UnderstandingRules* r, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::NotFound("cannot read " + path);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(path + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) return Status::Invalid(path + ": expected a map");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "language") continue;
    if (key == "intents") {
      if (!kv.second.IsMap()) return Status::Invalid(path + ": intents: expected a map");
      for (const auto& ikv : kv.second) {
        std::string intent = ikv.first.as<std::string>();
        auto it = std::find_if(r->intents.begin(), r->intents.end(),
                               [&](const auto& e) { return e.first == intent; });
        if (it == r->intents.end()) {
          r->intents.push_back({intent, {}});
          it = r->intents.end() - 1;
        }
        KIRA_RETURN_IF_ERROR(ReadList(ikv.second, path + ": intents." + intent, &it->second));
      }
      continue;
    }
    if (key == "synonyms") {
      if (!kv.second.IsSequence())
        return Status::Invalid(path + ": synonyms: expected a list of word lists");
      for (const auto& g : kv.second) {
        if (r->synonyms.size() >= kMaxPatterns)
          return Status::Invalid(path + ": too many synonyms");
        UnderstandingRules::Patterns group;
        KIRA_RETURN_IF_ERROR(ReadList(g, path + ": synonyms", &group));
        if (!group.empty()) r->synonyms.push_back(std::move(group));
      }
      continue;
    }
    UnderstandingRules::Patterns* list = nullptr;
    if (key == "stopwords") list = &r->stopwords;
    if (key == "transfer_verbs") list = &r->transfer_verbs;
    if (key == "question_words") list = &r->question_words;
    if (key == "fillers") list = &r->fillers;
    if (!list)
      return Status::Invalid(path + ": unknown key '" + key +
                             "' (known: language, intents, transfer_verbs, question_words, "
                             "fillers, stopwords, synonyms)");
    KIRA_RETURN_IF_ERROR(ReadList(kv.second, path + ": " + key, list));
  }
  return Status::Ok();
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

bool In(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void Add(std::vector<std::string>& intents, const std::string& i) {
  if (!In(intents, i)) intents.push_back(i);
}

}  // namespace

const UnderstandingRules::Patterns* UnderstandingRules::Intent(std::string_view name) const {
  for (const auto& [k, v] : intents)
    if (k == name) return &v;
  return nullptr;
}

Result<UnderstandingRules> UnderstandingRules::Load(const std::string& path) {
  UnderstandingRules r;
  KIRA_RETURN_IF_ERROR(Merge(&r, path));
  return r;
}

Status UnderstandingRules::Extend(const std::string& path) { return Merge(this, path); }

bool Matches(const std::vector<std::string>& tokens, const UnderstandingRules::Pattern& p,
             int gap) {
  if (p.words.empty()) return false;
  auto match = [&](const std::string& tok, size_t k) {
    return p.prefix[k] ? StartsWith(tok, p.words[k]) : tok == p.words[k];
  };
  for (size_t s = 0; s < tokens.size(); ++s) {
    if (!match(tokens[s], 0)) continue;
    size_t k = 1, pos = s;
    while (k < p.words.size()) {
      bool found = false;
      for (size_t q = pos + 1; q < tokens.size() && q <= pos + 1 + static_cast<size_t>(gap); ++q) {
        if (match(tokens[q], k)) {
          pos = q;
          found = true;
          break;
        }
      }
      if (!found) break;
      ++k;
    }
    if (k == p.words.size()) return true;
  }
  return false;
}

bool MatchesAny(const std::vector<std::string>& tokens, const UnderstandingRules::Patterns& ps,
                int gap) {
  for (const auto& p : ps)
    if (Matches(tokens, p, gap)) return true;
  return false;
}

bool Frame::Has(std::string_view intent) const {
  return std::find(intents.begin(), intents.end(), intent) != intents.end();
}

Understanding::Understanding(const AgentData& agent, const catalog::Catalog& catalog,
                             std::string language)
    : agent_(agent), catalog_(catalog), language_(std::move(language)) {
  // The category words are the catalog's index (Catalog::CategoriesNamedBy), built once for
  // every session.
  if (const business::Profile* profile = agent_.profile.load()) {
    auto toks = text::Tokens(text::Normalize(profile->manager.name));
    if (!toks.empty()) manager_stem_ = text::Stem(toks[0]);
    // The FAQ questions' meanings are read once per conversation, not on every turn.
    faq_profile_ = profile;
    for (const auto& e : profile->faq) faq_keys_.push_back(FaqKeys(text::Canonical(e.q)));
  }
  for (auto [list, out] : {std::pair{"yes_words", &yes_words_}, {"no_words", &no_words_}})
    for (const auto& p : agent_.phrases.List(list)) {
      std::string n = text::Normalize(p);
      if (!n.empty()) out->push_back(" " + n + " ");
    }
}

// ContainsAny (slots.h) with the phrases normalised beforehand: the same words, read once.
bool Understanding::Said(const std::string& canonical,
                         const std::vector<std::string>& padded) const {
  std::string s = " " + canonical + " ";
  for (const auto& p : padded)
    if (s.find(p) != std::string::npos) return true;
  return false;
}

bool Understanding::IsCategoryStem(const std::string& stem) const {
  return catalog_.IsCategoryStem(stem);
}

ProductLink Understanding::LinkProduct(const std::string& said) const {
  ProductLink link;
  // Only the words that may describe a product: not a quantity and its unit, a phone number,
  // a time or a one-letter word ("м-м" is no "мм"). A unit word that names a category
  // ("плиток") stays.
  std::vector<std::string> toks = WithoutFillers(text::Tokens(said));
  {
    std::vector<bool> skip = NotProductWords(toks);
    std::vector<std::string> kept;
    for (size_t i = 0; i < toks.size(); ++i)
      if (!skip[i] || !catalog_.CategoriesNamedBy(toks[i]).empty()) kept.push_back(toks[i]);
    toks = std::move(kept);
  }
  std::string canonical;
  for (const auto& t : toks) canonical += (canonical.empty() ? "" : " ") + t;
  catalog::SearchOptions o;
  o.limit = 12;
  auto hits = catalog_.Search(canonical, o);
  // A category word is a modifier, not the head noun, when a product of another category has
  // it before the next word said in its own name: "tile spacers", "tile trim", "мозаика сетка".
  auto modifier = [&](size_t i, const std::vector<std::string>& cats) {
    if (i + 1 >= toks.size()) return false;
    const std::string a = text::Stem(toks[i]), b = text::Stem(toks[i + 1]);
    for (const auto& h : hits) {
      if (In(cats, h.product->category)) continue;
      // "wall … adhesive" in "wall tile adhesive": the next word said later in the name.
      auto name = text::Tokens(text::Canonical(h.product->name));
      for (size_t k = 0; k + 1 < name.size(); ++k) {
        if (text::Stem(name[k]) != a) continue;
        for (size_t m = k + 1; m < name.size() && m <= k + 3; ++m)
          if (text::Stem(name[m]) == b) return true;
      }
    }
    return false;
  };
  // The head noun: the first category word not inside a "для …"/"for …" phrase.
  std::vector<std::string> head_categories;
  std::string head_query;  // the query without "для X" phrases
  std::vector<std::string> purpose;  // stems of "для X": "клей для клинкера" → клинкер
  bool modifier_said = false;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i] == "для" || toks[i] == "for") {
      if (i + 1 < toks.size()) purpose.push_back(text::Stem(toks[i + 1]));
      i += 1;  // skip the word after
      continue;
    }
    // "Не антрацит, серую": the attribute said with "не" is the one not wanted.
    if ((toks[i] == "не" || toks[i] == "not") && i + 1 < toks.size()) {
      catalog::Catalog::Mentions m = catalog_.Extract(toks[i + 1]);
      if (!m.color.empty() || !m.surface.empty() || !m.format.empty() || !m.collection.empty() ||
          !m.brand.empty()) {
        i += 1;
        continue;
      }
    }
    head_query += (head_query.empty() ? "" : " ") + toks[i];
    if (!head_categories.empty()) continue;
    head_categories = catalog_.CategoriesNamedBy(toks[i]);
    if (!head_categories.empty() && modifier(i, head_categories)) {
      head_categories.clear();
      modifier_said = true;
    }
  }
  link.mentions = catalog_.Extract(head_query);
  if (!head_categories.empty() && !In(head_categories, link.mentions.category))
    link.mentions.category = head_categories.size() == 1 ? head_categories[0] : "";
  if (modifier_said && head_categories.empty()) link.mentions.category.clear();
  // A word for something the shop does not sell, with no category of its own said, is the
  // request — unless the catalog's own brand or collection is named too ("fitting out a hotel,
  // 300 metres of the Clevedon grey").
  if (!link.mentions.not_sold.empty() && head_categories.empty() && link.mentions.brand.empty() &&
      link.mentions.collection.empty())
    return link;
  std::vector<catalog::SearchHit> kept;
  for (const auto& h : hits) {
    if (!head_categories.empty() && !In(head_categories, h.product->category)) continue;
    kept.push_back(h);
  }
  if (kept.empty()) return link;
  // Attributes the caller named exactly narrow the candidates ("серый" is not "темно-серый").
  auto narrow = [&](const std::string& said, std::string catalog::Product::*field) {
    if (said.empty()) return;
    std::vector<catalog::SearchHit> out;
    for (const auto& h : kept)
      if (text::Lower(h.product->*field) == text::Lower(said)) out.push_back(h);
    if (!out.empty()) kept = out;
  };
  narrow(link.mentions.color, &catalog::Product::color);
  narrow(link.mentions.format, &catalog::Product::format);
  narrow(link.mentions.surface, &catalog::Product::surface);
  narrow(link.mentions.collection, &catalog::Product::collection);
  narrow(link.mentions.brand, &catalog::Product::brand);
  // A value the lexicon does not know, said in another form: "хромированный" for the colour
  // "хром", "сто семьдесят" for one side of the format "170x70". It narrows only when some
  // candidates have it and others do not.
  auto narrow_form = [&](std::string catalog::Product::*field, bool format) {
    if (kept.size() < 2) return;
    std::vector<catalog::SearchHit> out, square;
    for (const auto& h : kept) {
      std::string value = text::Lower(h.product->*field);
      // A size only in the name ("Ванна Triton 170x70", no format column).
      if (format && value.empty())
        for (const auto& w : text::Tokens(text::Canonical(h.product->name))) {
          auto sides = catalog::FormatSides(w);
          if (sides.size() == 2 && !sides[0].empty() &&
              std::isdigit(static_cast<unsigned char>(sides[0][0])) &&
              std::isdigit(static_cast<unsigned char>(sides[1][0])))
            value = w;
        }
      if (value.empty()) continue;
      bool has = false;
      if (format) {
        // A side as written, or in millimetres ("six hundred" for the 60 of 60x60).
        auto said = [&](const std::string& side) {
          for (size_t k = 0; k < toks.size(); ++k)
            if ((toks[k] == side || toks[k] == side + "0") &&
                QuantityUnitAt(toks, k + 1).empty())  // "sixty metres" is an amount
              return true;
          return false;
        };
        auto sides = catalog::FormatSides(value);
        for (const auto& side : sides) has = has || said(side);
        // One side said of a square and an oblong that share it ("the six hundred one" for
        // 60x60 or 60x120): the square.
        if (has && sides.size() == 2 && sides[0] == sides[1]) square.push_back(h);
      } else {
        for (const auto& v : text::Tokens(value))
          for (const auto& t : toks)
            has = has || (text::Decode(v).size() >= 4 && t.size() > v.size() && t.starts_with(v));
      }
      if (has) out.push_back(h);
    }
    if (!square.empty() && square.size() < out.size()) out = square;
    if (!out.empty() && out.size() < kept.size()) kept = out;
  };
  if (link.mentions.color.empty()) narrow_form(&catalog::Product::color, false);
  if (link.mentions.surface.empty()) narrow_form(&catalog::Product::surface, false);
  if (link.mentions.format.empty()) narrow_form(&catalog::Product::format, true);
  // "для клинкера": the products whose name says what they are for.
  if (!purpose.empty() && kept.size() > 1) {
    std::vector<catalog::SearchHit> out;
    for (const auto& h : kept) {
      bool has = false;
      for (const auto& w : text::Tokens(text::Canonical(h.product->name)))
        if (In(purpose, text::Stem(w))) has = true;
      if (has) out.push_back(h);
    }
    if (!out.empty()) kept = out;
  }
  const auto& m = link.mentions;
  bool named = !m.brand.empty() || !m.collection.empty();
  bool described = !m.category.empty() || !head_categories.empty() || !m.format.empty() ||
                   !m.color.empty() || !m.surface.empty() || !m.look.empty();
  const catalog::SearchHit& top = kept[0];
  std::vector<catalog::SearchHit> close;
  for (const auto& h : kept)
    if (h.score >= top.score * 0.97) close.push_back(h);
  link.candidates = kept;
  if (!named && !described && top.matched_terms < 2) {
    link.confidence = ProductLink::Confidence::kWeak;
  } else if (close.size() > 1) {
    link.candidates = close;
    link.confidence = ProductLink::Confidence::kAmbiguous;
  } else if (top.matched_terms >= 2 || named || (described && kept.size() == 1)) {
    link.confidence = ProductLink::Confidence::kSure;
  } else if (described) {
    // A category or one attribute and several products: which one?
    link.confidence =
        kept.size() > 1 ? ProductLink::Confidence::kAmbiguous : ProductLink::Confidence::kSure;
  } else {
    link.confidence = ProductLink::Confidence::kWeak;
  }
  return link;
}

std::vector<std::string> Understanding::FaqKeys(const std::string& canonical) const {
  const UnderstandingRules& r = agent_.rules;
  auto one = [](const std::string& t, const UnderstandingRules::Patterns& ps) {
    std::vector<std::string> v{t};
    for (const auto& p : ps)
      if (p.words.size() == 1 && Matches(v, p)) return true;
    return false;
  };
  // A word's meaning: its synonym group, else its stem.
  std::vector<std::string> out;
  for (const auto& t : text::Tokens(canonical)) {
    std::string key;
    for (size_t g = 0; g < r.synonyms.size() && key.empty(); ++g)
      if (one(t, r.synonyms[g])) key = "#" + std::to_string(g);
    if (key.empty()) {
      // Letters, not bytes: "как" is three letters (six bytes).
      if (text::Decode(t).size() < 4 || one(t, r.stopwords) || one(t, r.question_words)) continue;
      // The dictionary form's stem: "образца" and "образцы" are one word, "кладёте" and
      // "класть" too (core/lemma.h); "плитка" is in every question to a tile shop.
      key = text::LemmaStem(t);
      if (text::Decode(key).size() < 3 || IsCategoryStem(key) || IsCategoryStem(text::Stem(t)))
        continue;
    }
    if (!In(out, key)) out.push_back(key);
  }
  return out;
}

const business::FaqEntry* Understanding::MatchFaq(const std::string& canonical, bool strict) const {
  const business::Profile* profile = agent_.profile.load();
  if (!profile || profile->faq.empty()) return nullptr;
  std::vector<std::string> q = FaqKeys(canonical);
  if (q.empty()) return nullptr;
  const business::FaqEntry* best = nullptr;
  double best_score = 0;
  int best_n = 0;
  bool best_synonym = false;
  // The keys read at the conversation's start serve while the profile is the same one; a
  // profile edited since (live reload) is read afresh.
  const bool cached = profile == faq_profile_ && faq_keys_.size() == profile->faq.size();
  for (size_t k = 0; k < profile->faq.size(); ++k) {
    const business::FaqEntry& e = profile->faq[k];
    std::vector<std::string> fresh;
    if (!cached) fresh = FaqKeys(text::Canonical(e.q));
    const std::vector<std::string>& fq = cached ? faq_keys_[k] : fresh;
    if (fq.empty()) continue;
    int n = 0;
    bool synonym = false;
    for (const auto& w : fq) {
      if (!In(q, w)) continue;
      ++n;
      synonym = synonym || w[0] == '#';
    }
    double score = static_cast<double>(n) / static_cast<double>(fq.size());
    if (synonym) score += 0.5;  // a shared meaning group is the topic of the question
    if (n > 0 && (score > best_score || (score == best_score && n > best_n))) {
      best = &e;
      best_score = score;
      best_n = n;
      best_synonym = synonym;
    }
  }
  if (!best) return nullptr;
  // One shared word is a match when it is the topic (a synonym group: samples, payment,
  // returns…); "фасад" shared with "do you install facades?" is not.
  return (!strict || best_n >= 2 || best_synonym || best_score >= 1.0) ? best : nullptr;
}

void Understanding::DetectIntents(const std::vector<std::string>& toks, Expect pending,
                                  const IntentPrediction& ip, bool question_mark, Frame& f) const {
  const UnderstandingRules& r = agent_.rules;
  auto rule = [&](const char* name) {
    const auto* ps = r.Intent(name);
    return ps && MatchesAny(toks, *ps);
  };
  bool vera = agent_.name == "vera";
  std::vector<std::string> rules;
  // "Пока не надо" is "not for now", not "bye": goodbye words are read with such a "пока"
  // masked.
  std::vector<std::string> bye_toks = toks;
  for (size_t i = 0; i + 1 < bye_toks.size(); ++i)
    if (bye_toks[i] == "пока" && (toks[i + 1] == "не" || toks[i + 1] == "нет" ||
                                  toks[i + 1] == "что" || toks[i + 1] == "ничего"))
      bye_toks[i] = "";
  for (const char* i :
       {"abuse", "opt_out", "robot", "human", "callback", "order_status", "hours", "address",
        "delivery", "greeting", "goodbye", "prank", "secretary", "voicemail", "wrong_number"}) {
    const auto* ps = r.Intent(i);
    if (ps && MatchesAny(std::string_view(i) == "goodbye" ? bye_toks : toks, *ps))
      rules.push_back(i);
  }
  bool product_words =
      f.product && (f.product->confidence != ProductLink::Confidence::kNone ||
                    !f.product->mentions.category.empty() || !f.product->mentions.not_sold.empty());
  // A bare category or material ("керамогранит") or words of some product names ("ванну"),
  // with no colour, format, surface, brand, collection or amount, and no one product named:
  // too little to outweigh what the model is sure the turn is about ("продиктуйте адрес
  // женщины, которая у вас ванну заказывала").
  bool bare_product = false;
  if (product_words && f.product->confidence != ProductLink::Confidence::kSure && !f.quantity) {
    const auto& m = f.product->mentions;
    bare_product = m.color.empty() && m.format.empty() && m.surface.empty() && m.brand.empty() &&
                   m.collection.empty() && m.look.empty() && m.not_sold.empty();
  }
  // What the caller says they did themselves ("I ordered natural oak", "я заказывал ванну")
  // is their own order, no one else's data asked for.
  bool others_data = false;
  if (const auto* ps = r.Intent("fraud_target")) {
    static const std::vector<std::string> kSelf = {"i", "we", "ive", "weve", "я", "мы"};
    std::vector<std::string> not_own;
    for (size_t i = 0; i < toks.size(); ++i)
      if (i == 0 || !In(kSelf, toks[i - 1])) not_own.push_back(toks[i]);
    others_data = MatchesAny(not_own, *ps);
  }
  if (rule("fraud") || ((rule("fraud_claim") || rule("fraud_third_party")) && others_data))
    rules.push_back("fraud");
  // Another business asked for ("записаться на мойку машины"): a wrong number, unless a product
  // of the shop's catalog is named ("мойка" alone is also a sink the shop does not sell).
  bool catalog_words = f.product && (f.product->confidence != ProductLink::Confidence::kNone ||
                                     !f.product->mentions.category.empty());
  // A question about the shop itself ("are you open on bank holidays?") is no wrong number.
  bool shop_question = std::any_of(rules.begin(), rules.end(), [](const std::string& i) {
    return i == "hours" || i == "address" || i == "delivery" || i == "order_status";
  });
  // "I'm doing the school run, can you call me back?" names a place, not the business wanted.
  if (!catalog_words && !shop_question && rule("other_business") && !rule("callback"))
    Add(rules, "wrong_number");
  // Someone selling to the shop or looking for work: no customer ("other"), unless a product of
  // the catalog is asked for by name.
  if (rule("solicitation") &&
      !(f.product && f.product->confidence == ProductLink::Confidence::kSure)) {
    f.not_a_customer = true;
    Add(rules, "other");
  }
  if (f.manager) Add(rules, "human");
  // Secretary and voicemail greetings are Vera's business; for Kira a caller saying "после
  // сигнала" is not a mailbox.
  auto drop = [](std::vector<std::string>& v, std::initializer_list<const char*> names) {
    for (const char* n : names) v.erase(std::remove(v.begin(), v.end(), n), v.end());
  };
  if (!vera) drop(rules, {"secretary", "voicemail"});
  // An answering assistant's "перезвоните позднее" is not a callback request; a voicemail
  // greeting that names an assistant is still a voicemail.
  if (In(rules, "secretary") || In(rules, "voicemail")) {
    drop(rules, {"callback", "robot", "human", "goodbye"});
    if (In(rules, "voicemail") && In(rules, "secretary") && !rule("secretary_strong"))
      drop(rules, {"secretary"});
  }
  // "Доставка" answering "pickup or delivery?" is a choice, not a question about delivery; a
  // street name answering "address?" is not a question about where the shop is.
  // A question asked instead of the answer ("а сколько стоит доставка?") is still one.
  bool answered = f.address.has_value();
  if ((pending == Expect::kFulfilment || pending == Expect::kAddress) &&
      (answered || !MatchesAny(toks, r.question_words)))
    drop(rules, {"delivery", "address"});
  // "Позвоните завтра после обеда" answering "when shall we call?" is the answer, not a new
  // request (nor a question about opening hours).
  if (pending == Expect::kCallbackTime && ExtractCallbackTime(f.canonical))
    drop(rules, {"callback", "hours"});
  // "Доставьте на Мира, 12" places an order with delivery; "а доставка сколько?" asks about it.
  if (f.fulfilment && !MatchesAny(toks, r.question_words) &&
      (pending == Expect::kOrderOffer || pending == Expect::kConfirm || rule("order")))
    drop(rules, {"delivery"});
  // "Перезвоните завтра в обед": the time words are the callback's; "пусть менеджер
  // перезвонит" asks for a call, not a transfer.
  if (In(rules, "callback")) {
    if (ExtractCallbackTime(f.canonical)) drop(rules, {"hours"});
    if (!f.manager && !rule("transfer_request")) drop(rules, {"human"});
  }
  // "Are you a real person?" asks about Kira; "can I talk to a real person?" asks for one.
  if (In(rules, "robot") && In(rules, "human"))
    drop(rules,
         {rule("transfer_request") || MatchesAny(toks, r.transfer_verbs, 3) ? "robot" : "human"});
  // A claimed authority asking for a customer's address asks nothing about the shop's.
  if (In(rules, "fraud")) drop(rules, {"address", "wrong_number"});
  // "Да, соедините" answering "shall I put you through?" is a yes.
  if (pending == Expect::kManager && In(rules, "human")) {
    drop(rules, {"human"});
    f.yes = true;
    f.no = false;
  }
  double th = agent_.phrases.settings().intent_threshold;
  std::vector<std::string> out;
  // Safety first, then what the rules found, then the model's intent.
  for (const char* s :
       {"abuse", "fraud", "opt_out", "secretary", "voicemail", "wrong_number", "prank", "robot",
        "human", "callback", "order_status", "hours", "address", "delivery", "greeting", "goodbye"})
    if (In(rules, s)) out.push_back(s);
  bool answer = false;  // a plain answer to the pending question
  switch (pending) {
    case Expect::kQuantity:
      answer = f.quantity.has_value();
      break;
    case Expect::kName:
      answer = f.name.has_value();
      break;
    case Expect::kFulfilment:
      answer = f.fulfilment.has_value();
      break;
    case Expect::kAddress:
      answer = f.address.has_value();
      break;
    case Expect::kCallbackTime:
      answer = f.callback.has_value() || ExtractCallbackTime(f.canonical).has_value();
      break;
    case Expect::kWhich:
    case Expect::kAnalogs:
      answer = f.choice.has_value() ||
               (f.product && f.product->confidence != ProductLink::Confidence::kNone);
      break;
    default:
      break;
  }
  // The FAQ: a question the profile's FAQ answers, matched on meaning; the topic list backs it
  // up for a FAQ worded unlike any entry.
  bool faq_topic = rule("faq");
  // Past the opening, a FAQ question is asked as one ("а образцы можно взять?"): "я не знаю"
  // answering "which one?" shares a word with "can I return tiles I don't use" and asks nothing.
  // A product request with a FAQ word in it ("мастер посчитал, нужно 20 метров") asks nothing.
  bool question = question_mark || MatchesAny(toks, r.question_words);
  bool asks = (pending == Expect::kNone && !product_words) || question;
  // The FAQ topic words or the model's sure "faq" say the turn is a FAQ question: then one
  // shared content word finds the entry ("do you do samples?" → "Do you offer samples?").
  bool model_faq = ip.intent == "faq" && ip.confidence >= 0.6;
  if (!answer && asks) f.faq = MatchFaq(f.canonical, /*strict=*/!faq_topic && !model_faq);
  bool faq =
      f.faq != nullptr || (faq_topic && pending == Expect::kNone && (question || !product_words));
  // Yes and no are intents where they answer something: at the opening (or "anything
  // else?") only a turn that opens with them, and a slot answered with "давайте 20 метров"
  // carries no yes beyond the answer.
  auto opens_with = [&](const char* intent, const char* words) {
    size_t s = 0;
    while (s < toks.size() && s < 3) {
      std::vector<std::string> one{toks[s]};
      const auto* g = r.Intent("greeting");
      if (MatchesAny(one, r.fillers) || (g && MatchesAny(one, *g))) {
        ++s;
        continue;
      }
      break;
    }
    if (s >= toks.size()) return false;
    std::string head = toks[s];
    std::string head2 = s + 1 < toks.size() ? head + " " + toks[s + 1] : head;
    const auto* ps = r.Intent(intent);
    std::vector<std::string> first(toks.begin() + s, toks.begin() + std::min(toks.size(), s + 2));
    const auto& said = std::string_view(words) == "yes_words" ? yes_words_ : no_words_;
    return Said(head, said) || Said(head2, said) || (ps && MatchesAny(first, *ps, 0));
  };
  bool slot_question = pending == Expect::kQuantity || pending == Expect::kWhich ||
                       pending == Expect::kName || pending == Expect::kFulfilment ||
                       pending == Expect::kAddress || pending == Expect::kCallbackTime;
  bool yes = f.yes, no = f.no && !f.correction;
  if (pending == Expect::kNone) {
    yes = yes && toks.size() <= 3 && opens_with("yes", "yes_words");
    no = no && (toks.size() <= 2 || opens_with("no", "no_words"));
    // "Don't call me again", "sorry, wrong number": the negation is part of the request.
    static const std::vector<std::string> kBareNo = {"нет", "неа", "no", "nope", "nah"};
    bool bare = std::any_of(toks.begin(), toks.begin() + std::min<size_t>(toks.size(), 3),
                            [](const std::string& t) { return In(kBareNo, t); });
    if (!bare && (In(rules, "opt_out") || In(rules, "wrong_number"))) no = false;
  }
  if (slot_question && answer) yes = false;
  if (slot_question) no = no && opens_with("no", "no_words");
  if (f.correction) yes = false;
  // "I'm busy right now, call me back" answering a yes/no question holds no yes: beside a
  // request of its own, a yes is one the turn opens with.
  bool request = std::any_of(rules.begin(), rules.end(), [](const std::string& i) {
    return i == "callback" || i == "opt_out" || i == "abuse" || i == "wrong_number" ||
           i == "fraud" || i == "robot" || i == "human";
  });
  if (yes && request && pending != Expect::kNone) yes = opens_with("yes", "yes_words");
  // "Заберу сам, я Тимур" answering "shall I place the order?" gives the next step's answer:
  // the consent is implied (the policy reads it so too).
  if (pending == Expect::kOrderOffer && !no && !f.correction && (f.name || f.fulfilment) &&
      !question)
    yes = true;
  if (yes) out.push_back("yes");
  if (no) out.push_back("no");
  if (f.correction) out.push_back("correction");
  if (faq && !answer) Add(out, "faq");
  // The model backs the rules up: beside what they found only when it is sure, alone (nothing
  // else explains the turn) at the usual threshold.
  // A turn of fillers and short function words ("ну это", "ммм") gives the model nothing to
  // read: its guess there is noise.
  bool content = false;
  for (const auto& t : toks) {
    std::vector<std::string> one{t};
    content = content || (text::Decode(t).size() >= 3 && !MatchesAny(one, r.fillers) &&
                          !MatchesAny(one, r.stopwords));
  }
  // A greeting beside the request explains nothing of it.
  bool nothing_else =
      std::all_of(out.begin(), out.end(), [](const std::string& i) { return i == "greeting"; });
  bool model_safety =
      content &&
      (ip.confidence >= std::max(th, 0.7) ||
       (out.empty() && !slot_question && !product_words && ip.confidence >= th) ||
       (nothing_else && !slot_question && bare_product && ip.confidence >= std::max(th, 0.6)));
  const std::string& mi = ip.intent;
  if (mi == "yes" || mi == "no") {
    // yes/no come from the word lists above (the model's yes/no on long turns is noise)
  } else if (mi == "product_query" || mi == "order") {
    // A product named without an order verb or an amount is asked about, whatever the model
    // leans to ("мне нужна затирка" is a question before it is an order).
    const auto* ops = r.Intent("order");
    bool order_words = (ops && MatchesAny(toks, *ops)) || f.quantity.has_value();
    std::string i = mi == "order" && product_words && !order_words ? "product_query" : mi;
    // Without a product named, the model's order or query explains only a turn nothing else
    // does ("could I speak to Priya" is no order).
    if (!answer && !f.correction && ip.confidence >= th &&
        (product_words || (pending == Expect::kNone && out.empty())))
      Add(out, i);
  } else if (mi == "faq") {
    // Decided by the FAQ matcher; kept as a hint when nothing else fired.
    if (out.empty() && ip.confidence >= th && !answer && !product_words) Add(out, mi);
  } else if (mi == "other") {
    if (out.empty() && !answer && !product_words && ip.confidence >= th) Add(out, mi);
  } else if (mi == "secretary" || mi == "voicemail") {
    if (vera && model_safety && pending == Expect::kConsent) Add(out, mi);
  } else if (model_safety && !answer && !f.correction) {
    // The model's safety and routing intents back the rules up on words the lists lack; a
    // turn about a product is not taken for a prank or a wrong number on the model's word.
    bool ending = mi == "prank" || mi == "wrong_number" || mi == "fraud" || mi == "abuse";
    // Unless the model is all but certain of a joke ("tiles made of jelly").
    bool sure_prank = mi == "prank" && ip.confidence >= 0.9;
    // A greeting or a request for a person is said in words the lists hold; the model's guess
    // of them mid-dialog, or beside anything else, is a misreading of the turn.
    bool said_only = mi == "greeting" || mi == "human";
    // A wrong number is said at the start of a call; mid-dialog the model's guess of one
    // ("the cheaper one" answering "which one?") is a misreading, the word lists still hold.
    if (mi == "wrong_number" && pending != Expect::kNone && pending != Expect::kConsent)
      said_only = true;
    if ((!(ending && product_words && !bare_product) || sure_prank) &&
        (!said_only || (out.empty() && pending == Expect::kNone)))
      Add(out, mi);
  }
  // Two questions at once ("скажите адрес и можно ли картой"): each clause is read by the
  // model on its own, and a question it is sure of is kept beside the rest.
  if (!answer && !f.correction && toks.size() >= 5) {
    static const std::vector<std::string> kJoins = {"и",     "а",   "ещё",  "еще",
                                                    "также", "and", "also", "plus"};
    std::vector<std::vector<std::string>> clauses(1);
    for (const auto& t : toks) {
      if (In(kJoins, t) && clauses.back().size() >= 2) clauses.emplace_back();
      clauses.back().push_back(t);
    }
    if (clauses.size() > 1) {
      for (const auto& c : clauses) {
        if (c.size() < 2) continue;
        std::string joined;
        for (const auto& t : c) joined += (joined.empty() ? "" : " ") + t;
        IntentPrediction cp = agent_.nlu->Classify(joined);
        static const std::vector<std::string> kQuestions = {"hours", "address", "delivery", "faq",
                                                            "order_status"};
        if (In(kQuestions, cp.intent) && cp.confidence >= 0.7) Add(out, cp.intent);
      }
    }
  }
  // What a product mention means: a question about something else that names a product (a
  // FAQ about its samples, the status of an order of it, a prank) is not a product query.
  // Hours, directions or delivery asked with a product are two questions at once.
  bool elsewhere = false;
  for (const char* s :
       {"faq", "order_status", "fraud", "prank", "wrong_number", "abuse", "opt_out", "callback"})
    elsewhere = elsewhere || In(out, s);
  // A product said with an order verb is an order, and so is a product with an amount that is
  // not a price or stock question; said alone at the opening, a query.
  const auto* order_ps = r.Intent("order");
  bool amount = f.quantity && !f.quantity->unit.empty() && !rule("price_question");
  bool order = product_words && !answer &&
               ((order_ps && MatchesAny(toks, *order_ps)) ||
                (amount && pending == Expect::kNone && !elsewhere));
  // A joke order ("десять метров плитки для черепахи на марсе") orders nothing.
  if (In(out, "prank")) {
    order = false;
    drop(out, {"order", "product_query"});
  }
  if (order && !In(out, "order_status") && !In(out, "fraud")) {
    drop(out, {"product_query"});
    Add(out, "order");
  }
  // "Заказ оплатил, а он так и не пришёл" asks about the order; the payment word in it asks no
  // FAQ unless the question matches an entry on its own.
  if (In(out, "order_status") && In(out, "faq") && !MatchFaq(f.canonical, /*strict=*/true)) {
    drop(out, {"faq"});
    f.faq = nullptr;
  }
  if (elsewhere && !In(out, "order")) {
    // Only the model said product_query, or it followed the product words: the other intent
    // explains the turn.
    // A product the caller says they need is a request besides ("керамогранит нужен, а образцы
    // можно взять?").
    bool pq_rule = (rule("price_question") && !In(out, "faq")) || rule("request");
    pq_rule = pq_rule && !In(out, "order_status") && !In(out, "prank") && !In(out, "fraud");
    if (!pq_rule) drop(out, {"product_query"});
    if (pq_rule && product_words && pending == Expect::kNone &&
        f.product->confidence != ProductLink::Confidence::kNone)
      Add(out, "product_query");
  }
  // Also a product the shop does not sell ("линолеум продаёте?"): the caller asks about it.
  if (product_words && !answer && !In(out, "order") && !In(out, "product_query") && !elsewhere &&
      pending == Expect::kNone)
    Add(out, "product_query");
  // Nothing understood, and nothing answered: the caller said something else.
  if (out.empty() && !answer && !f.yes && !f.no && !product_words &&
      (pending == Expect::kNone || pending == Expect::kQuantity))
    out.push_back("other");
  f.intents = out;
}

Frame Understanding::Parse(std::string_view utterance, Expect pending) const {
  Frame f;
  // Invalid UTF-8 (any chat message may carry it) is repaired at the door: U+FFFD per bad byte.
  std::string original =
      text::IsValidUtf8(utterance) ? std::string(utterance) : text::Encode(text::Decode(utterance));
  f.canonical = text::Canonical(utterance);
  if (f.canonical.empty()) return f;
  std::vector<std::string> toks = text::Tokens(f.canonical);
  if (toks.size() > kMaxTokens) toks.resize(kMaxTokens);
  // Slots, whatever was asked.
  f.takes_back = std::any_of(toks.begin(), toks.end(), TakesBack) &&
                 std::none_of(toks.begin(), toks.end(), AddsTo);
  f.phone = ExtractPhone(f.canonical);
  // "Нет, не 10, а 15" at the read-back: a bare number corrects the quantity.
  const auto* corr = agent_.rules.Intent("correction");
  bool corr_marker = pending != Expect::kNone && corr && MatchesAny(toks, *corr, 1);
  bool order_step =
      pending == Expect::kConfirm || pending == Expect::kOrderOffer || pending == Expect::kYesNo;
  // "Нет, пятнадцать метров", "no, thirty metres not twenty" at the read-back: a bare no
  // followed by a value changes that value (whether there is one is decided below).
  static const std::vector<std::string> kBareNo = {"нет", "неа", "no", "nope", "nah"};
  if (order_step && toks.size() >= 2 && In(kBareNo, toks[0])) corr_marker = true;
  // "Не Садовая, а Садовническая, 7" takes back a street, not a quantity: a bare number
  // corrects the quantity only when what is taken back is a number too ("не 10, а 15").
  bool order_steps = order_step || pending == Expect::kAddress || pending == Expect::kName ||
                     pending == Expect::kFulfilment || pending == Expect::kQuantity;
  if (order_steps) f.replacement = ExtractReplacement(original);
  bool takes_back_number = false;
  if (f.replacement)
    for (const auto& t : text::Tokens(text::Canonical(f.replacement->from)))
      takes_back_number = takes_back_number || std::isdigit(static_cast<unsigned char>(t[0]));
  // "Адрес не тот, правильно Карбышева, 21": a turn about the address gives no quantity.
  bool about_address = false;
  for (const auto& t : toks)
    about_address = about_address || t == "адрес" || t == "адреса" || t == "address";
  bool bare_fix =
      corr_marker && order_step && !about_address && (!f.replacement || takes_back_number);
  f.quantity = ExtractQuantity(f.canonical, pending == Expect::kQuantity || bare_fix);
  f.name =
      ExtractName(original, pending == Expect::kName, agent_.phrases.List("heard_first_names"));
  // "я Мистраль серый хочу": a word of the catalog (a collection, brand, colour, category) is
  // the product, not the caller's name, unless the name is what was asked ("Mark" is also a
  // collection).
  // A known first name is a name unless a brand or collection sounds the same ("Марина" is no
  // "Carina", a fuzzy match for a misheard brand); any other word the catalog matches is the
  // product ("…, Евросмарт").
  if (f.name && pending != Expect::kName) {
    const std::string lower_name = text::Lower(*f.name);
    const auto m = catalog_.Extract(lower_name);
    auto sounds_as = [&](const std::string& value) {
      const std::string key = text::PhoneticKey(lower_name);
      for (const auto& w : text::Tokens(text::Normalize(value)))
        if (text::PhoneticKey(w) == key) return true;
      return false;
    };
    const auto& known = agent_.phrases.List("heard_first_names");
    bool first_name = !text::ProperNounLemma(lower_name).empty() ||
                      std::find(known.begin(), known.end(), lower_name) != known.end();
    if (sounds_as(m.brand) || sounds_as(m.collection) ||
        (!first_name &&
         (!m.category.empty() || !m.color.empty() || !m.surface.empty() || !m.not_sold.empty() ||
          !m.material.empty() || !m.brand.empty() || !m.collection.empty())))
      f.name.reset();
  }
  f.fulfilment = ExtractFulfilment(f.canonical);
  f.address = ExtractAddress(original, pending == Expect::kAddress);
  // "…не тот, правильно Карбышева, 21": the address is what follows the word that puts it right.
  if (f.address) {
    static const char* kRight[] = {"правильно",     "верно",     "точнее",
                                   "вернее",        "should be", "the right one is",
                                   "correct one is"};
    std::string low = text::Lower(*f.address);
    size_t cut = std::string::npos;
    for (const char* m : kRight) {
      size_t p = low.rfind(m);
      if (p != std::string::npos && (cut == std::string::npos || p + std::strlen(m) > cut))
        cut = p + std::strlen(m);
    }
    if (cut != std::string::npos) {
      std::string rest = text::Trim(f.address->substr(cut));
      while (!rest.empty() && (rest[0] == ',' || rest[0] == ':' || rest[0] == '-'))
        rest = text::Trim(rest.substr(1));
      if (text::Tokens(text::Normalize(rest)).size() >= 2) f.address = rest;
    }
  }
  if (f.replacement && !takes_back_number && f.address) {
    // "no, not Baker Street, it's 12 Brook Street": the address said instead of the one taken
    // back, when the turn's address holds what is taken back.
    if (text::Lower(*f.address).find(text::Lower(f.replacement->from)) != std::string::npos) {
      // ("подъезд не второй, а третий" keeps the address as said.)
      if (auto a = ExtractAddress(f.replacement->to, pending == Expect::kAddress)) f.address = a;
    }
  }
  // "да, доставка на Молодёжную 5, Вероника": the name said after the address is not part of
  // it.
  if (f.address && f.name) {
    size_t comma = f.address->rfind(',');
    if (comma != std::string::npos) {
      auto tail = text::Tokens(text::Normalize(f.address->substr(comma + 1)));
      if (tail.size() == 1 && (text::Lower(*f.name) == tail[0] ||
                               text::Lower(text::ProperNounLemma(tail[0])) == text::Lower(*f.name)))
        f.address = text::Trim(f.address->substr(0, comma));
    }
  }
  // "Сам", "сама заберу", "myself" answering "pickup or delivery?".
  if (pending == Expect::kFulfilment && !f.fulfilment) {
    bool self = false, neg = false;
    for (const auto& t : toks) {
      self = self || t == "сам" || t == "сама" || t == "сами" || t == "myself" ||
             t == "ourselves" || t == "self";
      neg = neg || t == "не" || t == "not" || t == "dont";
    }
    if (self && !neg) f.fulfilment = "pickup";
  }
  if (pending == Expect::kAddress && f.address) {
    // "заберу сам" answering "address?" is a change of fulfilment, not an address.
    if (f.fulfilment == "pickup") f.address.reset();
  }
  // Yes and no: the scenario's word lists ("да", "нет, спасибо").
  const auto* yes_rules = agent_.rules.Intent("yes");
  const auto* no_rules = agent_.rules.Intent("no");
  bool no = Said(f.canonical, no_words_) || (no_rules && MatchesAny(toks, *no_rules, 1));
  bool yes =
      !no && (Said(f.canonical, yes_words_) || (yes_rules && MatchesAny(toks, *yes_rules, 1)));
  // The model reads the whole turn once; the yes/no fallback and the intents share it.
  const IntentPrediction ip = agent_.nlu->Classify(f.canonical);
  if (!yes && !no) {
    if (toks.size() <= 4 && ip.confidence >= 0.6) {
      yes = ip.intent == "yes";
      no = ip.intent == "no";
    }
  }
  f.yes = yes;
  f.no = no;
  if (pending == Expect::kWhich || pending == Expect::kAnalogs)
    f.choice = ExtractChoice(f.canonical);
  // A person asked for by name: a transfer verb and the manager's (or a person's) name.
  if (MatchesAny(toks, agent_.rules.transfer_verbs, 3)) {
    for (const auto& t : toks) {
      if (!manager_stem_.empty() && t.size() >= 3 && text::Stem(t) == manager_stem_) {
        f.manager = agent_.profile.load()->manager.name;
        break;
      }
    }
  }
  // The product, unless the turn only answers a question about something else.
  bool only_answer = (pending == Expect::kName && f.name) ||
                     (pending == Expect::kAddress && f.address) ||
                     (pending == Expect::kCallbackTime && toks.size() <= 6);
  if (!only_answer) {
    ProductLink link = LinkProduct(f.canonical);
    // "Трентон серый … а нет, подождите, белый", "Ротбанд есть? Хотя нет, мне МП 75": what is
    // said after taking something back wins — another item, or another colour, surface or
    // format of the one named before.
    size_t back = 0;
    for (size_t k = 2; k + 1 < toks.size(); ++k)
      if (TakesBack(toks[k])) back = k;
    if (back) {
      auto join = [&](size_t from, size_t to, const std::function<bool(size_t)>& keep) {
        std::string q;
        for (size_t k = from; k < to; ++k)
          if (keep(k)) q += (q.empty() ? "" : " ") + toks[k];
        return q;
      };
      const std::string tail = join(back + 1, toks.size(), [](size_t) { return true; });
      ProductLink tl = LinkProduct(tail);

      const auto& tm = tl.mentions;
      const bool item = (!tm.brand.empty() || !tm.collection.empty() || !tm.category.empty()) &&
                        tl.confidence != ProductLink::Confidence::kNone &&
                        tl.confidence != ProductLink::Confidence::kWeak;
      if (item) {
        link = std::move(tl);
      } else if (!tm.color.empty() || !tm.surface.empty() || !tm.format.empty()) {
        // The words before that named the attribute now changed are dropped.
        const std::string head = join(0, back, [&](size_t k) {
          const auto m = catalog_.Extract(toks[k]);
          return !((!tm.color.empty() && !m.color.empty()) ||
                   (!tm.surface.empty() && !m.surface.empty()) ||
                   (!tm.format.empty() && !m.format.empty()));
        });
        link = LinkProduct(head + " " + tail);
      }
    }
    // A weak search hit with no product word said ("да, оформляйте" shares a word with some
    // name) is no product mention: the frame keeps only what the caller named.
    const auto& m = link.mentions;
    bool said = !m.category.empty() || !m.not_sold.empty() || !m.color.empty() ||
                !m.surface.empty() || !m.format.empty() || !m.brand.empty() ||
                !m.collection.empty() || !m.look.empty() || !m.material.empty();
    if (said || (link.confidence != ProductLink::Confidence::kNone &&
                 link.confidence != ProductLink::Confidence::kWeak))
      f.product = std::move(link);
  }
  // A count said beside the product without a unit ("два унитаза", "Римини, один").
  if (!f.quantity && f.product && pending != Expect::kName && pending != Expect::kAddress &&
      pending != Expect::kCallbackTime)
    f.quantity = ExtractCount(
        original, [this](const std::string& w) { return !catalog_.CategoriesNamedBy(w).empty(); });
  // Corrections: a correction marker with something to correct, after a question was asked.
  if (corr_marker && (f.quantity || f.product || f.fulfilment || f.address || f.name))
    f.correction = true;
  // A callback time only when a callback is what is being arranged.
  auto cb = ExtractCallbackTime(f.canonical);
  // A written question says so ("дадите кусочек домой посмотреть?"); a recogniser's does not.
  DetectIntents(toks, pending, ip, original.find('?') != std::string::npos, f);
  if (cb && (pending == Expect::kCallbackTime || f.Has("callback"))) f.callback = cb;
  // "А можно в понедельник?" to Vera's "was it you? / is now a good time?": when to call.
  if (cb && !f.callback && pending == Expect::kConsent && (cb->day_said || cb->hour_said)) {
    f.callback = cb;
    Add(f.intents, "callback");
  }
  // "Это Олег, виртуальный помощник" names the assistant, "переключите на Анну" the manager:
  // neither is the caller's own name.
  if (f.name && (f.Has("secretary") || f.Has("voicemail"))) f.name.reset();
  if (f.name && f.manager && text::Stem(text::Lower(*f.name)) == manager_stem_) f.name.reset();
  // "…delivered to 3 Oak Avenue" chooses delivery with an address; it asks nothing about it.
  static const std::vector<std::string> kAsk = {
      "сколько", "стоимость", "почем",  "почём", "условия", "сроки", "ли",    "бесплатно",
      "how",     "cost",      "charge", "free",  "does",    "what",  "whats", "much"};
  static const std::vector<std::string> kMayAsk = {"можно", "возможна", "возможно", "есть",
                                                   "can",   "could",    "do"};
  bool ask_word = false, may_ask = false;
  for (const auto& t : toks) {
    ask_word = ask_word || In(kAsk, t);
    may_ask = may_ask || In(kMayAsk, t);
  }
  bool asks = ask_word || original.find('?') != std::string::npos;
  if (f.fulfilment == "delivery" && f.address && !asks && !may_ask) {
    auto it = std::find(f.intents.begin(), f.intents.end(), "delivery");
    if (it != f.intents.end()) f.intents.erase(it);
  }
  // "Sorry, can you deliver it instead?", "а можно лучше доставкой?" during the order changes
  // the fulfilment; it asks nothing about delivery.
  bool ordering = pending == Expect::kConfirm || pending == Expect::kOrderOffer ||
                  pending == Expect::kName || pending == Expect::kAddress;
  if (f.fulfilment && f.takes_back && ordering) {
    auto it = std::find(f.intents.begin(), f.intents.end(), "delivery");
    if (it != f.intents.end()) f.intents.erase(it);
    it = std::find(f.intents.begin(), f.intents.end(), "faq");
    if (it != f.intents.end()) f.intents.erase(it);
  } else if (f.fulfilment && pending != Expect::kFulfilment && !f.address) {
    // "Есть доставка?" asks about delivery; it does not choose it.
    if (asks || (f.Has("delivery") && pending == Expect::kNone)) f.fulfilment.reset();
  }
  return f;
}

}  // namespace kira::dialog
