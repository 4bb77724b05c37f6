// Slot extraction from one caller utterance: quantities with units, the caller's name, pickup
// or delivery, an address, a callback time, a phone number, a person asked for by name and a
// choice among offered items. Input is the canonical text (text::Canonical) and, where the
// caller's own spelling matters (names, addresses), the original text. Language knowledge
// (unit words, ordinals, day names, address words) lives here; shop knowledge does not.
//
// A number is a quantity only where its context makes it one: never a phone number, a format
// ("60x120"), a clock time ("в 10"), a duration or lead time ("пять дней подожду"), a house or
// flat number ("улица Мира, 12"), a price, a percentage or an order number (NumberRoles).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kira::dialog {

struct Quantity {
  double value = 0;
  // "м2", "box" (boxes/packs of a tile), "шт" (pieces, sheets, bags), "кг", or "" when the
  // caller gave a bare number (only accepted when the agent just asked for a quantity).
  std::string unit;
};

// What each token of a canonical utterance is, as far as numbers go.
enum class NumberRole { kNone, kQuantity, kPhone, kTime, kDuration, kAddress, kPrice, kOther };
std::vector<NumberRole> NumberRoles(const std::vector<std::string>& tokens);

// Whether tokens[i] is a hesitation sound ("ну", "э-э", "м-м", "um"), which a recogniser puts
// anywhere, also between a number and its unit ("мм" after a number is millimetres).
bool IsFiller(const std::vector<std::string>& tokens, size_t i);
// The tokens without hesitation sounds.
std::vector<std::string> WithoutFillers(const std::vector<std::string>& tokens);

// Tokens that do not describe a product: a quantity with its unit ("20 квадратов"), phone,
// clock, duration, price and address numbers, and one-letter words. Product search skips them
// ("10 коробок" is not the "10 л" primer).
std::vector<bool> NotProductWords(const std::vector<std::string>& tokens);

// The quantity the caller states. With several, the last one (a correction: "нет, не 10, а
// 15" → 15). A bare number counts only when `bare_allowed` (the agent asked "how much?").
std::optional<Quantity> ExtractQuantity(const std::string& canonical, bool bare_allowed);

// The unit of a quantity that starts at toks[i] ("м2", "box", "шт", "кг"; "" when none):
// "square metres", "коробок", "bags".
std::string QuantityUnitAt(const std::vector<std::string>& toks, size_t i);

// A canonical turn cut where one product of an order ends and the next begins, at the
// scenario's order_line_separators ("twenty metres of tile and four bags of adhesive" → two
// parts). Longer separators are matched first; empty parts are dropped.
std::vector<std::string> SplitOrderLines(const std::string& canonical,
                                         const std::vector<std::string>& separators);

// A word that takes back what the caller said before it in the same turn or offers something
// instead: "ой нет, девять", "хотя нет, давайте лучше…", "no wait, make it five", "actually",
// "deliver it instead". One list for the quantity, the product and the order steps.
bool TakesBack(const std::string& canonical_token);
// A word that adds to what was said ("и ещё затирку", "also the grout"): no taking back.
bool AddsTo(const std::string& canonical_token);

// A count said without a unit beside a product: "два унитаза", "пару смесителей", "four of the
// white ones" (a number before a word `product_word` accepts, one adjective or "of" between), or
// a number that is a clause of its own ("Унитаз Сантек Римини, один", "…, one please"), or a
// small number ending an unpunctuated turn ("ванну кальдевай одну"). Never a format ("170 на
// 70"), an address, a time, a price or a phone number. `original` as said. Unit "шт" (a count;
// for a product sold by the square metre the session reads it as its unit).
std::optional<Quantity> ExtractCount(const std::string& original,
                                     const std::function<bool(const std::string&)>& product_word);

// "меня зовут Иван", "я Кирилл", "это Ольга", "my name is John", "the name's Tom", "Sam here",
// "yes, it's Viktor", "…, Вероника" (last, after a comma); when the agent just asked for the
// name, a short reply is taken as the name. `known_names` (lower case: the scenario's
// heard_first_names) count as capitalised where the recogniser wrote them in lower case.
std::optional<std::string> ExtractName(const std::string& original, bool awaiting,
                                       const std::vector<std::string>& known_names = {});

// "pickup" or "delivery".
std::optional<std::string> ExtractFulfilment(const std::string& canonical);

// An address. When `awaiting` (the agent asked for it), the reply without its lead-in
// ("адрес:", "по адресу"); otherwise only an address with a street word ("улица Мира, 12",
// "ул. Ленина д. 5", "12 Baker Street").
std::optional<std::string> ExtractAddress(const std::string& original, bool awaiting = true);

// "нет, не Садовая, а Садовническая, 7", "no, not Baker Street, it's 12 Brook Street", "не
// 10, а 15": what the caller takes back (`from`) and what they say instead (`to`), as said.
struct Replacement {
  std::string from, to;
};
std::optional<Replacement> ExtractReplacement(const std::string& original);

// `address` with the part the caller takes back replaced: "улица Садовая, 7" with {Садовая →
// Садовническая, 7} is "улица Садовническая, 7" (a `to` with a number replaces the rest too).
// nullopt when `from` is not in the address (matched by word stems).
std::optional<std::string> ReplaceInAddress(const std::string& address, const Replacement& r);

struct CallbackTime {
  int day_offset = -1;  // 0 today, 1 tomorrow...; -1 when a weekday was named instead
  int weekday = -1;     // 0 = Sunday … 6 = Saturday, or -1
  int hour = -1;        // -1 when no time was given
  int minute = 0;
  int in_minutes = -1;     // "через час" → 60; -1 when not relative
  std::string part;        // "morning", "afternoon", "evening" or ""
  bool hour_said = false;  // a clock time was said (else `hour` is the part's default)
  bool day_said = false;  // a day was said ("сегодня", "завтра", a weekday; else today)
};
std::optional<CallbackTime> ExtractCallbackTime(const std::string& canonical);

// A phone number said or typed (runs of digits, "+7 916 123-45-67", "8 916 …"), in E.164
// when it looks Russian or British, else the digits with '+'.
std::optional<std::string> ExtractPhone(const std::string& canonical);

// "первый", "вторую", "the second one", "последний" → 0-based index; -2 = "last"; nullopt.
std::optional<int> ExtractChoice(const std::string& canonical);

// True when the canonical text contains any of the words/phrases (whole-word match).
bool ContainsAny(const std::string& canonical, const std::vector<std::string>& phrases);

}  // namespace kira::dialog
