#include "telephony/sip_endpoint.h"

#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "core/log.h"
#include "telephony/endpoint_impl.h"

namespace kira::telephony {

namespace {

constexpr const char* kAllow = kAllowedMethods;
constexpr const char* kLog = "sip";

bool RequestHandler(const struct sip_msg* msg, void* arg) {
  return static_cast<SipEndpoint::Impl*>(arg)->OnRequest(msg);
}

void ConnHandler(const struct sip_msg* msg, void* arg) {
  static_cast<SipEndpoint::Impl*>(arg)->OnInvite(msg);
}

void ExitHandler(void*) {}

void TickHandler(void* arg) { static_cast<SipEndpoint::Impl*>(arg)->OnTick(); }

}  // namespace

std::string PlToString(const struct pl& p) { return p.p ? std::string(p.p, p.l) : std::string(); }

std::string AddrText(const struct sa* a) {
  char buf[64] = {0};
  if (sa_ntop(a, buf, sizeof(buf))) return "?";
  return std::string(buf);
}

int TrunkAuthHandler(char** user, char** pass, const char* realm, void* arg) {
  auto* impl = static_cast<SipEndpoint::Impl*>(arg);
  const TrunkConfig& t = impl->cfg.trunk;
  std::string u = t.username;
  if (u.empty()) {
    // user part of the AOR
    auto colon = t.aor.find(':');
    auto at = t.aor.find('@');
    if (colon != std::string::npos && at != std::string::npos && at > colon)
      u = t.aor.substr(colon + 1, at - colon - 1);
  }
  int err = str_dup(user, u.c_str());
  if (!err) err = str_dup(pass, t.password.c_str());
  return err;
}

namespace {

void RegisterResponse(int err, const struct sip_msg* msg, void* arg) {
  auto* impl = static_cast<SipEndpoint::Impl*>(arg);
  if (err) {
    impl->stats.registered = false;
    log::Warn(kLog, "REGISTER to " + impl->cfg.trunk.registrar + " failed: " + strerror(err));
    return;
  }
  if (msg->scode >= 200 && msg->scode < 300) {
    if (!impl->stats.registered) log::Info(kLog, "registered at " + impl->cfg.trunk.registrar);
    impl->stats.registered = true;
  } else if (msg->scode >= 300) {
    impl->stats.registered = false;
    log::Warn(kLog, "REGISTER to " + impl->cfg.trunk.registrar +
                        " rejected: " + std::to_string(msg->scode) + " " + PlToString(msg->reason));
  }
}

// Host part of a SIP URI ("sip:user@host:port;params" -> "host"), with ":port" if asked.
std::string UriHost(const std::string& uri, bool with_port = false) {
  struct pl pl;
  pl_set_str(&pl, uri.c_str());
  struct uri u;
  if (uri_decode(&u, &pl)) return "";
  std::string h = PlToString(u.host);
  if (u.af == AF_INET6) h = "[" + h + "]";
  if (with_port && u.port) h += ":" + std::to_string(u.port);
  return h;
}

}  // namespace

const char* EndReasonName(EndReason r) {
  switch (r) {
    case EndReason::kLocalHangup:
      return "local_hangup";
    case EndReason::kRemoteHangup:
      return "remote_hangup";
    case EndReason::kRtpTimeout:
      return "rtp_timeout";
    case EndReason::kMaxDuration:
      return "max_duration";
    case EndReason::kTransferred:
      return "transferred";
    case EndReason::kSessionExpired:
      return "session_expired";
    case EndReason::kError:
      return "error";
    case EndReason::kShutdown:
      return "shutdown";
  }
  return "?";
}

const char* OriginateResultName(OriginateResult r) {
  switch (r) {
    case OriginateResult::kAnswered:
      return "answered";
    case OriginateResult::kBusy:
      return "busy";
    case OriginateResult::kNoAnswer:
      return "no_answer";
    case OriginateResult::kFailed:
      return "failed";
  }
  return "?";
}

// ---- ControlImpl (any thread) ----

void ControlImpl::Play(const std::vector<int16_t>& pcm) {
  if (ended_ || pcm.empty()) return;
  bool was_idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_idle = queue_.empty();
    queue_.insert(queue_.end(), pcm.begin(), pcm.end());
  }
  // Speech after silence goes out now rather than at the next 20 ms tick (up to 20 ms less
  // voice-to-voice latency); the pacing continues from there.
  if (was_idle) {
    const int id = id_;
    PostToEndpoint([id](SipEndpoint::Impl* impl) {
      if (CallLeg* c = impl->Find(id)) c->SendEarly();
    });
  }
}

