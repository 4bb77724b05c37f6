#include "web/webhooks.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/log.h"

namespace kira::web {
namespace {

struct Target {
  std::string scheme_host_port;
  std::string path;
};

Result<Target> ParseUrl(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return Status::Invalid("webhook url '" + url + "' has no scheme");
  std::string scheme = url.substr(0, p);
  if (scheme != "http" && scheme != "https")
    return Status::Invalid("webhook url '" + url + "' must start with http:// or https://");
  size_t slash = url.find('/', p + 3);
  Target t;
  t.scheme_host_port = url.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (t.scheme_host_port.size() <= p + 3)
    return Status::Invalid("webhook url '" + url + "' has no host");
  return t;
}

std::string JoinEvents(const std::vector<std::string>& ev) {
  std::string s;
  for (const auto& e : ev) s += (s.empty() ? "" : ",") + e;
  return s;
}

std::vector<std::string> SplitEvents(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

}  // namespace

std::string SignWebhook(const std::string& secret, const std::string& timestamp,
                        const std::string& body) {
  std::string msg = timestamp + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("sha256=") + hex;
}

Webhooks::Webhooks(std::unique_ptr<storage::Db> db, const Clock& clock, WebhookOptions opt)
    : db_(std::move(db)), clock_(clock), opt_(opt) {}

Webhooks::~Webhooks() { StopThread(); }

Result<std::unique_ptr<Webhooks>> Webhooks::Open(const std::string& db_path, const Clock& clock,
                                                 WebhookOptions opt) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  KIRA_ASSIGN_OR_RETURN(auto db, storage::Db::Open(db_path));
  // The schema is created by MigrateWeb (auth.h); the caller opens Auth first.
  KIRA_ASSIGN_OR_RETURN(auto probe, db->Prepare("SELECT count(*) FROM web_outbox"));
  (void)probe;
  return std::unique_ptr<Webhooks>(new Webhooks(std::move(db), clock, opt));
}

Result<Webhook> Webhooks::Add(const std::string& url, const std::string& secret,
                              const std::vector<std::string>& events) {
  KIRA_ASSIGN_OR_RETURN(Target t, ParseUrl(url));
  (void)t;
  if (secret.size() < 16) return Status::Invalid("webhook secret must be at least 16 characters");
  if (events.empty()) return Status::Invalid("webhook needs at least one event");
  for (const auto& e : events) {
    bool known = std::any_of(std::begin(kWebhookEvents), std::end(kWebhookEvents),
                             [&](const char* k) { return e == k; });
    if (!known)
      return Status::Invalid("unknown webhook event '" + e +
                             "' (known: lead.created, conversation.ended, order.created)");
  }
  Webhook w{0, url, secret, events, true, ToUnixMillis(clock_.Now())};
  std::lock_guard<std::mutex> lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("INSERT INTO web_webhooks(url, secret, events, "
                                              "active, created_at) VALUES(?, ?, ?, 1, ?)"));
  st->Bind(1, url).Bind(2, secret).Bind(3, JoinEvents(events)).Bind(4, w.created_at);
  KIRA_RETURN_IF_ERROR(st->Exec());
  w.id = db_->LastInsertId();
  return w;
}

Status Webhooks::Remove(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("DELETE FROM web_webhooks WHERE id = ?"));
  st->Bind(1, id);
  KIRA_RETURN_IF_ERROR(st->Exec());
  if (db_->Changes() == 0) return Status::NotFound("no webhook " + std::to_string(id));
  return Status::Ok();
}

Result<std::vector<Webhook>> Webhooks::List() {
  std::lock_guard<std::mutex> lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT id, url, secret, events, active, "
                                              "created_at FROM web_webhooks ORDER BY id"));
  std::vector<Webhook> out;
  while (st->Step() == storage::Row::kRow)
    out.push_back({st->Int(0), st->Text(1), st->Text(2), SplitEvents(st->Text(3)), st->Int(4) != 0,
                   st->Int(5)});
  return out;
}

Result<std::vector<Delivery>> Webhooks::ListDeliveries(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  KIRA_ASSIGN_OR_RETURN(auto st,
                        db_->Prepare("SELECT id, webhook_id, event, payload, status, attempts, "
                                     "next_attempt_at, last_error, created_at, delivered_at "
                                     "FROM web_outbox ORDER BY id DESC LIMIT ?"));
  st->Bind(1, limit);
  std::vector<Delivery> out;
  while (st->Step() == storage::Row::kRow)
    out.push_back({st->Int(0), st->Int(1), st->Text(2), st->Text(3), st->Text(4),
                   static_cast<int>(st->Int(5)), st->Int(6), st->Text(7), st->Int(8), st->Int(9)});
  return out;
}

