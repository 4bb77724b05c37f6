#include "voice/phone_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/yaml_strict.h"

namespace kira::voice {

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status Err(const std::string& key, const std::string& what) const {
    return Status::Invalid(file_ + ": " + key + ": " + what);
  }

  Status Keys(const YAML::Node& m, const std::string& path, const std::set<std::string>& known) {
    if (!m.IsMap()) return Err(path, "expected a mapping");
    for (const auto& kv : m) {
      const std::string k = kv.first.as<std::string>();
      if (!known.count(k)) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        return Err(path + "." + k, "unknown key (known: " + list + ")");
      }
    }
    return Status::Ok();
  }

  Status Str(const YAML::Node& m, const std::string& path, const char* key, std::string* out) {
    YAML::Node n = m[key];
    if (!n) return Status::Ok();
    if (!n.IsScalar()) return Err(path + "." + key, "expected text");
    *out = n.Scalar();
    return Status::Ok();
  }

  Status Int(const YAML::Node& m, const std::string& path, const char* key, int* out, int min,
             int max) {
    YAML::Node n = m[key];
    if (!n) return Status::Ok();
    long v = 0;
    try {
      if (!n.IsScalar()) throw YAML::Exception(YAML::Mark(), "");
      v = n.as<long>();
    } catch (const YAML::Exception&) {
      return Err(path + "." + key, "expected a whole number, got '" +
                                       (n.IsScalar() ? n.Scalar() : std::string("a list")) + "'");
    }
    if (v < min || v > max)
      return Err(path + "." + key, std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                                       std::to_string(max));
    *out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Bool(const YAML::Node& m, const std::string& path, const char* key, bool* out) {
    YAML::Node n = m[key];
    if (!n) return Status::Ok();
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      return Err(path + "." + key, "expected true or false");
    }
    return Status::Ok();
  }

  Status StrList(const YAML::Node& m, const std::string& path, const char* key,
                 std::vector<std::string>* out) {
    YAML::Node n = m[key];
    if (!n) return Status::Ok();
    if (!n.IsSequence()) return Err(path + "." + key, "expected a list");
    out->clear();
    for (const auto& e : n) {
      if (!e.IsScalar()) return Err(path + "." + key, "expected a list of text");
      out->push_back(e.Scalar());
    }
    return Status::Ok();
  }

  // {lang: {engine: x, other: params}} → EngineConfig per language.
  Status Engines(const YAML::Node& m, const std::string& path, const char* key,
                 std::vector<speech::EngineConfig>* out) {
    YAML::Node n = m[key];
    if (!n) return Status::Ok();
    const std::string p = path + "." + key;
    if (!n.IsMap()) return Err(p, "expected a mapping of language to engine");
    out->clear();
    for (const auto& kv : n) {
      const std::string lang = kv.first.as<std::string>();
      const YAML::Node e = kv.second;
      if (!e.IsMap()) return Err(p + "." + lang, "expected {engine: ..., params...}");
      speech::EngineConfig cfg;
      cfg.name = lang;
      for (const auto& pv : e) {
        const std::string k = pv.first.as<std::string>();
        if (!pv.second.IsScalar()) return Err(p + "." + lang + "." + k, "expected text");
        if (k == "engine")
          cfg.engine = pv.second.Scalar();
        else
          cfg.params[k] = pv.second.Scalar();
      }
      if (cfg.engine.empty()) return Err(p + "." + lang + ".engine", "required key is missing");
      out->push_back(cfg);
    }
    return Status::Ok();
  }

 private:
  std::string file_;
};

}  // namespace

