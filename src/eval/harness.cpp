#include "eval/harness.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "core/clock.h"
#include "dialer/phone_zones.h"
#include "dialer/zone_db.h"
#include "dialog/understanding.h"
#include "eval/corpus.h"
#include "eval/shop.h"

namespace kira::eval {

namespace {

namespace fs = std::filesystem;

// The run's model cache, removed when the run ends (unless the caller named the directory).
class WorkDir {
 public:
  static Result<WorkDir> Make(const std::string& given) {
    WorkDir w;
    if (!given.empty()) {
      w.path_ = given;
    } else {
      w.path_ = (fs::temp_directory_path() / ("kira-eval-" + std::to_string(::getpid()))).string();
      w.owned_ = true;
    }
    std::error_code ec;
    fs::create_directories(w.path_, ec);
    if (ec) return Status::Io("cannot create " + w.path_ + ": " + ec.message());
    return w;
  }
  WorkDir(WorkDir&& o) noexcept : path_(std::move(o.path_)), owned_(o.owned_) { o.owned_ = false; }
  ~WorkDir() {
    std::error_code ec;
    if (owned_) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  WorkDir() = default;
  std::string path_;
  bool owned_ = false;
};

// SKUs the labels name must be the shop's, or the labels are wrong, not the agent.
Status CheckSkus(const CorpusFile& f, const catalog::Catalog& cat) {
  auto check = [&](const std::string& sku, int line) -> Status {
    if (cat.Find(sku) != nullptr) return Status::Ok();
    return Status::Invalid(f.path + ":" + std::to_string(line) + ": sku '" + sku +
                           "' is not in the catalog of " + f.profile);
  };
  for (const auto& u : f.utterances)
    if (u.slots.product)
      for (const auto& s : u.slots.product->skus) KIRA_RETURN_IF_ERROR(check(s, u.line));
  for (const auto& c : f.conversations)
    if (c.expect.order)
      for (const auto& l : *c.expect.order) KIRA_RETURN_IF_ERROR(check(l.sku, c.line));
  return Status::Ok();
}

// With transcripts (--verbose, for a corpus of one's own): an utterance whose intents differ
// from its label is listed with what was expected and what was understood.
void ListIntentMiss(const CorpusFile& f, const Utterance& x, const dialog::Frame& fr,
                    const std::string& shop, EvalReport* report) {
  std::set<std::string> want(x.intents.begin(), x.intents.end());
  std::set<std::string> got(fr.intents.begin(), fr.intents.end());
  if (want == got) return;
  auto list = [](const std::set<std::string>& v) {
    std::string s;
    for (const auto& i : v) s += (s.empty() ? "" : ", ") + i;
    return "[" + s + "]";
  };
  FailedConversation fc{
      f.path, "utterance:" + std::to_string(x.line), shop, f.lang, f.agent, false, {}, {}};
  fc.reasons.push_back("'" + x.text + "' after " + std::string(dialog::ExpectName(x.after)) +
                       ": intents " + list(got) + ", expected " + list(want));
  report->failed.push_back(std::move(fc));
}

void Score(const CorpusFile& f, const dialog::Understanding& u, const EvalOptions& o,
           GroupReport* g, EvalReport* report) {
  for (const Utterance& x : f.utterances) {
    dialog::Frame fr = u.Parse(x.text, x.after);
    ScoreUtterance(x, fr, &g->clean.utterances);
    if (o.transcripts) ListIntentMiss(f, x, fr, g->shop, report);
    if (o.noise && !o.channel) {
      std::string heard = AddNoise(x.text, f.lang, o.seed, 0, o.noise_options);
      ScoreUtterance(x, u.Parse(heard, x.after), &g->noisy->utterances);
    }
  }
}

Status Converse(Shop& shop, const CorpusFile& f, const ConversationSpec& c, bool noisy,
                const EvalOptions& o, GroupScores* s, EvalReport* report) {
  Shop::Hear hear;
  if (noisy && o.channel) {
    hear = [&](const std::string& line, int,
               const dialog::DialogSession& s) -> Result<std::string> {
      return o.channel->Hear(f.lang, line, s.ExpectedPhrases());
    };
  } else if (noisy) {
    hear = [&](const std::string& line, int turn,
               const dialog::DialogSession&) -> Result<std::string> {
      return AddNoise(line, f.lang, o.seed, NoiseSalt(c.id, turn), o.noise_options);
    };
  } else {
    hear = [](const std::string& line, int, const dialog::DialogSession&) -> Result<std::string> {
      return line;
    };
  }
  auto run = shop.Converse(f, c, hear);
  if (!run.ok()) return run.status().WithContext(f.path + ": conversation " + c.id);
  ConversationVerdict v = JudgeConversation(c.expect, run->result);
  ++s->conversations;
  if (v.success) ++s->succeeded;
  if (v.wrong_product_lines > 0) ++s->wrong_product_conversations;
  s->wrong_product_lines += v.wrong_product_lines;
  s->agent_utterances += run->agent_utterances;
  s->unsupported_facts += run->unsupported;
  if (run->unsupported > 0) {
    v.reasons.push_back(std::to_string(run->unsupported) + " unsupported agent utterance(s)");
    v.kinds.insert("unsupported facts");
  }
  for (const auto& k : v.kinds) ++s->failure_kinds[k];
  if (!v.success || run->unsupported > 0) {
    FailedConversation fc{f.path, c.id, shop.name(), f.lang, f.agent, noisy, v.reasons, {}};
    if (o.transcripts) fc.transcript = std::move(run->transcript);
    report->failed.push_back(std::move(fc));
  }
  return Status::Ok();
}

}  // namespace

GroupScores& GroupScores::operator+=(const GroupScores& o) {
  utterances += o.utterances;
  conversations += o.conversations;
  succeeded += o.succeeded;
  wrong_product_conversations += o.wrong_product_conversations;
  wrong_product_lines += o.wrong_product_lines;
  agent_utterances += o.agent_utterances;
  unsupported_facts += o.unsupported_facts;
  for (const auto& [k, n] : o.failure_kinds) failure_kinds[k] += n;
  return *this;
}

Result<EvalReport> RunEval(const std::vector<std::string>& paths, const EvalOptions& o) {
  KIRA_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandCorpusPaths(paths));
  if (files.empty()) return Status::NotFound("no corpus files (*.yaml) found");
  std::vector<CorpusFile> corpus;
  for (const auto& path : files) {
    KIRA_ASSIGN_OR_RETURN(CorpusFile f, LoadCorpusFile(path));
    corpus.push_back(std::move(f));
  }
  auto clock_at = ParseIso(o.now);
  if (!clock_at.ok()) return clock_at.status().WithContext("clock");
  const TimePoint now = *clock_at;
  KIRA_ASSIGN_OR_RETURN(WorkDir work, WorkDir::Make(o.work_dir));
  dialer::ZoneDb zones;
  dialer::PhoneZoneResolver resolver(&zones, "RU");
  ShopOptions so;
  so.models_dir = work.path() + "/models";
  so.defaults_dir = o.defaults_dir;
  so.now = now;
  so.caller_zone = [&](const std::string& phone) {
    auto z = resolver.Resolve(phone);
    if (!z.ok() || z->set == dialer::kNoZoneSet) return std::string();
    const auto& m = zones.Members(z->set);
    return m.size() == 1 ? zones.Name(m[0]) : std::string();
  };

