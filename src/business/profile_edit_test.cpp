// Editing the profile (business/profile_edit.h): the demo profile round-trips through YAML,
// an edit changes what it names and is judged by the loader itself, and the file is replaced
// atomically with the previous version kept.
#include "business/profile_edit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kira::business {
namespace {

Profile Demo() {
  auto p = LoadProfile(std::string(KIRA_DEMO_DIR) + "/profile.yaml");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Profile{};
}

TEST(ProfileEdit, TheDemoRoundTripsUnchanged) {
  Profile demo = Demo();
  auto e = EditProfile(demo, YAML::Node(YAML::NodeType::Map), "profile.yaml");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->changed.empty());
  EXPECT_EQ(e->profile.hours, demo.hours);
  EXPECT_EQ(e->profile.faq.size(), demo.faq.size());
  EXPECT_EQ(e->profile.manager.sip, demo.manager.sip);
  EXPECT_EQ(e->profile.calling_window.weekends.end_min, demo.calling_window.weekends.end_min);
  EXPECT_EQ(e->profile.dir, demo.dir);
}

TEST(ProfileEdit, AnEditChangesWhatItNames) {
  YAML::Node edit;
  edit["hours"] = "пн–пт 8:00–20:00";
  edit["calling_window"]["weekdays"] = "08:30-19:00";
  edit["calling_window"]["weekends"] = "10:00-18:00";
  YAML::Node faq(YAML::NodeType::Sequence);
  YAML::Node q;
  q["q"] = "Есть ли парковка?";
  q["a"] = "Да, бесплатная: 20 мест у входа.";
  faq.push_back(q);
  edit["faq"] = faq;
  auto e = EditProfile(Demo(), edit, "profile.yaml");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->changed, (std::vector<std::string>{"hours", "faq", "calling_window"}));
  EXPECT_EQ(e->profile.hours, "пн–пт 8:00–20:00");
  ASSERT_EQ(e->profile.faq.size(), 1u);
  EXPECT_EQ(e->profile.faq[0].a, "Да, бесплатная: 20 мест у входа.");
  EXPECT_EQ(e->profile.calling_window.weekdays.start_min, 8 * 60 + 30);
  // What is written loads to the same profile.
  auto again = ParseProfile(e->yaml, "again.yaml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << e->yaml;
  EXPECT_EQ(again->hours, e->profile.hours);
  EXPECT_EQ(again->calling_window.weekdays.end_min, 19 * 60);
}

TEST(ProfileEdit, BrokenEditsAreRefusedByTheLoaderNamingTheField) {
  struct Case {
    const char* key;
    YAML::Node value;
    std::string field;
  };
  YAML::Node bad_window;
  bad_window["weekdays"] = "20:00-09:00";
  YAML::Node bad_manager;
  bad_manager["name"] = "Анна";
  bad_manager["sip"] = "manager@host";
  YAML::Node bad_rules;
  bad_rules["min_order_m2"] = "много";
  YAML::Node inverted_rules;
  inverted_rules["min_order_m2"] = 50;
  inverted_rules["big_project_m2"] = 10;
  YAML::Node faq(YAML::NodeType::Sequence);
  YAML::Node no_answer;
  no_answer["q"] = "?";
  faq.push_back(no_answer);
  YAML::Node extra;
  extra["name"] = "Анна";
  extra["email"] = "a@b";
  for (const Case& c : std::vector<Case>{
           {"calling_window", bad_window, "calling_window.weekdays"},
           {"manager", bad_manager, "manager.sip"},
           {"rules", bad_rules, "rules.min_order_m2"},
           {"rules", inverted_rules, "rules.big_project_m2"},
           {"faq", faq, "faq[0].a"},
           {"manager", extra, "manager.email"},
           {"timezone", YAML::Node("Mars/Olympus"), "timezone"},
           {"opening", YAML::Node("9-18"), "opening"},
       }) {
    YAML::Node edit;
    edit[c.key] = c.value;
    auto e = EditProfile(Demo(), edit, "profile.yaml");
    ASSERT_FALSE(e.ok()) << c.key;
    EXPECT_EQ(e.status().code(), Status::Code::kInvalid);
    EXPECT_EQ(ProfileErrorField(e.status().message(), "profile.yaml"), c.field)
        << e.status().message();
  }
  // The key path with and without the line the loader names; none in a YAML syntax message.
  EXPECT_EQ(
      ProfileErrorField("profile.yaml line 7: calling_window.weekdays: expected x", "profile.yaml"),
      "calling_window.weekdays");
  EXPECT_EQ(ProfileErrorField("profile.yaml: rules.min_order_m2: expected", "profile.yaml"),
            "rules.min_order_m2");
  EXPECT_EQ(ProfileErrorField("profile.yaml line 10: duplicate key 'a' (first at line 4)",
                              "profile.yaml"),
            "");
}

