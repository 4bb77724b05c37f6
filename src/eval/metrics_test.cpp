// The arithmetic of the report on hand-made predictions, checked by hand.
#include "eval/metrics.h"

#include <gtest/gtest.h>

namespace kira::eval {
namespace {

Utterance U(std::vector<std::string> intents, SlotLabels slots = {}) {
  Utterance u;
  u.text = "x";
  u.intents = std::move(intents);
  u.slots = std::move(slots);
  return u;
}

dialog::CallbackTime At(int day_offset, int weekday, int hour, int minute) {
  dialog::CallbackTime c;
  c.day_offset = day_offset;
  c.weekday = weekday;
  c.hour = hour;
  c.minute = minute;
  c.hour_said = hour >= 0;
  return c;
}

dialog::Frame F(std::vector<std::string> intents) {
  dialog::Frame f;
  f.intents = std::move(intents);
  return f;
}

TEST(Metrics, F1IsTwoTpOverTwoTpPlusFpPlusFn) {
  Counts c{3, 1, 2};
  EXPECT_DOUBLE_EQ(c.F1(), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ((Counts{0, 0, 4}).F1(), 0.0);
  EXPECT_DOUBLE_EQ((Counts{5, 0, 0}).F1(), 1.0);
  EXPECT_TRUE(Counts{}.empty());
}

// Four utterances, intents by hand:
//   labels [order]          predicted [order]            order TP
//   labels [hours, address] predicted [hours]            hours TP, address FN
//   labels [greeting]       predicted [greeting, order]  greeting TP, order FP
//   labels []               predicted [prank]            prank FP
// order 2/(2+1) = 2/3 · hours 1 · address 0 · greeting 1 · prank 0 → macro (2/3+1+0+1+0)/5.
TEST(Metrics, IntentMacroF1OverIntentsInLabelsOrPredictions) {
  UtteranceScores s;
  ScoreUtterance(U({"order"}), F({"order"}), &s);
  ScoreUtterance(U({"hours", "address"}), F({"hours"}), &s);
  ScoreUtterance(U({"greeting"}), F({"greeting", "order"}), &s);
  ScoreUtterance(U({}), F({"prank"}), &s);
  EXPECT_EQ(s.utterances, 4);
  EXPECT_EQ(s.intents["order"].tp, 1);
  EXPECT_EQ(s.intents["order"].fp, 1);
  EXPECT_EQ(s.intents["address"].fn, 1);
  EXPECT_EQ(s.intents["prank"].fp, 1);
  ASSERT_TRUE(s.IntentMacroF1());
  EXPECT_NEAR(*s.IntentMacroF1(), (2.0 / 3 + 1 + 0 + 1 + 0) / 5, 1e-12);
  EXPECT_FALSE(UtteranceScores{}.IntentMacroF1());
  // Duplicated predictions count once.
  UtteranceScores d;
  ScoreUtterance(U({"yes"}), F({"yes", "yes"}), &d);
  EXPECT_EQ(d.intents["yes"].tp, 1);
  EXPECT_EQ(d.intents["yes"].fp, 0);
}

// Quantity over four utterances:
//   labelled 40 m2, predicted 40 "м2"  → TP
//   labelled 6 piece, predicted 6 "м2" → FN (wrong unit)
//   labelled 10 box, nothing predicted → FN
//   not labelled, predicted 12 "м2"    → FP
// F1 = 2·1 / (2·1 + 1 + 2) = 0.4
TEST(Metrics, SlotF1CountsWrongAsMissedAndUnlabelledAsFalsePositive) {
  UtteranceScores s;
  SlotLabels l;
  l.quantity = QuantityLabel{40, "m2"};
  dialog::Frame f;
  f.quantity = dialog::Quantity{40.004, "м2"};
  ScoreUtterance(U({}, l), f, &s);
  l.quantity = QuantityLabel{6, "piece"};
  f.quantity = dialog::Quantity{6, "м2"};
  ScoreUtterance(U({}, l), f, &s);
  l.quantity = QuantityLabel{10, "box"};
  f.quantity.reset();
  ScoreUtterance(U({}, l), f, &s);
  f.quantity = dialog::Quantity{12, "м2"};
  ScoreUtterance(U({}), f, &s);
  const Counts& q = s.slots["quantity"];
  EXPECT_EQ(q.tp, 1);
  EXPECT_EQ(q.fn, 2);
  EXPECT_EQ(q.fp, 1);
  EXPECT_DOUBLE_EQ(q.F1(), 0.4);
  EXPECT_TRUE(s.slots["name"].empty());
}

TEST(Metrics, UnitsAndChoicesInCorpusTerms) {
  EXPECT_EQ(CorpusUnit("м2"), "m2");
  EXPECT_EQ(CorpusUnit("упак"), "box");
  EXPECT_EQ(CorpusUnit("box"), "box");
  EXPECT_EQ(CorpusUnit("шт"), "piece");
  EXPECT_EQ(CorpusUnit("кг"), "kg");
  EXPECT_EQ(CorpusUnit(""), "none");
  EXPECT_EQ(CorpusChoice(0), "1");
  EXPECT_EQ(CorpusChoice(1), "2");
  EXPECT_EQ(CorpusChoice(-2), "last");
}

TEST(Metrics, ProductRightWhen) {
  catalog::Product a, b;
  a.sku = "A";
  b.sku = "B";
  dialog::ProductLink link;
  link.candidates = {{&a, 2.0, 2}, {&b, 1.0, 1}};
  link.confidence = dialog::ProductLink::Confidence::kSure;
  link.mentions.category = "Мозаика";
  ProductLabel sku{{"B", "A"}, "", false};
  EXPECT_TRUE(ProductRight(sku, link));
  EXPECT_FALSE(ProductRight(ProductLabel{{"B"}, "", false}, link));  // best is A
  link.confidence = dialog::ProductLink::Confidence::kAmbiguous;
  EXPECT_FALSE(ProductRight(sku, link));  // not sure: no product is right
  EXPECT_TRUE(ProductRight(ProductLabel{{}, "мозаика", false}, link));
  EXPECT_FALSE(ProductRight(ProductLabel{{}, "Керамогранит", false}, link));
  EXPECT_FALSE(ProductRight(ProductLabel{{}, "", true}, link));
  link.mentions.not_sold = "линолеум";
  EXPECT_TRUE(ProductRight(ProductLabel{{}, "", true}, link));
}

TEST(Metrics, OtherSlotsRightWhen) {
  UtteranceScores s;
  SlotLabels l;
  l.name = "Кирилл";
  l.address = "улица Мира, 12";
  l.manager = "Анна";
  l.fulfilment = "pickup";
  l.choice = "last";
  l.callback = CallbackLabel{std::string("tomorrow"), 10, std::nullopt, std::nullopt, std::nullopt};
  dialog::Frame f;
  f.name = "кирилл";
  f.address = "москва улица мира двенадцать кв 5";  // as a recogniser delivers it
  f.manager = "Анну";
  f.fulfilment = "delivery";
  f.choice = -2;
  f.callback = At(1, -1, 10, 30);  // minute not labelled: not checked
  auto j = ScoreUtterance(U({}, l), f, &s);
  EXPECT_EQ(s.slots["name"].tp, 1);
  EXPECT_EQ(s.slots["address"].tp, 1);
  EXPECT_EQ(s.slots["manager"].tp, 1);
  EXPECT_EQ(s.slots["fulfilment"].fn, 1);
  EXPECT_EQ(s.slots["choice"].tp, 1);
  EXPECT_EQ(s.slots["callback"].tp, 1);
  EXPECT_EQ(j.size(), 6u);

  CallbackLabel monday{std::string("monday"), std::nullopt, std::nullopt, std::nullopt,
                       std::nullopt};
  EXPECT_TRUE(CallbackRight(monday, At(-1, 1, -1, 0)));
  EXPECT_FALSE(CallbackRight(monday, At(-1, 2, -1, 0)));
  CallbackLabel at1830{std::nullopt, 18, 30, std::nullopt, std::nullopt};
  EXPECT_TRUE(CallbackRight(at1830, At(0, -1, 18, 30)));
  EXPECT_FALSE(CallbackRight(at1830, At(0, -1, 18, 0)));
  // "вечером" gives 18:00 as the part's default hour: not a clock time said.
  dialog::CallbackTime evening = At(0, -1, 18, 0);
  evening.hour_said = false;
  evening.part = "evening";
  CallbackLabel at18{std::nullopt, 18, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_FALSE(CallbackRight(at18, evening));
  CallbackLabel in_the_evening{std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                               std::string("evening")};
  EXPECT_TRUE(CallbackRight(in_the_evening, evening));
  dialog::CallbackTime in_an_hour;
  in_an_hour.in_minutes = 60;
  EXPECT_TRUE(CallbackRight(
      CallbackLabel{std::nullopt, std::nullopt, std::nullopt, 60, std::nullopt}, in_an_hour));
}

crm::Order Order(std::vector<crm::OrderLine> lines) {
  crm::Order o;
  o.lines = std::move(lines);
  o.fulfilment = "delivery";
  o.address = "Москва, улица Мира, дом 12";
  o.customer_name = "Кирилл";
  return o;
}

TEST(Metrics, ConversationVerdicts) {
  ConversationExpect ex;
  ex.outcome = "order_placed";
  ex.order = std::vector<OrderLineExpect>{{"A", 6.0}, {"B", std::nullopt}};
  ex.name = "кирилл";
  ex.fulfilment = "delivery";
  ex.address_contains = "мира";
  ConversationResult r;
  r.end.outcome = crm::Outcome::kOrderPlaced;
  r.orders = {Order({{"A", "", 6.004, "шт", 1}, {"B", "", 3, "шт", 1}})};
  auto v = JudgeConversation(ex, r);
  EXPECT_TRUE(v.success) << (v.reasons.empty() ? "" : v.reasons[0]);
  EXPECT_EQ(v.wrong_product_lines, 0);

  // A product not in expect is a wrong product; a wrong quantity is a failure, not a wrong
  // product.
  r.orders = {Order({{"A", "", 7, "шт", 1}, {"C", "", 1, "шт", 1}, {"B", "", 3, "шт", 1}})};
  v = JudgeConversation(ex, r);
  EXPECT_FALSE(v.success);
  EXPECT_EQ(v.wrong_product_lines, 1);
  EXPECT_EQ(v.reasons.size(), 3u);  // C wrong, A × 6 missing, A × 7 extra
  // The aggregate kinds name no SKU: a quantity that differs is not a missing line.
  EXPECT_EQ(v.kinds, (std::set<std::string>{"wrong product ordered", "order quantity wrong",
                                            "extra order line"}));

  // No order expected: any line is a wrong product.
  ConversationExpect info;
  info.outcome = "info_only";
  r.end.outcome = crm::Outcome::kInfoOnly;
  r.orders = {Order({{"A", "", 1, "шт", 1}})};
  v = JudgeConversation(info, r);
  EXPECT_FALSE(v.success);
  EXPECT_EQ(v.wrong_product_lines, 1);
  r.orders.clear();
  EXPECT_TRUE(JudgeConversation(info, r).success);

  ConversationExpect nt;
  nt.outcome = "non_targeted";
  nt.reason = "not_sold";
  r.end.outcome = crm::Outcome::kNonTargeted;
  r.end.reason = crm::NonTargetedReason::kUnclear;
  EXPECT_FALSE(JudgeConversation(nt, r).success);
  EXPECT_EQ(JudgeConversation(nt, r).kinds, std::set<std::string>{"reason not_sold -> unclear"});
  r.end.outcome = crm::Outcome::kRefused;
  EXPECT_EQ(
      JudgeConversation(nt, r).kinds,
      (std::set<std::string>{"outcome non_targeted -> refused", "reason not_sold -> unclear"}));
  r.end.outcome = crm::Outcome::kNonTargeted;
  r.end.reason = crm::NonTargetedReason::kNotSold;
  EXPECT_TRUE(JudgeConversation(nt, r).success);
  r.hit_turn_limit = true;
  EXPECT_FALSE(JudgeConversation(nt, r).success);
}

}  // namespace
}  // namespace kira::eval
