// Guard: how strong the evidence of a name is (issue 13). A big name list
// finds a name in many random codes (MAX in QC62-MAX1, DAVE in KH3E-DAVE), so
// a list match alone is not a finding: weigh_names looks at what else the ID
// holds. When every letter of the ID is explained (other names, service codes
// and allowed words, addresses, an initial beside the name, a letter run that
// reads as a name) the match is a name: Deb_21, HOM-Patel-3, rharvey,
// Sarah-Kutch. When some letters are left that read as nothing (KH, E in
// EVE8-KH3E) the ID looks like a random code, and only strong evidence counts:
// a Title-case token (xq7Sarah), or a long name.
//
// detect_unknown_names: a letter run that is in no list but reads as a name
// (a character model of names against random letters and against ordinary
// words, src/core/guard_name_model.inc from tools/make_lexicon.py).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

#include "guard_name_model.inc"

constexpr std::string_view kUnknownNameMessage = "looks like a name (not in the lists)";

// Thresholds of the model, in tenths of a nat a letter: a name-like run
// explains its letters; one also past kStrongSum, in a plain ID, blocks.
// (vs_random + vs_words: names and words are close in letters, so the sum
// keeps the run from reading much more as a word than as a name.) On the
// held-out names (tests/guard/unseen-names.txt) against random letters:
// vs_random >= 4 reads 76% of 4-letter names and 5% of random 4-letter
// strings, 93% and 1.4% at 6 letters; >= -2 reads 98% and 17% at 4, 99.7%
// and 11% at 6. The context rules below keep random codes from most: a
// token set apart as a person writes a name (a separator, Title case, lower
// case, capitals longer than a code's group) among nothing but numbers,
// service codes and initials needs less. Set on development seeds of
// tools/make_guard_eval.py, not on the seed the closing note reports.
constexpr int kLikeRandom = 4, kLikeSum = 2;  // reads as a name
constexpr int kStrongSum = 0;                 // blocks in a plain ID
constexpr int kUpperExtra = 3;                // for a run in capitals
constexpr int kApartRandom = -2;              // for a run set apart among numbers
constexpr int kApartLikeSum = 0;
// Capitals of a code's symbols only (no I, L, O or U: EFRAFTE in
// 5EFRAFTE-N, a caseload id new code): the bars before issue 13's second pass.
constexpr int kCodeApartRandom = 2, kCodeLikeSum = 2, kCodeStrongSum = 4;
// Title case (Reinbold-4, DA.Sumibcay) is how a person writes a name, and
// no code in one case has it: the model only has to not read it as random.
constexpr int kTitleRandom = -4, kTitleLikeSum = -2, kTitleSum = -2;
// Capitals glued to digits: this many digits beside 4 letters (ROAA0147).
constexpr int kLongCapitalsDigits = 3;

std::uint64_t bits_of(Span s) {
    return span_bits(s);
}

// The letters of the ID (up to 64 characters) as bits.
std::uint64_t letter_bits(const IdScan& scan) {
    if (scan.masks_known) return scan.letter_mask;
    std::uint64_t m = 0;
    for (Span run : scan.letter_runs) m |= bits_of(run);
    return m;
}

// The lower case letters of the ID as bits (masks_known).
[[gnu::always_inline]] inline std::uint64_t lower_bits(const IdScan& scan) {
    return scan.letter_mask & ~scan.upper_mask;
}

// Whether the ID's masks answer the questions below (IDs of up to 64
// characters, scanned 8 bytes at a time; not the reference paths).
[[gnu::always_inline]] inline bool masks_answer(const IdScan& scan) {
    return scan.masks_known && scan.case_splits_known;
}

// A case token or letter run edge at position p of a letter run (p may be
// the run's begin or end): the letters on either side are not one word.
[[gnu::always_inline]] inline bool edge_at(const IdScan& scan, std::uint32_t p) {
    if (masks_answer(scan) && p < 64) {
        // From the masks, without a branch on the letters (they are random):
        // letters at p - 1 and p (none past the end), and no case split at p.
        const std::uint64_t letters = scan.letter_mask;
        const std::uint64_t edges = ~((letters << 1) & letters) | scan.case_splits;
        return (edges >> p) & 1u;
    }
    const std::string_view id = scan.id;
    if (p == 0 || p >= id.size()) return true;
    if (!is_letter(id[p - 1]) || !is_letter(id[p])) return true;
    // A change of case, as case_split_at (on both paths of the scan).
    return is_upper(id[p]) && (is_lower(id[p - 1]) || (p + 1 < id.size() && is_lower(id[p + 1])));
}

