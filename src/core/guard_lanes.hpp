// The spans of up to 16 name matches side by side, one byte lane each, and
// how they relate to one span (holds it, lies within it, overlaps it): 16
// comparisons at a time with SSE2 (the x86-64 baseline), one at a time
// without. tidy's fast path (guard_names.cpp) asks these once a match
// instead of once a pair of matches, without a branch on what it finds
// (issue 13). tests/unit/test_guard_fast.cpp holds both ways to each other.
#pragma once

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace caseload::guard_internal {

// Spans in an ID of up to 64 characters (every position fits a signed
// byte). Lanes past the matches hold {kNone, kNone}: past every span of an
// ID, it holds none, lies within none, overlaps none and begins where none
// does (no masking off).
struct SpanLanes {
    static constexpr std::size_t kLanes = 16;
    static constexpr std::uint8_t kNone = 127;
    static constexpr std::array<std::uint8_t, kLanes> none() {
        std::array<std::uint8_t, kLanes> lanes{};
        lanes.fill(kNone);
        return lanes;
    }
    alignas(16) std::array<std::uint8_t, kLanes> begin = none();
    alignas(16) std::array<std::uint8_t, kLanes> end = none();
};

// Bit j for lane j's span, against one span x.
struct LaneRelations {
    std::uint32_t holds;       // begin_j <= x.begin and x.end <= end_j (x itself too)
    std::uint32_t within;      // x.begin <= begin_j and end_j <= x.end
    std::uint32_t overlaps;    // begin_j < x.end and x.begin < end_j
    std::uint32_t same_begin;  // begin_j == x.begin
};

// Bit j for lane j's size (end - begin), against a size.
struct LaneSizes {
    std::uint32_t shorter;
    std::uint32_t same;
};

inline LaneRelations relate_lanes_portable(const SpanLanes& lanes, std::uint32_t begin,
                                           std::uint32_t end) {
    LaneRelations r{0, 0, 0, 0};
    for (std::uint32_t j = 0; j < SpanLanes::kLanes; ++j) {
        const std::uint32_t b = lanes.begin[j], e = lanes.end[j];
        r.holds |= std::uint32_t{b <= begin && end <= e} << j;
        r.within |= std::uint32_t{begin <= b && e <= end} << j;
        r.overlaps |= std::uint32_t{b < end && begin < e} << j;
        r.same_begin |= std::uint32_t{b == begin} << j;
    }
    return r;
}

inline LaneSizes compare_sizes_portable(const SpanLanes& lanes, std::uint32_t size) {
    LaneSizes s{0, 0};
    for (std::uint32_t j = 0; j < SpanLanes::kLanes; ++j) {
        const std::uint32_t lane_size = std::uint8_t(lanes.end[j] - lanes.begin[j]);
        s.shorter |= std::uint32_t{lane_size < size} << j;
        s.same |= std::uint32_t{lane_size == size} << j;
    }
    return s;
}

#if defined(__SSE2__)
namespace lanes_detail {
// A byte 0..64 in every lane: one load, not four shuffles.
struct Splats {
    alignas(16) std::array<std::array<std::uint8_t, 16>, 65> rows;
};
inline constexpr Splats kSplats = [] {
    Splats s{};
    for (std::size_t v = 0; v < s.rows.size(); ++v)
        for (auto& b : s.rows[v]) b = static_cast<std::uint8_t>(v);
    return s;
}();
inline __m128i splat(std::uint32_t v) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(kSplats.rows[v].data()));
}
inline std::uint32_t bits(__m128i m) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(m));
}
}  // namespace lanes_detail

inline LaneRelations relate_lanes_sse2(const SpanLanes& lanes, std::uint32_t begin,
                                       std::uint32_t end) {
    using lanes_detail::bits;
    const __m128i b = _mm_load_si128(reinterpret_cast<const __m128i*>(lanes.begin.data()));
    const __m128i e = _mm_load_si128(reinterpret_cast<const __m128i*>(lanes.end.data()));
    const __m128i x_begin = lanes_detail::splat(begin), x_end = lanes_detail::splat(end);
    const __m128i begins_after = _mm_cmpgt_epi8(b, x_begin);
    const __m128i begins_before = _mm_cmpgt_epi8(x_begin, b);
    const __m128i ends_after = _mm_cmpgt_epi8(e, x_end);
    const __m128i ends_before = _mm_cmpgt_epi8(x_end, e);
    const __m128i overlaps = _mm_and_si128(_mm_cmpgt_epi8(x_end, b), _mm_cmpgt_epi8(e, x_begin));
    return LaneRelations{~bits(_mm_or_si128(begins_after, ends_before)) & 0xFFFFu,
                         ~bits(_mm_or_si128(begins_before, ends_after)) & 0xFFFFu, bits(overlaps),
                         ~bits(_mm_or_si128(begins_after, begins_before)) & 0xFFFFu};
}

inline LaneSizes compare_sizes_sse2(const SpanLanes& lanes, std::uint32_t size) {
    using lanes_detail::bits;
    const __m128i b = _mm_load_si128(reinterpret_cast<const __m128i*>(lanes.begin.data()));
    const __m128i e = _mm_load_si128(reinterpret_cast<const __m128i*>(lanes.end.data()));
    const __m128i sizes = _mm_sub_epi8(e, b);
    const __m128i x = lanes_detail::splat(size);
    return LaneSizes{bits(_mm_cmpgt_epi8(x, sizes)), bits(_mm_cmpeq_epi8(sizes, x))};
}
#endif

// begin < end <= 64.
inline LaneRelations relate_lanes(const SpanLanes& lanes, std::uint32_t begin, std::uint32_t end) {
#if defined(__SSE2__)
    return relate_lanes_sse2(lanes, begin, end);
#else
    return relate_lanes_portable(lanes, begin, end);
#endif
}

// 0 < size <= 64.
inline LaneSizes compare_sizes(const SpanLanes& lanes, std::uint32_t size) {
#if defined(__SSE2__)
    return compare_sizes_sse2(lanes, size);
#else
    return compare_sizes_portable(lanes, size);
#endif
}

}  // namespace caseload::guard_internal
