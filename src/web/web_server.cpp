#include "web/web_server.h"

#include <sodium.h>

#include <filesystem>
#include <regex>

#include "catalog/catalog_store.h"
#include "catalog/lexicon.h"
#include "core/log.h"
#include "web/assets.h"
#include "web/dashboard.h"
#include "web/server_impl.h"

namespace kira::web {

// ---- EventHub ----

void EventHub::Publish(const std::string& type, const Json& data) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({++seq_, type, data.dump()});
    if (events_.size() > kKeep) events_.pop_front();
  }
  cv_.notify_all();
}

std::vector<EventHub::Event> EventHub::WaitAfter(uint64_t after,
                                                 std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return stop_ || seq_ > after; });
  std::vector<Event> out;
  if (stop_) return out;
  for (const auto& e : events_)
    if (e.seq > after) out.push_back(e);
  return out;
}

uint64_t EventHub::last_seq() {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

void EventHub::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

bool EventHub::stopped() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

// ---- helpers ----

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message) {
  SendJson(res, status, {{"error", message}, {"code", code}});
}

void SendStatus(httplib::Response& res, const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalid:
      return SendError(res, 400, "invalid", s.message());
    case Status::Code::kNotFound:
      return SendError(res, 404, "not_found", s.message());
    case Status::Code::kConflict:
      return SendError(res, 409, "conflict", s.message());
    case Status::Code::kUnavailable:
      return SendError(res, 503, "unavailable", s.message());
    default:
      // A store or parser error may quote the request (a number, a name): masked in the log.
      log::Error("web", log::Pii(s.message()));
      return SendError(res, 500, "internal", "internal error: " + s.message());
  }
}

bool ParseBody(const httplib::Request& req, httplib::Response& res, Json* out) {
  if (req.body.empty()) {
    *out = Json::object();
    return true;
  }
  *out = Json::parse(req.body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    SendError(res, 400, "invalid", "request body must be a JSON object");
    return false;
  }
  return true;
}

