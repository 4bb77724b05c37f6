#include "business/profile.h"

#include <gtest/gtest.h>

namespace kira::business {
namespace {

const char* kMinimal = R"(
name: Shop
language: ru
timezone: Europe/Moscow
address: "addr"
hours: "9-21"
delivery: "d"
assistant_disclosure: "bot"
manager: {name: Anna}
)";

TEST(Profile, DemoProfilesLoad) {
  for (const char* f : {"/profile.yaml", "/profile.en.yaml"}) {
    auto p = LoadProfile(std::string(KIRA_DEMO_DIR) + f);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_FALSE(p->name.empty());
    EXPECT_EQ(p->rules.min_order_m2, 3);
    EXPECT_EQ(p->rules.big_project_m2, 100);
    EXPECT_EQ(p->faq.size(), 5u);  // returns, discounts, payment, laying, samples
    EXPECT_EQ(p->calling_window.weekdays.start_min, 9 * 60);
    EXPECT_EQ(p->calling_window.weekends.end_min, 19 * 60);
    EXPECT_EQ(p->dir, KIRA_DEMO_DIR);
  }
}

TEST(Profile, MinimalProfileHasDefaults) {
  auto p = ParseProfile(kMinimal, "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->manager.name, "Anna");
  EXPECT_EQ(p->rules.min_order_m2, 0);
}

void ExpectError(const std::string& yaml, const std::string& needle) {
  auto p = ParseProfile(yaml, "p.yaml");
  ASSERT_FALSE(p.ok()) << "accepted: " << yaml;
  EXPECT_NE(p.status().message().find(needle), std::string::npos) << p.status().message();
  EXPECT_EQ(p.status().message().rfind("p.yaml", 0), 0u) << p.status().message();
}

TEST(Profile, PrivacyRetentionDays) {
  auto p = ParseProfile(std::string(kMinimal) +
                            "privacy:\n  keep_transcripts_days: 90\n"
                            "  keep_recordings_days: 30\n",
                        "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->privacy.keep_transcripts_days, 90);
  EXPECT_EQ(p->privacy.keep_recordings_days, 30);
  auto keep = ParseProfile(kMinimal, "p.yaml");  // absent: kept
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->privacy.keep_transcripts_days, 0);
  EXPECT_EQ(keep->privacy.keep_recordings_days, 0);
  ExpectError(std::string(kMinimal) + "privacy: {keep_transcript_days: 90}\n",
              "privacy.keep_transcript_days: unknown key");
  ExpectError(std::string(kMinimal) + "privacy: {keep_recordings_days: -1}\n",
              "privacy.keep_recordings_days: must not be negative");
  ExpectError(std::string(kMinimal) + "privacy: {keep_recordings_days: 1.5}\n",
              "privacy.keep_recordings_days: expected a whole number of days");
  ExpectError(std::string(kMinimal) + "privacy: {keep_transcripts_days: 99999}\n",
              "privacy.keep_transcripts_days: expected a whole number of days");
  ExpectError(std::string(kMinimal) + "privacy: {keep_transcripts_days: a year}\n",
              "privacy.keep_transcripts_days: expected a number");
  ExpectError(std::string(kMinimal) + "privacy: 30\n", "privacy: expected a mapping");
}

TEST(Profile, UnknownKeysAndWrongTypesNameTheKey) {
  ExpectError(std::string(kMinimal) + "colour: red\n", "colour: unknown key");
  // The line is the value's (kMinimal is lines 1-9).
  ExpectError(std::string(kMinimal) + "rules: {min_order_m2: lots}\n",
              "p.yaml line 10: rules.min_order_m2: expected a number, got 'lots'");
  ExpectError(std::string(kMinimal) + "faq:\n  - {q: a, a: b}\n  - a: b\n",
              "p.yaml line 12: faq[1].q: required key is missing");
  ExpectError(std::string(kMinimal) + "rules: {max_order: 3}\n", "rules.max_order: unknown key");
  ExpectError(std::string(kMinimal) + "faq: [{q: a}]\n", "faq[0].a: required key is missing");
  ExpectError(std::string(kMinimal) + "faq: {q: a}\n", "faq: expected a list");
  ExpectError(std::string(kMinimal) + "calling_window: {weekdays: \"20:00-09:00\"}\n",
              "calling_window.weekdays");
  ExpectError(std::string(kMinimal) + "rules: {min_order_m2: 10, big_project_m2: 5}\n",
              "rules.big_project_m2");
}

TEST(Profile, BadValues) {
  std::string y = kMinimal;
  ExpectError(y.replace(y.find("language: ru"), 12, "language: de"), "language: must be ru or en");
  y = kMinimal;
  ExpectError(y.replace(y.find("manager: {name: Anna}"), 21, "manager: {name: A, sip: 123}"),
              "manager.sip");
  y = kMinimal;
  ExpectError(y.replace(y.find("hours: \"9-21\""), 13, ""), "hours: required key is missing");
  ExpectError("", "empty");
  ExpectError("name: [unclosed", "not valid YAML");
  ExpectError("- just\n- a list\n", "p.yaml line 1: expected a mapping");
}

std::string WithZone(const std::string& zone) {
  std::string y = kMinimal;
  return y.replace(y.find("timezone: Europe/Moscow"), 23, "timezone: \"" + zone + "\"");
}

// Probe F9: "Mars/Olympus" and "../../../../etc/passwd" were accepted and the dashboard then
// silently used UTC.
TEST(Profile, TheTimeZoneMustBeInTheTzDatabase) {
  auto p = ParseProfile(WithZone("Mars/Olympus"), "p.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(
      p.status().message(),
      "p.yaml line 4: timezone: unknown time zone 'Mars/Olympus' (no such zone in the tz database "
      "at " +
          ZoneinfoDir() + "; expected an IANA name like Europe/Moscow)");
  p = ParseProfile(WithZone("../../../../etc/passwd"), "p.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(
      p.status().message(),
      "p.yaml line 4: timezone: '../../../../etc/passwd' is not a time zone name (expected an IANA "
      "name like Europe/Moscow)");
  for (const char* bad :
       {"", "Europe", "Europe/", "/etc/passwd", "Europe/../../etc/passwd", "Europe//Moscow",
        "Europe/Moscow ", "zone.tab", "-Europe/Moscow", "Europe/.hidden", "Europe/Moscow\n"}) {
    EXPECT_FALSE(ParseProfile(WithZone(bad), "p.yaml").ok()) << bad;
  }
  for (const char* good : {"Europe/Moscow", "Asia/Kamchatka", "UTC", "Etc/GMT+3",
                           "America/Argentina/Buenos_Aires", "America/Port-au-Prince"}) {
    auto ok = ParseProfile(WithZone(good), "p.yaml");
    EXPECT_TRUE(ok.ok()) << good << ": " << ok.status().message();
  }
  // $TZDIR is where the zones are looked up.
  EXPECT_FALSE(CheckTimeZone("Europe/Moscow", "/nonexistent").ok());
  EXPECT_TRUE(CheckTimeZone("Europe/Moscow", "/usr/share/zoneinfo").ok());
}

// Probe F9: a repeated key was silently replaced by the last one.
TEST(Profile, DuplicateKeysAreErrorsNamingKeyAndLine) {
  auto p = ParseProfile(std::string(kMinimal) + "timezone: Asia/Omsk\n", "p.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "p.yaml line 10: duplicate key 'timezone' (first at line 4); each key may appear "
            "once per mapping");
  ExpectError(std::string(kMinimal) + "faq:\n  - q: a\n    a: b\n    a: c\n",
              "line 13: duplicate key 'a' (first at line 12)");
  ExpectError(std::string(kMinimal) + "rules: {min_order_m2: 1, min_order_m2: 2}\n",
              "duplicate key 'min_order_m2'");
  ExpectError(std::string(kMinimal) + "faq: [{q: \"a\\0b\", a: c}]\n", "control character U+0000");
}

TEST(Profile, MissingFile) {
  auto p = LoadProfile("/nonexistent/profile.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kNotFound);
}

TEST(Profile, ParseClock) {
  int m;
  EXPECT_TRUE(ParseClock("09:30", &m));
  EXPECT_EQ(m, 570);
  EXPECT_FALSE(ParseClock("25:00", &m));
  EXPECT_FALSE(ParseClock("9", &m));
  EXPECT_FALSE(ParseClock("09:30x", &m));
}

}  // namespace
}  // namespace kira::business
