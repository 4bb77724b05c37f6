#include "speech/pocketsphinx_asr.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/fsg_model.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/log.h"
#include "media/resampler.h"
#include "media/vad.h"
#include "speech/phrase_template.h"

namespace kira::speech {
namespace {

using Clock = std::chrono::steady_clock;
int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

}  // namespace

struct PocketsphinxAsr::Decoder {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;
  std::string grammar;  // the JSGF currently loaded (skip recompiling the same grammar)
  ~Decoder() {
    if (ps) ps_free(ps);
    if (config) cmd_ln_free_r(config);
  }
};

namespace {

class PocketsphinxStream : public AsrStream {
 public:
  PocketsphinxStream(PocketsphinxAsr* engine, std::unique_ptr<PocketsphinxAsr::Decoder> d,
                     std::unique_ptr<media::Resampler> rs, std::unique_ptr<media::Vad> vad,
                     int in_rate)
      : engine_(engine),
        d_(std::move(d)),
        rs_(std::move(rs)),
        vad_(std::move(vad)),
        in_rate_(in_rate),
        vad_frame_(size_t(in_rate / 50)) {}
  ~PocketsphinxStream() override {
    if (started_ && !finished_) ps_end_utt(d_->ps);
    engine_->Release(std::move(d_));
  }

  Status Start(const std::vector<float>& cmn_init) {
    cmn_t* cmn = ps_get_feat(d_->ps)->cmn_struct;
    if (cmn && int(cmn_init.size()) == cmn->veclen) {
      std::vector<mfcc_t> v(cmn_init.begin(), cmn_init.end());
      cmn_live_set(cmn, v.data());
    }
    if (ps_start_utt(d_->ps) < 0) return Status::Internal("pocketsphinx: cannot start utterance");
    started_ = true;
    return Status::Ok();
  }

  Status Feed(std::span<const int16_t> samples) override {
    if (finished_) return Status::Invalid("pocketsphinx: Feed after Finish");
    auto t0 = Clock::now();
    fed_samples_ += int64_t(samples.size());
    CountSpeech(samples);
    buf_.clear();
    rs_->Process(samples, &buf_);
    if (!buf_.empty() && ps_process_raw(d_->ps, buf_.data(), buf_.size(), FALSE, FALSE) < 0)
      return Status::Internal("pocketsphinx: decoding failed");
    compute_ms_ += MsSince(t0);
    return Status::Ok();
  }

  std::string Partial() override {
    if (!started_ || finished_) return "";
    int32 score = 0;
    const char* hyp = ps_get_hyp(d_->ps, &score);
    return hyp ? NormalizeTranscript(hyp) : "";
  }

  Result<AsrResult> Finish() override {
    if (finished_) return Status::Invalid("pocketsphinx: Finish called twice");
    auto t0 = Clock::now();
    buf_.clear();
    rs_->Flush(&buf_);
    if (!buf_.empty()) ps_process_raw(d_->ps, buf_.data(), buf_.size(), FALSE, FALSE);
    finished_ = true;
    if (ps_end_utt(d_->ps) < 0) return Status::Internal("pocketsphinx: cannot end utterance");
    if (speech_ms_ >= 500) {  // learn the channel from real speech only
      cmn_t* cmn = ps_get_feat(d_->ps)->cmn_struct;
      if (cmn) engine_->CmnLearn(std::vector<float>(cmn->cmn_mean, cmn->cmn_mean + cmn->veclen));
    }
    AsrResult r;
    int32 score = 0;
    const char* hyp = ps_get_hyp(d_->ps, &score);
    r.text = hyp ? NormalizeTranscript(hyp) : "";
    int64_t word_ms = 0;
    if (!r.text.empty()) {
      logmath_t* lm = ps_get_logmath(d_->ps);
      r.confidence = logmath_exp(lm, ps_get_prob(d_->ps));
      for (ps_seg_t* seg = ps_seg_iter(d_->ps); seg; seg = ps_seg_next(seg)) {
        std::string w = ps_seg_word(seg);
        if (w.empty() || w[0] == '<' || w[0] == '[') continue;  // <s>, </s>, <sil>, [NOISE]
        size_t paren = w.find('(');
        if (paren != std::string::npos) w.resize(paren);  // "read(2)" → "read"
        int sf = 0, ef = 0;
        ps_seg_frames(seg, &sf, &ef);
        int32 ascr = 0, lscr = 0, lback = 0;
        double conf = logmath_exp(lm, ps_seg_prob(seg, &ascr, &lscr, &lback));
        (void)conf;  // the lattice posterior is ~1 on a grammar path; see the header
        word_ms += int64_t(ef + 1 - sf) * 10;
        r.words.push_back({w, sf / 100.0, (ef + 1) / 100.0, 0});
      }
      r.confidence = Coverage(word_ms, speech_ms_);
      for (auto& w : r.words) w.conf = r.confidence;
    }
    r.audio_ms = fed_samples_ * 1000 / in_rate_;
    r.finish_ms = MsSince(t0);
    r.compute_ms = compute_ms_ + r.finish_ms;
    return r;
  }

