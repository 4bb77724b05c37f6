// ParseYamlStrict: duplicate keys (issue 10, F9), aliases, control characters and limits are
// refused with the file, the line and what to do.
#include "core/yaml_strict.h"

#include <gtest/gtest.h>

#include <string>

namespace kira {
namespace {

std::string ErrorOf(const std::string& yaml, const YamlLimits& limits = {}) {
  auto r = ParseYamlStrict(yaml, "shop.yaml", limits);
  return r.ok() ? "OK" : r.status().message();
}

TEST(YamlStrict, ParsesOrdinaryShopFiles) {
  auto r = ParseYamlStrict(
      "name: Плиточный двор\nhours: \"9-20\"\nfaq:\n  - q: a\n    a: b\n  - q: c\n    a: d\n"
      "rules: {min: 1, max: 2}\nlist: [x, y, x]\nempty:\ntext: |\n  line one\n  line\ttwo\n",
      "shop.yaml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["name"].as<std::string>(), "Плиточный двор");
  EXPECT_EQ((*r)["faq"].size(), 2u);
  EXPECT_EQ((*r)["text"].as<std::string>(), "line one\nline\ttwo\n");
  EXPECT_TRUE(ParseYamlStrict("", "empty.yaml").ok());
}

// Probe F9: a repeated key was silently replaced by the last one.
TEST(YamlStrict, DuplicateKeysNameTheKeyAndBothLines) {
  EXPECT_EQ(ErrorOf("name: A\ntimezone: Europe/Moscow\nhours: x\ntimezone: Asia/Omsk\n"),
            "shop.yaml line 4: duplicate key 'timezone' (first at line 2); each key may appear "
            "once per mapping");
  // Nested mappings, list items and flow style each have their own keys.
  EXPECT_EQ(ErrorOf("faq:\n  - q: a\n    a: b\n  - q: c\n    q: d\n"),
            "shop.yaml line 5: duplicate key 'q' (first at line 4); each key may appear once per "
            "mapping");
  EXPECT_NE(ErrorOf("rules: {min: 1, min: 2}\n").find("line 1: duplicate key 'min'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("a:\n  b: 1\nc: 2\na: 3\n").find("line 4: duplicate key 'a' (first at line 1)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("~: 1\nnull: 2\n~: 3\n").find("duplicate key '~'"), std::string::npos);
  // The same key in sibling mappings is fine.
  EXPECT_EQ(ErrorOf("a:\n  x: 1\nb:\n  x: 2\nl:\n  - x: 1\n  - x: 2\n"), "OK");
}

TEST(YamlStrict, AliasesAnchorsAndComplexKeysAreRefused) {
  EXPECT_NE(ErrorOf("a: &x [1, 2]\nb: *x\n").find("shop.yaml line 1: anchors"), std::string::npos);
  EXPECT_NE(ErrorOf("a: 1\nb: *x\n").find("not valid YAML"), std::string::npos);
  EXPECT_NE(ErrorOf("? [a, b]\n: 1\n").find("a key must be plain text"), std::string::npos);
  EXPECT_NE(ErrorOf("a: 1\n---\nb: 2\n").find("line 2: a second document"), std::string::npos);
}

TEST(YamlStrict, ControlCharactersAreRefused) {
  EXPECT_EQ(ErrorOf("name: \"Shop\\0\"\n"),
            "shop.yaml line 1: control character U+0000 (NUL) in 'Shop'…; remove it");
  EXPECT_NE(ErrorOf("name: \"\\e[31mred\"\n").find("U+001B (ESC)"), std::string::npos);
  EXPECT_NE(ErrorOf("\"k\\x07\": 1\n").find("U+0007"), std::string::npos);
  EXPECT_NE(ErrorOf("name: \"a\\x85b\"\n").find("U+0085"), std::string::npos);
  EXPECT_EQ(ErrorOf("name: \"tab\\there\\nnew line\"\n"), "OK");
}

TEST(YamlStrict, LimitsAreNamed) {
  YamlLimits lim;
  lim.max_bytes = 10;
  EXPECT_EQ(ErrorOf("name: something long\n", lim),
            "shop.yaml: the file is 21 bytes, over the limit of 10 (max_bytes)");
  lim = {};
  lim.max_depth = 3;
  EXPECT_NE(ErrorOf("a: {b: {c: {d: 1}}}\n", lim).find("nested deeper than 3 levels"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("a: {b: {c: 1}}\n", lim), "OK");
  lim = {};
  lim.max_nodes = 5;
  EXPECT_NE(ErrorOf("[1, 2, 3, 4, 5, 6]\n", lim).find("more than 5 keys and values"),
            std::string::npos);
  lim = {};
  lim.max_scalar_bytes = 4;
  EXPECT_NE(ErrorOf("a: 12345\n", lim).find("longer than 4 bytes"), std::string::npos);
  // Deep nesting stops at the default depth long before the parser's stack is at risk.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "- ";
  EXPECT_NE(ErrorOf(deep + "x\n").find("line 1: nested deeper than 32 levels"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string(100000, '[')), "OK");
}

TEST(YamlStrict, SyntaxErrorsNameTheLine) {
  EXPECT_NE(ErrorOf("a: 1\nb: [1, 2\n").find("not valid YAML"), std::string::npos);
  EXPECT_EQ(ErrorOf("a: 1\n  b: 2\n").substr(0, 17), "shop.yaml line 2:");
  auto missing = LoadYamlStrict("/nonexistent/shop.yaml");
  EXPECT_FALSE(missing.ok());
}

}  // namespace
}  // namespace kira
