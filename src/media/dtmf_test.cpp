#include "media/dtmf.h"

#include <gtest/gtest.h>

#include "media/test_audio.h"

namespace kira::media {
namespace {

std::string Detect(const Pcm& pcm) {
  DtmfDetector det;
  for (auto& f : SplitFrames(pcm)) det.Process(f);
  return det.TakeDigits();
}

TEST(DtmfTest, AllSixteenDigitsInFrames) {
  EXPECT_EQ(Detect(GenerateDtmf("0123456789*#ABCD")), "0123456789*#ABCD");
}

TEST(DtmfTest, DigitsOverSpeechAndNoSpuriousDigitsInSpeech) {
  Pcm speech = testing::EspeakSpeech("ru",
                                     "Здравствуйте, мне нужно двенадцать квадратных метров "
                                     "серой плитки, и ещё клей и затирка, пожалуйста.");
  EXPECT_EQ(Detect(speech), "");
  Pcm mixed = speech;
  Pcm digits = GenerateDtmf("42#", 100, 100, -8);
  MixInto(mixed, digits, 1.0f);
  EXPECT_EQ(Detect(testing::Concat({Silence(800), digits, Silence(800)})), "42#");
}

TEST(DtmfTest, TakeDigitsEmptiesAndResetForgets) {
  DtmfDetector det;
  det.Process(GenerateDtmf("7"));
  det.Process(Silence(800));
  EXPECT_EQ(det.TakeDigits(), "7");
  EXPECT_EQ(det.TakeDigits(), "");
  det.Reset();
  det.Process(GenerateDtmf("9"));
  det.Process(Silence(800));
  EXPECT_EQ(det.TakeDigits(), "9");
}

TEST(DtmfTest, GeneratorSkipsInvalidCharacters) {
  EXPECT_TRUE(GenerateDtmf("xyz").empty());
  EXPECT_EQ(Detect(GenerateDtmf("1x2")), "12");
}

TEST(Rfc4733Test, RoundTripAndDigitMapping) {
  TelephoneEvent ev{11, true, 10, 1600};
  uint8_t buf[4];
  SerializeTelephoneEvent(ev, buf);
  auto back = ParseTelephoneEvent(buf);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->event, 11);
  EXPECT_TRUE(back->end);
  EXPECT_EQ(back->volume, 10);
  EXPECT_EQ(back->duration, 1600);
  EXPECT_EQ(EventToDigit(11), '#');
  EXPECT_EQ(*DigitToEvent('*'), 10);
  EXPECT_EQ(*DigitToEvent('b'), 13);
  EXPECT_FALSE(DigitToEvent('x'));
  EXPECT_EQ(EventToDigit(40), '\0');
  uint8_t short_buf[3] = {1, 2, 3};
  EXPECT_FALSE(ParseTelephoneEvent(short_buf));
}

TEST(Rfc4733Test, ReceiverReportsEachDigitOnce) {
  TelephoneEventReceiver rx;
  std::string got;
  auto send = [&](uint32_t ts, uint8_t event, bool end, uint16_t dur) {
    uint8_t b[4];
    SerializeTelephoneEvent({event, end, 10, dur}, b);
    if (auto d = rx.Push(ts, b)) got += *d;
  };
  // '5': three updates and the end packet three times, same timestamp; then '5' again.
  for (uint16_t d : {160, 320, 480}) send(1000, 5, false, d);
  for (int i = 0; i < 3; ++i) send(1000, 5, true, 640);
  send(5000, 5, false, 160);
  send(5000, 5, true, 320);
  send(9000, 99, false, 160);  // not a DTMF event
  EXPECT_EQ(got, "55");
}

TEST(DtmfRelay, SignalLineOfSipInfo) {
  EXPECT_EQ(ParseDtmfRelay("Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(ParseDtmfRelay("Duration=160\r\nSignal= #\r\n"), '#');
  EXPECT_EQ(ParseDtmfRelay("signal=a"), 'A');
  EXPECT_EQ(ParseDtmfRelay("Signal=10\r\n"), std::nullopt);  // not one digit
  EXPECT_EQ(ParseDtmfRelay("Signal=\r\n"), std::nullopt);
  EXPECT_EQ(ParseDtmfRelay("Signal: 5\r\n"), std::nullopt);
  EXPECT_EQ(ParseDtmfRelay("Duration=160"), std::nullopt);
  EXPECT_EQ(ParseDtmfRelay(std::string(2000, ' ') + "Signal=5"), std::nullopt);  // too long
}

}  // namespace
}  // namespace kira::media
