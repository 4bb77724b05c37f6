#include "speech/prompt_cache.h"

namespace kira::speech {

Result<std::shared_ptr<const media::Audio>> PromptCache::Get(TtsEngine& tts,
                                                             const std::string& text, int rate) {
  Key key{std::string(tts.name()), tts.voice(), rate, text};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      ++hits_;
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.audio;
    }
    ++misses_;
  }
  // Synthesise outside the lock (other prompts stay available meanwhile). Two threads asking
  // for the same new prompt both synthesise; the second insert finds it present.
  KIRA_ASSIGN_OR_RETURN(media::Audio a, tts.Synthesize(text, rate));
  auto audio = std::make_shared<const media::Audio>(std::move(a));
  size_t size = audio->samples.size() * sizeof(int16_t);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second.audio;
  if (size > max_bytes_) return std::shared_ptr<const media::Audio>(audio);  // too big to keep
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    auto victim = entries_.find(lru_.back());
    bytes_ -= victim->second.audio->samples.size() * sizeof(int16_t);
    entries_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  entries_[key] = Entry{audio, lru_.begin()};
  bytes_ += size;
  return std::shared_ptr<const media::Audio>(audio);
}

Status PromptCache::Preload(TtsEngine& tts, const std::vector<std::string>& texts, int rate) {
  for (const auto& t : texts) {
    auto r = Get(tts, t, rate);
    if (!r.ok()) return r.status().WithContext("prompt '" + t.substr(0, 40) + "'");
  }
  return Status::Ok();
}

size_t PromptCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}
size_t PromptCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}
uint64_t PromptCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}
uint64_t PromptCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace kira::speech
