#include "voice/phone_config.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/yaml_fields.h"
#include "core/yaml_strict.h"

namespace kira::voice {

namespace {

// {lang: {engine: x, other: params}} → EngineConfig per language.
Status Engines(const YamlFields& f, const std::string& key,
               std::vector<speech::EngineConfig>* out) {
  if (!f.Has(key)) return Status::Ok();
  const YamlFields langs = f.Sub(key);
  if (!langs.node().IsMap()) return f.Err(key, "expected a mapping of language to engine");
  out->clear();
  for (const auto& kv : langs.node()) {
    const std::string lang = kv.first.as<std::string>();
    const YAML::Node e = kv.second;
    if (!e.IsMap()) return langs.Err(lang, "expected {engine: ..., params...}");
    speech::EngineConfig cfg;
    cfg.name = lang;
    for (const auto& pv : e) {
      const std::string k = pv.first.as<std::string>();
      if (!pv.second.IsScalar()) return langs.Err(lang + "." + k, "expected text");
      if (k == "engine")
        cfg.engine = pv.second.Scalar();
      else
        cfg.params[k] = pv.second.Scalar();
    }
    if (cfg.engine.empty()) return langs.Err(lang + ".engine", "required key is missing");
    out->push_back(cfg);
  }
  return Status::Ok();
}

Result<PhoneConfig> ApplyRoot(const YAML::Node& root, const std::string& name) {
  PhoneConfig c;
  if (!root || root.IsNull()) return c;
  if (!root.IsMap()) return Status::Invalid(name + ": expected a mapping at the top");
  if (!root["phone"]) return c;
  const YamlFields r(name, root["phone"], "phone");
  KIRA_RETURN_IF_ERROR(r.Keys({"listen",
                               "transports",
                               "max_calls",
                               "retry_after_s",
                               "acl",
                               "trunk",
                               "rtp_ports",
                               "rtp_timeout_s",
                               "max_call_s",
                               "session_expires_s",
                               "silence_reprompt_s",
                               "barge_in",
                               "adaptive_end_of_turn",
                               "adaptive_jitter",
                               "asr",
                               "tts",
                               "vosk_url",
                               "workers",
                               "contact_user",
                               "no_answer_s",
                               "recordings",
                               "tcp_max_connections",
                               "tcp_max_per_source",
                               "tcp_first_data_s",
                               "tcp_idle_s",
                               "fd_reserve"}));
  telephony::SipConfig& s = c.sip;
  KIRA_RETURN_IF_ERROR(r.Str("listen", &s.listen));
  KIRA_RETURN_IF_ERROR(r.Str("contact_user", &s.contact_user));
  if (r.Has("transports")) {
    std::vector<std::string> t;
    KIRA_RETURN_IF_ERROR(r.StrList("transports", &t));
    s.udp = s.tcp = false;
    for (const auto& x : t) {
      if (x == "udp")
        s.udp = true;
      else if (x == "tcp")
        s.tcp = true;
      else
        return r.Err("transports", "'" + x + "' is not udp or tcp");
    }
    if (!s.udp && !s.tcp) return r.Err("transports", "needs udp, tcp or both");
  }
  KIRA_RETURN_IF_ERROR(r.Int("max_calls", &s.max_calls, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int("retry_after_s", &s.retry_after_s, 1, 86400));
  KIRA_RETURN_IF_ERROR(r.StrList("acl", &s.acl));
  KIRA_RETURN_IF_ERROR(r.Int("rtp_timeout_s", &s.rtp_timeout_s, 0, 3600));
  KIRA_RETURN_IF_ERROR(r.Int("max_call_s", &s.max_call_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int("session_expires_s", &s.session_expires_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int("no_answer_s", &s.no_answer_s, 1, 600));
  KIRA_RETURN_IF_ERROR(r.Int("tcp_max_connections", &s.tcp_max_conns, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int("tcp_max_per_source", &s.tcp_max_per_source, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int("tcp_first_data_s", &s.tcp_first_data_s, 0, 3600));
  KIRA_RETURN_IF_ERROR(r.Int("tcp_idle_s", &s.tcp_idle_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int("fd_reserve", &s.fd_reserve, 0, 1000000));
  if (r.Has("rtp_ports")) {
    std::string range;
    KIRA_RETURN_IF_ERROR(r.Str("rtp_ports", &range));
    const auto dash = range.find('-');
    int lo = 0, hi = 0;
    try {
      if (dash == std::string::npos) throw std::invalid_argument("");
      lo = std::stoi(range.substr(0, dash));
      hi = std::stoi(range.substr(dash + 1));
    } catch (const std::exception&) {
      return r.Err("rtp_ports", "expected FROM-TO, got '" + range + "'");
    }
    if (lo < 1024 || hi > 65535 || hi < lo)
      return r.Err("rtp_ports", "'" + range + "' must be within 1024-65535, FROM <= TO");
    s.rtp_port_min = static_cast<uint16_t>(lo);
    s.rtp_port_max = static_cast<uint16_t>(hi);
  }
  if (r.Has("trunk")) {
    const YamlFields t = r.Sub("trunk");
    KIRA_RETURN_IF_ERROR(t.Keys({"registrar", "aor", "username", "password", "expires_s"}));
    KIRA_RETURN_IF_ERROR(t.Str("registrar", &s.trunk.registrar));
    KIRA_RETURN_IF_ERROR(t.Str("aor", &s.trunk.aor));
    KIRA_RETURN_IF_ERROR(t.Str("username", &s.trunk.username));
    KIRA_RETURN_IF_ERROR(t.Str("password", &s.trunk.password));
    KIRA_RETURN_IF_ERROR(t.Int("expires_s", &s.trunk.expires_s, 60, 86400));
    if (s.trunk.registrar.empty()) return t.Err("registrar", "required key is missing");
  }
  int silence_s = c.voice.silence_reprompt_ms / 1000;
  KIRA_RETURN_IF_ERROR(r.Int("silence_reprompt_s", &silence_s, 1, 600));
  c.voice.silence_reprompt_ms = silence_s * 1000;
  KIRA_RETURN_IF_ERROR(r.Bool("barge_in", &c.voice.barge_in_enabled));
  KIRA_RETURN_IF_ERROR(r.Bool("adaptive_end_of_turn", &c.voice.adaptive_end_of_turn));
  KIRA_RETURN_IF_ERROR(r.Bool("adaptive_jitter", &s.adaptive_jitter));
  KIRA_RETURN_IF_ERROR(r.Str("recordings", &c.voice.recordings_dir));
  KIRA_RETURN_IF_ERROR(Engines(r, "asr", &c.asr));
  KIRA_RETURN_IF_ERROR(Engines(r, "tts", &c.tts));
  KIRA_RETURN_IF_ERROR(r.Str("vosk_url", &c.vosk_url));
  KIRA_RETURN_IF_ERROR(r.Int("workers", &c.workers, 0, 256));
  return c;
}

}  // namespace

Result<PhoneConfig> ParsePhoneConfig(const std::string& yaml_text,
                                     const std::string& name_for_errors) {
  // Strict: duplicate keys, aliases, control characters and oversized files are refused.
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml_text, name_for_errors));
  return ApplyRoot(root, name_for_errors);
}

Result<PhoneConfig> LoadPhoneConfig(const std::string& path) {
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(path));
  return ApplyRoot(root, path);
}

}  // namespace kira::voice
