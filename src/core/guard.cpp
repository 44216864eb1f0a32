// The anonymity guard (spec §2): orchestration of the detectors, the
// organisation's words, and the findings as the caller sees them.
#include "caseload/guard.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "byte_blocks.hpp"
#include "guard_detectors.hpp"

namespace caseload {

namespace guard_internal {

namespace {

// Per byte, what scan_id needs to know of it, from one table look-up:
//   bits  0-7   the byte, ASCII-lowercased;
//   bits  8-15  the lexicon's letter code (1..26) of a letter, or of the first
//               letter a digit may stand for (leet_letters); 0 otherwise;
//   bits 16-17  its class: 0 separator (anything else), 1 letter, 2 digit;
//   bit  18     a digit; bit 19 lowercase letter; bit 20 uppercase letter;
//   bit  21     the digit 1.
constexpr std::uint32_t kDigitBit = 1u << 18, kLowerBit = 1u << 19, kUpperBit = 1u << 20,
                        kOneBit = 1u << 21;

constexpr std::array<std::uint32_t, 256> make_char_info() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t c = 0; c < 256; ++c) table[c] = c;
    for (std::uint32_t c = 'a'; c <= 'z'; ++c)
        table[c] = c | ((c - 'a' + 1) << 8) | (1u << 16) | kLowerBit;
    for (std::uint32_t c = 'A'; c <= 'Z'; ++c)
        table[c] = (c - 'A' + 'a') | ((c - 'A' + 1) << 8) | (1u << 16) | kUpperBit;
    constexpr char kLeetFirst[] = "oizeasgtbg";  // leet_letters(d)[0]
    for (std::uint32_t d = 0; d < 10; ++d)
        table['0' + d] = ('0' + d) | (static_cast<std::uint32_t>(kLeetFirst[d] - 'a' + 1) << 8) |
                         (2u << 16) | kDigitBit | (d == 1 ? kOneBit : 0);
    return table;
}

constexpr std::array<std::uint32_t, 256> kCharInfo = make_char_info();

}  // namespace

// The detectors' quick tests: the sizes of the runs.
void summarise_runs(IdScan& scan) {
    for (Span run : scan.letter_runs) {
        scan.letters_1_or_2 |= run.size() <= 2;
        scan.letters_2 |= run.size() == 2;
        scan.letters_over_3 |= run.size() > 3;
    }
    for (Span run : scan.digit_runs) scan.digits_4_or_8 |= run.size() == 4 || run.size() == 8;
}

void scan_id_bytes(std::string_view id, LowerBuffer& buffer, IdScan& scan) {
    if (id.size() > kMaxScan) id = id.substr(0, kMaxScan);
    scan.id = id;
    scan.lower = std::string_view(buffer.data(), id.size());
    const auto n = static_cast<std::uint32_t>(id.size());
    // One pass: lowercase copy, letter codes, digit counts, and the runs
    // closed at each change of class (0: separator, 1: letter, 2: digit).
    // Locals and raw pointers: the byte stores could alias scan's fields.
    const auto* in = reinterpret_cast<const unsigned char*>(id.data());
    char* lower = buffer.data();
    std::uint8_t* digits_before = scan.digits_before.data();
    std::uint32_t seen = 0, current = 0, digits = 0;
    std::uint32_t run_start = 0, alnum_start = 0;
    digits_before[0] = 0;
    auto change = [&](std::uint32_t i, std::uint32_t kind) {
        if (current == 1) scan.letter_runs.push(Span{run_start, i});
        if (current == 2) scan.digit_runs.push(Span{run_start, i});
        if (kind == 0) scan.alnum_runs.push(Span{alnum_start, i});  // current != 0 here
        if (current == 0) alnum_start = i;
        run_start = i;
        current = kind;
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t info = kCharInfo[in[i]];
        lower[i] = static_cast<char>(info);
        digits += (info >> 18) & 1u;
        digits_before[i + 1] = static_cast<std::uint8_t>(digits);
        seen |= info;
        const std::uint32_t kind = (info >> 16) & 3u;
        if (kind != current) change(i, kind);
    }
    if (current != 0) change(n, 0);
    std::memset(lower + n, 0, 8);
    scan.digit_count = digits;
    scan.mixed_case = (seen & (kLowerBit | kUpperBit)) == (kLowerBit | kUpperBit);
    scan.any_one = (seen & kOneBit) != 0;
    summarise_runs(scan);
}

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101u;
constexpr std::uint64_t kHigh = 0x8080808080808080u;