// Whether the letters of s are all upper case (lower case).
[[gnu::always_inline]] inline bool all_upper(const IdScan& scan, Span s) {
    if (masks_answer(scan)) return (scan.upper_mask & span_bits(s)) == span_bits(s);
    bool upper = true;
    for (std::uint32_t i = s.begin; i < s.end; ++i) upper &= is_upper(scan.id[i]);
    return upper;
}
[[gnu::always_inline]] inline bool all_lower(const IdScan& scan, Span s) {
    if (masks_answer(scan)) return (lower_bits(scan) & span_bits(s)) == span_bits(s);
    bool lower = true;
    for (std::uint32_t i = s.begin; i < s.end; ++i) lower &= is_lower(scan.id[i]);
    return lower;
}

// Title case: an upper-case letter, then lower case only (Sarah), in an ID
// with both cases.
[[gnu::always_inline]] inline bool title_case(const IdScan& scan, Span s) {
    if (masks_answer(scan)) {
        // An upper case letter at s.begin, lower case letters after it.
        const std::uint64_t rest = span_bits(Span{s.begin + 1, s.end});
        const bool first_upper = (scan.upper_mask >> (s.begin & 63)) & 1u;
        return scan.mixed_case & (s.size() >= 2) & first_upper &
               ((lower_bits(scan) & rest) == rest);
    }
    if (!scan.mixed_case || s.size() < 2 || !is_upper(scan.id[s.begin])) return false;
    for (std::uint32_t i = s.begin + 1; i < s.end; ++i)
        if (!is_lower(scan.id[i])) return false;
    return true;
}

}  // namespace

// The ID is a run of hex digits in one case (01facaba, 6661BED4): the rest of
// the ID says "a code", so letters a-f inside it are weak evidence.
bool looks_hex(const IdScan& scan) {
    if (masks_answer(scan)) {
        // From the masks: 6+ characters, letters and digits only (so one
        // run), 2+ digits, one case; then no letter past f, 8 at a time.
        const std::size_t n = scan.id.size();
        const std::uint64_t all = n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
        const bool shape = (n >= 6) & (scan.digit_count >= 2) & !scan.mixed_case &
                           ((scan.letter_mask | scan.digit_mask) == all);
        if (!shape) return false;
        // Letters and digits are below 0x80 (and the bytes after the ID
        // are 0): + 0x19 sets a byte's high bit when it is past 'f' (0x66).
        constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = kOnes * 0x80;
        std::uint64_t past_f = 0;
        for (std::size_t at = 0; at < n; at += 8) {
            std::uint64_t w;
            std::memcpy(&w, scan.lower.data() + at, 8);
            past_f |= w + 0x19 * kOnes;
        }
        return (past_f & kHigh) == 0;
    }
    if (scan.id.size() < 6 || scan.digit_count < 2 || scan.mixed_case ||
        scan.alnum_runs.size() != 1)
        return false;
    for (char c : scan.lower)
        if (!is_digit(c) && (c < 'a' || c > 'f')) return false;
    return true;
}

namespace {

struct Groups {
    std::uint64_t random = 0;     // letters that read as nothing
    std::uint64_t initials = 0;   // an initial beside a name
    std::uint64_t name_like = 0;  // runs the model reads as names
};

// The unexplained letters of the ID, sorted into initials, name-like runs
// and the rest (random).
Groups sort_unexplained(const IdScan& scan, const GuardState& state, std::uint64_t unexplained,
                        const NameMatch* matches, std::size_t count) {
    Groups g;
    int initial_groups = 0;
    for (std::uint64_t rest = unexplained; rest;) {
        const auto begin = static_cast<std::uint32_t>(std::countr_zero(rest));
        const auto end = static_cast<std::uint32_t>(std::countr_zero(~(rest >> begin))) + begin;
        Span group{begin, end};
        rest &= ~bits_of(group);
        // A title (mr, mrs, ms, mx, miss, dr) or a service code or allowed
        // word run into the letters (HOMjsmith01, mrsbegum4): explained, and
        // what follows it in the group is read on.
        for (std::uint32_t cut = group.end; cut >= group.begin + 2; --cut) {
            const std::string_view head = scan.low(Span{group.begin, cut});
            if (head == "mr" || head == "mrs" || head == "ms" || head == "mx" || head == "miss" ||
                head == "dr" || (head.size() >= 3 && state.is_allowed(scan.lexicon, head))) {
                group.begin = cut;
                break;
            }
        }
        if (group.size() == 0) continue;
        if (group.size() >= 3 && edge_at(scan, group.begin) && edge_at(scan, group.end)) {
            const NameLikeness like = name_likeness(scan.low(group));
            const bool upper = all_upper(scan, group);
            const int bar = upper ? kLikeRandom + kUpperExtra : kLikeRandom;
            if (like.vs_random >= bar && like.vs_random + like.vs_words >= kLikeSum) {
                g.name_like |= bits_of(group);
                continue;
            }
        }
        bool initial = false;
        if (group.size() <= 2) {
            for (std::size_t i = 0; i < count && !initial; ++i) {
                const Span m = matches[i].span;
                const std::uint32_t letters = m.size() - scan.digits_in(m);
                // Two initials with a common name of 5+ letters (jbsmith);
                // not xqdave, nor FG before a rarer name in FGWEDDE0-7.
                const bool common = (matches[i].categories & (kCommonName | kOrgNameEvidence)) != 0;
                if (group.size() == 2 && (letters < 5 || !common)) continue;
                // Touching (rharvey, FratilaL) or one separator apart, the
                // group starting its segment (k.hoeger8, E.GOLDNER, hoeger.k,
                // begum-a5; not the R of 278R-THEA, a code's).
                bool whole = edge_at(scan, group.end);
                for (Span segment : scan.alnum_runs)
                    if (segment.contains(group)) whole &= segment.begin == group.begin;
                initial =
                    group.end == m.begin || group.begin == m.end ||
                    (whole && ((group.end + 1 == m.begin && is_separator(scan.id[group.end])) ||
                               (m.end + 1 == group.begin && is_separator(scan.id[m.end]))));
            }
        }
        (initial ? g.initials : g.random) |= bits_of(group);
        initial_groups += initial;
    }
    // Letters on both sides of a name (xdavey) make a name inside a code.
    if (initial_groups > 1) {
        g.random |= g.initials;
        g.initials = 0;
    }
    return g;
}

}  // namespace

