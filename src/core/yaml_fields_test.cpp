// YamlFields: every error names the file and the full key path; absent keys keep defaults.
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
            "kira.yaml: phone.max_calls: 0 is outside 1..100");
  EXPECT_EQ(f.Int("workers", &n, 0, 8).message(),
            "kira.yaml: phone.workers: expected a whole number, got 'many'");
  EXPECT_EQ(f.Bool("barge_in", &b).message(), "kira.yaml: phone.barge_in: expected true or false");
  EXPECT_EQ(f.StrList("acl", &list).message(), "kira.yaml: phone.acl: expected a list");
  EXPECT_EQ(f.Sub("trunk").Int("expires_s", &n, 1, 9).message(),
            "kira.yaml: phone.trunk.expires_s: expected a whole number, got 'a list or mapping'");
  EXPECT_EQ(f.Keys({"max_calls", "workers", "barge_in", "acl", "trunk"}).message(),
            "kira.yaml: phone.extra: unknown key (known: acl, barge_in, max_calls, trunk, "
            "workers)");
  EXPECT_EQ(f.Sub("acl").Keys({}).message(), "kira.yaml: phone.acl: expected a mapping");
  EXPECT_EQ(n, 0) << "a refused value leaves the field as it was";
}

}  // namespace
}  // namespace kira
