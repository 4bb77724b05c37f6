// Slot extraction from one caller utterance: quantities with units, the caller's name, pickup
// or delivery, an address, a callback time and a choice among offered items. Input is the
// canonical text (text::Canonical) and, where the caller's own spelling matters (names,
// addresses), the original text. Language knowledge (unit words, ordinals, day names) lives
// here; shop knowledge does not.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kira::dialog {

struct Quantity {
  double value = 0;
  // "м2", "box" (boxes/packs of a tile), "шт", "упак", "кг", or "" when the caller gave a bare
  // number (only accepted when the agent just asked for a quantity).
  std::string unit;
};

std::optional<Quantity> ExtractQuantity(const std::string& canonical, bool bare_allowed);

// "меня зовут Иван", "это Ольга", "my name is John"; when the agent just asked for the name,
// a short reply is taken as the name.
std::optional<std::string> ExtractName(const std::string& original, bool awaiting);

// "pickup" or "delivery".
std::optional<std::string> ExtractFulfilment(const std::string& canonical);

// An address given after the agent asked for it (leading "адрес:", "по адресу" removed).
std::optional<std::string> ExtractAddress(const std::string& original);

struct CallbackTime {
  int day_offset = -1;  // 0 today, 1 tomorrow...; -1 when a weekday was named instead
  int weekday = -1;     // 0 = Sunday … 6 = Saturday, or -1
  int hour = -1;        // -1 when no time was given
  int minute = 0;
};
std::optional<CallbackTime> ExtractCallbackTime(const std::string& canonical);

// "первый", "вторую", "the second one", "последний" → 0-based index; -2 = "last"; nullopt.
std::optional<int> ExtractChoice(const std::string& canonical);

// True when the canonical text contains any of the words/phrases (whole-word match).
bool ContainsAny(const std::string& canonical, const std::vector<std::string>& phrases);

}  // namespace kira::dialog