namespace {

// The model's two tables side by side: a step reads one cache line, not two
// (the tables together are most of the processor's first-level cache).
struct ModelScores {
    std::int8_t vs_random, vs_words;
};
constexpr std::array<ModelScores, 27 * 27 * 27> kNameModel = [] {
    std::array<ModelScores, 27 * 27 * 27> model{};
    for (std::size_t i = 0; i < model.size(); ++i)
        model[i] = ModelScores{kNameVsRandom[i], kNameVsWords[i]};
    return model;
}();

}  // namespace

namespace {

// ceil(2^32 / n) for n = 1 .. kMaxScan + 1: for 0 <= a < 2^20, (a * it) >> 32
// is a / n exactly (the error, a / 2^32, stays below 1 / n).
constexpr std::array<std::uint64_t, kMaxScan + 2> kReciprocals = [] {
    std::array<std::uint64_t, kMaxScan + 2> table{};
    for (std::uint64_t n = 1; n < table.size(); ++n)
        table[n] = ((std::uint64_t{1} << 32) + n - 1) / n;
    return table;
}();

}  // namespace

int divide_small(int x, int n) {
    if (n < 1 || static_cast<std::size_t>(n) >= kReciprocals.size()) return x / n;
    const std::uint64_t a = x < 0 ? -static_cast<std::int64_t>(x) : x;
    const auto q = static_cast<int>((a * kReciprocals[n]) >> 32);
    return x < 0 ? -q : q;
}

namespace {

// The model's walk over letters: the sums of the steps' scores, each step in
// the context of the two letters before (0 at the start of a word).
struct ModelWalk {
    int a = 0, b = 0, vs_random = 0, vs_words = 0;
    void step(int c) {
        const ModelScores scores = kNameModel[(a * 27 + b) * 27 + c - 1];
        vs_random += scores.vs_random;
        vs_words += scores.vs_words;
        a = b;
        b = c;
    }
};

}  // namespace

NameLikeness name_likeness(std::string_view low) {
    ModelWalk walk;
    for (char ch : low) walk.step(static_cast<int>(letter_code(ch)));
    walk.step(27);
    const int n = static_cast<int>(low.size()) + 1;
    return NameLikeness{divide_small(walk.vs_random, n), divide_small(walk.vs_words, n)};
}

