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
// Spoken mode (the Russian half of the turn-taking set, bench/turn_taking_bench.cpp): the test
// gives the parts a caller speaks, in order, with their audio lengths, shared by all
// connections; the server "hears" each voiced stretch of the audio it receives (20 ms frames
// above -40 dBFS; at least 120 ms of them; ended by 250 ms below) as the next part. Each word
// appears in the partials once its share of the part's length has been received (all of them
// when the stretch ends); after 500 ms of silence the words so far are sent as a mid-stream
// {"result"}, as a real server's endpointing does. So a client cut off in a pause gets only
// the parts said before it, and the next connection hears the rest.
//
//   server.ScriptSpoken({{"мне нужна плитка на", 1400}, {"кухню", 500}});
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

struct SpokenPart {
  std::string text;
  int ms = 0;  // the part's audio length (0: a word per 200 ms)
};

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
  void ScriptSpoken(std::vector<SpokenPart> parts);  // spoken mode (above)
  size_t SpokenPartsLeft() const;
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
  SpokenPart NextPart();  // spoken mode: an empty part when the script is used up

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<VoskFault> fault_{VoskFault::kNone};
  mutable std::mutex mu_;
  std::vector<std::string> script_;
  bool spoken_ = false;
  std::vector<SpokenPart> parts_;  // spoken mode: the parts, in order; next_part_ the next
  size_t next_part_ = 0;
  std::vector<VoskReceived> received_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> client_fds_;
};

}  // namespace kira::speech::testing