// Bytes of `x` (each 0x80 | a 7-bit value) in [low, high]: their high bit.
inline std::uint64_t bytes_between(std::uint64_t x, unsigned low, unsigned high) {
    return (x - low * kOnes) & ~(x - (high + 1) * kOnes) & kHigh;
}

// The high bits of the 8 bytes of `m` (nothing else set) as bits 0..7.
inline std::uint64_t high_bits(std::uint64_t m) {
    return ((m >> 7) * 0x0102040810204080u) >> 56;
}

// The letter, digit and alnum runs from the class masks (at most 64
// positions), in order, in one pass over the letter and digit runs: a run's
// span is written to both lists and counted in its own (no branch on its
// class); an alnum run is counted where one of them ends it.
void push_runs(std::uint64_t letters, std::uint64_t digits, IdScan& scan) {
    static_assert(decltype(scan.letter_runs)::capacity() >= 33);
    const std::uint64_t alnum = letters | digits;
    const std::uint64_t alnum_starts = alnum & ~(alnum << 1);
    const std::uint64_t alnum_ends = alnum & ~(alnum >> 1);
    std::uint64_t starts = (letters & ~(letters << 1)) | (digits & ~(digits << 1));
    std::uint64_t ends = (letters & ~(letters >> 1)) | (digits & ~(digits >> 1));
    // runs: letter and digit runs so far; the digit runs are the others.
    std::size_t runs = 0, letter_count = 0, alnum_count = 0;
    std::uint32_t alnum_begin = 0;
    for (; starts; starts &= starts - 1, ends &= ends - 1, ++runs) {
        const auto begin = static_cast<std::uint32_t>(std::countr_zero(starts));
        const auto end = static_cast<std::uint32_t>(std::countr_zero(ends)) + 1;
        const Span run{begin, end};
        scan.letter_runs[letter_count] = run;
        scan.digit_runs[runs - letter_count] = run;
        letter_count += (letters >> begin) & 1u;
        alnum_begin = (alnum_starts >> begin) & 1u ? begin : alnum_begin;
        scan.alnum_runs[alnum_count] = Span{alnum_begin, end};
        alnum_count += (alnum_ends >> (end - 1)) & 1u;
    }
    scan.letter_runs.resize(letter_count);
    scan.digit_runs.resize(runs - letter_count);
    scan.alnum_runs.resize(alnum_count);
}

// What scan_id_words and scan_id_vectors derive from the class masks (of
// an ID of up to 64 characters): the runs, their sizes, the case splits.
void scan_from_masks(IdScan& scan, std::uint64_t letters, std::uint64_t digits,
                     std::uint64_t uppers, bool any_one, std::uint32_t digit_count) {
    push_runs(letters, digits, scan);
    // The sizes of the runs from the masks: a run of k starts at s and ends
    // (its last position) at s + k - 1, with no end between.
    const std::uint64_t letter_starts = letters & ~(letters << 1);
    const std::uint64_t letter_ends = letters & ~(letters >> 1);
    const std::uint64_t letters_2 = letter_starts & (letter_ends >> 1) & ~letter_ends;
    scan.letters_2 = letters_2 != 0;
    scan.letters_1_or_2 = ((letter_starts & letter_ends) | letters_2) != 0;
    scan.letters_over_3 = (letters & (letters >> 1) & (letters >> 2) & (letters >> 3)) != 0;
    const std::uint64_t digit_starts = digits & ~(digits << 1);
    const std::uint64_t digit_ends = digits & ~(digits >> 1);
    const std::uint64_t ends_0_1 = digit_ends | (digit_ends >> 1);  // an end at s or s + 1
    const std::uint64_t ends_0_2 = ends_0_1 | (digit_ends >> 2);
    const std::uint64_t ends_0_6 = ends_0_1 | (ends_0_1 >> 2) | (ends_0_1 >> 4) | (digit_ends >> 6);
    const std::uint64_t digits_4 = digit_starts & (digit_ends >> 3) & ~ends_0_2;
    const std::uint64_t digits_8 = digit_starts & (digit_ends >> 7) & ~ends_0_6;
    scan.digits_4_or_8 = (digits_4 | digits_8) != 0;
    scan.digit_count = digit_count;
    const std::uint64_t lowers = letters & ~uppers;
    scan.mixed_case = (uppers != 0) & (lowers != 0);
    // A case token starts at an upper case letter after a lower case one, or
    // at the last upper case letter before a lower case one (case_split_at).
    scan.case_splits = uppers & ((lowers << 1) | ((uppers << 1) & (lowers >> 1)));
    scan.case_splits_known = true;
    scan.any_one = any_one;
    scan.letter_mask = letters;
    scan.digit_mask = digits;
    scan.upper_mask = uppers;
    scan.masks_known = true;
}

}  // namespace

