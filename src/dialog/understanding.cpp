// Provisional frame parser: the existing extractors run on every utterance. Replaced by the
// span parser and product linker (see understanding.h).
#include "dialog/understanding.h"

#include <algorithm>

#include "core/text.h"
#include "dialog/engine.h"

namespace kira::dialog {

bool Frame::Has(std::string_view intent) const {
  return std::find(intents.begin(), intents.end(), intent) != intents.end();
}

Understanding::Understanding(const AgentData& agent, const catalog::Catalog& catalog,
                             std::string language)
    : agent_(agent), catalog_(catalog), language_(std::move(language)) {}

Frame Understanding::Parse(std::string_view utterance, Expect pending) const {
  Frame f;
  std::string original(utterance);
  std::string canon = text::Canonical(utterance);
  if (canon.empty()) return f;
  IntentPrediction ip = agent_.nlu->Classify(canon);
  if (ip.confidence >= agent_.phrases.settings().intent_threshold) f.intents.push_back(ip.intent);
  f.quantity = ExtractQuantity(canon, pending == Expect::kQuantity);
  f.name = ExtractName(original, pending == Expect::kName);
  f.fulfilment = ExtractFulfilment(canon);
  if (pending == Expect::kAddress) f.address = ExtractAddress(original);
  f.callback = ExtractCallbackTime(canon);
  f.choice = ExtractChoice(canon);
  catalog::SearchOptions o;
  o.limit = 5;
  auto hits = catalog_.Search(canon, o);
  if (!hits.empty()) {
    ProductLink link;
    link.mentions = catalog_.Extract(canon);
    link.candidates = hits;
    link.confidence = ProductLink::Confidence::kSure;
    f.product = std::move(link);
  }
  return f;
}

}  // namespace kira::dialog