TokenLikeness token_likeness(std::string_view low) {
    const std::size_t size = low.size();
    TokenLikeness out{};
    if (size < 6) {
        out.whole = name_likeness(low);
        return out;
    }
    // One walk: the sums of the steps, of the first three (the first
    // letter's context ends there) and of all but the last letter's.
    ModelWalk walk;
    for (std::size_t i = 0; i < 3; ++i) walk.step(static_cast<int>(letter_code(low[i])));
    const int head_random = walk.vs_random, head_words = walk.vs_words;
    for (std::size_t i = 3; i + 1 < size; ++i) walk.step(static_cast<int>(letter_code(low[i])));
    const int body_random = walk.vs_random, body_words = walk.vs_words;
    walk.step(static_cast<int>(letter_code(low[size - 1])));
    walk.step(27);
    const int vs_random = walk.vs_random, vs_words = walk.vs_words;
    const int n = static_cast<int>(size) + 1;
    out.whole = NameLikeness{divide_small(vs_random, n), divide_small(vs_words, n)};
    // Without the last letter: its end after the letter before.
    const int before_last = static_cast<int>(letter_code(low[size - 2]));
    const int third_last = static_cast<int>(letter_code(low[size - 3]));
    const ModelScores end = kNameModel[(third_last * 27 + before_last) * 27 + 26];
    out.without_last = NameLikeness{divide_small(body_random + end.vs_random, n - 1),
                                    divide_small(body_words + end.vs_words, n - 1)};
    // Without the first: the second and third letters from the start of a
    // word; from the fourth on, the contexts are the whole's.
    const int second = static_cast<int>(letter_code(low[1]));
    const int third = static_cast<int>(letter_code(low[2]));
    const ModelScores first_step = kNameModel[second - 1];
    const ModelScores second_step = kNameModel[second * 27 + third - 1];
    out.without_first = NameLikeness{
        divide_small(vs_random - head_random + first_step.vs_random + second_step.vs_random, n - 1),
        divide_small(vs_words - head_words + first_step.vs_words + second_step.vs_words, n - 1)};
    return out;
}

bool code_letters_outside(const IdScan& scan, const Hits& hits, Span except) {
    if (scan.id.size() > 64) return false;
    std::uint64_t explained = bits_of(except) | scan.allowed_letter.words[0];
    for (const Hit& hit : hits) explained |= bits_of(hit.span);
    // Two letters or more that nothing explains (SAD in RM3SAD, K and T in
    // K23T-RM03), or one in a segment of letters and digits mixed (the J of
    // 5HED-MT6J); one alone may be a flat's letter (Apt12-B).
    std::uint64_t unexplained = letter_bits(scan) & ~explained;
    for (Span run : scan.letter_runs)  // "the" of an address (the-ridgeway-72)
        if (run.size() == 3 && scan.low(run) == "the") unexplained &= ~bits_of(run);
    if (std::popcount(unexplained) >= 2) return true;
    if (unexplained == 0) return false;
    const auto p = static_cast<std::uint32_t>(std::countr_zero(unexplained));
    for (Span segment : scan.alnum_runs) {
        if (p < segment.begin || p >= segment.end) continue;
        int letter_runs = 0;
        for (Span run : scan.letter_runs) letter_runs += segment.contains(run);
        return letter_runs >= 2;
    }
    return false;
}