int ControlImpl::FlushPlayback() {
  std::lock_guard<std::mutex> lock(mu_);
  const int ms = static_cast<int>(queue_.size() * 1000 / kSampleRate);
  queue_.clear();
  return ms;
}

std::vector<int16_t> ControlImpl::TakePlayback() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int16_t> out(queue_.begin(), queue_.end());
  queue_.clear();
  return out;
}

int ControlImpl::QueuedPlaybackMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size() * 1000 / kSampleRate);
}

bool ControlImpl::PopFrame(int16_t* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return false;
  const size_t n = std::min(queue_.size(), kFrameSamples);
  std::copy(queue_.begin(), queue_.begin() + n, out);
  std::fill(out + n, out + kFrameSamples, 0);
  queue_.erase(queue_.begin(), queue_.begin() + n);
  return true;
}

void ControlImpl::PostToEndpoint(std::function<void(SipEndpoint::Impl*)> fn) {
  std::lock_guard<std::mutex> lock(ref_->mu);
  if (!ref_->loop || !ref_->impl) return;
  SipEndpoint::Impl* impl = ref_->impl;
  ref_->loop->Post([impl, fn = std::move(fn)] { fn(impl); });
}

void ControlImpl::Hangup(const std::string& reason) {
  if (ended_) return;
  const int id = id_;
  PostToEndpoint([id, reason](SipEndpoint::Impl* impl) {
    if (CallLeg* c = impl->Find(id)) c->Hangup(EndReason::kLocalHangup, reason);
  });
}

void ControlImpl::Transfer(const std::string& target) {
  if (ended_) return;
  const int id = id_;
  PostToEndpoint([id, target](SipEndpoint::Impl* impl) {
    if (CallLeg* c = impl->Find(id)) c->Transfer(target);
  });
}

void ControlImpl::SendDtmf(char digit) {
  // In-band tones reach every peer (IVRs, voicemail systems), RFC 4733 support or not.
  Play(media::GenerateDtmf(std::string(1, digit), 100, 60));
}

// ---- SipEndpoint ----

SipEndpoint::SipEndpoint() : impl_(std::make_unique<Impl>()) {}
SipEndpoint::~SipEndpoint() { Stop(); }

Status SipEndpoint::Start(const SipConfig& config, HandlerFactory factory) {
  if (impl_->loop.running()) return Status::Conflict("SIP endpoint already started");
  if (!config.udp && !config.tcp) return Status::Invalid("sip: enable at least one of udp, tcp");
  if (config.rtp_port_min == 0 || config.rtp_port_max < config.rtp_port_min)
    return Status::Invalid("sip.rtp_ports: bad range " + std::to_string(config.rtp_port_min) + "-" +
                           std::to_string(config.rtp_port_max));
  impl_->cfg = config;
  impl_->factory = std::move(factory);
  for (const auto& e : config.acl) KIRA_RETURN_IF_ERROR(impl_->acl.Add(e));
  // libre can watch descriptor numbers below fd_limit only; SIP TCP connections leave a
  // reserve below it for the calls' RTP sockets (two per call) and files.
  impl_->fd_limit = EventLoop::DescriptorLimit();
  const int reserve = config.fd_reserve > 0 ? config.fd_reserve : 64 + 4 * config.max_calls;
  if (reserve >= impl_->fd_limit)
    return Status::Invalid("sip: " + std::to_string(config.max_calls) +
                           " calls need a reserve of " + std::to_string(reserve) +
                           " descriptors, but the process may open only " +
                           std::to_string(impl_->fd_limit) + " (raise ulimit -n)");
  Impl* impl = impl_.get();
  if (Status st = impl_->loop.Start([impl] { return impl->InitOnLoop(); }, impl_->fd_limit);
      !st.ok()) {
    impl_->tcp_guard.Detach();
    return st;
  }
  std::lock_guard<std::mutex> lock(impl_->ref->mu);
  impl_->ref->loop = &impl_->loop;
  impl_->ref->impl = impl;
  return Status::Ok();
}

