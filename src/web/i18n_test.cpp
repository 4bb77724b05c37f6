// Every user-facing string of the workspace exists in both languages: en.json and ru.json have
// the same keys with non-empty values, every key the pages name literally (t('a.b')) exists,
// and every code the server sends for the UI to translate (status report, import errors,
// campaign refusals) has its label.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "business/profile_edit.h"
#include "business/setup_report.h"
#include "catalog/import_error.h"
#include "catalog/lexicon.h"
#include "dialog/phrase_edit.h"
#include "leads/campaign.h"
#include "web/json_model.h"

namespace kira::web {
namespace {

namespace fs = std::filesystem;
const fs::path kAssets = fs::path(KIRA_SOURCE_DIR) / "src/web/assets";

std::string Read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Json Strings(const std::string& lang) {
  return Json::parse(Read(kAssets / "i18n" / (lang + ".json")), nullptr, false);
}

TEST(I18n, BothLanguagesHaveTheSameNonEmptyKeys) {
  Json en = Strings("en"), ru = Strings("ru");
  ASSERT_TRUE(en.is_object());
  ASSERT_TRUE(ru.is_object());
  for (const auto& [k, v] : en.items()) {
    EXPECT_TRUE(ru.contains(k)) << "ru.json lacks " << k;
    EXPECT_TRUE(v.is_string() && !v.get<std::string>().empty()) << "en " << k;
  }
  for (const auto& [k, v] : ru.items()) {
    EXPECT_TRUE(en.contains(k)) << "en.json lacks " << k;
    EXPECT_TRUE(v.is_string() && !v.get<std::string>().empty()) << "ru " << k;
  }
}

TEST(I18n, EveryLiteralKeyThePagesUseExists) {
  Json en = Strings("en");
  // t('key'), K.t('key'), t("key") with a whole key (not a prefix ending in '.').
  std::regex call(R"((?:^|[^\w.])(?:K\.)?t\(\s*['"]([a-z0-9_]+(?:\.[a-z0-9_]+)+)['"])");
  size_t seen = 0;
  for (const auto& entry : fs::directory_iterator(kAssets)) {
    if (entry.path().extension() != ".js") continue;
    std::string js = Read(entry.path());
    for (std::sregex_iterator it(js.begin(), js.end(), call), end; it != end; ++it) {
      ++seen;
      EXPECT_TRUE(en.contains((*it)[1].str()))
          << entry.path().filename() << " uses missing key " << (*it)[1];
    }
  }
  EXPECT_GT(seen, 100u) << "the pattern no longer finds the pages' keys";
}

TEST(I18n, StatusReportCodesHaveLabels) {
  Json en = Strings("en");
  std::set<std::string> need;
  business::SetupFacts f;
  for (int variant = 0; variant < 6; ++variant) {
    f = {};
    f.web_on = variant % 2;
    f.phone_on = variant >= 2;
    f.voice_built = variant != 1;
    f.dialer_on = variant == 3;
    f.trunk_registrar = variant >= 4 ? "sip:pbx" : "";
    f.trunk_registered = variant == 5;
    if (variant == 4) f.asr = {{"ru", "vosk", "ws://x", "refused"}, {"en", "pocketsphinx", "", ""}};
    if (variant == 5) f.tts = {{"ru", "espeak", "", "no voice"}};
    if (variant == 2) f.database_error = "locked";
    if (variant == 3) f.sip_error = "in use";
    for (const auto& i : business::BuildSetupReport(f).items) {
      need.insert("setup.area." + i.area);
      need.insert(std::string("setup.state.") + business::SetupStateName(i.state));
      if (!i.problem.empty()) need.insert("setup.problem." + i.problem);
      if (!i.language.empty()) need.insert("setup.lang." + i.language);
    }
  }
  EXPECT_GE(need.size(), 20u);
  for (const auto& k : need) EXPECT_TRUE(en.contains(k)) << "missing " << k;
}

TEST(I18n, ImportAndCampaignCodesHaveLabels) {
  for (const std::string lang : {"en", "ru"}) {
    Json s = Strings(lang);
    for (const char* const* c = catalog::ImportErrorCodes(); *c; ++c)
      EXPECT_TRUE(s.contains(std::string("import.error.") + *c)) << lang << " " << *c;
    for (const char* const* c = catalog::ImportWarningCodes(); *c; ++c)
      EXPECT_TRUE(s.contains(std::string("import.warning.") + *c)) << lang << " " << *c;
    for (const char* r : leads::kRefusalReasons)
      EXPECT_TRUE(s.contains(std::string("campaign.reason.") + r)) << lang << " " << r;
    // A refused profile, lexicon or phrase edit; "other" (YAML syntax, the loader's verdict on a
    // broken file) is shown as sent.
    for (const char* const* c = catalog::LexiconErrorCodes(); *c; ++c) {
      if (std::string(*c) != "other") {
        EXPECT_TRUE(s.contains(std::string("texts.lex_error.") + *c)) << lang << " " << *c;
      }
    }
    for (const char* const* c = business::ProfileErrorCodes(); *c; ++c)
      if (std::string(*c) != "other") {
        EXPECT_TRUE(s.contains(std::string("settings.error.") + *c)) << lang << " " << *c;
      }
    for (const char* const* c = dialog::PhraseErrorCodes(); *c; ++c)
      if (std::string(*c) != "other") {
        EXPECT_TRUE(s.contains(std::string("texts.error.") + *c)) << lang << " " << *c;
      }
  }
}

}  // namespace
}  // namespace kira::web
