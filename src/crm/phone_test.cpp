#include "crm/phone.h"

#include <gtest/gtest.h>

namespace kira::crm {
namespace {

TEST(NormalizePhone, RussianSpellingsOfOneNumberAgree) {
  const char* spellings[] = {"8 916 123-45-67",     "+7 916 1234567",     "+7 (916) 123-45-67",
                             "79161234567",         "9161234567",         "8(916)123.45.67",
                             "tel:+79161234567",    "  +7 916 123 45 67", "00 7 916 123 45 67",
                             "8 10 7 916 123 45 67"};
  for (const char* s : spellings) EXPECT_EQ(NormalizePhone(s), "+79161234567") << s;
}

TEST(NormalizePhone, ForeignAndShortNumbers) {
  EXPECT_EQ(NormalizePhone("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(NormalizePhone("0044 20 7946 0958"), "+442079460958");
  EXPECT_EQ(NormalizePhone("123-45-67"), "1234567");  // local, country unknown
  EXPECT_EQ(NormalizePhone("112"), "112");
}

TEST(NormalizePhone, RejectsWhatIsNotANumber) {
  EXPECT_EQ(NormalizePhone(""), "");
  EXPECT_EQ(NormalizePhone("abc"), "");
  EXPECT_EQ(NormalizePhone("12ab34567"), "");
  EXPECT_EQ(NormalizePhone("+7 916 +1234567"), "");
  EXPECT_EQ(NormalizePhone("7+9161234567"), "");
  EXPECT_EQ(NormalizePhone("12"), "");
  EXPECT_EQ(NormalizePhone("+1234567890123456"), "");  // 16 digits
  EXPECT_EQ(NormalizePhone("sip:bob@example.com"), "");
}

}  // namespace
}  // namespace kira::crm