void SipEndpoint::Stop() {
  if (!impl_->loop.running()) return;
  Impl* impl = impl_.get();
  const bool had_calls = impl_->stats.active > 0 || !impl_->cfg.trunk.registrar.empty();
  // First hang up (BYE/CANCEL go out and get answered), then tear the stack down.
  impl_->loop.Post([impl] {
    impl->stopping = true;
    for (auto& [id, c] : impl->calls) c->Hangup(EndReason::kShutdown, "endpoint stopping");
    if (impl->reg) impl->reg = static_cast<struct sipreg*>(mem_deref(impl->reg));
  });
  // Give the BYEs time to be answered, so the sessions are released cleanly.
  if (had_calls) std::this_thread::sleep_for(std::chrono::milliseconds(400));
  {
    std::lock_guard<std::mutex> lock(impl_->ref->mu);
    impl_->ref->loop = nullptr;
    impl_->ref->impl = nullptr;
  }
  impl_->loop.Stop([impl] { impl->FiniOnLoop(); });
}

uint16_t SipEndpoint::udp_port() const { return impl_->udp_port; }
uint16_t SipEndpoint::tcp_port() const { return impl_->tcp_port; }
int SipEndpoint::active_calls() const { return impl_->stats.active; }

SipStats SipEndpoint::stats() const {
  const AtomicStats& a = impl_->stats;
  SipStats s;
  s.calls_in = a.calls_in;
  s.calls_out = a.calls_out;
  s.answered = a.answered;
  s.active = a.active;
  s.rejected_acl = a.rejected_acl;
  s.rejected_busy = a.rejected_busy;
  s.rejected_codec = a.rejected_codec;
  s.rejected_bad_sdp = a.rejected_bad_sdp;
  s.rtp_in = a.rtp_in;
  s.rtp_out = a.rtp_out;
  s.rtp_bad = a.rtp_bad;
  s.rtp_dropped = a.rtp_dropped;
  s.rtp_timeouts = a.rtp_timeouts;
  s.dtmf_in = a.dtmf_in;
  s.options = a.options;
  s.transfers_ok = a.transfers_ok;
  s.transfers_failed = a.transfers_failed;
  s.registered = a.registered;
  const TcpGuardStats g = impl_->tcp_guard.stats();
  s.tcp_open = g.open;
  s.tcp_refused_acl = g.refused_acl;
  s.tcp_refused_limit = g.refused_per_source + g.refused_total;
  s.tcp_refused_fds = g.refused_fds;
  s.tcp_closed_idle = g.closed_silent + g.closed_idle;
  s.fd_limit = impl_->fd_limit;
  return s;
}

Status SipEndpoint::Originate(const std::string& target, const std::string& caller_id,
                              std::unique_ptr<CallHandler> handler, OriginateDone done) {
  if (!impl_->loop.running()) return Status::Unavailable("SIP endpoint is not running");
  Impl* impl = impl_.get();
  // libre objects are created on the loop thread; hand the request over and wait briefly for
  // the immediate outcome (bad URI, no transport).
  auto promise = std::make_shared<std::promise<Status>>();
  auto fut = promise->get_future();
  auto h = std::make_shared<std::unique_ptr<CallHandler>>(std::move(handler));
  impl_->loop.Post([impl, target, caller_id, h, done, promise]() mutable {
    promise->set_value(impl->DoOriginate(target, caller_id, std::move(*h), std::move(done)));
  });
  if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return Status::Unavailable("SIP event loop did not respond");
  return fut.get();
}

