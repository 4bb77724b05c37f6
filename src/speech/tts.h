// TtsEngine: text-to-speech behind one interface. Implementations: "espeak" (espeak-ng, ru and
// en, in-process, very fast), "flite" (English, more natural; voice kal is native 8 kHz, slt
// 16 kHz). Engines are created by name from config through TtsRegistry (speech/registry.h);
// static prompts go through PromptCache (speech/prompt_cache.h).
//
//   auto tts = kira::speech::TtsRegistry::Global().Create(
//       {.name = "ru", .engine = "espeak", .params = {{"voice", "ru"}}});
//   auto audio = (*tts)->Synthesize("Плитка стоит 1290 рублей за квадратный метр.");
//   // audio->rate == 8000 (telephone rate unless TtsOptions say otherwise), audio->samples
//
//   // streaming: the first sentence is ready long before the whole reply
//   (*tts)->SynthesizeStream(text, [&](const kira::media::Audio& chunk) {
//     player.Enqueue(chunk.samples); return true; /* false = stop (barge-in) */ });
//
// Contract (checked by tts_conformance_test.cpp): non-empty audio at the requested rate for
// non-empty text; a duration plausible for the text; empty/whitespace text → ok, no samples;
// very long text works; Russian text works for "espeak". Engines are safe to call from several
// threads (engines that are not reentrant serialise internally).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "media/audio.h"
#include "speech/engine_config.h"

namespace kira::speech {

class TtsEngine {
 public:
  virtual ~TtsEngine() = default;

  // Whole text → audio at `rate` (resampled from the engine's native rate when different).
  virtual Result<media::Audio> Synthesize(std::string_view text, int rate = 8000) = 0;
  // Sentence by sentence: calls on_chunk with each piece as soon as it is synthesised; stops
  // early when on_chunk returns false. Default: splits at sentence ends (and a long first
  // sentence at its first comma, for a short time to first audio), calls Synthesize.
  using ChunkFn = std::function<bool(const media::Audio& chunk)>;
  virtual Status SynthesizeStream(std::string_view text, const ChunkFn& on_chunk, int rate = 8000);

  virtual std::string_view name() const = 0;  // "espeak", "flite"
  virtual std::string voice() const = 0;      // "ru", "en-us", "kal", "slt"
  virtual std::string language() const = 0;   // "ru", "en"
  virtual int native_sample_rate() const = 0;
};

// Splits text into sentences at . ! ? … ; and newlines (keeps the punctuation); long
// sentences are further split at commas beyond ~max_chars. Empty pieces are dropped.
std::vector<std::string> SplitSentences(std::string_view text, size_t max_chars = 200);

}  // namespace kira::speech
