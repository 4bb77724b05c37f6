// Fuzzes the YAML a shop owner edits, through the loaders that read it: the strict YAML layer
// (core/yaml_strict.h), the business profile, the lexicon, an agent's scenario (dialog
// Phrases) and intents (read from a memfd, as LoadIntentExamples takes a path). The first
// byte picks the loader. Every loader reads through ParseYamlStrict: what it accepts holds no
// control characters, and a refusal starts with the file's name.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "business/profile.h"
#include "catalog/lexicon.h"
#include "core/yaml_strict.h"
#include "dialog/intent_classifier.h"
#include "dialog/phrases.h"
#include "fuzz_util.h"

using kira::fuzz::Check;
using kira::fuzz::CheckCleanText;

namespace {

void Intents(const std::string& yaml) {
  static int fd = memfd_create("intents.yaml", 0);
  if (fd < 0) return;
  if (ftruncate(fd, 0) != 0 || pwrite(fd, yaml.data(), yaml.size(), 0) != ssize_t(yaml.size()))
    return;
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  auto r = kira::dialog::LoadIntentExamples(path);
  if (!r.ok()) return Check(r.status().message().rfind(path, 0) == 0);
  for (const auto& [intent, examples] : *r) {
    CheckCleanText(intent);
    for (const auto& e : examples) CheckCleanText(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string yaml(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto r = kira::ParseYamlStrict(yaml, "any.yaml");
      if (!r.ok()) Check(r.status().message().rfind("any.yaml", 0) == 0);
      break;
    }
    case 1: {
      auto r = kira::business::ParseProfile(yaml, "profile.yaml");
      if (!r.ok()) return Check(r.status().message().rfind("profile.yaml", 0) == 0), 0;
      for (const std::string* s : {&r->name, &r->address, &r->hours, &r->delivery,
                                   &r->assistant_disclosure, &r->manager.name})
        CheckCleanText(*s);
      Check(kira::business::CheckTimeZone(r->timezone, kira::business::ZoneinfoDir()).ok());
      break;
    }
    case 2: {
      auto r = kira::catalog::ParseLexicon(yaml, "lexicon.yaml");
      if (!r.ok()) return Check(r.status().message().rfind("lexicon.yaml", 0) == 0), 0;
      for (const auto* list : {&r->categories, &r->colors, &r->surfaces, &r->materials})
        for (const auto& e : *list) CheckCleanText(e.value);
      break;
    }
    case 3: {
      auto r = kira::dialog::Phrases::Parse(yaml, "scenario.yaml");
      if (!r.ok()) return Check(r.status().message().rfind("scenario.yaml", 0) == 0), 0;
      CheckCleanText(r->Render("greeting", {{"name", "Кира"}, {"shop", "Плиточный двор"}}));
      break;
    }
    default:
      Intents(yaml);
  }
  return 0;
}