  // Every shop is set up and every label checked before anything is measured.
  std::map<std::string, std::unique_ptr<Shop>> shops;
  for (const CorpusFile& f : corpus) {
    auto& shop = shops[f.profile];
    if (!shop) {
      if (!fs::exists(f.profile))
        return Status::NotFound(f.path + ": profile " + f.profile + " does not exist");
      auto opened = Shop::Open(f.profile, so);
      if (!opened.ok()) return opened.status().WithContext(f.path);
      shop = std::move(opened).value();
    }
    KIRA_RETURN_IF_ERROR(CheckSkus(f, shop->catalog()));
    auto agent = shop->Agent(f.agent, f.lang);
    if (!agent.ok()) return agent.status().WithContext(f.path);
  }

  EvalReport report;
  report.files = static_cast<int>(corpus.size());
  report.noise = o.noise;
  report.seed = o.seed;
  if (o.channel) report.channel = o.channel->name();
  std::set<std::string> refused;
  auto second = [&](const std::string& lang) {
    if (!o.noise) return false;
    if (!o.channel) return true;
    std::string why = o.channel->Refuses(lang);
    if (why.empty()) return true;
    if (refused.insert(lang).second) report.not_carried.push_back(lang + " (" + why + ")");
    return false;
  };
  std::map<std::tuple<std::string, std::string, std::string>, GroupReport> groups;
  for (const CorpusFile& f : corpus) {
    Shop& shop = *shops[f.profile];
    GroupReport& g = groups[{shop.name(), f.lang, f.agent}];
    g.shop = shop.name();
    g.lang = f.lang;
    g.agent = f.agent;
    const bool replay = second(f.lang);
    if (replay && !g.noisy) g.noisy.emplace();
    if (o.progress)
      o.progress(f.path + ": " + std::to_string(f.utterances.size()) + " utterances, " +
                 std::to_string(f.conversations.size()) + " conversations");
    KIRA_ASSIGN_OR_RETURN(const dialog::AgentData* agent, shop.Agent(f.agent, f.lang));
    dialog::Understanding u(*agent, shop.catalog(), f.lang);
    Score(f, u, o, &g, &report);
    for (const ConversationSpec& c : f.conversations) {
      KIRA_RETURN_IF_ERROR(Converse(shop, f, c, false, o, &g.clean, &report));
      if (replay) KIRA_RETURN_IF_ERROR(Converse(shop, f, c, true, o, &*g.noisy, &report));
    }
  }
  report.total.shop = "all";
  report.total.lang = "*";
  report.total.agent = "*";
  if (o.noise) report.total.noisy.emplace();
  for (auto& [key, g] : groups) {
    report.total.clean += g.clean;
    if (g.noisy) *report.total.noisy += *g.noisy;
    report.groups.push_back(std::move(g));
  }
  return report;
}

}  // namespace kira::eval
