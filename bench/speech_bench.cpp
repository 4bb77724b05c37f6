// Speech and media costs that make up the voice pipeline's latency and per-call CPU:
// TTS real-time factor and time to first audio (espeak ru/en, flite kal/slt), pocketsphinx
// grammar decoding (RTF and the part left after the caller stops: Finish), VAD + endpointer
// and barge-in per 20 ms frame, resampling, DTMF/tone detection, jitter buffer, WAV writing.
// Counters: rtf = compute / audio duration; *_ms = milliseconds per operation.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "media/audio.h"
#include "media/barge_in.h"
#include "media/dtmf.h"
#include "media/endpointer.h"
#include "media/jitter_buffer.h"
#include "media/resampler.h"
#include "media/tone_detector.h"
#include "media/vad.h"
#include "media/wav.h"
#include "speech/espeak_tts.h"
#include "speech/flite_tts.h"
#include "speech/pocketsphinx_asr.h"

namespace {

using namespace kira;
using SteadyClock = std::chrono::steady_clock;

const char kSentenceEn[] =
    "Yes, the grey sixty by sixty porcelain tile is in stock, forty two square metres, at "
    "twelve ninety per square metre.";
const char kSentenceRu[] =
    "Да, серая плитка шестьдесят на шестьдесят есть в наличии, сорок два квадратных метра, по "
    "тысяче двести девяносто рублей за метр.";

std::unique_ptr<speech::TtsEngine> MakeTts(const std::string& engine, const std::string& voice) {
  if (engine == "espeak") return std::move(speech::EspeakTts::Create({.voice = voice})).value();
  return std::move(speech::FliteTts::Create({.voice = voice})).value();
}

void Tts(benchmark::State& state, const std::string& engine, const std::string& voice,
         const char* text) {
  auto tts = MakeTts(engine, voice);
  double compute_s = 0, audio_s = 0;
  for (auto _ : state) {
    auto t0 = SteadyClock::now();
    auto a = tts->Synthesize(text, 8000);
    compute_s += std::chrono::duration<double>(SteadyClock::now() - t0).count();
    audio_s += double(a->DurationMs()) / 1000.0;
    benchmark::DoNotOptimize(a);
  }
  state.counters["rtf"] = compute_s / audio_s;
  state.counters["audio_ms"] = audio_s * 1000.0 / double(state.iterations());
}

// Time until the first sentence's audio is ready (streaming by sentence).
void TtsFirstAudio(benchmark::State& state, const std::string& engine, const std::string& voice,
                   const char* text) {
  auto tts = MakeTts(engine, voice);
  for (auto _ : state) {
    Status st = tts->SynthesizeStream(text, [](const media::Audio& a) {
      benchmark::DoNotOptimize(a);
      return false;  // stop after the first chunk
    });
    if (!st.ok()) {
      state.SkipWithError(st.message().c_str());
      break;
    }
  }
}

BENCHMARK_CAPTURE(Tts, espeak_ru, "espeak", "ru", kSentenceRu)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Tts, espeak_en, "espeak", "en", kSentenceEn)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Tts, flite_kal, "flite", "kal", kSentenceEn)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Tts, flite_slt, "flite", "slt", kSentenceEn)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(TtsFirstAudio, espeak_ru, "espeak", "ru", kSentenceRu)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(TtsFirstAudio, flite_kal, "flite", "kal", kSentenceEn)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(TtsFirstAudio, flite_slt, "flite", "slt", kSentenceEn)
    ->Unit(benchmark::kMillisecond);

// Pocketsphinx with a 40-phrase grammar on the test sentence (flite slt, 8 kHz,
// padded with line noise). Feed runs while the caller speaks; Finish is what is left after
// the endpointer fires — the ASR part of voice-to-voice latency.
void PocketsphinxDecode(benchmark::State& state) {
  auto asr = std::move(speech::PocketsphinxAsr::Create({})).value();
  auto slt = std::move(speech::FliteTts::Create({.voice = "slt"})).value();
  const std::string said = "do you have the grey sixty by sixty porcelain tile in stock";
  std::vector<std::string> phrases;
  for (const char* colour : {"grey", "white", "black", "beige", "blue"})
    for (const char* size :
         {"sixty by sixty", "thirty by thirty", "twenty by sixty", "sixty by one twenty"}) {
      phrases.push_back(std::string("do you have the ") + colour + " " + size +
                        " porcelain tile in stock");
      phrases.push_back(std::string("how much is the ") + colour + " " + size + " tile");
    }
  media::Pcm audio = media::ComfortNoise(2400, -65);
  auto speech_audio = slt->Synthesize(said, 8000);
  audio.insert(audio.end(), speech_audio->samples.begin(), speech_audio->samples.end());
  media::Pcm tail = media::ComfortNoise(4800, -65, 2);
  audio.insert(audio.end(), tail.begin(), tail.end());
  auto frames = media::SplitFrames(audio);
  double compute_s = 0, finish_s = 0;
  int correct = 0;
  for (auto _ : state) {
    auto t0 = SteadyClock::now();
    auto s = std::move(asr->Start({.phrases = phrases})).value();
    bool fed = true;
    for (auto& f : frames) fed = s->Feed(f).ok() && fed;
    if (!fed) {
      state.SkipWithError("the recogniser refused a frame");
      break;
    }
    auto t1 = SteadyClock::now();
    auto r = s->Finish();
    auto t2 = SteadyClock::now();
    compute_s += std::chrono::duration<double>(t2 - t0).count();
    finish_s += std::chrono::duration<double>(t2 - t1).count();
    correct += r.ok() && r->text == said;

    if (!r.ok()) std::fprintf(stderr, "error %s\n", r.status().ToString().c_str());
  }
  double n = double(state.iterations());
  state.counters["rtf"] = compute_s / (n * double(audio.size()) / 8000.0);
  state.counters["finish_ms"] = finish_s * 1000.0 / n;
  state.counters["correct"] = correct / n;
}
BENCHMARK(PocketsphinxDecode)->Unit(benchmark::kMillisecond);

