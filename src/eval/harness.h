// `kira eval`: runs corpus files (docs/eval.md) against the real understanding and the real
// dialog sessions, and reports per shop, language and agent — clean and, with noise, replayed
// as a recogniser would deliver the caller's lines — intent macro-F1, slot F1 per slot,
// conversation success, wrong-product rate and unsupported facts.
//
//   eval::EvalOptions o;
//   o.noise = true;
//   KIRA_ASSIGN_OR_RETURN(eval::EvalReport r, eval::RunEval({"eval/"}, o));
//   std::fputs(eval::FormatReport(r, /*verbose=*/false).c_str(), stdout);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "eval/channel.h"
#include "eval/metrics.h"
#include "eval/noise.h"

namespace kira::eval {

struct EvalOptions {
  bool noise = false;  // also replay everything with ASR-like noise
  uint64_t seed = 1;   // of the noise
  NoiseOptions noise_options;
  // With `noise`: replay through this channel instead of the noise model (not owned; e.g. the
  // phone's speech path, eval/voice_channel.h). Languages it refuses get no second column.
  Channel* channel = nullptr;
  // The built-in agent data; "" = kira::DefaultsDir(). A shop's agents/ beside its profile is
  // layered over it, as in `kira chat`.
  std::string defaults_dir;
  bool transcripts = false;  // keep the transcripts of failed conversations
  // The conversations' clock: a Tuesday afternoon in Moscow, so "tomorrow" and opening hours
  // mean the same on every run.
  std::string now = "2026-12-01T12:00:00Z";
  // Where the run keeps its trained intent models ("" = a temporary directory, removed after).
  std::string work_dir;
  std::function<void(const std::string&)> progress;  // one line per file; may be empty
};

struct GroupScores {
  UtteranceScores utterances;
  int conversations = 0, succeeded = 0;
  int wrong_product_conversations = 0, wrong_product_lines = 0;
  int agent_utterances = 0, unsupported_facts = 0;
  std::map<std::string, int> failure_kinds;  // conversations failed with each kind
  GroupScores& operator+=(const GroupScores& o);
};

struct GroupReport {
  std::string shop, lang, agent;
  GroupScores clean;
  std::optional<GroupScores> noisy;
};

struct FailedConversation {
  std::string file, id, shop, lang, agent;
  bool noisy = false;
  std::vector<std::string> reasons, transcript;
};

struct EvalReport {
  int files = 0;
  bool noise = false;                    // a second replay was run ...
  std::string channel = "noisy";         // ... through this channel
  std::vector<std::string> not_carried;  // "ru (why)": languages the channel could not carry
  uint64_t seed = 0;
  std::vector<GroupReport> groups;  // sorted by shop, lang, agent
  GroupReport total;                // shop "all"
  std::vector<FailedConversation> failed;
};

// Loads every file first (a bad file stops the run before anything is measured), sets up each
// shop once, then measures. Errors name the file, the line and what is wrong.
Result<EvalReport> RunEval(const std::vector<std::string>& paths, const EvalOptions& o);

// The report as a table (verbose: with the failed conversations and their transcripts).
std::string FormatReport(const EvalReport& r, bool verbose);
// The same numbers as one JSON object.
std::string ReportJson(const EvalReport& r, bool verbose);

}  // namespace kira::eval
