#include "dialog/slots.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace kira::dialog {
namespace {

std::optional<Quantity> Q(const std::string& s, bool bare = false) {
  return ExtractQuantity(text::Canonical(s), bare);
}

TEST(Slots, Quantities) {
  EXPECT_EQ(Q("двадцать квадратов")->value, 20);
  EXPECT_EQ(Q("двадцать квадратов")->unit, "м2");
  EXPECT_EQ(Q("нужно 15 кв. м")->unit, "м2");
  EXPECT_EQ(Q("10 коробок")->unit, "box");
  EXPECT_EQ(Q("five boxes")->unit, "box");
  EXPECT_EQ(Q("3 штуки")->unit, "шт");
  EXPECT_EQ(Q("10 мешков")->unit, "шт");
  EXPECT_EQ(Q("полтора квадрата")->value, 1.5);
  EXPECT_EQ(Q("twenty square meters")->value, 20);
  EXPECT_FALSE(Q("перезвоните в 10").has_value());
  EXPECT_FALSE(Q("20", false).has_value());
  EXPECT_EQ(Q("20", true)->value, 20);
  EXPECT_FALSE(Q("плитка 60x60").has_value());
  EXPECT_EQ(Q("3 tubs of adhesive")->unit, "шт");
  // An order word before an amount with its unit: a quantity, not an order number.
  EXPECT_EQ(Q("i want to order ten boxes of the charcoal")->value, 10);
  EXPECT_EQ(Q("i want to order ten boxes of the charcoal")->unit, "box");
  EXPECT_FALSE(Q("order 1234").has_value());
  EXPECT_FALSE(Q("заказ 15").has_value());
  // Diminutives of packs.
  EXPECT_EQ(Q("три пачечки по два кило")->value, 3);
  EXPECT_EQ(Q("три пачечки по два кило")->unit, "box");
}

TEST(Slots, OrderLinesSplitAtSeparators) {
  std::vector<std::string> seps = {"and", "plus", "as well as"};
  auto parts = SplitOrderLines(
      text::Canonical("ten sheets of the mosaic and a tub of grout as well as two trowels"), seps);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "10 sheets of the mosaic");
  EXPECT_EQ(parts[1], "a tub of grout");
  EXPECT_EQ(parts[2], "2 trowels");
  EXPECT_EQ(SplitOrderLines("grout and", seps).size(), 1u);
  EXPECT_EQ(SplitOrderLines("", seps).size(), 0u);
}

TEST(Slots, Names) {
  EXPECT_EQ(*ExtractName("Меня зовут Иван Петров", false), "Иван");
  EXPECT_EQ(*ExtractName("my name is John", false), "John");
  EXPECT_EQ(*ExtractName("ольга", true), "Ольга");
  EXPECT_FALSE(ExtractName("ольга", false).has_value());
  EXPECT_FALSE(ExtractName("мне нужно двадцать метров плитки в ванную", true).has_value());
}

// Names as callers give them: in any case form (the dictionary form is kept), lower-case from
// a recogniser, inside a longer answer, after "зовите меня", "запишите на", "under".
TEST(Slots, NamesAsCallersSayThem) {
  auto N = [](const char* s, bool awaiting) {
    auto n = ExtractName(s, awaiting);
    return n ? *n : std::string("(none)");
  };
  EXPECT_EQ(N("заберу сам, я кирилл", false), "Кирилл");
  EXPECT_EQ(N("Зовите меня Тимофей, и давайте доставку", false), "Тимофей");
  EXPECT_EQ(N("запишите на Олега, пожалуйста", false), "Олег");
  EXPECT_EQ(N("да, записывайте, Юрий Петрович, телефон этот же", true), "Юрий");
  EXPECT_EQ(N("записывайте Руслан", true), "Руслан");
  EXPECT_EQ(N("Put it under the name of Gemma please", false), "Gemma");
  EXPECT_EQ(N("Rob here, I need some grout", false), "Rob");
  EXPECT_EQ(N("it is for the kitchen, Laura Smith", true), "Laura");
  EXPECT_EQ(N("а зачем вам?", true), "(none)");
  EXPECT_EQ(N("я думаю, двадцать метров", false), "(none)");
  EXPECT_EQ(N("я из Москвы", false), "(none)");
  // A listed first name opening a longer answer as a clause; an unlisted opening word is not.
  std::vector<std::string> listed = {"priya", "tom"};
  EXPECT_EQ(ExtractName("Priya, like I said", true, listed).value_or("(none)"), "Priya");
  EXPECT_EQ(ExtractName("Actually, hang on a second", true, listed).value_or("(none)"), "(none)");
}

