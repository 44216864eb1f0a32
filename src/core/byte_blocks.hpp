#pragma once
// Internal (not installed): SSE2 helpers for the scans of an ID of up to 32
// bytes in one or two 16-byte steps (guard.cpp's scan_id_vectors, id.cpp's
// format check). Only the text's own bytes are read (no read past its end,
// which the sanitizers would report), and no loop: a few loads chosen by size.
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>

namespace caseload::byte_blocks {

// Bytes [0, n) of `in` (n < 16) in a vector, the rest zero.
inline __m128i load_below16(const char* in, std::size_t n) {
    std::uint64_t low = 0, high = 0;
    if (n >= 8) {
        std::memcpy(&low, in, 8);
        std::memcpy(&high, in + n - 8, 8);     // [n - 8, n): the bytes from 8 on at its top
        high = (high >> (8 * (15 - n))) >> 8;  // two shifts: n = 8 shifts by 64
    } else if (n >= 4) {
        // Two 4-byte loads, the second shifted over the first (the bytes they
        // share are the same).
        std::uint32_t a, b;
        std::memcpy(&a, in, 4);
        std::memcpy(&b, in + n - 4, 4);
        low = a | (static_cast<std::uint64_t>(b) << (8 * (n - 4)));
    } else {
        for (std::size_t k = 0; k < n; ++k)
            low |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[k])) << (8 * k);
    }
    return _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
}

// Bytes of `v` in [low, high] (ASCII; bytes of 0x80 and above never are):
// 0xff each.
inline __m128i bytes_between(__m128i v, char low, char high) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(low - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(high + 1))));
}

// The letters a-z and A-Z of `v`: 0xff each.
inline __m128i letters_of(__m128i v) {
    return bytes_between(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
}

// The high bits of two steps' vectors as one mask of positions, the second
// step's from `second_at` on.
inline std::uint64_t position_bits(__m128i first, __m128i second, std::uint32_t second_at) {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(first))) |
           (static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(second)))
            << second_at);
}

}  // namespace caseload::byte_blocks

#endif