// ---- Impl (loop thread) ----

Status SipEndpoint::Impl::InitOnLoop() {
  const std::string& listen = cfg.listen;
  if (sa_decode(&laddr, listen.c_str(), listen.size()))
    return Status::Invalid("sip.listen: '" + listen +
                           "' is not address:port (e.g. 127.0.0.1:5080)");
  media_addr = laddr;
  if (sa_is_any(&laddr)) {
    if (net_default_source_addr_get(sa_af(&laddr), &media_addr))
      return Status::Unavailable("sip.listen: no default source address for " + listen);
  }

  int err = sip_alloc(&sip, nullptr, 64, 64, 64, cfg.user_agent.c_str(), ExitHandler, nullptr);
  if (err) return Status::Internal("sip_alloc failed: " + std::string(strerror(err)));

  if (cfg.udp) {
    err = sip_transp_add(sip, SIP_TRANSP_UDP, &laddr);
    if (err)
      return Status::Unavailable("sip.listen: cannot bind UDP " + listen + ": " + strerror(err));
    struct sa bound;
    if (!sip_transp_laddr(sip, &bound, SIP_TRANSP_UDP, nullptr)) udp_port = sa_port(&bound);
  }
  if (cfg.tcp) {
    struct sa taddr = laddr;
    // Same port as UDP when the config let the OS pick one.
    if (sa_port(&taddr) == 0 && udp_port) sa_set_port(&taddr, udp_port);
    err = sip_transp_add(sip, SIP_TRANSP_TCP, &taddr);
    if (err && sa_port(&laddr) == 0) {
      sa_set_port(&taddr, 0);
      err = sip_transp_add(sip, SIP_TRANSP_TCP, &taddr);
    }
    if (err)
      return Status::Unavailable("sip.listen: cannot bind TCP " + listen + ": " + strerror(err));
    struct sa bound;
    if (!sip_transp_laddr(sip, &bound, SIP_TRANSP_TCP, nullptr)) tcp_port = sa_port(&bound);
  }
  sa_set_port(&laddr, udp_port ? udp_port : tcp_port);
  if (!cfg.trunk.registrar.empty()) trunk_host = UriHost(cfg.trunk.registrar);
  if (cfg.tcp) KIRA_RETURN_IF_ERROR(GuardTcp());

  err = sipsess_listen(&sess_sock, sip, 256, ConnHandler, this);
  if (!err) err = sipevent_listen(&ev_sock, sip, 64, 64, nullptr, nullptr);
  if (!err) err = sip_listen(&lsnr, sip, true, RequestHandler, this);
  if (err) return Status::Internal("SIP listeners: " + std::string(strerror(err)));

  if (!cfg.trunk.registrar.empty()) {
    trunk_hostport = UriHost(cfg.trunk.registrar, true);
    const std::string aor = cfg.trunk.aor.empty() ? cfg.trunk.registrar : cfg.trunk.aor;
    err = sipreg_register(&reg, sip, cfg.trunk.registrar.c_str(), aor.c_str(), nullptr, aor.c_str(),
                          static_cast<uint32_t>(cfg.trunk.expires_s), cfg.contact_user.c_str(),
                          nullptr, 0, 0, TrunkAuthHandler, this, false, RegisterResponse, this,
                          nullptr, "Allow: %s\r\n", kAllow);
    if (err)
      return Status::Invalid("sip.trunk.registrar: cannot register to '" + cfg.trunk.registrar +
                             "': " + strerror(err));
  }
  tmr_init(&tick);
  StartTick();
  log::Info(kLog, "listening on " + AddrText(&laddr) + " udp=" + std::to_string(udp_port) +
                      " tcp=" + std::to_string(tcp_port));
  return Status::Ok();
}

