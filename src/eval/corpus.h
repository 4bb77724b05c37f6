// The evaluation corpus (docs/eval.md): labelled caller utterances and multi-turn conversations,
// one shop profile per file. Loaded strictly: an unknown key, a wrong type, a value outside the
// closed lists or a file over the limits is an error that names the file, the line and the key.
//
//   KIRA_ASSIGN_OR_RETURN(eval::CorpusFile f, eval::LoadCorpusFile("eval/utterances/ru.yaml"));
//   for (const eval::Utterance& u : f.utterances) ...
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "dialog/expect.h"

namespace kira::eval {

// Explicit limits: a corpus file is written by people, never generated without bound.
struct CorpusLimits {
  size_t max_file_bytes = 4 << 20;
  size_t max_items = 5000;       // utterances or conversations per file
  size_t max_text_bytes = 2000;  // one caller line
  size_t max_lines = 100;        // turns, or items of one answer list
  size_t max_list = 20;          // intents of an utterance, skus, order lines
};

struct QuantityLabel {
  double value = 0;
  std::string unit;  // m2 | box | piece | kg | none
};

// Exactly one of: skus (any is right), category, not_sold.
struct ProductLabel {
  std::vector<std::string> skus;
  std::string category;
  bool not_sold = false;
};

struct CallbackLabel {
  std::optional<std::string> day;  // today | tomorrow | day_after_tomorrow | monday … sunday
  std::optional<int> hour, minute, in_minutes;
  std::optional<std::string> part;  // morning | afternoon | evening
};

struct SlotLabels {
  std::optional<QuantityLabel> quantity;
  std::optional<ProductLabel> product;
  std::optional<std::string> name, fulfilment, address, manager, phone;
  std::optional<CallbackLabel> callback;
  std::optional<std::string> choice;  // "1", "2", … or "last"
};

struct Utterance {
  int line = 0;  // in the file, for messages
  std::string text;
  dialog::Expect after = dialog::Expect::kNone;
  std::vector<std::string> intents;
  SlotLabels slots;
};

struct OrderLineExpect {
  std::string sku;
  std::optional<double> qty;
};

struct ConversationExpect {
  std::string outcome;
  std::optional<std::string> reason;
  std::optional<std::vector<OrderLineExpect>> order;
  std::optional<std::string> name, fulfilment, address_contains;
};

// Vera's conversations: the lead and task she calls for.
struct TaskSpec {
  std::string interest, source = "inbound", note;
};

struct ConversationSpec {
  int line = 0;
  std::string id;
  std::string caller = "+79161234567";
  // Either a simulated caller (opening + answers by the pending question's name) or a fixed
  // script (turns).
  std::string opening;
  std::map<std::string, std::vector<std::string>> answers;
  std::vector<std::string> turns;
  bool scripted = false;
  std::optional<TaskSpec> task;
  ConversationExpect expect;
};

struct CorpusFile {
  std::string path;
  std::string profile;  // resolved: relative to the file's directory
  std::string agent;    // kira | vera
  std::string lang;     // ru | en
  std::vector<Utterance> utterances;
  std::vector<ConversationSpec> conversations;
};

Result<CorpusFile> LoadCorpusFile(const std::string& path, const CorpusLimits& limits = {});
// The same from text; `path` names the file in messages and anchors the profile path.
Result<CorpusFile> ParseCorpusFile(const std::string& yaml, const std::string& path,
                                   const CorpusLimits& limits = {});

// True when a YAML file is meant as a corpus file (a top-level `profile`, `utterances` or
// `conversations` key): directories expand to these and skip the shops' own YAML files.
bool LooksLikeCorpusFile(const std::string& path);

// FILE… as given on the command line: files as they are, directories to their *.yaml corpus
// files (recursively, sorted). NotFound for a path that does not exist.
Result<std::vector<std::string>> ExpandCorpusPaths(const std::vector<std::string>& paths);

}  // namespace kira::eval
