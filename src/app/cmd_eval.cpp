// `kira eval FILE… [--noise] [--seed N] [--json] [--verbose]`: measures how the agents
// understand callers on labelled utterances and simulated conversations (docs/eval.md).
// Directories expand to their corpus *.yaml files. Exit 0 after a report; 2 with a message
// naming the file, line and key on a bad corpus file; 3 when a file does not exist.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "app/command.h"
#include "app/context.h"
#include "eval/harness.h"

namespace kira::app {
namespace {

struct EvalArgs {
  std::vector<std::string> files;
  bool noise = false, json = false, verbose = false;
  uint64_t seed = 1;
};

int Run(const AppOptions& o, const EvalArgs& a) {
  eval::EvalOptions eo;
  eo.noise = a.noise;
  eo.seed = a.seed;
  eo.transcripts = a.verbose;
  if (!a.json)
    eo.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto report = eval::RunEval(a.files, eo);
  if (!report.ok()) return Fail(report.status());
  std::string out = a.json ? eval::ReportJson(*report, eo.transcripts)
                           : eval::FormatReport(*report, eo.transcripts);
  std::fputs(out.c_str(), stdout);
  return 0;
}

void RegisterEval(CLI::App& app, AppOptions& opts) {
  auto* a = new EvalArgs;
  auto* c = app.add_subcommand(
      "eval", "Measure understanding on labelled utterances and conversations (docs/eval.md)");
  c->add_option("FILE", a->files, "Corpus files or directories (their *.yaml files)")->required();
  c->add_flag("--noise", a->noise, "Also replay every caller line with ASR-like noise");
  c->add_option("--seed", a->seed, "Seed of the noise")->capture_default_str();
  c->add_flag("--json", a->json, "Print the numbers as one JSON object");
  c->add_flag("--verbose", a->verbose, "List failed conversations with their transcripts");
  c->callback([&opts, a] { opts.exit_code = Run(opts, *a); });
}
KIRA_COMMAND(RegisterEval);

}  // namespace
}  // namespace kira::app