void weigh_names(const IdScan& scan, const GuardState& state, const Hits& hits,
                 const NameMatch* matches, std::size_t count, Weight* out) {
    if (scan.id.size() > 64) {  // (never a valid ID) every match counts
        for (std::size_t i = 0; i < count; ++i) out[i] = Weight::block;
        return;
    }
    std::uint64_t explained = 0;
    for (std::size_t i = 0; i < count; ++i) explained |= bits_of(matches[i].span);
    for (const Hit& hit : hits) explained |= bits_of(hit.span);
    explained |= scan.allowed_letter.words[0];
    const Groups g = sort_unexplained(scan, state, letter_bits(scan) & ~explained, matches, count);
    const bool hex = looks_hex(scan);
    bool lowercase = false;  // a lower-case letter anywhere: typed as a person types
    if (scan.masks_known)
        lowercase = (scan.letter_mask & ~scan.upper_mask) != 0;
    else
        for (char c : scan.id) lowercase |= is_lower(c);
    for (std::size_t i = 0; i < count; ++i) {
        const Span m = matches[i].span;
        const std::uint8_t categories = matches[i].categories;
        const bool common = (categories & (kCommonName | kOrgNameEvidence)) != 0;
        if (categories & kOrgNameEvidence) {  // the organisation's own: always a name
            out[i] = Weight::block;
            continue;
        }
        if (hex && scan.digits_in(m) > 0) {  // digits for letters in a hex code (51af1a78)
            out[i] = Weight::drop;
            continue;
        }
        const std::uint32_t letters = m.size() - scan.digits_in(m);
        const bool title = title_case(scan, m) & edge_at(scan, m.end);
        // Two matches that overlap, neither inside the other (zand, andy in
        // zandyz): letters read two ways, as in a code.
        bool straddles = false;
        for (std::size_t j = 0; j < count; ++j) {
            // (Bitwise: no branch on the matches' places, which are random.)
            const Span o = matches[j].span;
            const bool overlap = (m.begin < o.end) & (o.begin < m.end);
            const bool nested = ((m.begin <= o.begin) & (o.end <= m.end)) |
                                ((o.begin <= m.begin) & (m.end <= o.end));
            straddles |= (j != i) & overlap & !nested;
        }
        if (m.size() == 3 && !title) {
            // Three letters: a whole token at an edge of its segment, beside
            // a short number (Amy04, tom-88), not inside a code (360abb51).
            Span segment = m;
            for (Span run : scan.alnum_runs)
                if (run.contains(m)) segment = run;
            // (Ending a segment after digits, 028WEI, 1397-3KAM: a code's tail.)
            const bool at_edge = m.begin == segment.begin ||
                                 (m.end == segment.end && !is_digit(scan.id[m.begin - 1]));
            if (!at_edge || segment.size() - m.size() > 4) {
                out[i] = Weight::drop;
                continue;
            }
        }
        if (g.random == 0 && !straddles) {
            // A rare name with an initial run into it, as a code could be
            // (xbrandt), or any in a lone run of letters (vnouri): a warning;
            // a common one (jsmith-4) or Title case (RHarvey) blocks. A short
            // rare name without Title case (SAH603, KAMO): a warning.
            // (An initial just before or just after the match, without a
            // branch: m.begin < 64, the ID has at most 64 characters.)
            const std::uint64_t after = m.end < 64 ? g.initials >> m.end : 0;
            const bool joined_initial = (((g.initials << 1) >> m.begin) | after) & 1u;
            // (In capitals throughout, CAROND, 0HMARC: as a code could be.)
            const bool weak =
                !title && ((joined_initial && letters <= 5 && (!common || !lowercase)) ||
                           (!common && letters <= 4));
            // A rare three-letter name in capitals or lower case (ROX944) is
            // no more than initials: those rules say.
            const bool initials_only = !title && !common && letters == 3;
            out[i] = initials_only ? Weight::drop : weak ? Weight::warn : Weight::block;
        } else if ((title && letters >= 4) || letters >= 7) {
            out[i] = Weight::block;
        } else if (letters >= 5 && ((edge_at(scan, m.begin) && edge_at(scan, m.end)) || common)) {
            // (a common name inside letters of a code: xxsmithxx)
            out[i] = Weight::warn;
        } else {
            out[i] = Weight::drop;
        }
    }
}

namespace {

// The model's bar for token t: in capitals a code's letters are as likely
// as a name's, so a higher one, unless a separator sets the token apart.
int bar_of(const IdScan& scan, Span t, std::uint32_t n) {
    const bool upper = all_upper(scan, t);
    const bool separated = (t.begin > 0 && is_separator(scan.id[t.begin - 1])) ||
                           (t.end < n && is_separator(scan.id[t.end]));
    return upper && !separated ? kLikeRandom + kUpperExtra : kLikeRandom;
}

// Whether a token is made of the letters of Crockford's base 32, as codes
// are (caseload id new): without I, L, O and U, which names are full of.
bool code_symbols(const IdScan& scan, Span t) {
    // Bit c: the letter of letter code c is i, l, o or u (no branch a letter:
    // they come at random).
    constexpr std::uint32_t kNotCode = 1u << 9 | 1u << 12 | 1u << 15 | 1u << 21;
    std::uint32_t found = 0;
    for (char c : scan.low(t)) found |= kNotCode >> letter_code(c);
    return (found & 1u) == 0;
}

bool upper_only(const IdScan& scan, Span t) {
    return all_upper(scan, t);
}

// Capitals glued to digits, longer than a short code has room for
// (RASKA0167, ROAA0147; not B3HAQE): 6+ letters, 5 and 2+ digits, 4 and 3+.
bool long_capitals(const IdScan& scan, Span t) {
    if (!all_upper(scan, t)) return false;
    const auto digits = static_cast<int>(scan.digit_count);
    return t.size() >= 6 || (t.size() >= 5 && digits >= 2) ||
           (t.size() >= 4 && digits >= kLongCapitalsDigits);
}

std::uint64_t fnv1a(std::string_view word, std::uint64_t basis) {
    std::uint64_t h = basis;
    for (char c : word) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3u;
    }
    return h;
}

// Whether `low` (4+ lowercase letters) is an ordinary word of the
// dictionaries (a Bloom filter: about 1 in 1,000 others also answer yes).
bool word_in_filter(std::string_view low) {
    const std::uint64_t h1 = fnv1a(low, 0xcbf29ce484222325u);
    const std::uint64_t h2 = fnv1a(low, 0x84222325cbf29ce4u) | 1u;
    for (int i = 0; i < kWordFilterHashes; ++i) {
        const std::uint64_t index = (h1 + static_cast<std::uint64_t>(i) * h2) % kWordFilterBits;
        if (!((kWordFilter[index / 64] >> (index % 64)) & 1u)) return false;
    }
    return true;
}

