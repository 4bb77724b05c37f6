// ASR-like noise for the noisy replay of `kira eval --noise`: a caller line as a recogniser
// would deliver it — lower case, no punctuation, numbers as words ("60x60" → "шестьдесят на
// шестьдесят", "10:30" → "десять тридцать"), fillers ("ну", "э-э", "um") and now and then a
// word dropped or one letter of a word confused. Deterministic: the same line, salt and seed
// give the same result on every platform (own PRNG, no std distributions).
//
//   std::string heard = eval::AddNoise("Возьму 6 листов, 60х60!", "ru", /*seed=*/1, /*salt=*/0);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kira::eval {

struct NoiseOptions {
  double filler_rate = 0.35;  // a filler word inserted (a second one at a third of this rate)
  double drop_rate = 0.1;     // one word of four or more dropped
  double confuse_rate = 0.1;  // one letter of a longer word swapped for a sound-alike
};

// Lower case, numbers and symbols spoken as words, punctuation removed — no randomness.
// `lang` is "ru" or "en".
std::string SpokenForm(std::string_view line, const std::string& lang);

// SpokenForm plus fillers, drops and confusions drawn from (seed, salt, the line).
std::string AddNoise(std::string_view line, const std::string& lang, uint64_t seed, uint64_t salt,
                     const NoiseOptions& o = {});

// A salt for one caller line of a conversation: its id and turn, so the noise of a line does
// not depend on which other files or conversations run.
uint64_t NoiseSalt(std::string_view id, int turn);

}  // namespace kira::eval