// Each refusal the loader gives an edit, and the workspace's own, as a code with the value it
// quotes: what a UI words in its own language.
TEST(ProfileEdit, RefusalsAreDescribedAsCodes) {
  struct Case {
    const char* key;
    YAML::Node value;
    std::string field, code, value_quoted, allowed;
  };
  YAML::Node window;
  window["weekdays"] = "20:00-09:00";
  YAML::Node sip;
  sip["name"] = "Анна";
  sip["sip"] = "manager@host";
  YAML::Node words;
  words["min_order_m2"] = "много";
  YAML::Node negative;
  negative["min_order_m2"] = -1;
  YAML::Node inverted;
  inverted["min_order_m2"] = 50;
  inverted["big_project_m2"] = 10;
  YAML::Node faq(YAML::NodeType::Sequence);
  YAML::Node no_answer;
  no_answer["q"] = "?";
  faq.push_back(no_answer);
  YAML::Node extra;
  extra["name"] = "Анна";
  extra["email"] = "a@b";
  YAML::Node list(YAML::NodeType::Sequence);
  list.push_back("9-18");
  YAML::Node days;
  days["keep_transcripts_days"] = "1.5";
  for (const Case& c : std::vector<Case>{
           {"calling_window", window, "calling_window.weekdays", "bad_window", "20:00-09:00", ""},
           {"manager", sip, "manager.sip", "bad_sip", "manager@host", ""},
           {"rules", words, "rules.min_order_m2", "not_a_number", "много", ""},
           {"rules", negative, "rules.min_order_m2", "negative", "", ""},
           {"rules", inverted, "rules.big_project_m2", "not_above_min", "", "rules.min_order_m2"},
           {"faq", faq, "faq[0].a", "required", "", ""},
           {"faq", YAML::Node("none"), "faq", "not_a_list", "", ""},
           {"manager", extra, "manager.email", "unknown_key", "email", "name, phone, sip"},
           {"manager", YAML::Node("Анна"), "manager", "not_a_mapping", "", ""},
           {"hours", list, "hours", "not_text", "", ""},
           {"timezone", YAML::Node("Mars/Olympus"), "timezone", "bad_timezone", "Mars/Olympus", ""},
           {"language", YAML::Node("de"), "language", "bad_language", "de", ""},
           {"currency", YAML::Node("XXQ"), "currency", "bad_currency", "XXQ", ""},
           {"privacy", days, "privacy.keep_transcripts_days", "bad_days", "1.5", ""},
           {"opening", YAML::Node("9-18"), "opening", "unknown_key", "opening", ""},
       }) {
    YAML::Node edit;
    edit[c.key] = c.value;
    auto e = EditProfile(Demo(), edit, "profile.yaml");
    ASSERT_FALSE(e.ok()) << c.key;
    ProfileError d = DescribeProfileError(e.status().message(), "profile.yaml");
    EXPECT_EQ(d.field, c.field) << e.status().message();
    EXPECT_EQ(d.code, c.code) << e.status().message();
    EXPECT_EQ(d.value, c.value_quoted) << e.status().message();
    EXPECT_EQ(d.allowed, c.allowed) << e.status().message();
  }
  // The workspace's own limits, and what names no field (a YAML syntax message).
  ProfileError big = DescribeProfileError("faq[3].a: longer than 4000 bytes", "");
  EXPECT_EQ(big.field, "faq[3].a");
  EXPECT_EQ(big.code, "too_long");
  EXPECT_EQ(big.limit, 4000u);
  EXPECT_EQ(DescribeProfileError("faq: more than 200 entries", "").code, "too_many");
  EXPECT_EQ(DescribeProfileError("language: cannot be changed here", "").code, "not_editable");
  ProfileError range = DescribeProfileError(
      "profile.yaml line 4: web.threads: 0 is outside 1..1024", "profile.yaml");
  EXPECT_EQ(range.code, "out_of_range");
  EXPECT_EQ(range.value, "0");
  EXPECT_EQ(range.allowed, "1..1024");
  ProfileError syntax = DescribeProfileError(
      "profile.yaml line 10: duplicate key 'a' (first at line 4)", "profile.yaml");
  EXPECT_EQ(syntax.code, "other");
  EXPECT_EQ(syntax.field, "");
  for (const char* const* c = ProfileErrorCodes(); *c; ++c) EXPECT_NE(std::string(*c), "");
}

TEST(ProfileEdit, SaveReplacesAtomicallyAndKeepsThePreviousVersion) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kira-profile-edit-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = (dir / "profile.yaml").string();
  ASSERT_TRUE(SaveProfile(path, "first\n", 1).ok());
  EXPECT_FALSE(fs::exists(dir / "profile-history")) << "nothing to keep the first time";
  ASSERT_TRUE(SaveProfile(path, "second\n", 2).ok());
  auto read = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(read(path), "second\n");
  EXPECT_EQ(read(dir / "profile-history" / "profile.2.yaml"), "first\n");
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(dir)) files += f.is_regular_file();
  EXPECT_EQ(files, 1u) << "no temporary file left behind";
  // An unwritable place (a "directory" that is a file) fails with a message and leaves the
  // file alone. (A missing directory is created: the shop's phrase files start that way.)
  auto bad = SaveProfile((dir / "profile.yaml" / "nested.yaml").string(), "x", 3);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("cannot"), std::string::npos) << bad.message();
  EXPECT_EQ(read(path), "second\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kira::business