Status SipEndpoint::Impl::GuardTcp() {
  const int fd = TcpGuard::FindListener(tcp_port);
  if (fd < 0)
    return Status::Internal("sip: cannot find the TCP listener on port " +
                            std::to_string(tcp_port));
  TcpGuardConfig g;
  g.max_conns = cfg.tcp_max_conns;
  g.max_per_source = cfg.tcp_max_per_source;
  g.first_data_s = cfg.tcp_first_data_s;
  g.idle_s = cfg.tcp_idle_s;
  g.fd_limit = fd_limit;
  g.reserve = cfg.fd_reserve > 0 ? cfg.fd_reserve : 64 + 4 * cfg.max_calls;
  g.allow = [this](const std::string& ip) { return Trusted(ip); };
  return tcp_guard.Attach(fd, std::move(g));
}

void SipEndpoint::Impl::FiniOnLoop() {
  tmr_cancel(&tick);
  tcp_guard.Detach();
  for (auto& [id, c] : calls) c->Hangup(EndReason::kShutdown, "endpoint stopped");
  calls.clear();
  reg = static_cast<struct sipreg*>(mem_deref(reg));
  lsnr = static_cast<struct sip_lsnr*>(mem_deref(lsnr));
  ev_sock = static_cast<struct sipevent_sock*>(mem_deref(ev_sock));
  sess_sock = static_cast<struct sipsess_sock*>(mem_deref(sess_sock));
  if (sip) sip_close(sip, true);
  sip = static_cast<struct sip*>(mem_deref(sip));
  dnsc = static_cast<struct dnsc*>(mem_deref(dnsc));
}

CallLeg* SipEndpoint::Impl::Find(int id) {
  auto it = calls.find(id);
  return it == calls.end() ? nullptr : it->second.get();
}

void SipEndpoint::Impl::RemoveCall(int id) {
  // Runs after the current libre callback has returned.
  loop.Post([this, id] { calls.erase(id); });
}

bool SipEndpoint::Impl::OnRequest(const struct sip_msg* msg) {
  if (!pl_strcmp(&msg->met, "OPTIONS")) {
    ++stats.options;
    sip_treplyf(nullptr, nullptr, sip, msg, false, 200, "OK",
                "Allow: %s\r\nAccept: application/sdp\r\nSupported: timer\r\n"
                "Content-Length: 0\r\n\r\n",
                kAllow);
    return true;
  }
  if (!pl_strcmp(&msg->met, "UPDATE")) {
    // Session refresh without SDP (RFC 4028); sipsess 1.1 does not handle UPDATE.
    for (auto& [id, c] : calls) {
      if (c->sess() && sip_dialog_cmp(sipsess_dialog(c->sess()), msg)) {
        if (mbuf_get_left(msg->mb) > 0) {
          sip_treplyf(nullptr, nullptr, sip, msg, false, 488, "Not Acceptable Here",
                      "Warning: 399 kira \"SDP in UPDATE is not supported\"\r\n"
                      "Content-Length: 0\r\n\r\n");
          return true;
        }
        c->OnSessionRefreshed();
        const struct sip_hdr* se = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
        if (se)
          sip_treplyf(nullptr, nullptr, sip, msg, false, 200, "OK",
                      "Session-Expires: %r\r\nContent-Length: 0\r\n\r\n", &se->val);
        else
          sip_reply(sip, msg, 200, "OK");
        return true;
      }
    }
    sip_reply(sip, msg, 481, "Call/Transaction Does Not Exist");
    return true;
  }
  if (!pl_strcmp(&msg->met, "MESSAGE") || !pl_strcmp(&msg->met, "SUBSCRIBE") ||
      !pl_strcmp(&msg->met, "PUBLISH")) {
    sip_treplyf(nullptr, nullptr, sip, msg, false, 405, "Method Not Allowed",
                "Allow: %s\r\nContent-Length: 0\r\n\r\n", kAllow);
    return true;
  }
  if (!pl_strcmp(&msg->met, "REFER") && !pl_isset(&msg->to.tag)) {
    sip_reply(sip, msg, 403, "Forbidden");  // out-of-dialog REFER: never place calls for others
    return true;
  }
  return false;
}