TEST(Slots, FulfilmentAndAddress) {
  EXPECT_EQ(*ExtractFulfilment(text::Canonical("заберу сам")), "pickup");
  EXPECT_EQ(*ExtractFulfilment(text::Canonical("лучше доставка")), "delivery");
  EXPECT_EQ(*ExtractFulfilment(text::Canonical("I'll pick up")), "pickup");
  EXPECT_EQ(*ExtractFulfilment(text::Canonical("I'll come get it")), "pickup");
  EXPECT_EQ(*ExtractFulfilment(text::Canonical("везите в Шувакиш")), "delivery");
  EXPECT_FALSE(ExtractFulfilment(text::Canonical("когда привезут?")).has_value());
  EXPECT_FALSE(ExtractFulfilment(text::Canonical("не знаю")).has_value());
  EXPECT_EQ(*ExtractAddress("По адресу Москва, Ленина 5"), "Москва, Ленина 5");
  EXPECT_FALSE(ExtractAddress("да").has_value());
}

TEST(Slots, CallbackTimes) {
  auto t = ExtractCallbackTime(text::Canonical("перезвоните завтра в десять"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->day_offset, 1);
  EXPECT_EQ(t->hour, 10);
  t = ExtractCallbackTime(text::Canonical("в пятницу в три"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->weekday, 5);
  EXPECT_EQ(t->hour, 15);
  t = ExtractCallbackTime(text::Canonical("завтра в 11:30"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->hour, 11);
  EXPECT_EQ(t->minute, 30);
  t = ExtractCallbackTime(text::Canonical("call me tomorrow at 7 pm"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->hour, 19);
  t = ExtractCallbackTime(text::Canonical("вечером"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->day_offset, 0);
  EXPECT_EQ(t->hour, 18);
  EXPECT_FALSE(ExtractCallbackTime(text::Canonical("плитка серая")).has_value());
}

TEST(Slots, Choices) {
  EXPECT_EQ(*ExtractChoice(text::Canonical("давайте второй")), 1);
  EXPECT_EQ(*ExtractChoice(text::Canonical("the first one")), 0);
  EXPECT_EQ(*ExtractChoice(text::Canonical("последний")), -2);
  EXPECT_FALSE(ExtractChoice(text::Canonical("во вторник")).has_value());
}

// Tens and dozens count items: "полтора десятка" is 15, "two dozen tiles" 24.
TEST(Slots, TensAndDozens) {
  EXPECT_EQ(Q("полтора десятка листов")->value, 15);
  EXPECT_EQ(Q("полтора десятка листов")->unit, "шт");
  EXPECT_EQ(Q("пару десятков плиток")->value, 20);
  EXPECT_EQ(Q("полтора десятка")->value, 15);
  EXPECT_EQ(Q("two dozen tiles")->value, 24);
  EXPECT_EQ(Q("half a dozen sheets")->value, 6);
}

// A name said anywhere in the turn, and no street, number or state word taken for one.
TEST(Slots, NamesSaidInPassing) {
  EXPECT_EQ(*ExtractName("Hi, Sam here, I need twenty square meters", false), "Sam");
  EXPECT_EQ(*ExtractName("yes, it's Viktor, I'll collect it", false), "Viktor");
  EXPECT_EQ(*ExtractName("yeah its david", false), "David");
  EXPECT_EQ(*ExtractName("hello this is grace i want tiles", false, {"grace"}), "Grace");
  EXPECT_EQ(*ExtractName("Hello, this is Grace, I want ten square meters", false), "Grace");
  EXPECT_EQ(*ExtractName("да, доставка на Молодёжную 5, Вероника", false), "Вероника");
  EXPECT_FALSE(ExtractName("it's 40 Kirkstall Road", false).has_value());
  EXPECT_FALSE(ExtractName("it's Baker Street", false).has_value());
  EXPECT_FALSE(ExtractName("yeah it's ten", false).has_value());
  EXPECT_FALSE(ExtractName("it's for the bathroom", false).has_value());
  EXPECT_FALSE(ExtractName("доставка на улицу Ленина", false).has_value());
}

// "Не X, а Y": what is taken back and what is said instead; an address gets Y in X's place.
TEST(Slots, Replacements) {
  auto r = ExtractReplacement("нет, не Садовая, а Садовническая, 7");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->from, "Садовая");
  EXPECT_EQ(r->to, "Садовническая, 7");
  EXPECT_EQ(*ReplaceInAddress("улица Садовая, 7", *r), "улица Садовническая, 7");
  r = ExtractReplacement("no, not Baker Street, it's 12 Brook Street");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->from, "Baker Street");
  EXPECT_EQ(r->to, "12 Brook Street");
  EXPECT_EQ(*ReplaceInAddress("12 Baker Street", *r), "12 Brook Street");
  r = ExtractReplacement("не Лесная, а Луговая");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*ReplaceInAddress("улица Лесной, 5", *r), "улица Луговая, 5");
  EXPECT_FALSE(ReplaceInAddress("улица Мира, 5", *r).has_value());
  r = ExtractReplacement("нет, не 10, а 15");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->from, "10");
  EXPECT_FALSE(ExtractReplacement("не знаю").has_value());
  EXPECT_FALSE(ExtractReplacement("да, всё верно").has_value());
}

// A count beside a product without a unit; never a format, an address or a pronoun.
TEST(Slots, CountsWithoutAUnit) {
  auto product = [](const std::string& w) {
    return w == "унитаза" || w == "смесителей" || w == "ванну" || w == "tiles";
  };
  auto count = [&](const char* s) {
    auto q = ExtractCount(s, product);
    return q ? q->value : -1.0;
  };
  EXPECT_EQ(count("Мне нужны два унитаза Церсанит Карина"), 2);
  EXPECT_EQ(count("Мне пару смесителей на кухню"), 2);
  EXPECT_EQ(count("Унитаз Сантек Римини, один"), 1);
  EXPECT_EQ(count("ванну кальдевай стальную одну"), 1);
  EXPECT_EQ(count("four of the white tiles"), 4);
  EXPECT_EQ(count("Grey Rondec trim, three please"), 3);
  EXPECT_EQ(count("ванну 170 на 70"), -1);                    // a format
  EXPECT_EQ(count("привезите на проспект Победы, 100"), -1);  // an address
  EXPECT_EQ(count("the matte one"), -1);                      // a pronoun
  EXPECT_EQ(count("перезвоните в 5"), -1);                    // a clock time
  EXPECT_EQ(ExtractQuantity(text::Canonical("керамогранит полсотни квадратов"), false)->value, 50);
  EXPECT_EQ(ExtractQuantity(text::Canonical("four lengths of the chrome trim"), false)->unit, "шт");
}

// A quantity taken back in the same turn: the number said after it, in the same unit.
TEST(Slots, QuantityTakenBackInTheSameTurn) {
  EXPECT_EQ(Q("Клей Литокол К80, семь мешков, ой нет, девять")->value, 9);
  EXPECT_EQ(Q("Клей Литокол К80, семь мешков, ой нет, девять")->unit, "шт");
  EXPECT_EQ(Q("grey grout, three bags, no wait, make it five")->value, 5);
  EXPECT_EQ(Q("двадцать квадратов, точнее двадцать пять")->value, 25);
  EXPECT_EQ(Q("двадцать квадратов, точнее двадцать пять")->unit, "м2");
  // The weight of each pack is no quantity.
  EXPECT_EQ(Q("затирку белую Церезит, четыре пачки по два кило")->value, 4);
  EXPECT_EQ(Q("four bags of 25 kg")->value, 4);
  // Without taking it back, a later bare number is no quantity ("60 на 120", a house number).
  EXPECT_EQ(Q("двадцать квадратов керамогранита, доставка на Мира 12")->value, 20);
}

// Titles, full names, names after "it's" opening a clause, "X беспокоит".
TEST(Slots, NamesWithTitlesAndInClauses) {
  const std::vector<std::string> known = {"jamie", "андрей", "азат"};
  EXPECT_EQ(*ExtractName("Hello, it's Mrs Patel. I want the Metro white", false), "Patel");
  EXPECT_EQ(*ExtractName("Mr Davies here, I need ten square metres", false), "Davies");
  EXPECT_EQ(*ExtractName("Morning, Sarah Jenkins speaking. Can I order", false), "Sarah");
  EXPECT_EQ(*ExtractName("delivered to 6 Chapel Lane, Frenchay. It's Graham.", false), "Graham");
  EXPECT_EQ(*ExtractName("hi yeah this is jamie i need the black tiles", false, known), "Jamie");
  EXPECT_EQ(*ExtractName("Здравствуйте, Нина Петровна беспокоит.", false), "Нина");
  EXPECT_EQ(*ExtractName("алло здравствуйте это андрей мне ванну", false, known), "Андрей");
  EXPECT_EQ(*ExtractName("Клей, десять мешков, заберу со склада, Азат", false, known), "Азат");
  EXPECT_FALSE(ExtractName("It's Monday.", false).has_value());
  EXPECT_FALSE(ExtractName("I think it's white, the matte one", false).has_value());
}

// Pickup as people say it.
TEST(Slots, PickupPhrasings) {
  for (const char* s : {"I'll swing by and grab it", "I'll nip down with the van",
                        "I'll pop into the yard for them", "I'll come and get it",
                        "заскочу сам вечером", "со склада заберу"})
    EXPECT_EQ(ExtractFulfilment(text::Canonical(s)).value_or(""), "pickup") << s;
  EXPECT_FALSE(ExtractFulfilment(text::Canonical("call me back tomorrow")).has_value());
}

}  // namespace
}  // namespace kira::dialog
