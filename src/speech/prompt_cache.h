// PromptCache: synthesised audio for static prompts (greetings, "one moment please", menu
// texts), keyed by (engine, voice, rate, text), so a prompt is synthesised once per process and
// played from memory on every call. Bounded by bytes; least recently used prompts are evicted.
// Thread-safe. Returned audio is shared and immutable.
//
//   kira::speech::PromptCache cache(/*max_bytes=*/32 << 20);
//   auto audio = cache.Get(*tts, "Здравствуйте! Магазин плитки, чем помочь?");  // synth once
//   if (!audio.ok()) ...;   player.Play((*audio)->samples);
//   cache.Preload(*tts, scenario.static_prompts());          // at start-up
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "speech/tts.h"

namespace kira::speech {

class PromptCache {
 public:
  explicit PromptCache(size_t max_bytes = 64u << 20) : max_bytes_(max_bytes) {}

  Result<std::shared_ptr<const media::Audio>> Get(TtsEngine& tts, const std::string& text,
                                                  int rate = 8000);
  Status Preload(TtsEngine& tts, const std::vector<std::string>& texts, int rate = 8000);

  size_t bytes() const;
  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  using Key = std::tuple<std::string, std::string, int, std::string>;
  struct Entry {
    std::shared_ptr<const media::Audio> audio;
    std::list<Key>::iterator lru;
  };
  size_t max_bytes_;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;
  std::list<Key> lru_;  // front = most recent
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace kira::speech
