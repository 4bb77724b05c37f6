// crm/personal_data.h over the real SQLite store and real files: forgetting deletes the
// person's recording files and audits counts only; retention deletes expired recordings and
// transcripts and audits them; a recording path outside the data directory is never deleted.
#include "crm/personal_data.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crm/sqlite/sqlite_crm_store.h"

namespace kira::crm {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1764400000000;

class PersonalData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("kira-pd-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/data/recordings");
    auto s = OpenSqliteCrmStore(dir_ + "/data/kira.db");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Data() const { return dir_ + "/data"; }
  // A finished phone conversation of `phone` with a recording file and one caller turn.
  int64_t Call(const std::string& phone, const std::string& rec, int64_t ended_at) {
    Contact c;
    c.phone = phone;
    auto cid = store_->UpsertContact(c);
    Lead l;
    l.contact_id = *cid;
    auto lid = store_->CreateLead(l);
    Conversation conv;
    conv.lead_id = *lid;
    conv.started_at = ended_at - 60000;
    auto id = store_->StartConversation(conv);
    EXPECT_TRUE(store_->AppendTurn(*id, "caller", "меня зовут Анна", ended_at - 1000).ok());
    std::ofstream(Data() + "/" + rec) << "RIFF";
    conv.id = *id;
    conv.outcome = Outcome::kInfoOnly;
    conv.ended_at = ended_at;
    conv.recording_path = rec;
    EXPECT_TRUE(store_->EndConversation(conv).ok());
    return *id;
  }
  std::string dir_;
  std::unique_ptr<CrmStore> store_;
};

TEST_F(PersonalData, ForgetDeletesRecordingFilesAndAuditsCountsOnly) {
  Call("+79161234567", "recordings/anna.wav", kNow);
  Call("+79167654321", "recordings/boris.wav", kNow);
  auto r = ForgetPerson(*store_, Data(), "8 916 123 45 67", "user:admin");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(fs::exists(Data() + "/recordings/anna.wav"));
  EXPECT_TRUE(fs::exists(Data() + "/recordings/boris.wav"));
  auto audit = store_->ListAudit("contact", 0);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "person.forget");
  EXPECT_EQ((*audit)[0].actor, "user:admin");
  EXPECT_NE((*audit)[0].detail.find("recordings 1/1"), std::string::npos) << (*audit)[0].detail;
  EXPECT_EQ((*audit)[0].detail.find("1234567"), std::string::npos);
}

TEST_F(PersonalData, RetentionDeletesExpiredFilesAndTranscriptsOnly) {
  int64_t old_call = Call("+79161234567", "recordings/old.wav", kNow - 40 * kDay);
  int64_t mid_call = Call("+79161234568", "recordings/mid.wav", kNow - 10 * kDay);
  int64_t new_call = Call("+79161234569", "recordings/new.wav", kNow - kDay);
  RetentionSettings s;
  s.recordings_days = 7;
  s.transcripts_days = 30;
  auto r = EnforceRetention(*store_, Data(), s, kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recordings.size(), 2u);
  EXPECT_EQ(r->turns, 1);
  EXPECT_FALSE(fs::exists(Data() + "/recordings/old.wav"));
  EXPECT_FALSE(fs::exists(Data() + "/recordings/mid.wav"));
  EXPECT_TRUE(fs::exists(Data() + "/recordings/new.wav"));
  EXPECT_TRUE(store_->GetConversation(old_call)->turns.empty());
  EXPECT_EQ(store_->GetConversation(mid_call)->turns.size(), 1u);
  EXPECT_EQ(store_->GetConversation(new_call)->recording_path, "recordings/new.wav");
  auto audit = store_->ListAudit();
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "retention.purge");
  // Nothing more to do: no second audit entry.
  ASSERT_TRUE(EnforceRetention(*store_, Data(), s, kNow).ok());
  EXPECT_EQ(store_->ListAudit()->size(), 1u);
  // 0 = keep forever.
  ASSERT_TRUE(EnforceRetention(*store_, Data(), RetentionSettings{}, kNow + 1000 * kDay).ok());
  EXPECT_TRUE(fs::exists(Data() + "/recordings/new.wav"));
}

TEST_F(PersonalData, RecordingsOutsideTheDataDirectoryAreNeverDeleted) {
  std::ofstream(dir_ + "/outside.wav") << "RIFF";
  std::ofstream(Data() + "/recordings/in.wav") << "RIFF";
  EXPECT_EQ(DeleteRecordings(Data(), {"../outside.wav", dir_ + "/outside.wav", "recordings/in.wav",
                                      "recordings/absent.wav"}),
            1);
  EXPECT_TRUE(fs::exists(dir_ + "/outside.wav"));
  EXPECT_FALSE(fs::exists(Data() + "/recordings/in.wav"));
  EXPECT_EQ(DeleteRecordings("", {"recordings/x.wav"}), 0);
}

}  // namespace
}  // namespace kira::crm
