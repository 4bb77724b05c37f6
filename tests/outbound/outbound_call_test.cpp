// Vera's outbound call end to end over real SIP: the real Dialer over the real SQLite CRM
// (demo English shop) picks an open vera_call task inside the calling window, PhoneOriginator
// dials the number through the SIP trunk, and a baresip auto-answer callee plays a recorded
// answer from its microphone. Kira's side is the real phone pipeline (pocketsphinx with the
// session's phrase grammar, flite) and the real dialog engine. Asserts what lands in the CRM:
// the conversation with turns, outcome and summary, the task closed with that result, and for
// a telephone secretary the `secretary` outcome with a text follow-up task for the manager; a
// beep-only mailbox is recorded as voicemail from the greeting audio.
// Label: sip. Needs baresip, flite and sox.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <mutex>
#include <thread>

#include "app/runtime.h"
#include "dialer/dialer.h"
#include "media/audio.h"
#include "media/wav.h"
#include "peer_util.h"
#include "voice/phone_service.h"
#include "voice_dialer/phone_originator.h"

namespace kira::siptest {
namespace {

using namespace std::chrono_literals;

// Monday 30 November 2026, 12:00 in Moscow: inside the demo profile's weekday window.
TimePoint InsideWindow() {
  auto t = ParseIso("2026-11-30T09:00:00Z");
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : TimePoint{};
}

// One spoken line of the callee's recording: `text` starting `at_s` seconds into the call.
struct Line {
  double at_s;
  std::string text;
};

// A line that is not speech: a 1 kHz voicemail beep of 500 ms.
constexpr const char* kBeep = "<beep>";

// The callee's microphone: the lines at their times, then `tail_s` of silence (baresip hangs
// up when the file ends).
Status MakeMicWav(const std::string& dir, const std::vector<Line>& lines, double tail_s,
                  const std::string& out) {
  media::Pcm mic;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t start = static_cast<size_t>(lines[i].at_s * 8000);
    if (mic.size() < start) mic.resize(start, 0);
    media::Pcm speech;
    if (lines[i].text == kBeep) {
      speech = media::Tone(8000, 1000, 500, -10);
    } else {
      const std::string part = dir + "/line" + std::to_string(i) + ".wav";
      KIRA_RETURN_IF_ERROR(MakeSpeechWav(lines[i].text, part, 0.0, 0.0));
      auto wav = media::ReadWav(part);
      if (!wav.ok()) return wav.status();
      speech = wav->Channel(0);
    }
    mic.insert(mic.end(), speech.begin(), speech.end());
  }
  mic.resize(mic.size() + static_cast<size_t>(tail_s * 8000), 0);
  return media::WriteWav(out, media::Audio{8000, std::move(mic)});
}

class OutboundCall : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [bin, pkg] : {std::pair{"baresip", "baresip"}, {"flite", "flite"}, {"sox", "sox"}})
      ASSERT_EQ(MissingBinary(bin, pkg), "");
    dir_ = MakeTempDir("kira-outbound");
    app::AppOptions opts;
    opts.data_dir = dir_ + "/data";
    opts.business = std::string(KIRA_DEMO_DIR) + "/profile.en.yaml";
    auto rt = app::OpenRuntime(opts);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }
  void TearDown() override {
    callee_.Stop();
    rt_.reset();
    if (!dir_.empty()) RemoveTree(dir_);
  }

  // A lead and Vera's task to call it.
  int64_t AddTask(const std::string& phone, const std::string& source) {
    crm::Lead l;
    l.channel = "phone";
    l.source = source;
    l.interest = "SG622600R";
    l.created_at = ToUnixMillis(InsideWindow()) - 3600 * 1000;
    auto lid = rt_->store->CreateLead(l);
    EXPECT_TRUE(lid.ok()) << lid.status().ToString();
    crm::Task t;
    t.lead_id = *lid;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = phone;
    t.note = "call back about the grey 60x60";
    t.created_by = "manager:test";
    t.created_at = l.created_at;
    auto tid = rt_->store->CreateTask(t);
    EXPECT_TRUE(tid.ok()) << tid.status().ToString();
    return *tid;
  }

  // The callee answers as `number` (its account's user) and plays `lines`.
  void StartCallee(const std::string& number, const std::vector<Line>& lines, double tail_s) {
    const std::string mic = dir_ + "/mic.wav";
    ASSERT_TRUE(MakeMicWav(dir_, lines, tail_s, mic).ok());
    Baresip::Options o;
    o.user = number;
    o.sip_port = FreePort();
    o.ctrl_port = FreePort();
    o.rtp_min = 41000;
    o.rtp_max = 41999;
    o.mic_wav = mic;
    o.auto_answer = true;
    Status st = callee_.Start(o, dir_ + "/callee");
    ASSERT_TRUE(st.ok()) << st.ToString();
    callee_port_ = o.sip_port;
  }

  // Runs the dialer until the task's call has been completed; returns the session's EndInfo.
  void Dial(int64_t task_id, dialog::EndInfo* end, dialer::DialerStats* stats) {
    dialog::Engine* engine = rt_->engine.get();
    voice::PhoneService phone;
    voice::PhoneConfig cfg;
    cfg.sip.listen = "127.0.0.1:0";
    cfg.sip.tcp = false;
    cfg.sip.rtp_port_min = 42000;
    cfg.sip.rtp_port_max = 42999;
    // The operator's trunk: bare numbers are dialled as sip:<number>@<trunk>.
    cfg.sip.trunk.registrar = "sip:127.0.0.1:" + std::to_string(callee_port_);
    cfg.asr = {{"en", "pocketsphinx", {}}};
    cfg.tts = {{"en", "flite", {{"voice", "kal"}}}};
    cfg.data_dir = dir_ + "/data";
    cfg.workers = 2;
    cfg.voice.silence_reprompt_ms = 20000;  // the recording's pauses are not silences to fill
    std::mutex mu;
    bool finished = false;
    phone.set_on_finished([&](const telephony::CallInfo&, const dialog::EndInfo& e) {
      std::lock_guard<std::mutex> l(mu);
      *end = e;
      finished = true;
    });
    ASSERT_TRUE(phone.Start(cfg, nullptr).ok());
    voice::PhoneOriginator originator(
        &phone, [engine](const dialer::CallRequest& r) -> std::unique_ptr<dialog::DialogSession> {
          dialog::SessionParams p;
          p.agent = "vera";
          p.caller = r.task.phone;
          p.channel = "phone";
          p.task_id = r.task.id;
          auto s = engine->NewSession(p);
          EXPECT_TRUE(s.ok()) << s.status().ToString();
          return s.ok() ? std::move(s).value() : nullptr;
        });
    dialer::DialerConfig dc;
    dc.window = rt_->profile.calling_window;
    dc.caller_id = "+74950000000";
    dialer::ZoneDb zones;
    dialer::PhoneZoneResolver resolver(&zones, "RU");
    FakeClock clock(InsideWindow());
    dialer::Dialer dialer(rt_->store.get(), &originator, dc, &resolver, &clock);
    ASSERT_TRUE(dialer.Start().ok());
    const auto deadline = std::chrono::steady_clock::now() + 150s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto n = dialer.Tick();
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      if (dialer.stats().completed >= 1) break;
      std::this_thread::sleep_for(100ms);
      clock.Advance(100ms);
    }
    *stats = dialer.stats();
    phone.Stop();
    std::lock_guard<std::mutex> l(mu);
    EXPECT_TRUE(finished) << "the conversation never finished";
    auto task = rt_->store->GetTask(task_id);
    ASSERT_TRUE(task.ok());
    EXPECT_EQ(crm::Name(task->status), "done");
  }

  // Prints the transcript; returns the caller's words.
  std::string Transcript(const crm::Conversation& c, int* agent_turns) {
    std::string caller;
    *agent_turns = 0;
    for (const auto& t : c.turns) {
      std::fprintf(stderr, "  %s: %s\n", t.speaker.c_str(), t.text.c_str());
      if (t.speaker == "caller")
        caller += t.text + " | ";
      else
        ++*agent_turns;
    }
    return caller;
  }

  std::string dir_;
  std::unique_ptr<app::Runtime> rt_;
  Baresip callee_;
  uint16_t callee_port_ = 0;
};

