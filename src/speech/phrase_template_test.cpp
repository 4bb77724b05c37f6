#include "speech/phrase_template.h"

#include <gtest/gtest.h>

namespace kira::speech {
namespace {

TEST(PhraseTemplate, PlainPhrasesAreOneWordPerPart) {
  auto t = ParsePhraseTemplate("Do you have the grey 60 by 60 tile?");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(ExpandPhraseTemplate(*t, 10),
            std::vector<std::string>{"do you have the grey sixty by sixty tile"});
  for (const auto& p : t->parts) {
    EXPECT_FALSE(p.optional);
    EXPECT_EQ(p.alternatives.size(), 1u);
  }
}

TEST(PhraseTemplate, GroupsAndOptionalGroups) {
  auto t = ParsePhraseTemplate("[i need|I'll take] (2|twenty five) (boxes|square meters) [please]");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->parts.size(), 4u);
  EXPECT_TRUE(t->parts[0].optional);
  EXPECT_FALSE(t->parts[1].optional);
  EXPECT_EQ(t->parts[1].alternatives[1], (std::vector<std::string>{"twenty", "five"}));
  auto all = ExpandPhraseTemplate(*t, 1000);
  EXPECT_EQ(all.size(), 3u * 2 * 2 * 2);
  EXPECT_EQ(all.front(), "i need two boxes please");
  EXPECT_EQ(all.back(), "twenty five square meters");
  EXPECT_EQ(ExpandPhraseTemplate(*t, 5).size(), 5u);
  // "(a|)" is optional too.
  auto e = ParsePhraseTemplate("yes (please|)");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->parts[1].optional);
}

TEST(PhraseTemplate, MalformedTemplatesAreErrors) {
  for (const char* bad : {"(yes|no", "yes)", "a | b", "[a (b) c]", "[maybe]", "[]", "", "(a|b]"}) {
    auto t = ParsePhraseTemplate(bad);
    EXPECT_FALSE(t.ok()) << bad;
  }
  std::string huge(kMaxTemplateChars + 1, 'a');
  EXPECT_FALSE(ParsePhraseTemplate(huge).ok());
  std::string wide = "(";
  for (size_t i = 0; i <= kMaxTemplateAlternatives; ++i) wide += "w|";
  wide += "w)";
  auto w = ParsePhraseTemplate(wide);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("alternatives"), std::string::npos);
}

}  // namespace
}  // namespace kira::speech