// Whether a whole token reads as a name: itself, or (5+ letters, not the
// whole ID) after an initial run into it at either end (pkrentzman,
// StroessnerA). `bar`: the threshold against random letters.
// `whole`: token_likeness(low), computed once (could_read_as_name).
bool reads_as_name(std::string_view low, int bar, bool strip, const TokenLikeness& whole,
                   NameLikeness& like, int sum_bar = kLikeSum) {
    like = whole.whole;
    if (like.vs_random >= bar && like.vs_random + like.vs_words >= sum_bar) return true;
    if (!strip || low.size() < 6) return false;
    for (const NameLikeness& l : {whole.without_first, whole.without_last}) {
        if (l.vs_random >= bar + 1 && l.vs_random + l.vs_words >= kLikeSum) {
            like = l;
            return true;
        }
    }
    return false;
}

// The lowest bars reads_as_name is given (detect_unknown_names): a token
// that passes none of them is never read as a name, whatever its context.
constexpr int kLeastRandom = std::min({kLikeRandom, kTitleRandom, kApartRandom, kCodeApartRandom});
constexpr int kLeastSum = std::min({kLikeSum, kTitleLikeSum, kApartLikeSum, kCodeLikeSum});
static_assert(kUpperExtra >= 0);  // (bar_of: kLikeRandom or more)

// Whether reads_as_name could be true of `low` with some bar; `whole` its likeness.
bool could_read_as_name(std::string_view low, const TokenLikeness& like) {
    const NameLikeness& whole = like.whole;
    if (whole.vs_random >= kLeastRandom && whole.vs_random + whole.vs_words >= kLeastSum)
        return true;
    if (low.size() < 6) return false;
    for (const NameLikeness& l : {like.without_first, like.without_last}) {
        if (l.vs_random >= kLeastRandom + 1 && l.vs_random + l.vs_words >= kLikeSum) return true;
    }
    return false;
}

// Whether any token could read as a name; wholes[k]: the likeness of tokens[k].
bool any_could_read_as_name(const IdScan& scan, const SmallList<Span, 32>& tokens,
                            std::array<TokenLikeness, 32>& wholes) {
    bool any = false;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        wholes[k] = token_likeness(scan.low(tokens[k]));
        any |= could_read_as_name(scan.low(tokens[k]), wholes[k]);
    }
    return any;
}

}  // namespace

