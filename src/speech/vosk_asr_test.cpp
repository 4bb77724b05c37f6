#include "speech/vosk_asr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "media/audio.h"
#include "speech/testing/vosk_test_server.h"

namespace kira::speech {
namespace {

using testing::VoskFault;
using testing::VoskTestServer;

// 1 s of a 300 Hz tone at 8 kHz: the test server cannot recognise anything, so the content
// only has to be audio of a known size.
media::Pcm OneSecond() { return media::Tone(8000, 300, 1000, -20); }

std::unique_ptr<VoskAsr> Client(const std::string& url, int reply_timeout_ms = 2000) {
  auto c = VoskAsr::Create(
      {.url = url, .connect_timeout_ms = 1000, .reply_timeout_ms = reply_timeout_ms});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

Result<AsrResult> Recognise(VoskAsr& asr, const media::Pcm& pcm, AsrRequest req = {}) {
  KIRA_ASSIGN_OR_RETURN(auto s, asr.Start(req));
  for (auto& f : media::SplitFrames(pcm)) KIRA_RETURN_IF_ERROR(s->Feed(f));
  return s->Finish();
}

TEST(VoskAsrTest, SpeaksTheProtocolAndReturnsTheServerTranscript) {
  VoskTestServer server;
  server.Script({"где серая плитка", "да"});
  ASSERT_TRUE(server.Start().ok());
  auto asr = Client(server.url());
  auto s = asr->Start({.phrases = {}, .sample_rate = 8000});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  media::Pcm pcm = OneSecond();
  for (auto& f : media::SplitFrames(pcm)) ASSERT_TRUE((*s)->Feed(f).ok());
  auto r = (*s)->Finish();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "где серая плитка");
  EXPECT_EQ(r->words.size(), 3u);
  EXPECT_DOUBLE_EQ(r->confidence, 1.0);
  EXPECT_EQ(r->audio_ms, 1000);
  // Second utterance, second connection, second scripted transcript.
  auto r2 = Recognise(*asr, OneSecond());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->text, "да");

  auto rec = server.Received();
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].sample_rate, 8000);
  EXPECT_EQ(rec[0].audio_bytes, 16000u) << "1 s of 16-bit PCM at 8 kHz";
  EXPECT_EQ(rec[0].binary_frames, 5) << "200 ms chunks";
  EXPECT_TRUE(rec[0].eof);
  EXPECT_TRUE(rec[0].masked_ok);
  EXPECT_TRUE(rec[0].unexpected.empty());
  EXPECT_TRUE(rec[0].phrase_list.empty()) << "phrases are off by default";
}

TEST(VoskAsrTest, PartialsGrowAndPhrasesAreSentWhenEnabled) {
  VoskTestServer server;
  server.Script({"one two three four five six"});
  ASSERT_TRUE(server.Start().ok());
  auto asr = VoskAsr::Create({.url = server.url(), .send_phrases = true});
  ASSERT_TRUE(asr.ok());
  auto s = (*asr)->Start({.phrases = {"One Two!", "three"}, .sample_rate = 16000});
  ASSERT_TRUE(s.ok());
  media::Pcm pcm = media::Tone(16000, 300, 1000, -20);
  std::string last_partial;
  for (auto& f : media::SplitFrames(pcm, 320)) {
    ASSERT_TRUE((*s)->Feed(f).ok());
    last_partial = (*s)->Partial().empty() ? last_partial : (*s)->Partial();
  }
  auto r = (*s)->Finish();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "one two three four five six");
  auto rec = server.Received();
  EXPECT_EQ(rec[0].sample_rate, 16000);
  EXPECT_EQ(rec[0].audio_bytes, 32000u);
  EXPECT_EQ(rec[0].phrase_list, (std::vector<std::string>{"one two", "three", "[unk]"}));
}

TEST(VoskAsrTest, MidStreamResultsAreJoinedWithTheFinal) {
  VoskTestServer server;
  server.Script({"мне нужна плитка и клей"});
  server.SetFault(VoskFault::kMidStreamResult);
  ASSERT_TRUE(server.Start().ok());
  auto r = Recognise(*Client(server.url()), OneSecond());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "мне нужна плитка и клей");
  EXPECT_EQ(r->words.size(), 5u);
}

