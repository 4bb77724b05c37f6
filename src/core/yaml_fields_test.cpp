// YamlFields: every error names the file, the line and the full key path; absent keys keep
// defaults.
#include "core/yaml_fields.h"

#include <gtest/gtest.h>

#include "core/yaml_strict.h"

namespace kira {
namespace {

YAML::Node Parse(const std::string& text) { return *ParseYamlStrict(text, "kira.yaml"); }

TEST(YamlFields, ReadsTypedFieldsAndKeepsDefaultsForAbsentKeys) {
  YAML::Node root = Parse(
      "web:\n  threads: 8\n  secure: true\n  proxies: [a, b]\n  wait_s: 3\n  name: x\n"
      "  trunk: {port: 5060}\n");
  YamlFields f("kira.yaml", root["web"], "web");
  ASSERT_TRUE(f.Keys({"threads", "secure", "proxies", "wait_s", "name", "trunk"}).ok());
  int threads = 1, absent = 42;
  bool secure = false;
  std::vector<std::string> proxies;
  std::chrono::milliseconds wait{500};
  std::string name;
  ASSERT_TRUE(f.Int("threads", &threads, 1, 64).ok());
  ASSERT_TRUE(f.Int("absent", &absent, 1, 64).ok());
  ASSERT_TRUE(f.Bool("secure", &secure).ok());
  ASSERT_TRUE(f.StrList("proxies", &proxies).ok());
  ASSERT_TRUE(f.Seconds("wait_s", &wait, 1, 60).ok());
  ASSERT_TRUE(f.Str("name", &name).ok());
  EXPECT_EQ(threads, 8);
  EXPECT_EQ(absent, 42);
  EXPECT_TRUE(secure);
  EXPECT_EQ(proxies, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(wait, std::chrono::seconds(3));
  EXPECT_EQ(name, "x");
  int port = 0;
  ASSERT_TRUE(f.Sub("trunk").Int("port", &port, 1, 65535).ok());
  EXPECT_EQ(port, 5060);
}

TEST(YamlFields, ErrorsNameFileAndKeyPath) {
  YAML::Node root = Parse(
      "phone:\n  max_calls: 0\n  workers: many\n  barge_in: maybe\n  acl: x\n"
      "  trunk: {expires_s: [1]}\n  extra: 1\n");
  YamlFields f("kira.yaml", root["phone"], "phone");
  int n = 0;
  bool b = false;
  std::vector<std::string> list;
  EXPECT_EQ(f.Int("max_calls", &n, 1, 100).message(),
            "kira.yaml line 2: phone.max_calls: 0 is outside 1..100");
  EXPECT_EQ(f.Int("workers", &n, 0, 8).message(),
            "kira.yaml line 3: phone.workers: expected a whole number, got 'many'");
  EXPECT_EQ(f.Bool("barge_in", &b).message(),
            "kira.yaml line 4: phone.barge_in: expected true or false");
  EXPECT_EQ(f.StrList("acl", &list).message(), "kira.yaml line 5: phone.acl: expected a list");
  EXPECT_EQ(
      f.Sub("trunk").Int("expires_s", &n, 1, 9).message(),
      "kira.yaml line 6: phone.trunk.expires_s: expected a whole number, got 'a list or mapping'");
  EXPECT_EQ(f.Keys({"max_calls", "workers", "barge_in", "acl", "trunk"}).message(),
            "kira.yaml line 7: phone.extra: unknown key (known: acl, barge_in, max_calls, trunk, "
            "workers)");
  EXPECT_EQ(f.Sub("acl").Keys({}).message(), "kira.yaml line 5: phone.acl: expected a mapping");
  EXPECT_EQ(n, 0) << "a refused value leaves the field as it was";
}

TEST(YamlFields, RequiredKeysAndNumbers) {
  YAML::Node root = Parse("name: x\nrules:\n  min: 2.5\n  max: lots\n  list: [1]\n");
  YamlFields top("p.yaml", root, "");
  EXPECT_TRUE(top.Required("name").ok());
  // An absent key is reported at the line of the mapping that should hold it.
  EXPECT_EQ(top.Sub("rules").Required("avg").message(),
            "p.yaml line 3: rules.avg: required key is missing");
  double v = 1;
  YamlFields rules = top.Sub("rules");
  ASSERT_TRUE(rules.Number("min", &v).ok());
  EXPECT_EQ(v, 2.5);
  ASSERT_TRUE(rules.Number("absent", &v).ok());
  EXPECT_EQ(v, 2.5);
  EXPECT_EQ(rules.Number("max", &v).message(),
            "p.yaml line 4: rules.max: expected a number, got 'lots'");
  EXPECT_EQ(rules.Number("list", &v).message(), "p.yaml line 5: rules.list: expected a number");
  // A node built in code has no line.
  YAML::Node built;
  built["n"] = "many";
  int n = 0;
  EXPECT_EQ(YamlFields("x.yaml", built, "").Int("n", &n, 0, 9).message(),
            "x.yaml: n: expected a whole number, got 'many'");
}

}  // namespace
}  // namespace kira