namespace {

// Whether token t of `run` is a candidate of unknown_names: 4+ letters (3
// in Title case: Kia_0615, HOM.Oks.60, MBas0410) that nothing explains,
// not a room, street or allowed word.
bool unknown_candidate(const IdScan& scan, const GuardState& state, std::uint64_t explained, Span t,
                       bool whole_run) {
    const bool three_title = t.size() == 3 && title_case(scan, t);
    if ((t.size() < 4 && !three_title) || (bits_of(t) & explained) != 0) return false;
    if (scan.suffix_categories(t.begin) & (kRoomWord | kStreetWord | kAllowedWord)) return false;
    // (A whole run that is allowed is explained: allowed_letter.)
    const bool marked = scan.allowed_letters_known && !scan.reference && whole_run;
    return marked || !state.is_allowed(scan.lexicon, scan.low(t));
}

// unknown_names' candidates, run by run and token by token.
void unknown_candidates(const IdScan& scan, const GuardState& state, std::uint64_t explained,
                        SmallList<Span, 32>& tokens) {
    for (Span run : scan.letter_runs) {
        // (Tokens of 3 letters or more only: none in a shorter run.)
        if (run.size() < 3 || (bits_of(run) & explained) == bits_of(run)) continue;
        Tokens parts;
        case_tokens(scan, run, parts);
        for (Span t : parts)
            if (unknown_candidate(scan, state, explained, t, t == run)) tokens.push(t);
    }
}

// The case tokens of the ID's letter runs as bits (masks_answer): where
// each starts (a run's start or a case split) and where its last letter is.
struct TokenBits {
    std::uint64_t starts;
    std::uint64_t lasts;
};
TokenBits token_bits(const IdScan& scan) {
    const std::uint64_t letters = scan.letter_mask;
    // (case_splits are inside runs: after a letter.)
    return TokenBits{(letters & ~(letters << 1)) | scan.case_splits,
                     (letters & ~(letters >> 1)) | (scan.case_splits >> 1)};
}

// unknown_candidates from the masks, in the same order: only the tokens of
// 3+ letters that nothing explains are looked at (in a random code, one or
// none), not every run (their sizes make branches that fail at random).
void unknown_candidates_by_masks(const IdScan& scan, const GuardState& state,
                                 std::uint64_t explained, SmallList<Span, 32>& tokens) {
    const std::uint64_t letters = scan.letter_mask;
    const TokenBits bits = token_bits(scan);
    const std::uint64_t run_starts = letters & ~(letters << 1);
    const std::uint64_t run_lasts = letters & ~(letters >> 1);
    const std::uint64_t free = letters & ~explained;
    // A token starts at s with s, s + 1 and s + 2 not explained, and it
    // does not end at s or s + 1.
    std::uint64_t starts =
        bits.starts & free & (free >> 1) & (free >> 2) & ~bits.lasts & ~(bits.lasts >> 1);
    for (; starts; starts &= starts - 1) {
        const auto begin = static_cast<std::uint32_t>(std::countr_zero(starts));
        const auto last = begin + static_cast<std::uint32_t>(std::countr_zero(bits.lasts >> begin));
        const Span t{begin, last + 1};
        const bool whole_run = ((run_starts >> begin) & (run_lasts >> last) & 1u) != 0;
        if (unknown_candidate(scan, state, explained, t, whole_run)) tokens.push(t);
    }
}

// The case tokens of one letter, as bits.
std::uint64_t single_letter_tokens(const IdScan& scan) {
    if (masks_answer(scan)) {
        const TokenBits bits = token_bits(scan);
        return bits.starts & bits.lasts;
    }
    std::uint64_t singles = 0;
    for (Span run : scan.letter_runs) {
        Tokens parts;
        case_tokens(scan, run, parts);
        for (Span p : parts)
            if (p.size() == 1) singles |= bits_of(p);
    }
    return singles;
}

// The case tokens of 3+ letters in Title case, as bits (3 letters too: Nti
// in NtiRenollet). None without both cases.
std::uint64_t title_tokens_of(const IdScan& scan) {
    std::uint64_t title_tokens = 0;
    if (!scan.mixed_case) return 0;
    for (Span run : scan.letter_runs) {
        Tokens parts;
        case_tokens(scan, run, parts);
        for (Span p : parts)
            if (p.size() >= 3 && title_case(scan, p)) title_tokens |= bits_of(p);
    }
    return title_tokens;
}

// detect_unknown_names past its quick test (out of line: many IDs stop before).
[[gnu::noinline]] void unknown_names(const IdScan& scan, const GuardState& state, Hits& hits) {
    // What the other detectors explained (blocks; not warnings, such as a
    // rare name inside the run: DAIR in DAIRE7), and the letters left.
    std::uint64_t explained = scan.allowed_letter.words[0];
    for (const Hit& hit : hits)  // (no branch on the severity: it comes at random)
        explained |= bits_of(hit.span) & -std::uint64_t{hit.severity == Severity::block};
    const std::uint64_t letters = letter_bits(scan);
    // Candidates: whole tokens of 4+ letters that nothing explains.
    SmallList<Span, 32> tokens;
    std::uint64_t left = letters & ~explained;
    if (masks_answer(scan))
        unknown_candidates_by_masks(scan, state, explained, tokens);
    else
        unknown_candidates(scan, state, explained, tokens);
    if (tokens.empty()) return;
    // The model first: most tokens of random codes read as a name under no
    // bar, and then nothing below can find one.
    std::array<TokenLikeness, 32> wholes;  // token_likeness of tokens[k]
    if (!any_could_read_as_name(scan, tokens, wholes)) return;
    const auto n = static_cast<std::uint32_t>(scan.id.size());
    const bool hex = looks_hex(scan);
    // Single letters standing as initials: runs of one letter, and case
    // tokens of one letter (the A of SchimekA-6, the H of HAsplen9).
    const std::uint64_t singles = single_letter_tokens(scan);
    // Letters of the ID beside token t that nothing explains but initials.
    auto others_of = [&](Span t, std::uint64_t also_explained) {
        std::uint64_t others = left & ~bits_of(t) & ~also_explained;
        for (std::uint64_t rest = singles; rest; rest &= rest - 1) {
            const auto p = static_cast<std::uint32_t>(std::countr_zero(rest));
            // Touching (SchimekA), or a segment of its own one separator
            // away (E-Frusci0812; not the P of 800P-REEG).
            const bool segment = (p == 0 || is_separator(scan.id[p - 1])) &&
                                 (p + 1 == n || is_separator(scan.id[p + 1]));
            const bool beside =
                p + 1 == t.begin || p == t.end || (segment && (p + 2 == t.begin || t.end + 1 == p));
            if (beside) others &= ~(std::uint64_t{1} << p);
        }
        return others;
    };
    // First which tokens read as names (each token's others may be one). A
    // token alone among numbers, service codes and initials, written apart
    // (Sikma-163, akthar-0139, Coote-25), needs less: codes are seldom so.
    std::array<NameLikeness, 32> likes{};
    std::uint64_t name_like = 0;
    const std::uint64_t title_tokens = title_tokens_of(scan);
    auto other_long_run = [&](Span t) {
        for (Span run : scan.letter_runs)
            if (run.size() >= 4 && !run.overlaps(t)) return true;
        return false;
    };
    // Two rounds: the second reads a token apart beside those the first read
    // as names (nytes_gokee).
    for (int round = 0; round < 2; ++round) {
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            const Span t = tokens[k];
            if (name_like & bits_of(t)) continue;
            const bool alone = t.begin == 0 && t.end == n;
            const bool lower = all_lower(scan, t);
            const bool apart = (t.begin > 0 && is_separator(scan.id[t.begin - 1])) ||
                               (t.end < n && is_separator(scan.id[t.end])) || title_case(scan, t) ||
                               (lower && !hex) ||
                               (long_capitals(scan, t) && !code_symbols(scan, t));
            // (Title case beside Title case, ViayraVanwyck: each as plain.)
            const std::uint64_t beside = title_case(scan, t) ? name_like | title_tokens : name_like;
            const bool plain_apart = apart && !alone && others_of(t, beside) == 0;
            const bool title = plain_apart && title_case(scan, t);
            // (Three letters: among initials and short codes only, not Mac
            // before an allowed word in Mac-Pilot-3.)
            if (t.size() == 3 && (!title || other_long_run(t))) continue;
            const bool code_like = upper_only(scan, t) && code_symbols(scan, t);
            const int bar = title          ? kTitleRandom
                            : !plain_apart ? bar_of(scan, t, n)
                            : code_like    ? kCodeApartRandom
                                           : kApartRandom;
            if (reads_as_name(scan.low(t), bar, !alone || t.size() >= 7, wholes[k], likes[k],
                              title         ? kTitleLikeSum
                              : plain_apart ? (code_like ? kCodeLikeSum : kApartLikeSum)
                                            : kLikeSum))
                name_like |= bits_of(t);
        }
    }
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Span t = tokens[k];
        if (!(name_like & bits_of(t))) continue;
        if (word_in_filter(scan.low(t))) continue;  // an ordinary word (Book, harbour)
        const NameLikeness like = likes[k];
        const bool upper = all_upper(scan, t), lower = all_lower(scan, t);
        const bool alone = t.begin == 0 && t.end == n;
        // Plain: every other letter explained, name-like itself, or an
        // initial beside this token (E-Frusci0812, HAsplen9, SchimekA-6).
        const bool plain =
            others_of(t, title_case(scan, t) ? name_like | title_tokens : name_like) == 0;
        // Among letters that read as a code (B1VX-JEES): only a long run or
        // Title case.
        if (!plain && t.size() < 6 && !title_case(scan, t)) continue;
        if (!plain && t.size() == 3) continue;
        // Strong: a plain ID, written as a person writes a name: Title case
        // (Reinbold-4), lower case (roaden.2), or beside a separator (CROCKER_0750).
        // In capitals glued to digits (RASKA0167): 5+ letters, and more than
        // one digit (a six-character code has room for neither).
        const bool separated = (t.begin > 0 && is_separator(scan.id[t.begin - 1])) ||
                               (t.end < n && is_separator(scan.id[t.end]));
        const bool written = title_case(scan, t) || lower || separated || long_capitals(scan, t);
        // The whole ID: only a long run (zaroudischino, ybrownridge).
        // Four capitals (ZREY-6615) are as often a segment of a code as a
        // name, in the symbols codes use (Crockford's base 32 leaves out I,
        // L, O and U, which names are full of: ZOOK-0691).
        // (In a code's groups of four: another segment of four characters.)
        bool four_groups = false;
        for (Span segment : scan.alnum_runs)
            four_groups |= segment.size() == 4 && !segment.contains(t);
        const bool short_capitals = upper && t.size() <= 4 && code_symbols(scan, t) && four_groups;
        const bool strong =
            plain && (!alone || t.size() >= 8) && written && !hex && !short_capitals &&
            like.vs_random + like.vs_words >= (title_case(scan, t)              ? kTitleSum
                                               : upper && code_symbols(scan, t) ? kCodeStrongSum
                                                                                : kStrongSum);
        hits.push(Hit{FindingKind::name, strong ? Severity::block : Severity::warn, t,
                      kUnknownNameMessage, 0});
    }
}

}  // namespace

void detect_unknown_names(const IdScan& scan, const GuardState& state, Hits& hits) {
    if ((scan.letters_over_3 | scan.mixed_case) & (scan.id.size() <= 64))
        unknown_names(scan, state, hits);
}

}  // namespace caseload::guard_internal
