#include "crm/phone.h"

#include <gtest/gtest.h>

namespace kira::crm {
namespace {

TEST(ToE164, RussianSpellingsOfOneNumberAgree) {
  const char* spellings[] = {"8 916 123-45-67",     "+7 916 1234567",     "+7 (916) 123-45-67",
                             "79161234567",         "9161234567",         "8(916)123.45.67",
                             "tel:+79161234567",    "  +7 916 123 45 67", "00 7 916 123 45 67",
                             "8 10 7 916 123 45 67"};
  for (const char* s : spellings) {
    auto e = ToE164(s);
    ASSERT_TRUE(e.ok()) << s << ": " << e.status().message();
    EXPECT_EQ(*e, "+79161234567") << s;
    EXPECT_EQ(NormalizePhone(s), "+79161234567") << s;
  }
}

TEST(ToE164, ForeignNumbersAndRegions) {
  EXPECT_EQ(ToE164("+44 20 7946 0958").value(), "+442079460958");
  EXPECT_EQ(ToE164("0044 20 7946 0958").value(), "+442079460958");
  EXPECT_EQ(ToE164("+49 30 123456").value(), "+4930123456");
  // A national form is read in the given region.
  EXPECT_EQ(ToE164("030 123456", "DE").value(), "+4930123456");
  EXPECT_EQ(ToE164("(202) 456-1414", "US").value(), "+12024561414");
  // Kazakhstan shares +7 with Russia.
  auto kz = ParsePhone("+7 701 234 56 78");
  ASSERT_TRUE(kz.ok());
  EXPECT_EQ(kz->region, "KZ");
}

TEST(ParsePhone, ClassifiesRussianNumbers) {
  auto mobile = ParsePhone("8 916 123-45-67");
  ASSERT_TRUE(mobile.ok());
  EXPECT_EQ(mobile->region, "RU");
  EXPECT_EQ(mobile->national, "9161234567");
  EXPECT_FALSE(mobile->fixed_line);
  auto moscow = ParsePhone("+7 495 123-45-67");
  ASSERT_TRUE(moscow.ok());
  EXPECT_TRUE(moscow->fixed_line);
  EXPECT_EQ(moscow->national, "4951234567");
}

TEST(ToE164, ErrorsSayWhatIsWrongWithoutTheDigits) {
  struct Case {
    const char* in;
    const char* says;
  } cases[] = {{"", "is not a phone number"},
               {"hello", "'hello' is not a phone number"},
               {"12ab34567", "is not a phone number"},  // no vanity letters
               {"+7 916 +1234567", "is not a phone number"},
               {"7+9161234567", "is not a phone number"},
               {"sip:bob@example.com", "is not a phone number"},
               {"+7 916 123", "phone number"},            // too short
               {"+7 916 123 45 67 89", "phone number"}};  // too long
  for (const auto& c : cases) {
    auto e = ToE164(c.in);
    ASSERT_FALSE(e.ok()) << c.in;
    EXPECT_EQ(e.status().code(), Status::Code::kInvalid) << c.in;
    EXPECT_NE(e.status().message().find(c.says), std::string::npos)
        << c.in << ": " << e.status().message();
    EXPECT_EQ(e.status().message().find("1234567"), std::string::npos) << e.status().message();
  }
  std::string huge(kMaxPhoneChars + 1, '1');
  EXPECT_FALSE(ToE164(huge).ok());
  EXPECT_EQ(NormalizePhone(huge), "");
}

TEST(NormalizePhone, KeysEveryReadableNumberEvenInUnallocatedRanges) {
  // Not a valid number (no such range), but every spelling still gives one key.
  EXPECT_EQ(NormalizePhone("+7 000 000-00-01"), "+70000000001");
  EXPECT_EQ(NormalizePhone("8 000 000 00 01"), "+70000000001");
  EXPECT_FALSE(ToE164("+7 000 000-00-01").ok());
  EXPECT_EQ(NormalizePhone(""), "");
  EXPECT_EQ(NormalizePhone("abc"), "");
  EXPECT_EQ(NormalizePhone("12"), "");
  EXPECT_EQ(NormalizePhone("+1234567890123456789"), "");  // longer than E.164 allows
  EXPECT_EQ(NormalizePhone("0081240417946093953"), "");   // "possible" to libphonenumber
  EXPECT_EQ(NormalizePhone("+49591944115123457"), "");    // even "valid" to it
  EXPECT_FALSE(ToE164("+49591944115123457").ok());
  // "+84 0…" loses its 0 only when read a second time: the key is the fixed point.
  EXPECT_EQ(NormalizePhone("008 400 7946 46 58"),
            NormalizePhone(NormalizePhone("008 400 7946 46 58")));
  EXPECT_EQ(NormalizePhone("sip:bob@example.com"), "");
}

TEST(CallerNumber, E164WhenANumberElseAsGiven) {
  EXPECT_EQ(CallerNumber("89161234567"), "+79161234567");
  EXPECT_EQ(CallerNumber("+79161234567"), "+79161234567");
  EXPECT_EQ(CallerNumber(" anonymous "), "anonymous");
  EXPECT_EQ(CallerNumber("1001"), "1001");  // an extension
  EXPECT_EQ(CallerNumber(""), "");
}

}  // namespace
}  // namespace kira::crm
