// `kira eval FILE… [--noise | --voice [--vosk URL]] [--seed N] [--json] [--verbose]`: measures
// how the agents understand callers on labelled utterances and simulated conversations
// (docs/eval.md). --voice replays the conversations through the phone's speech path
// (eval/voice_channel.h) instead of the noise model.
// Directories expand to their corpus *.yaml files. Exit 0 after a report; 2 with a message
// naming the file, line and key on a bad corpus file; 3 when a file does not exist.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "app/command.h"
#include "app/context.h"
#include "eval/harness.h"
#if KIRA_HAVE_VOICE
#include "eval/voice_channel.h"
#endif

namespace kira::app {
namespace {

struct EvalArgs {
  std::vector<std::string> files;
  bool noise = false, voice = false, json = false, verbose = false;
  std::string vosk;
  uint64_t seed = 1;
};

int Run(const AppOptions& o, const EvalArgs& a) {
  eval::EvalOptions eo;
  eo.noise = a.noise;
  eo.seed = a.seed;
  eo.transcripts = a.verbose;
#if KIRA_HAVE_VOICE
  std::unique_ptr<eval::VoiceChannel> voice;
  if (a.voice) {
    eval::VoiceChannelOptions vo;
    vo.vosk_url = a.vosk;
    auto v = eval::VoiceChannel::Open(vo);
    if (!v.ok()) return Fail(v.status().WithContext("--voice"));
    voice = std::move(v).value();
    eo.noise = true;
    eo.channel = voice.get();
  }
#else
  if (a.voice)
    return Fail(
        Status::Unavailable("--voice: this kira was built without the phone side "
                            "(-DKIRA_VOICE=OFF)"));
#endif
  if (a.noise && a.voice) return Fail(Status::Invalid("--noise and --voice: choose one"));
  if (!a.json)
    eo.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto report = eval::RunEval(a.files, eo);
  if (!report.ok()) return Fail(report.status());
  std::string out = a.json ? eval::ReportJson(*report, eo.transcripts)
                           : eval::FormatReport(*report, eo.transcripts);
  std::fputs(out.c_str(), stdout);
#if KIRA_HAVE_VOICE
  if (voice && !a.json)
    std::printf("voice: %d caller lines synthesised and recognised, %d of them not recognised\n",
                voice->lines(), voice->unrecognised());
#endif
  return 0;
}

void RegisterEval(CLI::App& app, AppOptions& opts) {
  auto* a = new EvalArgs;
  auto* c = app.add_subcommand(
      "eval", "Measure understanding on labelled utterances and conversations (docs/eval.md)");
  c->add_option("FILE", a->files, "Corpus files or directories (their *.yaml files)")->required();
  c->add_flag("--noise", a->noise, "Also replay every caller line with ASR-like noise");
  c->add_flag("--voice", a->voice,
              "Replay the conversations through the phone's speech path instead (English; "
              "Russian with --vosk)");
  c->add_option("--vosk", a->vosk, "A Vosk server (ws://host:2700) to hear Russian with --voice");
  c->add_option("--seed", a->seed, "Seed of the noise")->capture_default_str();
  c->add_flag("--json", a->json, "Print the numbers as one JSON object");
  c->add_flag("--verbose", a->verbose, "List failed conversations with their transcripts");
  c->callback([&opts, a] { opts.exit_code = Run(opts, *a); });
}
KIRA_COMMAND(RegisterEval);

}  // namespace
}  // namespace kira::app