 private:
  // Voiced milliseconds of the input by the VAD, 20 ms frames.
  void CountSpeech(std::span<const int16_t> s) {
    for (int16_t v : s) {
      vad_buf_.push_back(v);
      if (vad_buf_.size() == vad_frame_) {
        if (vad_->Process(vad_buf_).speech) speech_ms_ += 20;
        vad_buf_.clear();
      }
    }
  }

  // 1 when the words cover 50-200% of the voiced audio, falling to 0 at 10% / 400%.
  static double Coverage(int64_t word_ms, int64_t speech_ms) {
    if (speech_ms <= 0) return word_ms > 0 ? 0.3 : 0.0;
    double r = double(word_ms) / double(speech_ms);
    if (r < 0.5) return std::max(0.0, (r - 0.1) / 0.4);
    if (r > 2.0) return std::max(0.0, 1.0 - (r - 2.0) / 2.0);
    return 1.0;
  }

  PocketsphinxAsr* engine_;
  std::unique_ptr<PocketsphinxAsr::Decoder> d_;
  std::unique_ptr<media::Resampler> rs_;
  std::unique_ptr<media::Vad> vad_;
  int in_rate_;
  size_t vad_frame_;
  media::Pcm vad_buf_;
  int64_t speech_ms_ = 0;
  bool started_ = false;
  bool finished_ = false;
  int64_t fed_samples_ = 0;
  int64_t compute_ms_ = 0;
  media::Pcm buf_;
};

}  // namespace

PocketsphinxAsr::PocketsphinxAsr(PocketsphinxConfig cfg)
    : cfg_(std::move(cfg)), cmn_running_(cfg_.cmn_init) {}

std::vector<float> PocketsphinxAsr::CmnStart() {
  std::lock_guard<std::mutex> lock(mu_);
  return cmn_running_;
}

void PocketsphinxAsr::CmnLearn(const std::vector<float>& mean) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mean.size() != cmn_running_.size()) return;
  for (size_t i = 0; i < mean.size(); ++i)
    cmn_running_[i] = 0.8f * cmn_running_[i] + 0.2f * mean[i];
}
PocketsphinxAsr::~PocketsphinxAsr() = default;

Result<std::unique_ptr<PocketsphinxAsr>> PocketsphinxAsr::Create(const PocketsphinxConfig& cfg) {
  std::unique_ptr<PocketsphinxAsr> e(new PocketsphinxAsr(cfg));
  KIRA_RETURN_IF_ERROR(e->LoadDictionary());
  // Load one decoder now so a bad model directory fails at start-up, not on the first call.
  KIRA_ASSIGN_OR_RETURN(auto d, e->Acquire());
  e->Release(std::move(d));
  return e;
}

Result<std::unique_ptr<AsrEngine>> PocketsphinxAsr::FromConfig(const EngineConfig& cfg) {
  PocketsphinxConfig c;
  c.model_dir = cfg.Param("model_dir", c.model_dir);
  c.dict = cfg.Param("dict", c.dict);
  c.word_loop = cfg.Param("word_loop", "0") == "1";
  c.remove_noise = cfg.Param("remove_noise", "0") == "1";
  try {
    c.word_loop_weight = std::stod(cfg.Param("word_loop_weight", "0.05"));
    c.max_decoders = std::stoi(cfg.Param("max_decoders", "8"));
  } catch (...) {
    return Status::Invalid("pocketsphinx: word_loop_weight and max_decoders must be numbers");
  }
  KIRA_ASSIGN_OR_RETURN(auto e, Create(c));
  return std::unique_ptr<AsrEngine>(std::move(e));
}

Status PocketsphinxAsr::LoadDictionary() {
  std::ifstream in(cfg_.dict);
  if (!in)
    return Status::NotFound("pocketsphinx: dictionary " + cfg_.dict +
                            " not found "
                            "(install pocketsphinx-en-us or set dict)");
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find_first_of(" \t");
    std::string w = line.substr(0, sp);
    size_t paren = w.find('(');
    if (paren != std::string::npos) w.resize(paren);
    if (!w.empty()) dict_words_.insert(w);
  }
  if (dict_words_.empty())
    return Status::Invalid("pocketsphinx: dictionary " + cfg_.dict + " is empty");
  return Status::Ok();
}

bool PocketsphinxAsr::InDictionary(const std::string& w) const { return dict_words_.count(w) > 0; }