void scan_id_words(std::string_view id, LowerBuffer& buffer, IdScan& scan) {
    // Eight characters at a time in a 64-bit word: the lowercase copy and the
    // digit counts as bytes, the classes as bit masks. IDs of up to 64
    // characters (a valid ID has at most 32).
    static_assert(decltype(scan.letter_runs)::capacity() >= 32);
    const std::size_t n = id.size();
    scan.id = id;
    scan.lower = std::string_view(buffer.data(), n);
    const char* in = id.data();
    std::uint64_t letters = 0, digits = 0, uppers = 0, ones = 0;
    std::uint64_t digit_total = 0;
    scan.digits_before[0] = 0;
    for (std::size_t at = 0; at < n; at += 8) {
        const std::size_t count = n - at < 8 ? n - at : 8;
        std::uint64_t w = 0;  // the bytes past the end are 0: separators
        if (count == 8) {
            std::memcpy(&w, in + at, 8);
        } else if (n >= 8) {
            std::memcpy(&w, in + n - 8, 8);  // the last 8 bytes, shifted down
            w >>= 8 * (8 - count);
        } else if (n >= 4) {
            // 4 to 7 bytes: two 4-byte loads, the second shifted over the
            // first (the bytes they share are the same).
            std::uint32_t low, high;
            std::memcpy(&low, in, 4);
            std::memcpy(&high, in + n - 4, 4);
            w = low | (static_cast<std::uint64_t>(high) << (8 * (n - 4)));
        } else {
            for (std::size_t k = 0; k < count; ++k)
                w |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + k])) << (8 * k);
        }
        const std::uint64_t ascii = ~w & kHigh;  // non-ASCII bytes are separators
        const std::uint64_t x = w | kHigh;
        // Letters: a-z once the case bit (0x20) is set; upper case without it.
        const std::uint64_t letter = bytes_between(x | (0x20 * kOnes), 'a', 'z') & ascii;
        const std::uint64_t upper = letter & ~((w & (0x20 * kOnes)) << 2);
        const std::uint64_t digit = bytes_between(x, '0', '9') & ascii;
        const std::uint64_t folded = w | (upper >> 2);  // 0x80 >> 2: the case bit
        std::memcpy(buffer.data() + at, &folded, 8);
        const std::uint64_t counts = ((digit >> 7) * kOnes) + digit_total * kOnes;
        std::memcpy(scan.digits_before.data() + 1 + at, &counts, 8);
        digit_total = counts >> 56;
        uppers |= high_bits(upper) << at;
        ones |= bytes_between(x, '1', '1') & ascii;
        letters |= high_bits(letter) << at;
        digits |= high_bits(digit) << at;
    }
    std::memset(buffer.data() + n, 0, 8);
    scan_from_masks(scan, letters, digits, uppers, ones != 0,
                    static_cast<std::uint32_t>(digit_total));
}

#if defined(__SSE2__)

