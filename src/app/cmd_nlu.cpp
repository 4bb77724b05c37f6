// `kira nlu TEXT`: how an agent understands one utterance (intent, confidence, slots, catalog
// mentions and the best products). For shop owners tuning their intent examples and lexicon.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "app/context.h"
#include "app/runtime.h"
#include "core/text.h"
#include "dialog/slots.h"

namespace kira::app {
namespace {

struct NluArgs {
  std::string text, agent = "kira", lang;
};

int Run(const AppOptions& o, const NluArgs& a) {
  auto rt = OpenRuntime(o);
  if (!rt.ok()) return Fail(rt.status());
  std::string lang = a.lang.empty() ? (*rt)->profile.language : a.lang;
  auto agent = (*rt)->engine->Agent(a.agent, lang);
  if (!agent.ok()) return Fail(agent.status());
  std::string canon = text::Canonical(a.text);
  auto p = (*agent)->nlu->Classify(canon);
  std::printf("canonical: %s\nintent: %s (%.2f), then %s (%.2f)\n", canon.c_str(), p.intent.c_str(),
              p.confidence, p.second.c_str(), p.second_confidence);
  if (auto q = dialog::ExtractQuantity(canon, true))
    std::printf("quantity: %g %s\n", q->value, q->unit.c_str());
  auto m = (*rt)->catalog->Extract(canon);
  std::printf(
      "mentions: category=%s color=%s format=%s surface=%s brand=%s collection=%s "
      "not_sold=%s\n",
      m.category.c_str(), m.color.c_str(), m.format.c_str(), m.surface.c_str(), m.brand.c_str(),
      m.collection.c_str(), m.not_sold.c_str());
  for (const auto& h : (*rt)->catalog->Search(canon))
    std::printf("  %-16s %6.2f %d  %s\n", h.product->sku.c_str(), h.score, h.matched_terms,
                h.product->name.c_str());
  return 0;
}

void RegisterNlu(CLI::App& app, AppOptions& opts) {
  auto* a = new NluArgs;
  auto* c = app.add_subcommand("nlu", "Show how an agent understands an utterance");
  c->add_option("TEXT", a->text, "The caller's words")->required();
  c->add_option("--agent", a->agent, "kira or vera")->capture_default_str();
  c->add_option("--lang", a->lang, "ru or en (default: the profile's)");
  c->callback([&opts, a] { opts.exit_code = Run(opts, *a); });
}
KIRA_COMMAND(RegisterNlu);

}  // namespace
}  // namespace kira::app
