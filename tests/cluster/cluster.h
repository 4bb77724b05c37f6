// A Kira cluster on loopback for the `cluster` tests (issue 12): several real `kira serve`
// processes sharing one real PostgreSQL (storage/testing/pg_server) through `--db postgres://…`,
// each with its own data dir and its own SIP, RTP and web ports, and Kamailio in front running
// the operator's configuration from deploy/kamailio/ unchanged (the site's values are given as
// `-A` defines, as deploy/README.md tells an operator to). Nodes are prepared the way the guide
// says: the schema is made once, and every node gets a copy of the same dnc.key.
//
//   KiraCluster c(dir, pg->Uri("calls"));
//   KIRA_RETURN_IF_ERROR(c.Start(3, NodeOptions{}));
//   Kamailio lb;
//   KIRA_RETURN_IF_ERROR(lb.Start(dir + "/lb", c.SipPorts(), {}));
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "peer_util.h"

namespace kira::clustertest {

struct NodeOptions {
  bool asr = true;          // pocketsphinx (English demo shop) recognises callers
  bool dialer = false;      // run Vera's dialer over the shared task table
  std::string trunk;        // phone.trunk.registrar ("sip:127.0.0.1:PORT"), "" = none
  std::string dialer_yaml;  // dialer.yaml written into each data dir ("" = defaults)
  std::string profile;      // --business ("" = the English demo shop)
  int max_calls = 400;      // phone.max_calls
};

// One `kira serve` process. Node i has RTP ports [rtp_min, rtp_max] of its own.
struct KiraNode {
  int index = 0;
  std::string data, log;
  uint16_t sip_port = 0, web_port = 0, rtp_min = 0, rtp_max = 0;
  siptest::ChildProcess proc;

  bool OwnsRtpPort(int port) const { return port >= rtp_min && port <= rtp_max; }
  // SIGKILL, as a crash or `kill -9` would; true once it is gone.
  bool Kill9();
};

class KiraCluster {
 public:
  KiraCluster(std::string dir, std::string db_url)
      : dir_(std::move(dir)), url_(std::move(db_url)) {}
  ~KiraCluster();  // stops every node still running (SIGTERM)

  // Prepares the shared database and data dirs, starts `n` nodes and waits until each answers
  // SIP (and runs its dialer when asked).
  Status Start(int n, const NodeOptions& o);
  // Starts one more node (index = nodes().size()), or node `index` again after it stopped.
  Status StartNode(int index);
  std::deque<KiraNode>& nodes() { return nodes_; }
  std::vector<uint16_t> SipPorts() const;
  // Index of the node whose RTP range holds `port`, -1 if none.
  int NodeOfRtpPort(int port) const;
  const std::string& url() const { return url_; }

 private:
  // Until the node answers SIP; started again on new ports when one was taken meanwhile.
  Status WaitUp(KiraNode& node);

  std::string dir_, url_;
  NodeOptions opts_;
  std::deque<KiraNode> nodes_;
};

// Kamailio running deploy/kamailio/kamailio.cfg with the node list in a dispatcher.list.
class Kamailio {
 public:
  ~Kamailio() { proc_.Stop(); }
  // `defines`: more -A values ("PING_INTERVAL_S=1"); LISTEN, DISPATCHER_LIST, CTL_SOCKET and
  // LOG_LEVEL are set here.
  Status Start(const std::string& dir, const std::vector<uint16_t>& node_ports,
               const std::vector<std::string>& defines);
  uint16_t port() const { return port_; }
  const std::string& log() const { return log_; }
  // `kamcmd dispatcher.list` output.
  std::string DispatcherList() const;
  // True once the node on `node_port` is marked inactive (flags start with "I") within `wait`.
  bool WaitInactive(uint16_t node_port, std::chrono::seconds wait) const;

 private:
  siptest::ChildProcess proc_;
  std::string dir_, log_, ctl_;
  uint16_t port_ = 0;
};

// The deploy/ directory of the source tree.
std::string DeployDir();

// `cmd` run by sh in `dir`; its stdout+stderr land in `log`. Returns the exit code (-1 when it
// did not run or was killed).
int RunIn(const std::string& dir, const std::string& cmd, const std::string& log);

// sipp's UAC for the cluster (tests/cluster/uac_call.xml) written to `dir`/uac.xml: From is
// field 0 of the -inf file, the call streams `ulaw_wav` for `pause_ms`, then sends BYE; each
// answered call logs "<number> <rtp port of the answering node> (m=audio ...)" (-trace_logs).
Status WriteUacScenario(const std::string& dir, const std::string& ulaw_wav, int pause_ms);
// The "<number> <port>" lines of the sipp *_logs.log files in `dir`.
std::vector<std::pair<std::string, int>> AnsweredCalls(const std::string& dir);

// `text` (or nothing) after `lead_s` of silence and before `tail_s`, as µ-law for sipp.
Status MakeUlawMic(const std::string& dir, const std::string& text, double lead_s, double tail_s,
                   std::string* path);

}  // namespace kira::clustertest
