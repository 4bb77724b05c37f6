#include "speech/tts.h"

namespace kira::speech {
namespace {

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

void Push(std::vector<std::string>* out, std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return;
  out->push_back(s.substr(b, e - b + 1));
}

}  // namespace

std::vector<std::string> SplitSentences(std::string_view text, size_t max_chars) {
  std::vector<std::string> sentences;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    cur.push_back(c);
    bool end = c == '.' || c == '!' || c == '?' || c == ';' || c == '\n';
    // "…" (E2 80 A6)
    if (!end && i >= 2 && uint8_t(text[i - 2]) == 0xE2 && uint8_t(text[i - 1]) == 0x80 &&
        uint8_t(c) == 0xA6)
      end = true;
    // A decimal point ("12.5") or an abbreviation followed by a lower-case letter is no end.
    if (c == '.' && i + 1 < text.size() && !std::isspace(static_cast<unsigned char>(text[i + 1])))
      end = false;
    bool too_long = cur.size() >= max_chars && (c == ',' || c == ' ');
    if (end || too_long) {
      Push(&sentences, cur);
      cur.clear();
    }
  }
  Push(&sentences, cur);
  return sentences;
}

Status TtsEngine::SynthesizeStream(std::string_view text, const ChunkFn& on_chunk, int rate) {
  if (IsBlank(text)) return Status::Ok();
  std::vector<std::string> pieces = SplitSentences(text);
  // Time to first audio: a long first sentence is cut at its first comma after a few words,
  // so playback starts while the rest is synthesised.
  if (!pieces.empty() && pieces[0].size() > 60) {
    size_t comma = pieces[0].find(',', 20);
    if (comma != std::string::npos && comma + 10 < pieces[0].size()) {
      std::string rest = pieces[0].substr(comma + 1);
      pieces[0].resize(comma + 1);
      size_t b = rest.find_first_not_of(' ');
      pieces.insert(pieces.begin() + 1, rest.substr(b == std::string::npos ? 0 : b));
    }
  }
  for (const auto& sentence : pieces) {
    KIRA_ASSIGN_OR_RETURN(media::Audio a, Synthesize(sentence, rate));
    if (a.samples.empty()) continue;
    if (!on_chunk(a)) break;
  }
  return Status::Ok();
}

}  // namespace kira::speech