namespace {

// Per byte of `v`, from its position `at` on: the prefix sums of the digit
// flags `d` (0 or 1 a byte), plus `base`: 16 bytes of digits_before from
// at + 1 on.
inline __m128i digit_prefix(__m128i d, __m128i base) {
    d = _mm_add_epi8(d, _mm_slli_si128(d, 1));
    d = _mm_add_epi8(d, _mm_slli_si128(d, 2));
    d = _mm_add_epi8(d, _mm_slli_si128(d, 4));
    d = _mm_add_epi8(d, _mm_slli_si128(d, 8));
    return _mm_add_epi8(d, base);
}

// Byte 15 of `v` in every byte.
inline __m128i broadcast_last(__m128i v) {
    v = _mm_unpackhi_epi8(v, v);   // bytes 8..15, each twice
    v = _mm_unpackhi_epi16(v, v);  // bytes 12..15, each four times
    return _mm_shuffle_epi32(v, 0xff);
}

// One step's bytes by class (0xff each), and its lowercase copy.
struct StepClasses {
    __m128i letter, upper, digit, one, folded;
};

inline StepClasses classify_step(__m128i v) {
    namespace bb = byte_blocks;
    const __m128i case_bit = _mm_set1_epi8(0x20);
    StepClasses c;
    c.letter = bb::letters_of(v);
    c.upper = _mm_andnot_si128(_mm_cmpeq_epi8(_mm_and_si128(v, case_bit), case_bit), c.letter);
    c.digit = bb::bytes_between(v, '0', '9');
    c.one = _mm_cmpeq_epi8(v, _mm_set1_epi8('1'));
    c.folded = _mm_or_si128(v, _mm_and_si128(c.upper, case_bit));
    return c;
}

inline std::uint64_t bits_of(__m128i v) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(v));
}

// scan_id_vectors in one step (below 16 characters: `first` alone), or
// in two (16 to 32): `second` holds positions [at, at + 16), at = n - 16.
// The steps overlap below 32 characters: the bytes they share are the same,
// and the second's digit counts skip them.
template <bool kTwoSteps>
void scan_steps(std::string_view id, __m128i first, __m128i second, std::uint32_t at,
                LowerBuffer& buffer, IdScan& scan) {
    const std::size_t n = id.size();
    scan.id = id;
    scan.lower = std::string_view(buffer.data(), n);
    const __m128i zero = _mm_setzero_si128(), ones = _mm_set1_epi8(1);
    char* lower = buffer.data();
    std::uint8_t* digits_before = scan.digits_before.data();
    digits_before[0] = 0;
    const StepClasses c0 = classify_step(first);
    const __m128i prefix0 = digit_prefix(_mm_and_si128(c0.digit, ones), zero);
    std::uint64_t letters = bits_of(c0.letter), digits = bits_of(c0.digit);
    std::uint64_t uppers = bits_of(c0.upper), one = bits_of(c0.one);
    __m128i last_prefix = prefix0;  // its byte 15: the digits of the ID
    if constexpr (kTwoSteps) {
        const StepClasses c1 = classify_step(second);
        const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        const __m128i from_16 = _mm_cmpgt_epi8(iota, _mm_set1_epi8(static_cast<char>(15 - at)));
        const __m128i d1 = _mm_and_si128(_mm_and_si128(c1.digit, from_16), ones);
        last_prefix = digit_prefix(d1, broadcast_last(prefix0));
        // Before the first step's stores, which write the positions they share.
        _mm_storeu_si128(reinterpret_cast<__m128i*>(lower + at), c1.folded);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(digits_before + 1 + at), last_prefix);
        letters |= bits_of(c1.letter) << at;
        digits |= bits_of(c1.digit) << at;
        uppers |= bits_of(c1.upper) << at;
        one |= bits_of(c1.one);
    }
    // The lowercase copy, then zeros (separators) for the look-ahead.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lower), c0.folded);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lower + n), zero);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(digits_before + 1), prefix0);
    const auto digit_count = static_cast<std::uint32_t>(_mm_extract_epi16(last_prefix, 7)) >> 8;
    scan_from_masks(scan, letters, digits, uppers, one != 0, digit_count);
}

}  // namespace

void scan_id_vectors(std::string_view id, LowerBuffer& buffer, IdScan& scan) {
    // Sixteen characters at a time in SSE2 vectors: IDs of up to 32
    // characters (a valid ID). Most IDs have fewer than 16: one step.
    const std::size_t n = id.size();
    const char* in = id.data();
    if (n < 16) [[likely]] {
        scan_steps<false>(id, byte_blocks::load_below16(in, n), __m128i{}, 16, buffer, scan);
    } else {
        scan_steps<true>(id, _mm_loadu_si128(reinterpret_cast<const __m128i*>(in)),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + n - 16)),
                         static_cast<std::uint32_t>(n - 16), buffer, scan);
    }
}

#else

void scan_id_vectors(std::string_view id, LowerBuffer& buffer, IdScan& scan) {
    scan_id_words(id, buffer, scan);  // no SSE2: the 8-bytes-at-a-time scan
}

