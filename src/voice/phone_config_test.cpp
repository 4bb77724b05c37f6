#include "voice/phone_config.h"

#include <gtest/gtest.h>

namespace kira::voice {
namespace {

TEST(PhoneConfig, DefaultsWithoutAPhoneSection) {
  auto c = ParsePhoneConfig("web: {port: 8080}\n", "kira.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sip.listen, "127.0.0.1:5080");
  EXPECT_TRUE(c->sip.udp);
  EXPECT_TRUE(c->sip.tcp);
  ASSERT_FALSE(c->asr.empty());
  EXPECT_EQ(c->asr[0].engine, "pocketsphinx");
}

TEST(PhoneConfig, ReadsEverySetting) {
  const char* yaml = R"(
phone:
  listen: 0.0.0.0:5090
  transports: [udp]
  max_calls: 120
  retry_after_s: 10
  acl: [10.0.0.0/8, 192.168.1.5]
  trunk: {registrar: "sip:127.0.0.1:5060", aor: "sip:kira@127.0.0.1", username: kira,
          password: s3cret, expires_s: 300}
  rtp_ports: 20000-20999
  rtp_timeout_s: 15
  max_call_s: 900
  session_expires_s: 1800
  silence_reprompt_s: 6
  barge_in: false
  adaptive_end_of_turn: false
  adaptive_jitter: false
  asr: {en: {engine: pocketsphinx}, ru: {engine: vosk, url: "ws://127.0.0.1:2700"}}
  tts: {ru: {engine: espeak, voice: ru}}
  workers: 3
  tcp_max_connections: 100
  tcp_max_per_source: 8
  tcp_first_data_s: 5
  tcp_idle_s: 120
  fd_reserve: 500
)";
  auto c = ParsePhoneConfig(yaml, "kira.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sip.listen, "0.0.0.0:5090");
  EXPECT_TRUE(c->sip.udp);
  EXPECT_FALSE(c->sip.tcp);
  EXPECT_EQ(c->sip.max_calls, 120);
  EXPECT_EQ(c->sip.retry_after_s, 10);
  EXPECT_EQ(c->sip.acl.size(), 2u);
  EXPECT_EQ(c->sip.trunk.registrar, "sip:127.0.0.1:5060");
  EXPECT_EQ(c->sip.trunk.password, "s3cret");
  EXPECT_EQ(c->sip.trunk.expires_s, 300);
  EXPECT_EQ(c->sip.rtp_port_min, 20000);
  EXPECT_EQ(c->sip.rtp_port_max, 20999);
  EXPECT_EQ(c->sip.rtp_timeout_s, 15);
  EXPECT_EQ(c->sip.max_call_s, 900);
  EXPECT_EQ(c->sip.session_expires_s, 1800);
  EXPECT_EQ(c->sip.tcp_max_conns, 100);
  EXPECT_EQ(c->sip.tcp_max_per_source, 8);
  EXPECT_EQ(c->sip.tcp_first_data_s, 5);
  EXPECT_EQ(c->sip.tcp_idle_s, 120);
  EXPECT_EQ(c->sip.fd_reserve, 500);
  EXPECT_EQ(c->voice.silence_reprompt_ms, 6000);
  EXPECT_FALSE(c->voice.barge_in_enabled);
  EXPECT_FALSE(c->voice.adaptive_end_of_turn);
  EXPECT_FALSE(c->sip.adaptive_jitter);
  ASSERT_EQ(c->asr.size(), 2u);
  EXPECT_EQ(c->asr[1].name, "ru");
  EXPECT_EQ(c->asr[1].engine, "vosk");
  EXPECT_EQ(c->asr[1].Param("url"), "ws://127.0.0.1:2700");
  ASSERT_EQ(c->tts.size(), 1u);
  EXPECT_EQ(c->tts[0].Param("voice"), "ru");
  EXPECT_EQ(c->workers, 3);
}

TEST(PhoneConfig, ErrorsNameTheKey) {
  auto expect_error = [](const std::string& yaml, const std::string& needle) {
    auto c = ParsePhoneConfig(yaml, "kira.yaml");
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
  };
  expect_error("phone: {lisen: 1.2.3.4:5}\n", "phone.lisen: unknown key");
  expect_error("phone: {max_calls: many}\n",
               "phone.max_calls: expected a whole number, got 'many'");
  expect_error("phone: {max_calls: 0}\n", "phone.max_calls: 0 is outside");
  expect_error("phone: {rtp_ports: 10000}\n", "phone.rtp_ports: expected FROM-TO");
  expect_error("phone: {rtp_ports: 30000-20000}\n", "phone.rtp_ports");
  expect_error("phone: {transports: [sctp]}\n", "'sctp' is not udp or tcp");
  expect_error("phone: {trunk: {aor: x}}\n", "phone.trunk.registrar: required");
  expect_error("phone: {asr: {ru: {url: x}}}\n", "phone.asr.ru.engine: required");
  expect_error("phone: {barge_in: maybe}\n", "phone.barge_in: expected true or false");
  expect_error("phone: [\n", "not valid YAML");
  // Strict YAML (core/yaml_strict.h): the second of two equal keys is not silently kept.
  expect_error("phone:\n  max_calls: 5\n  max_calls: 500\n", "duplicate key 'max_calls'");
  expect_error("phone: {contact_user: \"k\\x01\"}\n", "control character");
}

}  // namespace
}  // namespace kira::voice
