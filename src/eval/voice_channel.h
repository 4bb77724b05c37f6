// VoiceChannel: the caller's lines as Kira hears them on a phone call, for `kira eval --voice`.
// Each line is synthesised (flite for English, espeak-ng for Russian), encoded and decoded as
// G.711 μ-law at 8 kHz like the RTP leg, and recognised by the engine the phone uses for that
// language, as the phone configures it by default, with the phrases the dialog expects at that
// moment (the per-stage grammar of the embedded English recogniser).
//
// There is no Russian model on the machine: Russian is carried only when a Vosk server is
// named (`--vosk ws://host:2700`); otherwise Refuses("ru") says so and the report shows it.
//
//   eval::VoiceChannelOptions vo;               // English: flite kal + pocketsphinx
//   vo.vosk_url = "ws://127.0.0.1:2700";        // optional: Russian through a Vosk server
//   KIRA_ASSIGN_OR_RETURN(auto voice, eval::VoiceChannel::Open(vo));
//   eval::EvalOptions o;
//   o.noise = true;
//   o.channel = voice.get();
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval/channel.h"
#include "speech/asr.h"
#include "speech/tts.h"

namespace kira::eval {

struct VoiceChannelOptions {
  std::string vosk_url;          // "" = Russian not carried
  std::string en_voice = "kal";  // flite voice of the simulated caller
  double min_confidence = 0.0;   // as the phone's call pipeline (voice/call_pipeline.h)
};

class VoiceChannel : public Channel {
 public:
  static Result<std::unique_ptr<VoiceChannel>> Open(const VoiceChannelOptions& o);

  std::string name() const override { return "voice"; }
  std::string Refuses(const std::string& lang) const override;
  Result<std::string> Hear(const std::string& lang, const std::string& line,
                           const std::vector<std::string>& expected) override;

  // Lines heard so far, and how many came back empty (nothing recognised).
  int lines() const { return lines_; }
  int unrecognised() const { return unrecognised_; }

 private:
  struct Lang {
    std::unique_ptr<speech::TtsEngine> tts;
    std::unique_ptr<speech::AsrEngine> asr;
  };
  VoiceChannelOptions o_;
  std::map<std::string, Lang> langs_;
  int lines_ = 0, unrecognised_ = 0;
};

}  // namespace kira::eval
