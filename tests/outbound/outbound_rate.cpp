#include "outbound_rate.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "crm/sqlite/sqlite_crm_store.h"
#include "dialer/dialer.h"
#include "peer_util.h"
#include "voice/phone_service.h"
#include "voice_dialer/phone_originator.h"

namespace kira::siptest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The rate run measures the dialer and SIP, not speech: one prompt, then the agent hangs up
// (the trunk's BYE usually comes first).
class OnePrompt : public dialog::DialogSession {
 public:
  dialog::Reply Start() override { return {{"Hello, this is Vera from Tile Yard."}, true, ""}; }
  dialog::Reply OnCallerText(const std::string&) override { return {}; }
  dialog::Reply OnDtmf(char) override { return {}; }
  dialog::Reply OnSilence(int) override { return {{}, true, ""}; }
  dialog::Reply OnTransferFailed(const std::string&) override { return {}; }
  dialog::Reply OnRecognitionUnavailable() override { return {}; }
  dialog::EndInfo Finish() override {
    ended_ = true;
    dialog::EndInfo e;
    e.outcome = crm::Outcome::kRefused;
    e.summary = "Rate test call.";
    return e;
  }
  bool ended() const override { return ended_; }
  std::vector<std::string> ExpectedPhrases() const override { return {}; }
  const std::string& language() const override { return lang_; }
  void SetRecordingPath(const std::string&) override {}

 private:
  bool ended_ = false;
  std::string lang_ = "en";
};

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s, size_t n = 1500) {
  return s.size() > n ? s.substr(s.size() - n) : s;
}

// The INVITE_Recv column of the last line of sipp's *_counts.csv in `dir`; -1 if none.
int64_t SippInvites(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find("_counts.csv") == std::string::npos) continue;
    std::ifstream f(e.path());
    std::string header, line, last;
    std::getline(f, header);
    while (std::getline(f, line))
      if (!line.empty()) last = line;
    std::vector<std::string> h, v;
    std::string c;
    for (std::stringstream hs(header); std::getline(hs, c, ';');) h.push_back(c);
    for (std::stringstream vs(last); std::getline(vs, c, ';');) v.push_back(c);
    for (size_t i = 0; i < h.size() && i < v.size(); ++i)
      if (h[i].find("INVITE_Recv") != std::string::npos) return std::atoll(v[i].c_str());
  }
  return -1;
}

}  // namespace