TEST_F(OutboundCall, AnsweredCallLandsInTheCrmWithOutcomeRefused) {
  const std::string number = "+74951234567";  // Moscow: Europe/Moscow from the area code
  const int64_t task_id = AddTask(number, "inbound");
  // Vera greets and asks whether it is a good time; "yes"; she reminds of the tile, quotes it
  // and asks how much; "no thank you"; she asks whether anything else; "goodbye".
  // Each answer comes after Vera has finished speaking (an answer over her prompt would be a
  // barge-in; that is tested elsewhere).
  ASSERT_NO_FATAL_FAILURE(
      StartCallee(number, {{15.0, "yes"}, {50.0, "no thank you"}, {62.0, "goodbye"}}, 6.0));
  dialog::EndInfo end;
  dialer::DialerStats stats;
  ASSERT_NO_FATAL_FAILURE(Dial(task_id, &end, &stats));
  EXPECT_EQ(stats.originated, 1);
  EXPECT_EQ(stats.completed, 1);
  EXPECT_TRUE(callee_.WaitEvent("CALL_ESTABLISHED", 2s)) << "baresip never answered:\n"
                                                         << callee_.log();

  ASSERT_GT(end.conversation_id, 0);
  auto conv = rt_->store->GetConversation(end.conversation_id);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  int agent_turns = 0;
  const std::string caller = Transcript(*conv, &agent_turns);
  EXPECT_EQ(conv->agent, "vera");
  EXPECT_EQ(conv->channel, "phone");
  EXPECT_EQ(conv->task_id, task_id);
  EXPECT_EQ(conv->outcome, crm::Outcome::kRefused);
  EXPECT_FALSE(conv->summary.empty());
  EXPECT_GT(conv->ended_at, 0);
  EXPECT_GE(agent_turns, 3);
  // The spoken "yes" was heard as one of Vera's yes words (pocketsphinx may pick a neighbour
  // from the grammar: "yeah", "yep") and led her on to the product.
  const YAML::Node vera =
      YAML::LoadFile(std::string(KIRA_DEFAULTS_DIR) + "/agents/common/en/scenario.yaml")["lists"];
  bool heard_yes = false;
  for (const auto& w : vera["yes_words"])
    heard_yes |= caller.rfind(w.as<std::string>() + " |", 0) == 0;
  EXPECT_TRUE(heard_yes) << caller;
  // ...then "no thank you" to the offer: one of her no words.
  bool heard_no = false;
  for (const auto& w : vera["no_words"])
    heard_no |= caller.find("| " + w.as<std::string>() + " |") != std::string::npos;
  EXPECT_TRUE(heard_no) << caller;
  bool reminded = false;
  for (const auto& t : conv->turns)
    reminded |= t.speaker != "caller" && t.text.find("You were interested in") != t.text.npos;
  EXPECT_TRUE(reminded) << "Vera did not go on after the yes";
  auto task = rt_->store->GetTask(task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(crm::Name(task->status), "done");
  EXPECT_EQ(task->last_result, "refused");
  EXPECT_EQ(task->attempts, 1);  // counted once, by the dialer
  auto lead = rt_->store->GetLead(task->lead_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->outcome, crm::Outcome::kRefused);
  EXPECT_FALSE(lead->summary.empty());
}

TEST_F(OutboundCall, TelephoneSecretaryGetsOneSentenceAndTheManagerATextTask) {
  const std::string number = "+74951234568";
  const int64_t task_id = AddTask(number, "inbound");
  ASSERT_NO_FATAL_FAILURE(
      StartCallee(number,
                  {{0.3,
                    "Hello, this is the voice assistant. Please state your name and the purpose of "
                    "your call."}},
                  20.0));
  dialog::EndInfo end;
  dialer::DialerStats stats;
  ASSERT_NO_FATAL_FAILURE(Dial(task_id, &end, &stats));
  EXPECT_EQ(stats.originated, 1);

  ASSERT_GT(end.conversation_id, 0);
  auto conv = rt_->store->GetConversation(end.conversation_id);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  int agent_turns = 0;
  Transcript(*conv, &agent_turns);
  EXPECT_EQ(conv->outcome, crm::Outcome::kSecretary);
  EXPECT_FALSE(conv->summary.empty());
  // The secretary was told the company and the purpose.
  bool told = false;
  for (const auto& t : conv->turns)
    told |= t.speaker != "caller" && t.text.find("Tile Yard, calling back") != std::string::npos;
  EXPECT_TRUE(told) << "no message for the secretary";
  auto task = rt_->store->GetTask(task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(crm::Name(task->status), "done");
  EXPECT_EQ(task->last_result, "secretary");
  auto tasks = rt_->store->ListTasks(std::nullopt, task->lead_id);
  ASSERT_TRUE(tasks.ok());
  int followups = 0;
  for (const auto& t : *tasks)
    if (t.kind == crm::TaskKind::kTextFollowup && t.agent.empty() &&
        t.status == crm::TaskStatus::kOpen)
      ++followups;
  EXPECT_GE(followups, 1) << "no text follow-up task for the manager";
}

// A mailbox that only beeps: no words for the dialog to go on; the greeting audio (the beep, via
// voice::AnsweringMachineDetector in the call pipeline) makes the dialer record voicemail and
// give the manager a text follow-up.
TEST_F(OutboundCall, BeepOnlyMailboxIsVoicemailFromTheAudio) {
  const std::string number = "+74951234569";
  const int64_t task_id = AddTask(number, "inbound");
  ASSERT_NO_FATAL_FAILURE(StartCallee(number, {{0.6, kBeep}}, 14.0));
  dialog::EndInfo end;
  dialer::DialerStats stats;
  ASSERT_NO_FATAL_FAILURE(Dial(task_id, &end, &stats));
  EXPECT_EQ(stats.originated, 1);
  ASSERT_GT(end.conversation_id, 0);
  auto conv = rt_->store->GetConversation(end.conversation_id);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  int agent_turns = 0;
  Transcript(*conv, &agent_turns);
  auto task = rt_->store->GetTask(task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(crm::Name(task->status), "done");
  EXPECT_EQ(task->last_result, "voicemail")
      << "the conversation said " << crm::OptionalName(conv->outcome);
  auto lead = rt_->store->GetLead(task->lead_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->outcome, crm::Outcome::kVoicemail);
  auto tasks = rt_->store->ListTasks(std::nullopt, task->lead_id);
  ASSERT_TRUE(tasks.ok());
  int followups = 0;
  for (const auto& t : *tasks)
    if (t.kind == crm::TaskKind::kTextFollowup && t.agent.empty() &&
        t.status == crm::TaskStatus::kOpen)
      ++followups;
  EXPECT_EQ(followups, 1) << "one text follow-up task for the manager";
}

}  // namespace
}  // namespace kira::siptest
