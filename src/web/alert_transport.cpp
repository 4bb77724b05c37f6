#include "web/alert_transport.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "web/connector_wire.h"

namespace kira::web {
namespace {

using Json = nlohmann::json;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct Source {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadBody(char* p, size_t size, size_t n, void* user) {
  Source* s = static_cast<Source*>(user);
  size_t len = std::min(size * n, s->data->size() - s->pos);
  memcpy(p, s->data->data() + s->pos, len);
  s->pos += len;
  return len;
}

std::string Base64(const std::string& in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(strlen(out.c_str()));
  return out;
}

}  // namespace

TelegramReply TelegramSendMessage(const TelegramSettings& t, const std::string& text,
                                  std::chrono::milliseconds timeout) {
  TelegramReply r;
  HttpRequest req;
  req.url = t.api_url + "/bot" + t.bot_token + "/sendMessage";
  req.headers = {"Content-Type: application/json"};
  req.body = Json{
      {"chat_id", t.chat_id},
      {"text", CutUtf8(text, kMaxTelegramTextBytes)},
      {"disable_web_page_preview",
       true}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  req.timeout = timeout;
  req.max_reply = kMaxTelegramReplyBytes;
  req.user_agent = "kira-alerts/1";
  HttpReply reply = HttpExchange(req);
  const long status = reply.status;
  r.http_status = reply.status;
  if (reply.status == 0) {
    // libcurl's error text names the host, never the path (which holds the token).
    r.error = "Telegram unreachable: " + reply.error;
    return r;
  }
  Json j = Json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
    r.error = "Telegram answered HTTP " + std::to_string(status) + " without a Bot API body";
    return r;
  }
  if (j["ok"].get<bool>() && status >= 200 && status < 300) {
    r.ok = true;
    return r;
  }
  if (j.contains("error_code") && j["error_code"].is_number_integer())
    r.error_code = j["error_code"].get<int>();
  std::string desc = j.contains("description") && j["description"].is_string()
                         ? j["description"].get<std::string>().substr(0, 300)
                         : "no description";
  if (j.contains("parameters") && j["parameters"].is_object() &&
      j["parameters"].contains("retry_after") && j["parameters"]["retry_after"].is_number_integer())
    r.retry_after_s = std::clamp(j["parameters"]["retry_after"].get<int>(), 0, 24 * 3600);
  r.error =
      "Telegram error " + std::to_string(r.error_code ? r.error_code : r.http_status) + ": " + desc;
  if (r.error_code == 401 || r.http_status == 401)
    r.error += " (check the bot token in the alert settings)";
  else if (r.error_code == 400 || r.error_code == 403)
    r.error += " (check the chat id, and that the bot was added to the chat)";
  return r;
}

std::string SmtpSend(const EmailSettings& e, const std::string& message,
                     std::chrono::milliseconds timeout) {
  GlobalInit();
  CurlPtr c(curl_easy_init());
  if (!c) return "libcurl could not start a transfer";
  std::string from = "<" + e.from + ">";
  curl_slist* rcpt = nullptr;
  for (const auto& a : e.to) rcpt = curl_slist_append(rcpt, ("<" + a + ">").c_str());
  SlistPtr rcpt_owner(rcpt);
  Source src{&message};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c.get(), CURLOPT_URL, e.smtp_url.c_str());
  // STARTTLS is required: a server that does not offer it fails the attempt (no plain text).
  curl_easy_setopt(c.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (!e.ca_file.empty()) curl_easy_setopt(c.get(), CURLOPT_CAINFO, e.ca_file.c_str());
  if (!e.username.empty()) {
    curl_easy_setopt(c.get(), CURLOPT_USERNAME, e.username.c_str());
    curl_easy_setopt(c.get(), CURLOPT_PASSWORD, e.password.c_str());
  }
  curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(c.get(), CURLOPT_READDATA, &src);
  curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(c.get());
  if (rc == CURLE_OK) return "";
  long code = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
  std::string err = "SMTP: " + std::string(errbuf[0] ? errbuf : curl_easy_strerror(rc));
  if (code > 0) err += " (server reply " + std::to_string(code) + ")";
  if (rc == CURLE_USE_SSL_FAILED) err += " (the server does not offer STARTTLS)";
  if (rc == CURLE_LOGIN_DENIED) err += " (check the user name and password)";
  return err;
}

std::string BuildEmail(const EmailSettings& e, const std::string& subject, const std::string& body,
                       const std::string& message_id_local, int64_t date_unix_ms) {
  time_t secs = static_cast<time_t>(date_unix_ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char date[64];
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
           tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string domain = e.from.substr(e.from.find('@') + 1);
  std::string to;
  for (const auto& a : e.to) to += (to.empty() ? "" : ", ") + a;
  std::string m;
  m += "From: Kira <" + e.from + ">\r\n";
  m += "To: " + to + "\r\n";
  m += "Subject: =?UTF-8?B?" + Base64(subject) + "?=\r\n";
  m += std::string("Date: ") + date + "\r\n";
  m += "Message-ID: <" + message_id_local + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "Auto-Submitted: auto-generated\r\n\r\n";
  std::string b64 = Base64(body);
  for (size_t i = 0; i < b64.size(); i += 76) m += b64.substr(i, 76) + "\r\n";
  return m;
}

}  // namespace kira::web