std::string StrField(const Json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json RecentConnectorRows(Webhooks& hooks, const std::string& event, size_t limit) {
  Json recent = Json::array();
  auto rows = hooks.ListDeliveries(200);
  if (!rows.ok()) return recent;
  for (const auto& d : *rows) {
    if (d.event != event) continue;
    Json p = Json::parse(d.payload, nullptr, false);
    recent.push_back(
        {{"id", d.id},
         {"conversation_id",
          p.is_object() && p.contains("data") ? p["data"].value("conversation_id", 0) : 0},
         {"status", d.status},
         {"attempts", d.attempts},
         {"last_error", d.last_error},
         {"created_at", d.created_at},
         {"next_attempt_at", d.next_attempt_at}});
    if (recent.size() >= limit) break;
  }
  return recent;
}

bool ParseId(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

namespace {

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  std::string all = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string TemplateToRegex(const std::string& tmpl) {
  static const std::regex param(R"(\{(\w+)\})");
  std::string out;
  auto begin = std::sregex_iterator(tmpl.begin(), tmpl.end(), param);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += tmpl.substr(last, it->position() - last);
    out += (*it)[1] == "sku" ? "([^/]+)" : "(\\d+)";
    last = it->position() + it->length();
  }
  return out + tmpl.substr(last);
}

constexpr const char* kSessionCookie = "kira_session";

}  // namespace

void WebServer::Impl::Route(const std::string& method, const std::string& tmpl, Access access,
                            Handler h) {
  routes.emplace_back(method, tmpl);
  auto wrapped = [this, method, access, h](const httplib::Request& req, httplib::Response& res) {
    Ctx ctx;
    ctx.client = req.remote_addr;
    if (access != Access::kPublic) {
      auto s = auth->Resume(CookieValue(req, kSessionCookie));
      if (!s.ok()) return SendError(res, 401, "unauthenticated", "sign in first");
      ctx.session = std::move(*s);
      if (method != "GET" &&
          !ConstantTimeEquals(req.get_header_value("X-CSRF-Token"), ctx.session.csrf))
        return SendError(res, 403, "csrf", "missing or wrong X-CSRF-Token header; reload the page");
      if (access == Access::kAdmin && ctx.session.user.role != "admin")
        return SendError(res, 403, "forbidden", "only an admin may do this");
    }
    h(req, res, ctx);
  };
  std::string re = TemplateToRegex(tmpl);
  if (method == "GET")
    http->Get(re, wrapped);
  else if (method == "POST")
    http->Post(re, wrapped);
  else if (method == "PUT")
    http->Put(re, wrapped);
  else if (method == "DELETE")
    http->Delete(re, wrapped);
  else if (method == "PATCH")
    http->Patch(re, wrapped);
}

void WebServer::Impl::AllowUpload(const std::string& method, const std::string& tmpl) {
  upload_routes.emplace_back(method, std::regex(TemplateToRegex(tmpl)));
}

void WebServer::Impl::Audit(const Ctx& ctx, const std::string& action, const std::string& entity,
                            int64_t id, const std::string& detail) {
  crm::AuditEntry e;
  e.at = NowMs();
  e.actor = ctx.actor();
  e.action = action;
  e.entity = entity;
  e.entity_id = id;
  e.detail = detail;
  Status s;
  {
    std::lock_guard<std::mutex> lock(store_mu);
    s = cfg.store->Audit(e);
  }
  if (!s.ok()) log::Error("web", "audit log write failed: " + s.message());
}

Status WebServer::Impl::LoadCatalog() {
  std::string lex_path = cfg.lexicon_path;
  if (!lex_path.empty() && !std::filesystem::exists(lex_path))
    return Status::NotFound("cannot open lexicon " + lex_path);
  if (lex_path.empty() && !ShopDir().empty()) lex_path = ShopDir() + "/lexicon.yaml";
  if (lex_path.empty() && !cfg.profile.dir.empty()) lex_path = cfg.profile.dir + "/lexicon.yaml";
  // The built-in lexicon, extended by the shop's when it has one.
  auto l = catalog::LoadShopLexicon(lex_path);
  if (!l.ok()) return l.status();
  catalog::Lexicon lex = std::move(*l);
  Result<catalog::Catalog> cat = cfg.catalog->Load(std::move(lex));
  if (!cat.ok()) return cat.status();
  auto shared = std::make_shared<const catalog::Catalog>(std::move(*cat));
  std::lock_guard<std::mutex> lock(cat_mu);
  catalog = std::move(shared);
  catalog_error.clear();
  return Status::Ok();
}

std::shared_ptr<const catalog::Catalog> WebServer::Impl::Catalog() {
  std::lock_guard<std::mutex> lock(cat_mu);
  return catalog;
}

void WebServer::Impl::RegisterAuthRoutes() {
  Route("POST", "/api/login", Access::kPublic,
        [this](const httplib::Request& req, httplib::Response& res, Ctx& ctx) {
          // Requiring JSON makes a cross-site form post impossible (login CSRF).
          if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
            return SendError(res, 415, "unsupported_media_type",
                             "send the credentials as application/json");
          Json body;
          if (!ParseBody(req, res, &body)) return;
          std::string name = StrField(body, "name"), password = StrField(body, "password");
          if (name.empty() || password.empty())
            return SendError(res, 400, "invalid", "name and password are required");
          int retry = 0;
          auto s = auth->Login(name, password, ctx.client, &retry);
          if (!s.ok()) {
            if (s.status().code() == Status::Code::kUnavailable) {
              res.set_header("Retry-After", std::to_string(retry));
              return SendError(res, 429, "rate_limited", s.status().message());
            }
            if (s.status().code() == Status::Code::kInvalid)
              return SendError(res, 401, "wrong_credentials", s.status().message());
            return SendStatus(res, s.status());
          }
          int64_t max_age = (s->expires_at - NowMs()) / 1000;
          std::string cookie =
              std::string(kSessionCookie) + "=" + s->token +
              "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
          if (cfg.secure_cookies) cookie += "; Secure";
          res.set_header("Set-Cookie", cookie);
          SendJson(res, 200,
                   {{"user", ToJson(s->user)}, {"csrf", s->csrf}, {"expires_at", s->expires_at}});
        });
  Route("POST", "/api/logout", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          auto st = auth->Logout(CookieValue(req, kSessionCookie));
          if (!st.ok()) return SendStatus(res, st);
          res.set_header("Set-Cookie", std::string(kSessionCookie) +
                                           "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                           (cfg.secure_cookies ? "; Secure" : ""));
          res.status = 204;
        });
  Route("GET", "/api/session", Access::kUser,
        [](const httplib::Request&, httplib::Response& res, Ctx& ctx) {
          SendJson(res, 200,
                   {{"user", ToJson(ctx.session.user)},
                    {"csrf", ctx.session.csrf},
                    {"expires_at", ctx.session.expires_at}});
        });
  Route("GET", "/api/health", Access::kPublic,
        [](const httplib::Request&, httplib::Response& res, Ctx&) {
          SendJson(res, 200, {{"ok", true}});
        });
  Route("GET", "/api/events", Access::kUser,
        [this](const httplib::Request& req, httplib::Response& res, Ctx&) {
          if (streams.load() >= cfg.max_event_streams)
            return SendError(res, 503, "unavailable", "too many open event streams");
          uint64_t cursor = hub.last_seq();
          int64_t last = 0;
          if (ParseId(req.get_header_value("Last-Event-ID"), &last) &&
              static_cast<uint64_t>(last) < cursor)
            cursor = static_cast<uint64_t>(last);
          std::string token = CookieValue(req, kSessionCookie);
          ++streams;
          auto first = std::make_shared<bool>(true);
          res.set_header("Cache-Control", "no-store");
          res.set_header("X-Accel-Buffering", "no");
          res.set_chunked_content_provider(
              "text/event-stream",
              [this, cursor, token, first](size_t, httplib::DataSink& sink) mutable {
                if (*first) {
                  *first = false;
                  std::string hello = "retry: 2000\n: connected\n\n";
                  return sink.write(hello.data(), hello.size());
                }
                auto evs = hub.WaitAfter(cursor, std::chrono::seconds(10));
                if (hub.stopped() || !auth->Resume(token).ok()) {
                  sink.done();
                  return true;
                }
                std::string out = evs.empty() ? ": keepalive\n\n" : "";
                for (const auto& e : evs) {
                  out += "id: " + std::to_string(e.seq) + "\nevent: " + e.type +
                         "\ndata: " + e.data + "\n\n";
                  cursor = e.seq;
                }
                return sink.write(out.data(), out.size());
              },
              [this](bool) { --streams; });
        });
}

void WebServer::Impl::RegisterStaticRoutes() {
  auto serve = [](const std::string& path, httplib::Response& res) {
    const EmbeddedAsset* a = FindAsset(path);
    if (!a) {
      res.status = 404;
      res.set_content("not found", "text/plain");
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(reinterpret_cast<const char*>(a->data), a->size, AssetContentType(path));
  };
  http->Get("/",
            [serve](const httplib::Request&, httplib::Response& res) { serve("index.html", res); });
  http->Get(R"(/assets/([A-Za-z0-9_./-]+))",
            [serve](const httplib::Request& req, httplib::Response& res) {
              std::string p = req.matches[1];
              if (p.find("..") != std::string::npos) {
                res.status = 404;
                return;
              }
              serve(p, res);
            });
}

// ---- WebServer ----

WebServer::WebServer(WebConfig cfg) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->clock = impl_->cfg.clock ? impl_->cfg.clock : &Clock::System();
}

WebServer::~WebServer() { Stop(); }

Status WebServer::Start() {
  Impl& m = *impl_;
  if (!m.cfg.store) return Status::Invalid("web server needs a CRM store");
  if (!m.cfg.workspace) return Status::Invalid("web server needs a workspace store");
  if (!m.cfg.catalog) return Status::Invalid("web server needs a catalog store");
  m.leads = std::make_unique<leads::LeadService>(*m.cfg.store, *m.clock, &m.store_mu);
  m.campaigns = std::make_unique<leads::CampaignService>(*m.leads, *m.cfg.store, m.cfg.data_dir,
                                                         *m.clock, &m.store_mu);
  KIRA_ASSIGN_OR_RETURN(m.auth, Auth::Open(*m.cfg.workspace, *m.clock, m.cfg.auth));
  KIRA_ASSIGN_OR_RETURN(m.hooks, Webhooks::Open(*m.cfg.workspace, *m.clock, m.cfg.webhooks));
  AlertOptions alert_opt;
  alert_opt.shop_dir = m.ShopDir();
  KIRA_ASSIGN_OR_RETURN(m.alerts, Alerts::Open(
                                      *m.cfg.workspace, *m.hooks, *m.clock,
                                      [&m] {
                                        auto p = m.ProfileNow();
                                        return p ? p->timezone : std::string("UTC");
                                      },
                                      alert_opt));
  {
    // The key sealing amoCRM's tokens and Bitrix24's webhook lives beside the database, never in
    // it (web/sealed_state.h). Its file keeps the name it had when only amoCRM used it.
    std::string key(32, '\0');
    if (!m.cfg.data_dir.empty()) {
      KIRA_ASSIGN_OR_RETURN(key, LoadOrCreateKeyFile(m.cfg.data_dir + "/amocrm.key"));
    } else {
      randombytes_buf(key.data(), key.size());  // no data directory: tokens last one run
    }
    KIRA_ASSIGN_OR_RETURN(m.amocrm, AmoCrm::Open(*m.cfg.workspace, *m.hooks, *m.clock, key));
    KIRA_ASSIGN_OR_RETURN(m.bitrix24, Bitrix24::Open(*m.cfg.workspace, *m.hooks, *m.clock, key));
    m.recording_links = std::make_unique<RecordingLinks>(key);
  }
  if (Status s = m.LoadCatalog(); !s.ok()) {
    // The workspace still serves leads; the catalog page shows the reason.
    log::Warn("web", "catalog not loaded: " + s.message());
    m.catalog_error = s.message();
  }

  auto proxies = ProxyList::Parse(m.cfg.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  m.proxies = std::move(*proxies);
  HttpLimits limits = m.cfg.http;
  limits.threads = std::max(4, limits.threads);
  m.http = std::make_unique<HttpFront>(limits);
  m.http->set_body_limit([&m](const std::string& method, const std::string& path) {
    for (const auto& [meth, re] : m.upload_routes)
      if (meth == method && std::regex_match(path, re))
        return HttpFront::BodyLimit{m.cfg.max_upload_bytes, "web.max_upload_bytes"};
    return HttpFront::BodyLimit{m.cfg.http.max_body_bytes, "web.max_body_bytes"};
  });
  // Only a trusted proxy may name the client (X-Forwarded-For); everyone else is its peer.
  m.http->set_address_limit_exempt([&m](const std::string& ip) { return m.proxies.Contains(ip); });
  m.http->set_request_setup([&m](httplib::Request& req) {
    if (m.proxies.empty()) return;
    std::vector<std::string> xff;
    for (size_t i = 0, n = req.get_header_value_count("X-Forwarded-For"); i < n; ++i)
      xff.push_back(req.get_header_value("X-Forwarded-For", i));
    req.remote_addr = m.proxies.ClientAddress(req.remote_addr, xff);
  });
  m.http->set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                   "script-src 'self'; media-src 'self'; connect-src 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  });
  // Body and head limits are the front's (413/431 before a handler runs).
  m.http->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (req.path.rfind("/api/", 0) == 0) {
      if (res.status == 404) return SendError(res, 404, "not_found", "no such API route");
      return SendError(res, res.status, "error", "HTTP " + std::to_string(res.status));
    }
  });
  m.http->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log::Error("web", log::Pii(what));
        SendError(res, 500, "internal", "internal error");
      });

  m.RegisterAuthRoutes();
  m.RegisterLeadRoutes();
  m.RegisterOrderRoutes();
  m.RegisterSettingsRoutes();
  m.RegisterAlertRoutes();
  m.RegisterAmoCrmRoutes();
  m.RegisterBitrix24Routes();
  m.RegisterTextRoutes();
  m.RegisterCatalogRoutes();
  m.RegisterDashboardRoutes();
  m.RegisterAdminRoutes();
  m.RegisterCampaignRoutes();
  m.RegisterStaticRoutes();

  KIRA_RETURN_IF_ERROR(m.http->Bind(m.cfg.bind_address, m.cfg.port));
  m.port = m.http->bound_port();
  KIRA_RETURN_IF_ERROR(m.StartWatcher());
  m.hooks->StartThread();
  KIRA_RETURN_IF_ERROR(m.http->StartServing());
  log::Info("web", "listening on http://" + m.cfg.bind_address + ":" + std::to_string(m.port));
  return Status::Ok();
}

void WebServer::Stop() {
  Impl& m = *impl_;
  m.hub.Shutdown();
  m.StopWatcher();
  if (m.hooks) m.hooks->StopThread();
  if (m.http) m.http->StopServing();
}

int WebServer::port() const { return impl_->port; }

void WebServer::NotifyStoreChanged() {
  {
    std::lock_guard<std::mutex> lock(impl_->watch_mu);
    impl_->watch_poke = true;
  }
  impl_->watch_cv.notify_all();
}

std::vector<std::pair<std::string, std::string>> WebServer::ApiRoutes() const {
  return impl_->routes;
}

HttpStats WebServer::http_stats() const { return impl_->http ? impl_->http->stats() : HttpStats{}; }

Auth* WebServer::auth() { return impl_->auth.get(); }
Webhooks* WebServer::webhooks() { return impl_->hooks.get(); }

}  // namespace kira::web