#endif

void scan_id(std::string_view id, LowerBuffer& buffer, IdScan& scan) {
    if (id.size() <= 32)
        scan_id_vectors(id, buffer, scan);
    else if (id.size() <= 64)
        scan_id_words(id, buffer, scan);
    else
        scan_id_bytes(id, buffer, scan);
}

void case_tokens(const IdScan& scan, Span run, Tokens& tokens) {
    std::uint32_t start = run.begin;
    if (!scan.mixed_case) {
        tokens.push(run);
        return;
    }
    if (scan.case_splits_known) {
        // The splits inside the run, from the bits.
        std::uint64_t splits = scan.case_splits & span_bits(Span{run.begin + 1, run.end});
        for (; splits; splits &= splits - 1) {
            const auto i = static_cast<std::uint32_t>(std::countr_zero(splits));
            tokens.push(Span{start, i});
            start = i;
        }
        tokens.push(Span{start, run.end});
        return;
    }
    for (std::uint32_t i = run.begin + 1; i < run.end; ++i) {
        if (case_split_at(scan, run, i)) {
            tokens.push(Span{start, i});
            start = i;
        }
    }
    tokens.push(Span{start, run.end});
}

void OrgTrie::add(std::string_view word, std::uint8_t flag) {
    std::uint32_t node = 0;
    bool any = false;
    for (char c : word) {
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
        if (!is_lower(c)) continue;  // words are a-z; anything else is dropped
        any = true;
        auto& next = nodes_[node].next[static_cast<unsigned char>(c - 'a')];
        if (next == 0) {
            next = static_cast<std::uint32_t>(nodes_.size());
            nodes_.emplace_back();
        }
        node = nodes_[node].next[static_cast<unsigned char>(c - 'a')];
    }
    if (!any) return;
    nodes_[node].flags |= flag;
    any_flags_ |= flag;
    if (flag & (kOrgAllowed | kServiceCode))
        longest_allowed_ = std::max(longest_allowed_, word.size());
}

bool overlaps_kind(const Hits& hits, FindingKind kind, Span span) {
    for (const Hit& hit : hits)
        if (hit.kind == kind && hit.span.overlaps(span)) return true;
    return false;
}

bool overlaps_block(const Hits& hits, Span span) {
    for (const Hit& hit : hits)
        if (hit.severity == Severity::block && hit.span.overlaps(span)) return true;
    return false;
}

}  // namespace guard_internal

using namespace guard_internal;

namespace {

void run_detectors(IdScan& scan, const GuardState& state, Hits& hits) {
    detect_identifiers(scan, state, hits);
    detect_postcodes(scan, hits);
    detect_names(scan, state, hits);
    detect_address(scan, state, hits);
    detect_dates(scan, state, hits);
    detect_initials(scan, state, hits);
    detect_unknown_names(scan, state, hits);
}

// materialize with hits; apart, so that an ID without any (most) pays
// nothing for its frame.
[[gnu::noinline]] void materialize_hits(const IdScan& scan, Hits& hits,
                                        std::vector<GuardFindingView>& out) {
    auto before = [](const Hit& a, const Hit& b) {
        if (a.severity != b.severity) return a.severity == Severity::block;
        if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
        if (a.span.end != b.span.end) return a.span.end > b.span.end;
        return a.priority > b.priority;
    };
    // Insertion sort: a handful of hits, stable, no temporary buffer.
    for (std::size_t i = 1; i < hits.size(); ++i) {
        const Hit hit = hits[i];
        std::size_t j = i;
        for (; j > 0 && before(hit, hits[j - 1]); --j) hits[j] = hits[j - 1];
        hits[j] = hit;
    }
    std::array<int, Hits::capacity()> priority;  // of out[k]
    for (const Hit& hit : hits) {
        std::string_view match = scan.text(hit.span);
        bool duplicate = false;
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (out[k].kind == hit.kind && out[k].match == match) {
                if (hit.priority > priority[k]) {
                    out[k].message = hit.message.view();
                    priority[k] = hit.priority;
                }
                duplicate = true;
                break;
            }
        }
        if (duplicate) continue;
        priority[out.size()] = hit.priority;
        out.push_back(GuardFindingView{hit.kind, hit.severity, match, hit.message.view()});
    }
}

