// Helpers for end-to-end tests against real SIP peers on loopback: free ports, temp dirs,
// child processes (killed by pid), test audio made with flite + sox, and a client for
// baresip's ctrl_tcp interface (JSON in netstrings).
// A missing binary is a test failure with the package to install, never a silent skip.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "telephony/sip_endpoint.h"

namespace kira::siptest {

// "" when `name` is on PATH, else a message naming the Debian package (scripts/deps.sh).
std::string MissingBinary(const std::string& name, const std::string& package);

std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& dir);
// A port that was free a moment ago (bound with port 0 and released), UDP and TCP both.
uint16_t FreePort();
// The whole file ("" if it cannot be read).
std::string ReadTextFile(const std::string& path);
// Polls `path` (a child's log) every 100 ms until it contains `needle`; false after `limit`.
bool WaitForText(const std::string& path, const std::string& needle, std::chrono::seconds limit);
// Runs a shell command; Io with its output tail when it fails.
Status RunCommand(const std::string& cmd);
// `text` spoken by flite (voice slt), 8 kHz mono S16, with silence before and after.
Status MakeSpeechWav(const std::string& text, const std::string& path, double lead_s,
                     double tail_s);
// Silence only.
Status MakeSilenceWav(const std::string& path, double seconds);

// An in-process SIP endpoint for a test peer: UDP only, 127.0.0.1 on a free port, RTP ports in
// [rtp_min, rtp_max] (give each test its own range: CTest runs tests side by side).
telephony::SipConfig LoopbackSipConfig(uint16_t rtp_min, uint16_t rtp_max);

// A TCP connection to 127.0.0.1:port from the loopback address `from` (127.0.0.2 is another
// source to the server's ACL and per-source limits); -1 if it cannot connect.
int ConnectTcp(uint16_t port, const std::string& from = "127.0.0.1");
// True once the far end closed `fd` (EOF or reset) within `wait`; data read meanwhile is
// consumed.
bool ClosedByPeer(int fd, std::chrono::milliseconds wait);
// Descriptors open in process `pid` and its resident set in KB (-1 if it is gone).
int CountFds(pid_t pid);
int64_t RssKb(pid_t pid);

// sipp's one-call UAC scenario (sipp_scenarios.h) streaming 1 s of u-law silence, made in
// `dir`: returns the scenario's path ("" and *error on failure).
std::string MakeSippCallScenario(const std::string& dir, int pause_ms, std::string* error);

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // Stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // stdout+stderr go to `log_path`.
  Status Start(const std::vector<std::string>& argv, const std::string& log_path);
  // SIGTERM, then SIGKILL after `grace`. Returns the exit status (or -1).
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  // Waits for exit on its own; true if it exited.
  bool Wait(std::chrono::milliseconds timeout, int* status = nullptr);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// baresip driven over ctrl_tcp.
class Baresip {
 public:
  struct Options {
    std::string user = "caller";  // account user
    std::string display_name;     // From display name ("" = none)
    uint16_t sip_port = 0;
    uint16_t ctrl_port = 0;
    uint16_t rtp_min = 20000, rtp_max = 29999;
    std::string mic_wav;  // 8 kHz mono S16
    std::string rec_dir;  // sndfile dumps
    bool auto_answer = false;
    std::string codecs = "PCMU/8000/1";
  };
  ~Baresip();
  Status Start(const Options& o, const std::string& work_dir);
  void Stop();
  // Sends a command ("dial", "hangup", "sndcode", ...) and waits for its response.
  Status Command(const std::string& command, const std::string& params,
                 std::string* response = nullptr);
  // Waits for an event of `type` ("CALL_ESTABLISHED", "CALL_CLOSED", ...); all events seen
  // so far are kept in events().
  bool WaitEvent(const std::string& type, std::chrono::milliseconds timeout);
  const std::vector<std::string>& events() const { return events_; }
  std::string uri() const;
  std::string log() const;

 private:
  bool ReadMessage(std::string* msg, std::chrono::milliseconds timeout);
  Options o_;
  std::string dir_;
  ChildProcess proc_;
  int fd_ = -1;
  std::string buf_;
  std::vector<std::string> events_;
  int token_ = 0;
};

// Reads the WAVs baresip's sndfile wrote; returns the path of the longest "*-dec.wav"
// (what the peer received in its main call) or "" if none.
std::string LongestDecodedWav(const std::string& rec_dir);
// RMS in dBFS of a mono 16-bit WAV, and how many 20 ms frames are louder than -40 dBFS.
Status WavLoudness(const std::string& path, double* rms_dbfs, int* loud_frames);

}  // namespace kira::siptest
