// VoskTestServer: a stand-in for a Vosk server in tests, speaking the real WebSocket protocol
// on 127.0.0.1 (port 0 = any free port). It cannot recognise anything (there is no Russian
// model here and it must not pretend): each connection ("utterance") gets the transcript the
// test scripted in advance, in order, and the server records what the client sent (config,
// sample rate, byte count, eof) so tests check that the client speaks the protocol correctly.
// For every binary frame it answers {"partial": "<growing prefix of the script>"}; at eof it
// answers {"result": [{"conf", "end", "start", "word"}...], "text": "..."} and closes.
// Fault modes exercise the client's error handling.
//
//   kira::speech::testing::VoskTestServer server;
//   server.Script({"где плитка", "да"});           // transcript per connection, in order
//   ASSERT_TRUE(server.Start().ok());
//   VoskAsr::Create({.url = server.url()}) ...      // "ws://127.0.0.1:<port>"
//   auto rec = server.Received();                    // per connection: sample_rate, bytes, eof
//
// Runs one thread per connection; Stop() (or the destructor) joins them.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace kira::speech::testing {

struct VoskReceived {
  std::string config_json;  // the raw config text frame ("" if none)
  double sample_rate = 0;   // from the config
  std::vector<std::string> phrase_list;
  uint64_t audio_bytes = 0;
  int binary_frames = 0;
  bool eof = false;                     // got exactly {"eof" : 1}
  bool masked_ok = true;                // every client frame was masked (RFC 6455 §5.3)
  std::vector<std::string> unexpected;  // text frames that were neither config nor eof
};

enum class VoskFault {
  kNone,
  kCloseMidStream,   // close the TCP connection after the 2nd binary frame, no reply
  kGarbageReply,     // answer binary frames with non-JSON text
  kNoFinal,          // never answer eof (client must time out)
  kMidStreamResult,  // send a {"result"} for the first half of the script after frame 2
};

class VoskTestServer {
 public:
  VoskTestServer() = default;
  ~VoskTestServer();

  void Script(std::vector<std::string> transcripts);
  void SetFault(VoskFault f) { fault_ = f; }
  Status Start();  // binds 127.0.0.1:0
  void Stop();

  int port() const { return port_; }
  std::string url() const;
  std::vector<VoskReceived> Received() const;
  int connections() const { return connections_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd, int index);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<VoskFault> fault_{VoskFault::kNone};
  mutable std::mutex mu_;
  std::vector<std::string> script_;
  std::vector<VoskReceived> received_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> client_fds_;
};

}  // namespace kira::speech::testing