Result<PhoneConfig> ParsePhoneConfig(const std::string& yaml_text,
                                     const std::string& name_for_errors) {
  // Strict: duplicate keys, aliases, control characters and oversized files are refused.
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, ParseYamlStrict(yaml_text, name_for_errors));
  PhoneConfig c;
  if (!root || root.IsNull() || !root["phone"]) return c;
  const YAML::Node p = root["phone"];
  Reader r(name_for_errors);
  const std::string path = "phone";
  KIRA_RETURN_IF_ERROR(r.Keys(p, path,
                              {"listen",
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
  KIRA_RETURN_IF_ERROR(r.Str(p, path, "listen", &s.listen));
  KIRA_RETURN_IF_ERROR(r.Str(p, path, "contact_user", &s.contact_user));
  if (p["transports"]) {
    std::vector<std::string> t;
    KIRA_RETURN_IF_ERROR(r.StrList(p, path, "transports", &t));
    s.udp = s.tcp = false;
    for (const auto& x : t) {
      if (x == "udp")
        s.udp = true;
      else if (x == "tcp")
        s.tcp = true;
      else
        return r.Err(path + ".transports", "'" + x + "' is not udp or tcp");
    }
    if (!s.udp && !s.tcp) return r.Err(path + ".transports", "needs udp, tcp or both");
  }
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "max_calls", &s.max_calls, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "retry_after_s", &s.retry_after_s, 1, 86400));
  KIRA_RETURN_IF_ERROR(r.StrList(p, path, "acl", &s.acl));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "rtp_timeout_s", &s.rtp_timeout_s, 0, 3600));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "max_call_s", &s.max_call_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "session_expires_s", &s.session_expires_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "no_answer_s", &s.no_answer_s, 1, 600));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "tcp_max_connections", &s.tcp_max_conns, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "tcp_max_per_source", &s.tcp_max_per_source, 1, 100000));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "tcp_first_data_s", &s.tcp_first_data_s, 0, 3600));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "tcp_idle_s", &s.tcp_idle_s, 0, 86400));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "fd_reserve", &s.fd_reserve, 0, 1000000));
  if (p["rtp_ports"]) {
    std::string range;
    KIRA_RETURN_IF_ERROR(r.Str(p, path, "rtp_ports", &range));
    const auto dash = range.find('-');
    int lo = 0, hi = 0;
    try {
      if (dash == std::string::npos) throw std::invalid_argument("");
      lo = std::stoi(range.substr(0, dash));
      hi = std::stoi(range.substr(dash + 1));
    } catch (const std::exception&) {
      return r.Err(path + ".rtp_ports", "expected FROM-TO, got '" + range + "'");
    }
    if (lo < 1024 || hi > 65535 || hi < lo)
      return r.Err(path + ".rtp_ports", "'" + range + "' must be within 1024-65535, FROM <= TO");
    s.rtp_port_min = static_cast<uint16_t>(lo);
    s.rtp_port_max = static_cast<uint16_t>(hi);
  }
  if (p["trunk"]) {
    const YAML::Node t = p["trunk"];
    const std::string tp = path + ".trunk";
    KIRA_RETURN_IF_ERROR(r.Keys(t, tp, {"registrar", "aor", "username", "password", "expires_s"}));
    KIRA_RETURN_IF_ERROR(r.Str(t, tp, "registrar", &s.trunk.registrar));
    KIRA_RETURN_IF_ERROR(r.Str(t, tp, "aor", &s.trunk.aor));
    KIRA_RETURN_IF_ERROR(r.Str(t, tp, "username", &s.trunk.username));
    KIRA_RETURN_IF_ERROR(r.Str(t, tp, "password", &s.trunk.password));
    KIRA_RETURN_IF_ERROR(r.Int(t, tp, "expires_s", &s.trunk.expires_s, 60, 86400));
    if (s.trunk.registrar.empty()) return r.Err(tp + ".registrar", "required key is missing");
  }
  int silence_s = c.voice.silence_reprompt_ms / 1000;
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "silence_reprompt_s", &silence_s, 1, 600));
  c.voice.silence_reprompt_ms = silence_s * 1000;
  KIRA_RETURN_IF_ERROR(r.Bool(p, path, "barge_in", &c.voice.barge_in_enabled));
  KIRA_RETURN_IF_ERROR(r.Str(p, path, "recordings", &c.voice.recordings_dir));
  KIRA_RETURN_IF_ERROR(r.Engines(p, path, "asr", &c.asr));
  KIRA_RETURN_IF_ERROR(r.Engines(p, path, "tts", &c.tts));
  KIRA_RETURN_IF_ERROR(r.Str(p, path, "vosk_url", &c.vosk_url));
  KIRA_RETURN_IF_ERROR(r.Int(p, path, "workers", &c.workers, 0, 256));
  return c;
}

Result<PhoneConfig> LoadPhoneConfig(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("cannot open config file " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ParsePhoneConfig(ss.str(), path);
}

}  // namespace kira::voice
