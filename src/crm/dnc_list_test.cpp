#include "crm/dnc_list.h"

#include <gtest/gtest.h>

namespace kira::crm {
namespace {

TEST(DncList, OneNumberPerLine) {
  auto r =
      ParseDncList("# opted out\n+7 916 123-45-67\r\n\n8 (903) 111-22-33\n", "dnc.txt", "import");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].phone, "+79161234567");  // kept in E.164
  EXPECT_EQ((*r)[0].reason, "import");
  EXPECT_EQ((*r)[0].source, "dnc.txt");
  EXPECT_EQ((*r)[1].phone, "+79031112233");
}

TEST(DncList, CsvWithHeaderQuotesAndReasons) {
  auto r = ParseDncList(
      "\xEF\xBB\xBF"
      "name,phone,reason\n"
      "\"Иванов, Иван\",+79161234567,wrong_number\n"
      "Пётр,\"8 903 111 22 33\",\n",
      "list.csv", "import");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].phone, "+79161234567");
  EXPECT_EQ((*r)[0].reason, "wrong_number");
  EXPECT_EQ((*r)[1].phone, "+79031112233");
  EXPECT_EQ((*r)[1].reason, "import");

  auto semi = ParseDncList("телефон;причина\n+79161234567;opt_out\n", "x.csv", "import");
  ASSERT_TRUE(semi.ok()) << semi.status().ToString();
  ASSERT_EQ(semi->size(), 1u);
  EXPECT_EQ((*semi)[0].reason, "opt_out");

  auto no_header = ParseDncList("+79161234567,note\n+79031112233,other\n", "y.csv", "import");
  ASSERT_TRUE(no_header.ok());
  EXPECT_EQ(no_header->size(), 2u);
}

TEST(DncList, ErrorsNameTheLine) {
  auto r = ParseDncList("+79161234567\n\n+7 916 oops\n", "dnc.txt", "import");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(r.status().message().rfind("dnc.txt line 3: '", 0), 0u) << r.status().message();
  EXPECT_NE(r.status().message().find("' is not a phone number"), std::string::npos);
  auto invalid = ParseDncList("+79161234567\n+7 916 123\n", "dnc.txt", "import");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("dnc.txt line 2: "), std::string::npos);

  auto q = ParseDncList("phone\n\"+79161234567\n", "q.csv", "import");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "q.csv line 2: unterminated quote");

  auto col = ParseDncList("name,phone\nАнна\n", "c.csv", "import");
  ASSERT_FALSE(col.ok());
  EXPECT_EQ(col.status().message(), "c.csv line 2: no phone column");

  auto bin = ParseDncList("\xff\xfe+7916", "b.txt", "import");
  ASSERT_FALSE(bin.ok());
  EXPECT_NE(bin.status().message().find("not UTF-8"), std::string::npos);

  auto empty = ParseDncList("", "e.txt", "import");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace kira::crm
