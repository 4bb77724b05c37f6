#include "media/test_audio.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "media/resampler.h"
#include "media/wav.h"

namespace kira::media::testing {

Pcm EspeakSpeech(const std::string& voice, const std::string& text, int wpm) {
  char path[] = "/tmp/kira_espeak_XXXXXX.wav";
  int fd = mkstemps(path, 4);
  if (fd < 0) {
    ADD_FAILURE() << "mkstemps failed";
    return {};
  }
  close(fd);
  std::string quoted;
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  std::string cmd = "espeak-ng -v " + voice + " -s " + std::to_string(wpm) + " -w " + path + " '" +
                    quoted + "' 2>/dev/null";
  int rc = std::system(cmd.c_str());
  auto wav = ReadWav(path);
  std::remove(path);
  if (rc != 0 || !wav.ok()) {
    ADD_FAILURE() << "espeak-ng failed for '" << text << "': rc=" << rc;
    return {};
  }
  auto pcm = Resample(wav->Channel(0), wav->rate, kTelephoneRate);
  if (!pcm.ok()) {
    ADD_FAILURE() << pcm.status().ToString();
    return {};
  }
  return Trim(*pcm);
}

Pcm Concat(std::initializer_list<Pcm> parts) {
  Pcm out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Pcm Trim(const Pcm& pcm, int threshold) {
  size_t b = 0, e = pcm.size();
  while (b < e && std::abs(int(pcm[b])) < threshold) ++b;
  while (e > b && std::abs(int(pcm[e - 1])) < threshold) --e;
  return Pcm(pcm.begin() + long(b), pcm.begin() + long(e));
}

}  // namespace kira::media::testing