void SipEndpoint::Impl::OnInvite(const struct sip_msg* msg) {
  ++stats.calls_in;
  const std::string src_ip = AddrText(&msg->src);
  if (!Trusted(src_ip)) {
    ++stats.rejected_acl;
    log::Limited(log::Level::kWarn, kLog, "INVITE rejected: not in sip.acl",
                 "INVITE from " + src_ip + " rejected: not in sip.acl");
    sip_treply(nullptr, sip, msg, 403, "Forbidden");
    return;
  }
  if (stopping) {
    sip_treplyf(nullptr, nullptr, sip, msg, false, 503, "Service Unavailable",
                "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", cfg.retry_after_s);
    return;
  }
  if (stats.active >= cfg.max_calls) {
    ++stats.rejected_busy;
    log::Limited(log::Level::kWarn, kLog, "INVITE rejected: at capacity",
                 "INVITE rejected: at capacity (" + std::to_string(cfg.max_calls) + " calls)");
    sip_treplyf(nullptr, nullptr, sip, msg, false, 503, "Service Unavailable",
                "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", cfg.retry_after_s);
    return;
  }
  const int id = next_id++;
  auto leg = std::make_shared<CallLeg>(this, id, true);
  calls[id] = leg;
  std::string reason;
  const int code = leg->Accept(msg, &reason);
  if (code != 0) {
    calls.erase(id);
    return;
  }
}

Status SipEndpoint::Impl::DoOriginate(const std::string& target, const std::string& caller_id,
                                      std::unique_ptr<CallHandler> handler, OriginateDone done) {
  if (stats.active >= cfg.max_calls)
    return Status::Unavailable("at capacity (" + std::to_string(cfg.max_calls) + " calls)");
  std::string uri = target;
  if (uri.rfind("sip:", 0) != 0 && uri.rfind("sips:", 0) != 0) {
    // A bare number goes to the trunk.
    if (trunk_hostport.empty())
      return Status::Invalid("originate: '" + target + "' is not a SIP URI and no trunk is set");
    uri = "sip:" + target + "@" + trunk_hostport;
  }
  std::string from = caller_id;
  if (from.rfind("sip:", 0) != 0) {
    char host[64] = {0};
    sa_ntop(&laddr, host, sizeof(host));
    from = "sip:" + (from.empty() ? cfg.contact_user : from) + "@" + host + ":" +
           std::to_string(sa_port(&laddr));
  }
  const int id = next_id++;
  auto leg = std::make_shared<CallLeg>(this, id, false);
  leg->handler = std::move(handler);
  leg->originate_done = std::move(done);
  calls[id] = leg;
  ++stats.calls_out;
  Status st = leg->Connect(uri, from);
  if (!st.ok()) {
    leg->originate_done = nullptr;  // reported through the Status instead
    calls.erase(id);
  }
  return st;
}

void SipEndpoint::Impl::StartTick() {
  tick_due = tmr_jiffies() + kFrameMs;
  tmr_start(&tick, kFrameMs, TickHandler, this);
}

void SipEndpoint::Impl::OnTick() {
  // Absolute schedule: the media clock does not drift with handler time.
  const uint64_t now = tmr_jiffies();
  tick_due += kFrameMs;
  if (tick_due + 200 < now) tick_due = now + kFrameMs;  // fell far behind (debugger, overload)
  tmr_start(&tick, tick_due > now ? tick_due - now : 0, TickHandler, this);
  std::vector<std::shared_ptr<CallLeg>> snapshot;
  snapshot.reserve(calls.size());
  for (auto& [id, c] : calls) snapshot.push_back(c);
  for (auto& c : snapshot) c->Tick(now);
  ++ticks;
  if (ticks % 25 == 0) tcp_guard.Sweep();        // every 0.5 s
  if (ticks % 500 == 0) log::FlushSuppressed();  // every 10 s
}

}  // namespace kira::telephony
