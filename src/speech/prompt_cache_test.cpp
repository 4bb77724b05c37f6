#include "speech/prompt_cache.h"

#include <gtest/gtest.h>

#include "speech/espeak_tts.h"
#include "speech/flite_tts.h"

namespace kira::speech {
namespace {

TEST(PromptCacheTest, SynthesisesOncePerEngineVoiceRateAndText) {
  auto ru = EspeakTts::Create({.voice = "ru"});
  auto en = FliteTts::Create({.voice = "kal"});
  ASSERT_TRUE(ru.ok() && en.ok());
  PromptCache cache;
  auto a = cache.Get(**ru, "Здравствуйте!");
  auto b = cache.Get(**ru, "Здравствуйте!");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get()) << "the same shared audio";
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  auto c = cache.Get(**ru, "Здравствуйте!", 16000);  // another rate: another entry
  auto d = cache.Get(**en, "Hello!");                // another engine: another entry
  ASSERT_TRUE(c.ok() && d.ok());
  EXPECT_EQ((*c)->rate, 16000);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.bytes(),
            2 * ((*a)->samples.size() + (*c)->samples.size() + (*d)->samples.size()));
}

TEST(PromptCacheTest, EvictsLeastRecentlyUsedWithinTheByteBudget) {
  auto en = EspeakTts::Create({.voice = "en"});
  ASSERT_TRUE(en.ok());
  auto probe = (*en)->Synthesize("Prompt number one.");
  ASSERT_TRUE(probe.ok());
  size_t one = probe->samples.size() * 2;
  PromptCache cache(one * 2 + one / 2);  // room for two prompts
  ASSERT_TRUE(cache.Preload(**en, {"Prompt number one.", "Prompt number two."}).ok());
  ASSERT_TRUE(cache.Get(**en, "Prompt number one.").ok());    // one is now most recent
  ASSERT_TRUE(cache.Get(**en, "Prompt number three.").ok());  // evicts two
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_LE(cache.bytes(), one * 2 + one / 2);
  uint64_t misses = cache.misses();
  ASSERT_TRUE(cache.Get(**en, "Prompt number one.").ok());
  EXPECT_EQ(cache.misses(), misses) << "one stayed";
  ASSERT_TRUE(cache.Get(**en, "Prompt number two.").ok());
  EXPECT_EQ(cache.misses(), misses + 1) << "two was evicted";
}

}  // namespace
}  // namespace kira::speech
