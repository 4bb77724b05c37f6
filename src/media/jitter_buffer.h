// JitterBuffer: reorders RTP payloads by sequence number and releases one frame per 20 ms tick,
// after a small playout delay. Frame based and codec-agnostic (payload bytes in, payload bytes
// out), independent of libre. Lost frames come out as kMissing so the caller conceals them
// (ConcealFrame() in media/audio.h: repeat-attenuate, then silence).
//
//   kira::media::JitterBuffer jb({.depth_frames = 3});     // 60 ms playout delay
//   on RTP packet:  jb.Push(seq, timestamp, payload);
//   every 20 ms:    auto f = jb.Pop();
//                   if (f.kind == JitterFrame::kFrame) decode(f.payload);
//                   else if (f.kind == JitterFrame::kMissing) conceal();
//                   // kEmpty: nothing yet / the caller stopped sending → play silence
//   jb.stats();     // received, late, duplicate, lost, overflow, depth
//
// Adaptive mode grows the depth by one frame (up to max_depth_frames) each time a packet
// arrives too late, and shrinks it by one after `shrink_after_frames` clean frames.
// Not thread-safe: the RTP receive and playout ticks run on the same event loop.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <vector>

namespace kira::media {

struct JitterConfig {
  int depth_frames = 3;  // frames held before playout starts (playout delay)
  int max_frames = 50;   // packets further ahead than this are dropped (overflow)
  bool adaptive = false;
  int max_depth_frames = 10;
  int shrink_after_frames = 500;  // 10 s without late packets
};

struct JitterFrame {
  enum Kind { kFrame, kMissing, kEmpty };
  Kind kind = kEmpty;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  std::vector<uint8_t> payload;
};

struct JitterStats {
  uint64_t received = 0;
  uint64_t played = 0;
  uint64_t late = 0;  // arrived after its slot was played (dropped)
  uint64_t duplicate = 0;
  uint64_t lost = 0;       // slots played as kMissing
  uint64_t overflow = 0;   // dropped: too far ahead / buffer full
  uint64_t reordered = 0;  // arrived with a seq lower than an earlier packet
  int depth_frames = 0;    // current target depth
};

class JitterBuffer {
 public:
  explicit JitterBuffer(JitterConfig cfg = {});
  void Push(uint16_t seq, uint32_t timestamp, std::span<const uint8_t> payload);
  JitterFrame Pop();
  void Reset();
  const JitterStats& stats() const { return stats_; }
  size_t buffered() const { return packets_.size(); }

 private:
  struct Packet {
    uint32_t timestamp;
    std::vector<uint8_t> payload;
  };
  // Extended (unwrapped) sequence number of a 16-bit seq near the current position.
  int64_t Extend(uint16_t seq) const;

  JitterConfig cfg_;
  JitterStats stats_;
  std::map<int64_t, Packet> packets_;
  bool started_ = false;  // playout started (depth reached once)
  bool have_any_ = false;
  int64_t next_ = 0;     // next extended seq to play
  int64_t highest_ = 0;  // highest extended seq received
  int empty_run_ = 0;    // consecutive Pops that found nothing at all
  int clean_frames_ = 0;
  int pending_stretch_ = 0;  // adaptive growth not yet applied to playout
};

}  // namespace kira::media
