// AsrEngine conformance: every implementation passes the same checks.
// - pocketsphinx really recognises English speech made by flite and espeak-ng (different
//   voices from the ones a caller has, so this is a lower bound on real-call difficulty only
//   in part: the audio is clean synthetic speech, resampled to 8 kHz telephone rate).
// - vosk runs against VoskTestServer, which cannot recognise anything: it replays the
//   transcript the test scripts. Those cases check the client (protocol, rates, errors,
//   robustness), never recognition quality.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <thread>

#include "media/audio.h"
#include "speech/espeak_tts.h"
#include "speech/flite_tts.h"
#include "speech/pocketsphinx_asr.h"
#include "speech/registry.h"
#include "speech/testing/vosk_test_server.h"

namespace kira::speech {
namespace {

const std::vector<std::string> kPhrases = {
    "do you have the grey sixty by sixty porcelain tile in stock",
    "do you have the white thirty by thirty ceramic tile in stock",
    "how much is the grey porcelain tile",
    "how much tile adhesive do i need",
    "i want to speak to a manager",
    "what are your opening hours",
    "yes",
    "no",
    "twelve square metres",
    "please deliver it on friday",
};

int WordErrors(const std::string& ref, const std::string& hyp, int* ref_words) {
  auto split = [](const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    std::string x;
    while (in >> x) w.push_back(x);
    return w;
  };
  auto r = split(ref), h = split(hyp);
  *ref_words = int(r.size());
  std::vector<std::vector<int>> d(r.size() + 1, std::vector<int>(h.size() + 1));
  for (size_t i = 0; i <= r.size(); ++i) d[i][0] = int(i);
  for (size_t j = 0; j <= h.size(); ++j) d[0][j] = int(j);
  for (size_t i = 1; i <= r.size(); ++i)
    for (size_t j = 1; j <= h.size(); ++j)
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (r[i - 1] != h[j - 1])});
  return d[r.size()][h.size()];
}

// An engine under test plus what the harness needs to know about it.
struct Harness {
  virtual ~Harness() = default;
  virtual AsrEngine& engine() = 0;
  // Called before each utterance with the transcript a perfect recogniser would give.
  virtual void Expect(const std::string& transcript) {}
  virtual bool recognises() const = 0;  // false: transcripts are scripted (test server)
};

struct PocketsphinxHarness : Harness {
  PocketsphinxHarness() {
    auto e = AsrRegistry::Global().Create({.name = "en", .engine = "pocketsphinx"});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    asr = std::move(e).value();
  }
  AsrEngine& engine() override { return *asr; }
  bool recognises() const override { return true; }
  std::unique_ptr<AsrEngine> asr;
};

struct VoskHarness : Harness {
  VoskHarness() {
    EXPECT_TRUE(server.Start().ok());
    auto e = AsrRegistry::Global().Create(
        {.name = "ru", .engine = "vosk", .params = {{"url", server.url()}}});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    asr = std::move(e).value();
  }
  AsrEngine& engine() override { return *asr; }
  void Expect(const std::string& transcript) override {
    script.push_back(transcript);
    server.Script(script);
  }
  bool recognises() const override { return false; }
  testing::VoskTestServer server;
  std::vector<std::string> script;
  std::unique_ptr<AsrEngine> asr;
};

class AsrConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "pocketsphinx") {
      h_ = std::make_unique<PocketsphinxHarness>();
    } else {
      h_ = std::make_unique<VoskHarness>();
    }
  }
  Result<AsrResult> Run(const media::Pcm& pcm, const std::string& expected, size_t chunk = 160) {
    h_->Expect(expected);
    KIRA_ASSIGN_OR_RETURN(auto s, h_->engine().Start({.phrases = kPhrases, .sample_rate = 8000}));
    for (size_t off = 0; off < pcm.size(); off += chunk) {
      size_t n = std::min(chunk, pcm.size() - off);
      KIRA_RETURN_IF_ERROR(s->Feed({pcm.data() + off, n}));
    }
    return s->Finish();
  }
  static media::Pcm Pad(const media::Pcm& speech) {
    media::Pcm out = media::ComfortNoise(2400, -65, 11);
    out.insert(out.end(), speech.begin(), speech.end());
    media::Pcm tail = media::ComfortNoise(3200, -65, 12);
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
  }
  std::unique_ptr<Harness> h_;
};

