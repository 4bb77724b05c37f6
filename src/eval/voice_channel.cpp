#include "eval/voice_channel.h"

#include "media/audio.h"
#include "media/g711.h"
#include "speech/registry.h"

namespace kira::eval {

Result<std::unique_ptr<VoiceChannel>> VoiceChannel::Open(const VoiceChannelOptions& o) {
  auto v = std::unique_ptr<VoiceChannel>(new VoiceChannel);
  v->o_ = o;
  Lang en;
  KIRA_ASSIGN_OR_RETURN(en.tts,
                        speech::TtsRegistry::Global().Create(
                            {.name = "en", .engine = "flite", .params = {{"voice", o.en_voice}}}));
  KIRA_ASSIGN_OR_RETURN(en.asr, speech::AsrRegistry::Global().Create(
                                    {.name = "en", .engine = "pocketsphinx", .params = {}}));
  v->langs_["en"] = std::move(en);
  if (!o.vosk_url.empty()) {
    Lang ru;
    KIRA_ASSIGN_OR_RETURN(ru.tts,
                          speech::TtsRegistry::Global().Create(
                              {.name = "ru", .engine = "espeak", .params = {{"voice", "ru"}}}));
    KIRA_ASSIGN_OR_RETURN(ru.asr,
                          speech::AsrRegistry::Global().Create(
                              {.name = "ru", .engine = "vosk", .params = {{"url", o.vosk_url}}}));
    v->langs_["ru"] = std::move(ru);
  }
  return v;
}

std::string VoiceChannel::Refuses(const std::string& lang) const {
  if (langs_.count(lang)) return "";
  if (lang == "ru")
    return "no Russian speech model on this machine; name a Vosk server with --vosk ws://host:2700";
  return "no recogniser for '" + lang + "'";
}

Result<std::string> VoiceChannel::Hear(const std::string& lang, const std::string& line,
                                       const std::vector<std::string>& expected) {
  auto it = langs_.find(lang);
  if (it == langs_.end()) return Status::Invalid("voice: " + Refuses(lang));
  Lang& l = it->second;
  ++lines_;
  KIRA_ASSIGN_OR_RETURN(media::Audio audio, l.tts->Synthesize(line, media::kTelephoneRate));
  // Quiet room tone around the words (the endpointer's pre-roll and hang-over), then the
  // μ-law round trip of the RTP leg.
  const size_t pad = media::SamplesFor(media::kTelephoneRate, 300);
  media::Pcm pcm = media::ComfortNoise(pad, -60.0, static_cast<uint32_t>(lines_));
  pcm.insert(pcm.end(), audio.samples.begin(), audio.samples.end());
  media::Pcm tail = media::ComfortNoise(pad, -60.0, static_cast<uint32_t>(lines_) + 1);
  pcm.insert(pcm.end(), tail.begin(), tail.end());
  std::vector<uint8_t> ulaw(pcm.size());
  media::G711Encode(media::G711Law::kUlaw, pcm.data(), pcm.size(), ulaw.data());
  media::G711Decode(media::G711Law::kUlaw, ulaw.data(), ulaw.size(), pcm.data());

  speech::AsrRequest req;
  req.phrases = expected;
  req.sample_rate = media::kTelephoneRate;
  req.language = lang;
  KIRA_ASSIGN_OR_RETURN(auto stream, l.asr->Start(req));
  for (const media::Pcm& frame : media::SplitFrames(pcm)) KIRA_RETURN_IF_ERROR(stream->Feed(frame));
  KIRA_ASSIGN_OR_RETURN(speech::AsrResult r, stream->Finish());
  if (r.text.empty() || r.confidence < o_.min_confidence) {
    ++unrecognised_;
    return std::string();
  }
  return r.text;
}

}  // namespace kira::eval