std::vector<PhraseTemplate> PocketsphinxAsr::GrammarPhrases(
    const std::vector<std::string>& phrases, std::vector<std::string>* dropped) const {
  std::set<std::string> seen, oov;
  std::vector<PhraseTemplate> out;
  for (const auto& p : phrases) {
    auto parsed = ParsePhraseTemplate(p);
    if (!parsed.ok()) {
      log::Debug("asr", "pocketsphinx: phrase left out: " + parsed.status().message());
      continue;
    }
    // Unknown words leave their alternative; an emptied alternative makes its group optional.
    PhraseTemplate t;
    for (auto& part : parsed->parts) {
      PhrasePart kept;
      kept.optional = part.optional;
      for (auto& alt : part.alternatives) {
        std::vector<std::string> words;
        for (auto& w : alt) {
          if (InDictionary(w))
            words.push_back(std::move(w));
          else
            oov.insert(w);
        }
        if (words.empty())
          kept.optional = true;
        else
          kept.alternatives.push_back(std::move(words));
      }
      if (!kept.alternatives.empty()) t.parts.push_back(std::move(kept));
    }
    bool required = false;
    for (const auto& part : t.parts) required = required || !part.optional;
    if (!required) continue;
    if (seen.insert(TemplateText(t)).second) out.push_back(std::move(t));
  }
  if (dropped) dropped->assign(oov.begin(), oov.end());
  return out;
}

std::string PocketsphinxAsr::TemplateText(const PhraseTemplate& t) {
  std::string s;
  for (const auto& part : t.parts) {
    std::string alts;
    for (const auto& alt : part.alternatives) {
      std::string words;
      for (const auto& w : alt) words += (words.empty() ? "" : " ") + w;
      alts += (alts.empty() ? "" : " | ") + words;
    }
    if (!s.empty()) s += ' ';
    if (part.optional)
      s += "[ " + alts + " ]";
    else if (part.alternatives.size() > 1)
      s += "( " + alts + " )";
    else
      s += alts;
  }
  return s;
}

std::string PocketsphinxAsr::BuildGrammar(const std::vector<std::string>& phrases,
                                          std::vector<std::string>* dropped) const {
  std::set<std::string> vocab;
  std::vector<std::string> alts;
  for (const auto& t : GrammarPhrases(phrases, dropped)) {
    for (const auto& part : t.parts)
      for (const auto& alt : part.alternatives) vocab.insert(alt.begin(), alt.end());
    alts.push_back(TemplateText(t));
  }
  if (alts.empty()) return "";
  std::string g = "#JSGF V1.0;\ngrammar kira;\n";
  std::string phrase_rule;
  for (size_t i = 0; i < alts.size(); ++i) phrase_rule += (i ? " | " : "") + alts[i];
  if (cfg_.word_loop && vocab.size() > 1) {
    std::string words;
    for (const auto& w : vocab) words += (words.empty() ? "" : " | ") + w;
    char wbuf[64];
    std::snprintf(wbuf, sizeof wbuf, "/%g/", cfg_.word_loop_weight);
    char pbuf[64];
    std::snprintf(pbuf, sizeof pbuf, "/%g/", 1.0 - cfg_.word_loop_weight);
    g += "public <utt> = " + std::string(pbuf) + " <phrase> | " + wbuf + " <words>;\n";
    g += "<phrase> = " + phrase_rule + ";\n";
    g += "<words> = ( " + words + " )+;\n";
  } else {
    g += "public <utt> = " + phrase_rule + ";\n";
  }
  return g;
}

