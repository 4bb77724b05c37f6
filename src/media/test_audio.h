// Test-only helpers for media tests: speech made by the espeak-ng command-line tool (a real
// synthesiser, not a recording), resampled to 8 kHz, and frame-walking utilities.
#pragma once

#include <string>

#include "media/audio.h"

namespace kira::media::testing {

// Runs `espeak-ng -v <voice> -s <wpm> -w <tmp> <text>` and returns 8 kHz mono audio with the
// leading/trailing silence espeak adds trimmed. Fails the calling test (ADD_FAILURE) and
// returns empty audio if the tool is missing.
Pcm EspeakSpeech(const std::string& voice, const std::string& text, int wpm = 175);
// Concatenates pieces.
Pcm Concat(std::initializer_list<Pcm> parts);
// Trims leading and trailing samples quieter than `threshold` (absolute sample value).
Pcm Trim(const Pcm& pcm, int threshold = 200);

}  // namespace kira::media::testing