TEST_P(AsrConformance, RecognisesCatalogPhrasesFromSyntheticVoices) {
  auto slt = FliteTts::Create({.voice = "slt"});
  auto kal = FliteTts::Create({.voice = "kal"});
  auto esp = EspeakTts::Create({.voice = "en-us", .rate_wpm = 150});
  ASSERT_TRUE(slt.ok() && kal.ok() && esp.ok());
  std::vector<TtsEngine*> voices = {slt->get(), kal->get(), esp->get()};
  int errors = 0, words = 0, exact = 0, total = 0;
  for (TtsEngine* v : voices) {
    for (const auto& phrase : kPhrases) {
      auto audio = v->Synthesize(phrase, 8000);
      ASSERT_TRUE(audio.ok());
      auto r = Run(Pad(audio->samples), phrase);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      int n = 0;
      int e = WordErrors(phrase, r->text, &n);
      errors += e;
      words += n;
      exact += e == 0;
      ++total;
      EXPECT_GE(r->audio_ms, audio->DurationMs());
      if (e) {
        std::cerr << v->name() << "/" << v->voice() << ": '" << phrase << "' -> '" << r->text
                  << "' conf " << r->confidence << "\n";
      } else {
        EXPECT_GE(r->confidence, 0.5) << "a correct result must be trusted: " << phrase;
      }
      if (phrase == kPhrases[0] && v == slt->get()) {
        EXPECT_EQ(r->text, phrase) << "the issue's test sentence, natural voice";
      }
    }
  }
  double wer = double(errors) / words;
  std::cerr << GetParam() << ": WER " << wer * 100 << "% over " << words << " words, " << exact
            << "/" << total << " utterances exact"
            << (h_->recognises() ? "\n"
                                 : " (transcripts scripted by the test server: this checks the "
                                   "client's plumbing, not recognition)\n");
  EXPECT_LT(wer, 0.15);
}

TEST_P(AsrConformance, SilenceGivesNothing) {
  auto r = Run(media::ComfortNoise(16000, -70, 5), "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->text.empty() || r->confidence < 0.5) << r->text << " " << r->confidence;
}

TEST_P(AsrConformance, GarbageAudioDoesNotCrashAndIsNotTrusted) {
  std::mt19937 rng(42);
  media::Pcm noise(24000), clipped(24000), dc(16000, 32767);
  for (auto& s : noise) s = int16_t(int(rng() % 40000) - 20000);
  for (size_t i = 0; i < clipped.size(); ++i) clipped[i] = (i / 20) % 2 ? 32767 : -32768;
  for (const auto* pcm : {&noise, &clipped, &dc}) {
    auto r = Run(*pcm, "");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->text.empty() || r->confidence < 0.5)
        << "'" << r->text << "' conf " << r->confidence;
  }
}

TEST_P(AsrConformance, OddChunkSizesAndEmptyFeeds) {
  auto slt = FliteTts::Create({.voice = "slt"});
  ASSERT_TRUE(slt.ok());
  auto audio = (*slt)->Synthesize("i want to speak to a manager", 8000);
  ASSERT_TRUE(audio.ok());
  for (size_t chunk : {size_t(1), size_t(77), size_t(4000)}) {
    auto r = Run(Pad(audio->samples), "i want to speak to a manager", chunk);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->text, "i want to speak to a manager") << "chunk " << chunk;
  }
  h_->Expect("");
  auto s = h_->engine().Start({.phrases = kPhrases});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->Feed({}).ok());
  auto r = (*s)->Finish();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->audio_ms, 0);
}

TEST_P(AsrConformance, FinishTwiceIsAnErrorNotACrash) {
  h_->Expect("");
  auto s = h_->engine().Start({.phrases = kPhrases});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Finish().ok());
  EXPECT_FALSE((*s)->Finish().ok());
  EXPECT_FALSE((*s)->Feed(media::Silence(160)).ok());
}

TEST_P(AsrConformance, ConcurrentStreamsFromSeveralThreads) {
  auto slt = FliteTts::Create({.voice = "slt"});
  ASSERT_TRUE(slt.ok());
  std::vector<std::string> phrases = {kPhrases[4], kPhrases[5], kPhrases[2]};
  std::vector<media::Pcm> audio;
  for (const auto& p : phrases) audio.push_back(Pad((*slt)->Synthesize(p, 8000)->samples));
  if (!h_->recognises()) return;  // the scripted server cannot tie audio to transcripts
  std::vector<std::string> got(phrases.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < phrases.size(); ++i) {
    threads.emplace_back([&, i] {
      auto s = h_->engine().Start({.phrases = kPhrases});
      if (!s.ok()) return;
      for (auto& f : media::SplitFrames(audio[i]))
        if (!(*s)->Feed(f).ok()) return;  // got[i] stays empty: the check below fails
      auto r = (*s)->Finish();
      if (r.ok()) got[i] = r->text;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got, phrases);
}

TEST_P(AsrConformance, IdentifiesItself) {
  EXPECT_EQ(h_->engine().name(), GetParam());
  EXPECT_GT(h_->engine().model_sample_rate(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, AsrConformance, ::testing::Values("pocketsphinx", "vosk"),
                         [](const auto& i) { return i.param; });

}  // namespace
}  // namespace kira::speech