// Start() when the dialog state changed (a new 40-phrase grammar is compiled into the pooled
// decoder) versus the same grammar again (cached).
void PocketsphinxStart(benchmark::State& state) {
  bool change = state.range(0) != 0;
  auto asr = std::move(speech::PocketsphinxAsr::Create({})).value();
  std::vector<std::string> phrases;
  for (int i = 0; i < 40; ++i)
    phrases.push_back("do you have the grey tile number " + std::to_string(i % 20) + " in stock");
  int n = 0;
  for (auto _ : state) {
    if (change) phrases[0] = "how much is tile " + std::to_string(n++ % 900);
    auto s = asr->Start({.phrases = phrases});
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(PocketsphinxStart)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Loading the model (first decoder) — a start-up cost, and the cost of growing the pool.
void PocketsphinxCreate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(speech::PocketsphinxAsr::Create({}));
}
BENCHMARK(PocketsphinxCreate)->Unit(benchmark::kMillisecond)->Iterations(3);

// Per 20 ms caller frame: VAD + endpointer (+ barge-in), over real speech and silence.
void VadEndpointerFrame(benchmark::State& state, const std::string& engine) {
  media::VadConfig cfg;
  cfg.engine = engine;
  auto vad = std::move(media::CreateVad(cfg)).value();
  auto tts = MakeTts("espeak", "ru");
  media::Pcm audio = tts->Synthesize(kSentenceRu, 8000)->samples;
  audio.resize(audio.size() + 16000, 0);
  auto frames = media::SplitFrames(audio);
  media::Endpointer ep;
  media::BargeInDetector bi;
  bi.SetAgentSpeaking(true);
  size_t i = 0;
  for (auto _ : state) {
    auto d = vad->Process(frames[i]);
    benchmark::DoNotOptimize(ep.Push(d.speech));
    benchmark::DoNotOptimize(bi.Push(d.speech, d.level_dbfs));
    if (++i == frames.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(VadEndpointerFrame, webrtc, "webrtc");
BENCHMARK_CAPTURE(VadEndpointerFrame, energy, "energy");

void ResampleFrame(benchmark::State& state) {
  int in = int(state.range(0)), out = int(state.range(1));
  auto r = std::move(media::Resampler::Create(in, out)).value();
  media::Pcm frame = media::Tone(in, 440, 20);
  media::Pcm dst;
  for (auto _ : state) {
    dst.clear();
    r->Process(frame, &dst);
    benchmark::DoNotOptimize(dst.data());
  }
}
BENCHMARK(ResampleFrame)->Args({8000, 16000})->Args({16000, 8000})->Args({22050, 8000});

void DtmfDetectFrame(benchmark::State& state) {
  media::DtmfDetector det;
  media::Pcm frame = media::ComfortNoise(160, -30);
  for (auto _ : state) det.Process(frame);
}
BENCHMARK(DtmfDetectFrame);

void ToneDetectFrame(benchmark::State& state) {
  media::ToneDetector det;
  media::Pcm frame = media::ComfortNoise(160, -30);
  for (auto _ : state) benchmark::DoNotOptimize(det.Push(frame));
}
BENCHMARK(ToneDetectFrame);

void JitterPushPop(benchmark::State& state) {
  media::JitterBuffer jb;
  std::vector<uint8_t> payload(160, 0xFF);
  uint16_t seq = 0;
  for (auto _ : state) {
    jb.Push(seq, seq * 160u, payload);
    benchmark::DoNotOptimize(jb.Pop());
    ++seq;
  }
}
BENCHMARK(JitterPushPop);

void WavStereoFrame(benchmark::State& state) {
  std::string path = (std::filesystem::temp_directory_path() / "kira_bench_call.wav").string();
  auto w = std::move(media::WavWriter::Open(path, 8000, 2)).value();
  media::Pcm a = media::Tone(8000, 300, 20), b = media::Tone(8000, 700, 20);
  for (auto _ : state) {
    if (Status st = w->WriteStereo(a, b); !st.ok()) {
      state.SkipWithError(st.message().c_str());
      break;
    }
  }
  if (Status st = w->Close(); !st.ok() && !state.error_occurred())
    state.SkipWithError(st.message().c_str());
  std::remove(path.c_str());
}
BENCHMARK(WavStereoFrame);

}  // namespace

BENCHMARK_MAIN();