Status Webhooks::Enqueue(const std::string& event, const std::string& payload_json) {
  int64_t now = ToUnixMillis(clock_.Now());
  nlohmann::json body = {{"event", event}, {"created_at", now}};
  body["data"] = nlohmann::json::parse(payload_json, nullptr, false);
  if (body["data"].is_discarded()) return Status::Invalid("webhook payload is not JSON");
  std::string text = body.dump();
  {
    std::lock_guard<std::mutex> lock(mu_);
    storage::Transaction tx(*db_);
    KIRA_RETURN_IF_ERROR(tx.status());
    KIRA_ASSIGN_OR_RETURN(auto hooks,
                          db_->Prepare("SELECT id, events FROM web_webhooks WHERE active = 1"));
    std::vector<int64_t> ids;
    while (hooks->Step() == storage::Row::kRow) {
      auto ev = SplitEvents(hooks->Text(1));
      if (std::find(ev.begin(), ev.end(), event) != ev.end()) ids.push_back(hooks->Int(0));
    }
    if (ids.empty()) return Status::Ok();
    KIRA_ASSIGN_OR_RETURN(auto ins,
                          db_->Prepare("INSERT INTO web_outbox(webhook_id, event, payload, "
                                       "next_attempt_at, created_at) VALUES(?, ?, ?, ?, ?)"));
    for (int64_t id : ids) {
      ins->Reset();
      ins->Bind(1, id).Bind(2, event).Bind(3, text).Bind(4, now).Bind(5, now);
      KIRA_RETURN_IF_ERROR(ins->Exec());
    }
    KIRA_RETURN_IF_ERROR(tx.Commit());
  }
  Wake();
  return Status::Ok();
}

Result<int> Webhooks::DeliverDue() {
  struct Job {
    int64_t id;
    std::string event, payload, url, secret;
    int attempts;
  };
  std::vector<Job> jobs;
  int64_t now = ToUnixMillis(clock_.Now());
  {
    std::lock_guard<std::mutex> lock(mu_);
    KIRA_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT o.id, o.event, o.payload, w.url, w.secret, o.attempts "
                              "FROM web_outbox o JOIN web_webhooks w ON w.id = o.webhook_id "
                              "WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
                              "ORDER BY o.next_attempt_at LIMIT 50"));
    st->Bind(1, now);
    while (st->Step() == storage::Row::kRow)
      jobs.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4),
                      static_cast<int>(st->Int(5))});
  }
  int sent = 0;
  for (const Job& j : jobs) {
    std::string error;
    auto target = ParseUrl(j.url);
    if (!target.ok()) {
      error = target.status().message();
    } else {
      httplib::Client cli(target->scheme_host_port);
      cli.set_connection_timeout(opt_.timeout);
      cli.set_read_timeout(opt_.timeout);
      cli.set_write_timeout(opt_.timeout);
      std::string ts = std::to_string(ToUnixMillis(clock_.Now()) / 1000);
      httplib::Headers h = {{"X-Kira-Event", j.event},
                            {"X-Kira-Delivery", std::to_string(j.id)},
                            {"X-Kira-Timestamp", ts},
                            {"X-Kira-Signature", SignWebhook(j.secret, ts, j.payload)},
                            {"User-Agent", "kira-webhooks/1"}};
      auto res = cli.Post(target->path, h, j.payload, "application/json");
      if (!res)
        error = "connection failed: " + httplib::to_string(res.error());
      else if (res->status < 200 || res->status > 299)
        error = "receiver answered HTTP " + std::to_string(res->status);
    }
    int attempts = j.attempts + 1;
    int64_t t = ToUnixMillis(clock_.Now());
    std::lock_guard<std::mutex> lock(mu_);
    if (error.empty()) {
      KIRA_ASSIGN_OR_RETURN(auto up, db_->Prepare("UPDATE web_outbox SET status = 'delivered', "
                                                  "attempts = ?, delivered_at = ?, "
                                                  "last_error = '' WHERE id = ?"));
      up->Bind(1, attempts).Bind(2, t).Bind(3, j.id);
      KIRA_RETURN_IF_ERROR(up->Exec());
      ++sent;
    } else {
      int64_t delay = opt_.first_retry.count();
      for (int i = 1; i < attempts && delay < opt_.max_retry.count(); ++i) delay *= 2;
      delay = std::min<int64_t>(delay, opt_.max_retry.count());
      bool give_up = attempts >= opt_.max_attempts;
      log::Warn("webhooks", "delivery " + std::to_string(j.id) + " (" + j.event +
                                ") failed: " + error + (give_up ? "; giving up" : "; will retry"));
      KIRA_ASSIGN_OR_RETURN(auto up, db_->Prepare("UPDATE web_outbox SET status = ?, "
                                                  "attempts = ?, next_attempt_at = ?, "
                                                  "last_error = ? WHERE id = ?"));
      up->Bind(1, give_up ? "failed" : "pending").Bind(2, attempts).Bind(3, t + delay);
      up->Bind(4, error).Bind(5, j.id);
      KIRA_RETURN_IF_ERROR(up->Exec());
    }
  }
  return sent;
}

void Webhooks::StartThread() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(wake_mu_);
        wake_.wait_for(lock, opt_.tick, [this] { return stop_ || woken_; });
        if (stop_) return;
        woken_ = false;
      }
      auto r = DeliverDue();
      if (!r.ok()) log::Warn("webhooks", r.status().message());
    }
  });
}

void Webhooks::StopThread() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhooks::Wake() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace kira::web