// Blocks first, then by position; duplicates (same kind, same text) once.
// Into `out` (cleared), as views of the ID and the hits' string literals.
inline void materialize(const IdScan& scan, Hits& hits, std::vector<GuardFindingView>& out) {
    out.clear();
    if (!hits.empty()) materialize_hits(scan, hits, out);
}

// The findings as strings of their own (Guard::check).
std::vector<GuardFinding> owned(const std::vector<GuardFindingView>& views) {
    std::vector<GuardFinding> out;
    out.reserve(views.size());
    for (const GuardFindingView& v : views)
        out.push_back(
            GuardFinding{v.kind, v.severity, std::string(v.match), std::string(v.message)});
    return out;
}

}  // namespace

std::string_view kind_name(FindingKind kind) {
    switch (kind) {
        case FindingKind::name:
            return "name";
        case FindingKind::address:
            return "address";
        case FindingKind::identifier:
            return "identifier";
        case FindingKind::date:
            return "date";
        case FindingKind::initials:
            return "initials";
    }
    return "unknown";
}

std::string_view severity_name(Severity severity) {
    return severity == Severity::block ? "block" : "warn";
}

namespace guard_internal {

std::shared_ptr<const GuardState> make_guard_state(const GuardWords& words) {
    auto state = std::make_shared<GuardState>();
    for (const auto& w : words.names) state->org.add(w, kOrgName);
    for (const auto& w : words.addresses) state->org.add(w, kOrgAddress);
    for (const auto& w : words.allowed) state->org.add(w, kOrgAllowed);
    for (const auto& w : words.service_codes) state->org.add(w, kServiceCode);
    state->today = today();
    state->min_birth_year = 1920;
    state->max_birth_year = state->today.year - 16;
    return state;
}

// The reference scan goes byte by byte: the slow path the tests compare with.
void scan_for_check(std::string_view id, bool reference, LowerBuffer& buffer, IdScan& scan) {
    if (reference) {
        scan.reference = true;
        scan_id_bytes(id, buffer, scan);
    } else {
        scan_id(id, buffer, scan);
    }
}

void check_id_views(const GuardState& state, std::string_view id, bool reference,
                    std::vector<GuardFindingView>& out) {
    LowerBuffer buffer;
    IdScan scan;
    scan_for_check(id, reference, buffer, scan);
    Hits hits;
    run_detectors(scan, state, hits);
    materialize(scan, hits, out);
}

void check_id_with_name_views(const GuardState& state, std::string_view id,
                              std::string_view real_name, bool reference,
                              std::vector<GuardFindingView>& out) {
    LowerBuffer buffer;
    IdScan scan;
    scan_for_check(id, reference, buffer, scan);
    Hits hits;
    {
        NameParts name;  // wiped when it goes out of scope
        split_real_name(real_name, name);
        detect_real_name(scan, name, hits);
        run_detectors(scan, state, hits);
        detect_real_initials(scan, name, hits);
    }
    materialize(scan, hits, out);
}

std::vector<GuardFinding> check_id(const GuardState& state, std::string_view id, bool reference) {
    std::vector<GuardFindingView> views;
    check_id_views(state, id, reference, views);
    return owned(views);
}

std::vector<GuardFinding> check_id_with_name(const GuardState& state, std::string_view id,
                                             std::string_view real_name, bool reference) {
    std::vector<GuardFindingView> views;
    check_id_with_name_views(state, id, real_name, reference, views);
    return owned(views);
}

}  // namespace guard_internal

Guard::Guard(GuardWords words) : words_(std::move(words)), state_(make_guard_state(words_)) {}

std::vector<GuardFinding> Guard::check(std::string_view id) const {
    return check_id(*state_, id, false);
}

std::vector<GuardFinding> Guard::check_with_name(std::string_view id,
                                                 std::string_view real_name) const {
    return check_id_with_name(*state_, id, real_name, false);
}

void Guard::check_views(std::string_view id, std::vector<GuardFindingView>& out) const {
    check_id_views(*state_, id, false, out);
}

void Guard::check_with_name_views(std::string_view id, std::string_view real_name,
                                  std::vector<GuardFindingView>& out) const {
    check_id_with_name_views(*state_, id, real_name, false, out);
}

bool Guard::blocks(const std::vector<GuardFinding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const GuardFinding& f) { return f.severity == Severity::block; });
}

}  // namespace caseload