Status RunOutboundRate(const RateOptions& o, RateResult* out) {
  *out = {};
  if (std::string m = MissingBinary("sipp", "sip-tester"); !m.empty())
    return Status::Unavailable(m);
  const std::string dir = MakeTempDir("kira-outbound-rate");
  struct Cleanup {
    std::string dir;
    ~Cleanup() { RemoveTree(dir); }
  } cleanup{dir};

  // The trunk.
  std::string scenario =
      ReadAll(std::string(KIRA_SOURCE_DIR) + "/tests/outbound/uas_answer_bye.xml");
  if (scenario.empty()) return Status::NotFound("tests/outbound/uas_answer_bye.xml is missing");
  scenario.replace(scenario.find("PAUSE_MS\"/>"), 8, std::to_string(o.sipp_pause_ms));
  std::ofstream(dir + "/uas.xml") << scenario;
  const uint16_t sipp_port = FreePort(), media_port = FreePort();
  ChildProcess sipp;
  const std::string cmd = "cd '" + dir + "' && exec sipp -sf uas.xml -i 127.0.0.1 -p " +
                          std::to_string(sipp_port) + " -mp " + std::to_string(media_port) +
                          " -nostdin -trace_counts -fd 1 -l 100000 -trace_err";
  KIRA_RETURN_IF_ERROR(sipp.Start({"sh", "-c", cmd}, dir + "/sipp.log"));
  std::this_thread::sleep_for(500ms);
  if (sipp.Wait(1ms))
    return Status::Unavailable("sipp exited at start:\n" + ReadAll(dir + "/sipp.log"));

  // The store: Monday 09:00 UTC = 12:00 in Moscow (window open), 21:00 in Kamchatka (closed).
  KIRA_ASSIGN_OR_RETURN(TimePoint start, ParseIso("2026-11-30T09:00:00Z"));
  FakeClock clock(start);
  crm::SqliteCrmOptions so;
  so.clock = &clock;
  KIRA_ASSIGN_OR_RETURN(auto store, crm::OpenSqliteCrmStore(dir + "/kira.db", so));
  std::vector<int64_t> dnc_ids, window_ids;
  auto add = [&](const std::string& phone, std::vector<int64_t>* ids) -> Status {
    crm::Lead l;
    l.channel = "phone";
    l.source = "inbound";
    l.interest = "SG622600R";
    KIRA_ASSIGN_OR_RETURN(int64_t lead, store->CreateLead(l));
    crm::Task t;
    t.lead_id = lead;
    t.kind = crm::TaskKind::kVeraCall;
    t.agent = "vera";
    t.phone = phone;
    t.created_by = "rule";
    KIRA_ASSIGN_OR_RETURN(int64_t id, store->CreateTask(t));
    if (ids) ids->push_back(id);
    return Status::Ok();
  };
  for (int i = 0; i < o.dialable; ++i)
    KIRA_RETURN_IF_ERROR(add("+7495" + std::to_string(2000000 + i), nullptr));
  for (int i = 0; i < o.dnc; ++i) {
    const std::string phone = "+7495" + std::to_string(3000000 + i);
    KIRA_RETURN_IF_ERROR(add(phone, &dnc_ids));
    KIRA_RETURN_IF_ERROR(store->AddDnc({phone, "import", "rate test", 0}));
  }
  for (int i = 0; i < o.out_of_window; ++i)
    KIRA_RETURN_IF_ERROR(add("+74152" + std::to_string(400000 + i), &window_ids));

  // Kira's phone side with the sipp trunk.
  voice::PhoneService phone;
  voice::PhoneConfig pc;
  pc.sip.listen = "127.0.0.1:0";
  pc.sip.tcp = false;
  pc.sip.max_calls = o.max_concurrent;
  pc.sip.rtp_port_min = 20000;
  pc.sip.rtp_port_max = 39999;
  pc.sip.trunk.registrar = "sip:127.0.0.1:" + std::to_string(sipp_port);
  pc.asr = {};
  pc.tts = {{"en", "flite", {{"voice", "kal"}}}};
  pc.workers = 2;
  KIRA_RETURN_IF_ERROR(phone.Start(pc, nullptr));
  voice::PhoneOriginator originator(&phone, [](const dialer::CallRequest&) {
    return std::unique_ptr<dialog::DialogSession>(std::make_unique<OnePrompt>());
  });

  dialer::DialerConfig dc;
  dc.caller_id = "+74950000000";
  dc.max_concurrent = o.max_concurrent;
  dc.trunks = {dialer::TrunkConfig{"sipp", o.max_concurrent, ""}};
  dc.calls_per_second = o.calls_per_second;
  dc.burst = o.burst;
  dialer::ZoneDb zones;
  dialer::PhoneZoneResolver resolver(&zones, "RU");
  dialer::DialerOptions opts;
  opts.refresh_ms = int64_t{1} << 50;  // the book is loaded once
  dialer::Dialer dialer(store.get(), &originator, dc, &resolver, &clock, opts);
  KIRA_RETURN_IF_ERROR(dialer.Start());

  const auto t0 = std::chrono::steady_clock::now();
  const auto limit = t0 + std::chrono::seconds(o.time_limit_s);
  auto last_origination = t0;
  int64_t seen = 0;
  while (std::chrono::steady_clock::now() < limit) {
    clock.Set(start + std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0));
    auto n = dialer.Tick();
    if (!n.ok()) return n.status();
    if (dialer.stats().originated > seen) {
      seen = dialer.stats().originated;
      last_origination = std::chrono::steady_clock::now();
    }
    if (seen >= o.dialable && dialer.stats().completed >= seen) break;
    std::this_thread::sleep_for(2ms);
  }
  out->originated = dialer.stats().originated;
  out->completed = dialer.stats().completed;
  out->dnc_cancelled = dialer.stats().closed_dnc;
  out->originate_seconds = std::chrono::duration<double>(last_origination - t0).count();
  if (out->originate_seconds > 0)
    out->per_second = static_cast<double>(out->originated) / out->originate_seconds;
  out->answered = phone.endpoint().stats().answered;
  phone.Stop();
  // The results of the last calls (the pool ran their Finish() jobs on Stop).
  for (int i = 0; i < 5 && dialer.stats().completed < dialer.stats().originated; ++i) {
    (void)dialer.Tick();
    std::this_thread::sleep_for(10ms);
  }
  out->completed = dialer.stats().completed;
  out->not_answered = dialer.stats().retries_scheduled + dialer.stats().closed_no_answer;

  kill(sipp.pid(), SIGUSR1);  // sipp's graceful stop: writes the final counts
  if (!sipp.Wait(5s)) sipp.Stop();
  out->sipp_invites = SippInvites(dir);
  out->detail = Tail(ReadAll(dir + "/sipp.log"));

  for (const auto* ids : {&dnc_ids, &window_ids}) {
    for (int64_t id : *ids) {
      KIRA_ASSIGN_OR_RETURN(crm::Task t, store->GetTask(id));
      if (t.attempts > 0 || t.last_attempt_at > 0)
        ++(ids == &dnc_ids ? out->dnc_dialled : out->window_dialled);
    }
  }
  return Status::Ok();
}

}  // namespace kira::siptest
