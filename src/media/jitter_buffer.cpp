#include "media/jitter_buffer.h"

#include <algorithm>

namespace kira::media {
namespace {
// Frames played as kMissing while the buffer is empty before playout stops and waits for
// `depth` packets again (the caller went silent, put us on hold, or the stream ended).
constexpr int kMaxEmptyConcealed = 3;
}  // namespace

JitterBuffer::JitterBuffer(JitterConfig cfg) : cfg_(cfg) {
  cfg_.depth_frames = std::max(0, cfg_.depth_frames);
  cfg_.max_depth_frames = std::max(cfg_.max_depth_frames, cfg_.depth_frames);
  cfg_.max_frames = std::max(cfg_.max_frames, cfg_.max_depth_frames + 1);
  stats_.depth_frames = cfg_.depth_frames;
}

void JitterBuffer::Reset() { *this = JitterBuffer(cfg_); }

int64_t JitterBuffer::Extend(uint16_t seq) const {
  // The candidate seq + k * 65536 closest to the highest extended seq seen so far.
  int64_t base = highest_ - (highest_ & 0xFFFF);
  int64_t best = base + seq;
  for (int64_t cand : {base + seq - 65536, base + seq + 65536})
    if (std::llabs(cand - highest_) < std::llabs(best - highest_)) best = cand;
  return best;
}

void JitterBuffer::Push(uint16_t seq, uint32_t timestamp, std::span<const uint8_t> payload) {
  ++stats_.received;
  if (!have_any_) {
    have_any_ = true;
    highest_ = int64_t(seq) + (int64_t(1) << 20);  // room below for early wrap-arounds
    next_ = highest_;
  }
  int64_t ext = Extend(seq);
  if (started_ && ext < next_) {
    ++stats_.late;
    if (cfg_.adaptive && stats_.depth_frames < cfg_.max_depth_frames) {
      ++stats_.depth_frames;
      ++pending_stretch_;
    }
    clean_frames_ = 0;
    return;
  }
  if (packets_.count(ext)) {
    ++stats_.duplicate;
    return;
  }
  int64_t origin = started_ ? next_ : (packets_.empty() ? ext : packets_.begin()->first);
  if (ext - origin >= cfg_.max_frames || origin - ext >= cfg_.max_frames) {
    // A jump far ahead (or behind, before playout): the sender restarted or skipped. Resync on
    // the new position instead of conceal-playing hundreds of frames.
    stats_.overflow += packets_.size();
    packets_.clear();
    started_ = false;
    highest_ = ext;
    next_ = ext;
  }
  if (ext < highest_) ++stats_.reordered;
  highest_ = std::max(highest_, ext);
  packets_[ext] = Packet{timestamp, std::vector<uint8_t>(payload.begin(), payload.end())};
}

JitterFrame JitterBuffer::Pop() {
  JitterFrame out;
  if (!started_) {
    if (packets_.empty() || int(packets_.size()) < std::max(1, stats_.depth_frames)) return out;
    started_ = true;
    next_ = packets_.begin()->first;
    empty_run_ = 0;
  }
  if (pending_stretch_ > 0) {  // adaptive growth: one extra concealed frame = one frame later
    --pending_stretch_;
    out.kind = JitterFrame::kMissing;
    return out;
  }
  if (packets_.empty()) {
    if (++empty_run_ > kMaxEmptyConcealed) {
      started_ = false;  // rebuffer when packets come back
      return out;
    }
    ++stats_.lost;
    ++next_;
    out.kind = JitterFrame::kMissing;
    return out;
  }
  empty_run_ = 0;
  auto it = packets_.begin();
  if (it->first > next_) {
    ++stats_.lost;
    ++next_;
    out.kind = JitterFrame::kMissing;
    return out;
  }
  // Adaptive shrink: after a long clean run, drop one frame if more than the target is queued.
  if (cfg_.adaptive && ++clean_frames_ >= cfg_.shrink_after_frames) {
    clean_frames_ = 0;
    if (stats_.depth_frames > cfg_.depth_frames) {
      --stats_.depth_frames;
      if (int(packets_.size()) > stats_.depth_frames + 1) {
        packets_.erase(it);
        ++next_;
        it = packets_.begin();
        if (it->first != next_) {
          ++stats_.lost;
          ++next_;
          out.kind = JitterFrame::kMissing;
          return out;
        }
      }
    }
  }
  out.kind = JitterFrame::kFrame;
  out.seq = uint16_t(it->first & 0xFFFF);
  out.timestamp = it->second.timestamp;
  out.payload = std::move(it->second.payload);
  packets_.erase(it);
  ++next_;
  ++stats_.played;
  return out;
}

}  // namespace kira::media
