// VoiceChannel: English lines really go through flite, G.711 and pocketsphinx with the
// phrases the dialog expects; Russian is refused without a Vosk server (there is no model
// here) and goes to the named server. Label: e2e.
#include "eval/voice_channel.h"

#include <gtest/gtest.h>

#include "speech/testing/vosk_test_server.h"

namespace kira::eval {
namespace {

TEST(VoiceChannel, EnglishIsHeardThroughTheExpectedPhrases) {
  auto v = VoiceChannel::Open({});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ((*v)->name(), "voice");
  EXPECT_EQ((*v)->Refuses("en"), "");
  const std::vector<std::string> expected = {"yes", "no", "twenty square meters",
                                             "i will pick it up myself", "deliver it please"};
  auto heard = (*v)->Hear("en", "I will pick it up myself.", expected);
  ASSERT_TRUE(heard.ok()) << heard.status().message();
  EXPECT_EQ(*heard, "i will pick it up myself");
  heard = (*v)->Hear("en", "Twenty square meters", expected);
  ASSERT_TRUE(heard.ok()) << heard.status().message();
  EXPECT_EQ(*heard, "twenty square meters");
  EXPECT_EQ((*v)->lines(), 2);
}

TEST(VoiceChannel, RussianNeedsAServerAndSaysSo) {
  auto v = VoiceChannel::Open({});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_NE((*v)->Refuses("ru").find("no Russian speech model"), std::string::npos);
  auto heard = (*v)->Hear("ru", "да", {"да", "нет"});
  ASSERT_FALSE(heard.ok());
  EXPECT_NE(heard.status().message().find("--vosk"), std::string::npos);
}

TEST(VoiceChannel, RussianGoesToTheNamedVoskServer) {
  speech::testing::VoskTestServer server;
  server.Script({"заберу сам"});
  ASSERT_TRUE(server.Start().ok());
  VoiceChannelOptions o;
  o.vosk_url = server.url();
  auto v = VoiceChannel::Open(o);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ((*v)->Refuses("ru"), "");
  auto heard = (*v)->Hear("ru", "Заберу сам", {"заберу сам", "доставка"});
  ASSERT_TRUE(heard.ok()) << heard.status().message();
  EXPECT_EQ(*heard, "заберу сам");
  auto rec = server.Received();
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_TRUE(rec[0].eof);
  EXPECT_EQ(rec[0].sample_rate, 8000);
  EXPECT_GT(rec[0].audio_bytes, 8000u);  // more than half a second of speech
}

}  // namespace
}  // namespace kira::eval
