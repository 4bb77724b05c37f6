// Accounts and sessions: argon2id hashes, validation, rate limiting, expiry, logout.
#include "web/auth.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>

namespace kira::web {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = (std::filesystem::temp_directory_path() /
            ("kira-auth-" + std::to_string(::getpid()) + "-" + RandomHex(4) + ".db"))
               .string();
    AuthOptions opt;
    opt.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    opt.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
    auto a = Auth::Open(path, clock, opt);
    ASSERT_TRUE(a.ok()) << a.status().message();
    auth = std::move(*a);
  }
  void TearDown() override {
    auth.reset();
    for (const char* suf : {"", "-wal", "-shm"}) std::filesystem::remove(path + suf);
  }
  FakeClock clock{FromUnixMillis(1'800'000'000'000)};
  std::string path;
  std::unique_ptr<Auth> auth;
};

TEST(PasswordHash, IsArgon2idAndVerifies) {
  auto h = HashPassword("correct horse battery");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse batterY"));
  EXPECT_NE(*h, *HashPassword("correct horse battery"));  // salted
}

TEST_F(AuthTest, AddUserValidates) {
  EXPECT_TRUE(auth->AddUser("olga", "admin", "long enough").ok());
  EXPECT_EQ(auth->AddUser("olga", "admin", "long enough").status().code(), Status::Code::kConflict);
  EXPECT_EQ(auth->AddUser("bad name", "admin", "long enough").status().code(),
            Status::Code::kInvalid);
  EXPECT_EQ(auth->AddUser("ivan", "root", "long enough").status().code(), Status::Code::kInvalid);
  EXPECT_EQ(auth->AddUser("ivan", "manager", "short").status().code(), Status::Code::kInvalid);
  auto users = auth->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].role, "admin");
}

TEST_F(AuthTest, LoginResumeLogout) {
  ASSERT_TRUE(auth->AddUser("olga", "manager", "long enough").ok());
  auto s = auth->Login("olga", "long enough", "127.0.0.1");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->token.size(), 64u);
  EXPECT_EQ(s->csrf.size(), 64u);
  auto r = auth->Resume(s->token);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user.name, "olga");
  EXPECT_EQ(r->csrf, s->csrf);
  EXPECT_FALSE(auth->Resume(std::string(64, 'a')).ok());
  ASSERT_TRUE(auth->Logout(s->token).ok());
  EXPECT_FALSE(auth->Resume(s->token).ok());
}

TEST_F(AuthTest, SessionsExpire) {
  ASSERT_TRUE(auth->AddUser("olga", "manager", "long enough").ok());
  auto s = auth->Login("olga", "long enough", "127.0.0.1");
  ASSERT_TRUE(s.ok());
  clock.Advance(std::chrono::hours(11));
  EXPECT_TRUE(auth->Resume(s->token).ok());
  clock.Advance(std::chrono::hours(2));
  EXPECT_EQ(auth->Resume(s->token).status().code(), Status::Code::kNotFound);
}

TEST_F(AuthTest, WrongPasswordsAreRateLimited) {
  ASSERT_TRUE(auth->AddUser("olga", "manager", "long enough").ok());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(auth->Login("olga", "nope nope", "10.0.0.1").status().code(), Status::Code::kInvalid);
  int retry = 0;
  auto s = auth->Login("olga", "long enough", "10.0.0.2", &retry);
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_GT(retry, 0);
  clock.Advance(std::chrono::minutes(15) + std::chrono::seconds(1));
  EXPECT_TRUE(auth->Login("olga", "long enough", "10.0.0.2").ok());
}

TEST_F(AuthTest, NewPasswordEndsSessions) {
  ASSERT_TRUE(auth->AddUser("olga", "manager", "long enough").ok());
  auto s = auth->Login("olga", "long enough", "127.0.0.1");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(auth->SetPassword("olga", "another long one").ok());
  EXPECT_FALSE(auth->Resume(s->token).ok());
  EXPECT_FALSE(auth->Login("olga", "long enough", "127.0.0.1").ok());
  EXPECT_TRUE(auth->Login("olga", "another long one", "127.0.0.1").ok());
  EXPECT_EQ(auth->SetPassword("nobody", "another long one").code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace kira::web