namespace {

// An FSG accepting exactly what one of the templates accepts: start state 0, final state 1;
// each template a chain of states, one per part boundary; each alternative of a part a chain of
// words between two boundaries; an optional part also an empty (null) transition. Fillers and
// silence loops are added by the search (-fsgusefiller).
Status LoadPhraseFsg(ps_decoder_t* ps, const std::vector<PhraseTemplate>& phrases) {
  int32 n_state = 2;
  for (const auto& t : phrases) {
    n_state += int32(t.parts.size()) - 1;
    for (const auto& part : t.parts)
      for (const auto& alt : part.alternatives) n_state += int32(alt.size()) - 1;
  }
  logmath_t* lmath = ps_get_logmath(ps);
  float32 lw = float32(cmd_ln_float32_r(ps_get_config(ps), "-lw"));
  fsg_model_t* fsg = fsg_model_init("kira", lmath, lw, n_state);
  if (!fsg) return Status::Internal("pocketsphinx: cannot create the grammar");
  fsg->start_state = 0;
  fsg->final_state = 1;
  int32 next_state = 2;
  bool nulls = false;
  for (const auto& t : phrases) {
    int32 from = 0;
    for (size_t i = 0; i < t.parts.size(); ++i) {
      const PhrasePart& part = t.parts[i];
      const int32 to = i + 1 == t.parts.size() ? 1 : next_state++;
      // Alternatives share both ends; each is equally likely (log prob 0 like the flat list).
      for (const auto& alt : part.alternatives) {
        int32 at = from;
        for (size_t w = 0; w < alt.size(); ++w) {
          int32 nx = w + 1 == alt.size() ? to : next_state++;
          fsg_model_trans_add(fsg, at, nx, 0, fsg_model_word_add(fsg, alt[w].c_str()));
          at = nx;
        }
      }
      if (part.optional) {
        fsg_model_null_trans_add(fsg, from, to, 0);
        nulls = true;
      }
      from = to;
    }
  }
  if (nulls) glist_free(fsg_model_null_trans_closure(fsg, nullptr));
  int rc = ps_set_fsg(ps, "kira", fsg);
  fsg_model_free(fsg);  // the search holds its own reference
  return rc < 0 ? Status::Internal("pocketsphinx: grammar rejected") : Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PocketsphinxAsr::Decoder>> PocketsphinxAsr::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto d = std::move(idle_.back());
      idle_.pop_back();
      return d;
    }
  }
  // sphinxbase logs through one process-wide FILE*, and "-logfn" makes every ps_init close and
  // reopen it: two calls starting at once freed it twice (heap corruption in the concurrent
  // conformance test, about one run in five). Logging is switched off once, for all decoders.
  static std::once_flag quiet;
  std::call_once(quiet, [] { err_set_logfp(nullptr); });
  auto d = std::make_unique<Decoder>();
  d->config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", cfg_.model_dir.c_str(), "-dict",
                          cfg_.dict.c_str(), "-samprate", "16000", "-remove_noise",
                          cfg_.remove_noise ? "yes" : "no", nullptr);
  if (!d->config)
    return Status::Invalid("pocketsphinx: bad configuration (model " + cfg_.model_dir + ")");
  d->ps = ps_init(d->config);
  if (!d->ps)
    return Status::NotFound("pocketsphinx: cannot load the acoustic model from " + cfg_.model_dir);
  return d;
}

void PocketsphinxAsr::Release(std::unique_ptr<Decoder> d) {
  if (!d) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (int(idle_.size()) < cfg_.max_decoders) idle_.push_back(std::move(d));
}

Result<std::unique_ptr<AsrStream>> PocketsphinxAsr::Start(const AsrRequest& req) {
  if (req.sample_rate != 8000 && req.sample_rate != 16000)
    return Status::Invalid("pocketsphinx: sample_rate must be 8000 or 16000, got " +
                           std::to_string(req.sample_rate));
  std::vector<std::string> dropped;
  // The grammar text is also the decoder's cache key (a pooled decoder keeps its last grammar).
  std::string grammar = BuildGrammar(req.phrases, &dropped);
  if (!dropped.empty()) {
    std::string list;
    for (const auto& w : dropped) list += (list.empty() ? "" : ", ") + w;
    log::Debug("asr",
               "pocketsphinx: words not in the dictionary, left out of the grammar: " + list);
  }
  if (grammar.empty())
    return Status::Invalid(
        "pocketsphinx: no usable phrases (open vocabulary is too inaccurate on "
        "telephone audio; give the phrases expected in this dialog state)");
  KIRA_ASSIGN_OR_RETURN(auto d, Acquire());
  if (d->grammar != grammar) {
    // Without the word loop the grammar is a plain list of phrases: build the FSG directly.
    // (sphinxbase's JSGF parser leaks ~11 KB per grammar, measured with LeakSanitizer.)
    Status loaded =
        cfg_.word_loop ? Status::Ok() : LoadPhraseFsg(d->ps, GrammarPhrases(req.phrases, nullptr));
    if (!loaded.ok() ||
        (cfg_.word_loop && ps_set_jsgf_string(d->ps, "kira", grammar.c_str()) < 0) ||
        ps_set_search(d->ps, "kira") < 0) {
      Release(std::move(d));
      return Status::Internal("pocketsphinx: grammar rejected:\n" + grammar);
    }
    d->grammar = grammar;
  }
  KIRA_ASSIGN_OR_RETURN(auto rs, media::Resampler::Create(req.sample_rate, 16000));
  media::VadConfig vc;
  vc.sample_rate = req.sample_rate;
  KIRA_ASSIGN_OR_RETURN(auto vad, media::CreateVad(vc));
  auto stream = std::make_unique<PocketsphinxStream>(this, std::move(d), std::move(rs),
                                                     std::move(vad), req.sample_rate);
  KIRA_RETURN_IF_ERROR(stream->Start(CmnStart()));
  return std::unique_ptr<AsrStream>(std::move(stream));
}

}  // namespace kira::speech
