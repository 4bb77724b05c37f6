// `kira nlu TEXT [--after QUESTION]`: how an agent understands one utterance — the frame
// (every intent, every slot, the linked product and how sure the link is), the intent model's
// own guess and the catalog's best products. For shop owners tuning their data.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "app/context.h"
#include "app/runtime.h"
#include "core/text.h"
#include "dialog/expect.h"
#include "dialog/understanding.h"

namespace kira::app {
namespace {

struct NluArgs {
  std::string text, agent = "kira", lang, after = "none";
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
  auto after = dialog::ParseExpect(a.after);
  if (!after) {
    std::fprintf(stderr, "kira nlu: unknown --after '%s' (one of: %s)\n", a.after.c_str(),
                 dialog::ExpectNames().c_str());
    return 2;
  }
  const dialog::Expect pending = *after;
  dialog::Understanding u(**agent, *(*rt)->catalog, lang);
  dialog::Frame f = u.Parse(a.text, pending);
  std::string intents;
  for (const auto& i : f.intents) intents += (intents.empty() ? "" : ", ") + i;
  std::printf("frame intents: [%s]%s%s\n", intents.c_str(), f.yes ? " yes" : "", f.no ? " no" : "");
  if (f.quantity) std::printf("quantity: %g %s\n", f.quantity->value, f.quantity->unit.c_str());
  if (f.name) std::printf("name: %s\n", f.name->c_str());
  if (f.fulfilment) std::printf("fulfilment: %s\n", f.fulfilment->c_str());
  if (f.address) std::printf("address: %s\n", f.address->c_str());
  if (f.phone) std::printf("phone: %s\n", f.phone->c_str());
  if (f.manager) std::printf("manager: %s\n", f.manager->c_str());
  if (f.choice) std::printf("choice: %d\n", *f.choice);
  if (f.callback)
    std::printf("callback: day+%d weekday %d %02d:%02d in %d min %s\n", f.callback->day_offset,
                f.callback->weekday, f.callback->hour, f.callback->minute, f.callback->in_minutes,
                f.callback->part.c_str());
  if (f.product) {
    static const char* kConf[] = {"none", "weak", "ambiguous", "sure"};
    std::printf("product: %s, %zu candidates\n", kConf[static_cast<int>(f.product->confidence)],
                f.product->candidates.size());
  }
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
  c->add_option("--after", a->after,
                "What the agent just asked: none, quantity, name, fulfilment, address, "
                "confirm, order_offer, which, analogs, callback_time, manager, consent, yesno")
      ->capture_default_str();
  c->callback([&opts, a] { opts.exit_code = Run(opts, *a); });
}
KIRA_COMMAND(RegisterNlu);

}  // namespace
}  // namespace kira::app
