#include "media/wav.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kira::media {
namespace {

class WavTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kira_wav_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(WavTest, StereoCallRecordingRoundTrip) {
  auto w = WavWriter::Open(Path("call.wav"), 8000, 2);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  Pcm caller = Tone(8000, 300, 20), agent = Tone(8000, 700, 20);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE((*w)->WriteStereo(caller, agent).ok());
  // The agent side may be silent (shorter): padded.
  ASSERT_TRUE((*w)->WriteStereo(caller, {}).ok());
  EXPECT_EQ((*w)->frames_written(), 51 * 160);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_FALSE((*w)->Write(caller).ok()) << "writes after close are refused";

  auto wav = ReadWav(Path("call.wav"));
  ASSERT_TRUE(wav.ok()) << wav.status().ToString();
  EXPECT_EQ(wav->rate, 8000);
  EXPECT_EQ(wav->channels, 2);
  EXPECT_EQ(wav->frames(), 51 * 160);
  Pcm left = wav->Channel(0), right = wav->Channel(1);
  EXPECT_EQ(Pcm(left.begin(), left.begin() + 160), caller);
  EXPECT_EQ(Pcm(right.begin(), right.begin() + 160), agent);
  EXPECT_EQ(right.back(), 0);
  EXPECT_EQ(std::filesystem::file_size(Path("call.wav")), 44u + 51 * 160 * 4);
}

TEST_F(WavTest, FlushLeavesAPlayableFileBeforeClose) {
  auto w = WavWriter::Open(Path("live.wav"), 8000, 1);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteMono(Pcm(800, 5)).ok());
  ASSERT_TRUE((*w)->Flush().ok());
  auto wav = ReadWav(Path("live.wav"));  // read while still open, as after a crash
  ASSERT_TRUE(wav.ok());
  EXPECT_EQ(wav->frames(), 800);
  ASSERT_TRUE((*w)->WriteMono(Pcm(800, 5)).ok());
  w->reset();  // destructor closes and fixes the header
  EXPECT_EQ(ReadWav(Path("live.wav"))->frames(), 1600);
}

TEST_F(WavTest, ReaderRejectsBadFilesWithReasons) {
  EXPECT_EQ(ReadWav(Path("missing.wav")).status().code(), Status::Code::kIo);
  { std::ofstream(Path("junk.wav")) << "definitely not a wav file"; }
  auto junk = ReadWav(Path("junk.wav"));
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("RIFF"), std::string::npos);
  EXPECT_FALSE(WavWriter::Open(Path("x.wav"), 8000, 3).ok());
  EXPECT_FALSE(WavWriter::Open("/nonexistent-dir/x.wav", 8000, 1).ok());
  auto mono = WavWriter::Open(Path("m.wav"), 8000, 1);
  EXPECT_FALSE((*mono)->WriteStereo(Pcm(2), Pcm(2)).ok());
}

TEST_F(WavTest, WriteWavOneShot) {
  Audio a{16000, Tone(16000, 440, 100)};
  ASSERT_TRUE(WriteWav(Path("a.wav"), a).ok());
  auto back = ReadWav(Path("a.wav"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Mono().rate, 16000);
  EXPECT_EQ(back->Mono().samples, a.samples);
}

}  // namespace
}  // namespace kira::media
