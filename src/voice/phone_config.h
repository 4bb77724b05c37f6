// The `phone:` section of Kira's config file → PhoneConfig, read strictly: an unknown key or a
// wrong type is an error naming the key path ("phone.rtp_ports: expected FROM-TO, got '10000'").
//
//   phone:
//     listen: 127.0.0.1:5080          # address:port
//     transports: [udp, tcp]
//     max_calls: 50
//     retry_after_s: 30
//     acl: [127.0.0.0/8, 10.0.0.5]    # who may send INVITEs (plus the registered trunk)
//     trunk: {registrar: "sip:pbx.example.com", aor: "sip:kira@pbx.example.com",
//             username: kira, password: secret, expires_s: 600}
//     rtp_ports: 10000-20000
//     rtp_timeout_s: 30
//     max_call_s: 1800
//     session_expires_s: 0            # 0 = only when the peer asks
//     silence_reprompt_s: 8
//     barge_in: true
//     adaptive_end_of_turn: true      # the wait for the caller's end of turn follows their words
//                                     # (turn_taking/<lang>.yaml); false = a fixed 600 ms
//     adaptive_jitter: true           # receive buffer from 20 ms, deeper only under jitter;
//                                     # false = a fixed 60 ms
//     asr: {en: {engine: pocketsphinx}, ru: {engine: vosk, url: "ws://127.0.0.1:2700"}}
//     tts: {en: {engine: flite, voice: kal}, ru: {engine: espeak, voice: ru}}
//     vosk_url: "ws://127.0.0.1:2700" # shortcut for ru: vosk
//     workers: 0
#pragma once

#include <string>

#include "core/status.h"
#include "voice/phone_service.h"

namespace kira::voice {

// `yaml_text` is a whole config file; only its `phone:` mapping is read (absent = defaults).
Result<PhoneConfig> ParsePhoneConfig(const std::string& yaml_text,
                                     const std::string& name_for_errors);
Result<PhoneConfig> LoadPhoneConfig(const std::string& path);

}  // namespace kira::voice
