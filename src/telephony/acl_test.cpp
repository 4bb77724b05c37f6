#include "telephony/acl.h"

#include <gtest/gtest.h>

namespace kira::telephony {
namespace {

TEST(SourceAcl, MatchesCidrBlocksAndAddresses) {
  SourceAcl acl;
  ASSERT_TRUE(acl.Add("127.0.0.0/8").ok());
  ASSERT_TRUE(acl.Add("10.1.2.3").ok());
  ASSERT_TRUE(acl.Add("192.168.0.0/23").ok());
  ASSERT_TRUE(acl.Add("2001:db8::/32").ok());
  EXPECT_TRUE(acl.Allows("127.0.0.1"));
  EXPECT_TRUE(acl.Allows("127.255.1.9"));
  EXPECT_TRUE(acl.Allows("10.1.2.3"));
  EXPECT_FALSE(acl.Allows("10.1.2.4"));
  EXPECT_TRUE(acl.Allows("192.168.1.200"));
  EXPECT_FALSE(acl.Allows("192.168.2.1"));
  EXPECT_TRUE(acl.Allows("2001:db8:1::5"));
  EXPECT_FALSE(acl.Allows("2001:db9::5"));
  EXPECT_TRUE(acl.Allows("::ffff:127.0.0.1"));  // v4-mapped
  EXPECT_FALSE(acl.Allows("not-an-ip"));
}

TEST(SourceAcl, EmptyAllowsNothing) {
  SourceAcl acl;
  EXPECT_TRUE(acl.empty());
  EXPECT_FALSE(acl.Allows("127.0.0.1"));
}

TEST(SourceAcl, RejectsBadEntriesNamingThem) {
  SourceAcl acl;
  Status s = acl.Add("10.0.0.0/33");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("10.0.0.0/33"), std::string::npos);
  EXPECT_FALSE(acl.Add("pbx.example.com").ok());
  EXPECT_FALSE(acl.Add("10.0.0.0/").ok());
  EXPECT_FALSE(acl.Add("10.0.0.0/x").ok());
  EXPECT_TRUE(acl.Add("0.0.0.0/0").ok());
  EXPECT_TRUE(acl.Allows("8.8.8.8"));
}

}  // namespace
}  // namespace kira::telephony