TEST(VoskAsrTest, PartialKeepsTheWordsOfSegmentsTheServerClosed) {
  // The end-of-turn rules read Partial() in the caller's pauses, where a real server may have
  // closed a segment with a result: the words so far must not vanish with it.
  VoskTestServer server;
  server.Script({"мне нужна плитка и клей"});
  server.SetFault(VoskFault::kMidStreamResult);  // a result for "мне нужна" after chunk 2
  ASSERT_TRUE(server.Start().ok());
  auto asr = VoskAsr::Create({.url = server.url(), .chunk_ms = 20});
  ASSERT_TRUE(asr.ok());
  auto s = (*asr)->Start({.sample_rate = 8000});
  ASSERT_TRUE(s.ok());
  const auto frames = media::SplitFrames(media::Tone(8000, 300, 60, -20), 160);
  ASSERT_EQ(frames.size(), 3u);
  // Replies come back asynchronously: an empty feed only reads what has arrived.
  auto drain = [&](const std::string& want) {
    for (int i = 0; i < 200 && (*s)->Partial() != want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ASSERT_TRUE((*s)->Feed({}).ok());
    }
  };
  ASSERT_TRUE((*s)->Feed(frames[0]).ok());
  ASSERT_TRUE((*s)->Feed(frames[1]).ok());
  drain("мне нужна");
  EXPECT_EQ((*s)->Partial(), "мне нужна") << "the closed segment's words";
  ASSERT_TRUE((*s)->Feed(frames[2]).ok());
  drain("мне нужна плитка и клей");
  EXPECT_EQ((*s)->Partial(), "мне нужна плитка и клей");
  auto r = (*s)->Finish();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "мне нужна плитка и клей");
}

TEST(VoskAsrTest, SpokenModeHearsEachVoicedStretchAsTheNextPart) {
  VoskTestServer server;
  server.ScriptSpoken({{"мне нужна плитка на", 600}, {"кухню", 600}, {"да", 0}});
  ASSERT_TRUE(server.Start().ok());
  auto asr = VoskAsr::Create({.url = server.url(), .chunk_ms = 20});
  ASSERT_TRUE(asr.ok());
  auto hear = [&](const media::Pcm& pcm, std::vector<std::string>* partials) {
    auto s = (*asr)->Start({.sample_rate = 8000});
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return std::string();
    for (const auto& f : media::SplitFrames(pcm, 160)) {
      EXPECT_TRUE((*s)->Feed(f).ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (partials && (partials->empty() || partials->back() != (*s)->Partial()))
        partials->push_back((*s)->Partial());
    }
    auto r = (*s)->Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->text : std::string();
  };
  auto concat = [](std::initializer_list<media::Pcm> parts) {
    media::Pcm all;
    for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
  };
  const media::Pcm voice = media::Tone(8000, 300, 600, -20);
  std::vector<std::string> partials;
  // Two stretches with a 700 ms pause (the server closes a segment at 500 ms), then eof.
  EXPECT_EQ(hear(concat({voice, media::Silence(5600), voice, media::Silence(800)}), &partials),
            "мне нужна плитка на кухню");
  EXPECT_NE(std::find(partials.begin(), partials.end(), "мне нужна плитка на"), partials.end());
  EXPECT_NE(std::find(partials.begin(), partials.end(), "мне нужна плитка на кухню"),
            partials.end());
  EXPECT_EQ(server.SpokenPartsLeft(), 1u);
  // The next connection hears the next part; silence alone hears nothing.
  EXPECT_EQ(hear(concat({media::Silence(1600), voice}), nullptr), "да");
  EXPECT_EQ(hear(media::Silence(4000), nullptr), "");
}

TEST(VoskAsrTest, ServerDownIsUnavailableWithTheUrl) {
  std::string url;
  {
    VoskTestServer gone;
    ASSERT_TRUE(gone.Start().ok());
    url = gone.url();
  }  // stopped: nothing listens there any more
  auto asr = Client(url);
  auto s = asr->Start({});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(s.status().message().find(url), std::string::npos) << s.status().message();
}

TEST(VoskAsrTest, ServerClosingMidStreamIsUnavailable) {
  VoskTestServer server;
  server.Script({"никогда"});
  server.SetFault(VoskFault::kCloseMidStream);
  ASSERT_TRUE(server.Start().ok());
  auto r = Recognise(*Client(server.url()), media::Tone(8000, 300, 3000, -20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find(server.url()), std::string::npos) << r.status().message();
}

TEST(VoskAsrTest, GarbageRepliesAreAnError) {
  VoskTestServer server;
  server.SetFault(VoskFault::kGarbageReply);
  ASSERT_TRUE(server.Start().ok());
  auto r = Recognise(*Client(server.url()), OneSecond());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not JSON"), std::string::npos) << r.status().message();
}

TEST(VoskAsrTest, MissingFinalResultTimesOut) {
  VoskTestServer server;
  server.Script({"да"});
  server.SetFault(VoskFault::kNoFinal);
  ASSERT_TRUE(server.Start().ok());
  auto r = Recognise(*Client(server.url(), 300), OneSecond());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("final"), std::string::npos) << r.status().message();
  EXPECT_TRUE(server.Received()[0].eof);
}

TEST(VoskAsrTest, FinishTwiceAndFeedAfterFinishAreRefused) {
  VoskTestServer server;
  server.Script({"да"});
  ASSERT_TRUE(server.Start().ok());
  auto asr = Client(server.url());
  auto s = asr->Start({});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Finish().ok());
  EXPECT_FALSE((*s)->Finish().ok());
  EXPECT_FALSE((*s)->Feed(OneSecond()).ok());
}

}  // namespace
}  // namespace kira::speech
