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
#include <bit>
#include <cstdint>

#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

#include "guard_name_model.inc"

constexpr std::string_view kUnknownNameMessage = "looks like a name (not in the lists)";

// Thresholds of the model, in tenths of a nat a letter (tools/make_lexicon.py
// prints how random letters and held-out names score): a name-like run
// explains its letters; a strong one in a plain ID blocks.
constexpr int kLikeRandom = 5, kLikeWords = -2;         // reads as a name
constexpr int kStrongRandom = 8, kStrongWords = 2;      // blocks in a plain ID

std::uint64_t bits_of(Span s) {
    return span_bits(s);
}

// The letters of the ID (up to 64 characters) as bits.
std::uint64_t letter_bits(const IdScan& scan) {
    std::uint64_t m = 0;
    for (Span run : scan.letter_runs) m |= bits_of(run);
    return m;
}

// A case token or letter run edge at position p of a letter run (p may be
// the run's begin or end): the letters on either side are not one word.
bool edge_at(const IdScan& scan, std::uint32_t p) {
    if (p == 0 || p >= scan.id.size()) return true;
    if (!is_letter(scan.id[p - 1]) || !is_letter(scan.id[p])) return true;
    return scan.mixed_case && scan.case_splits_known ? ((scan.case_splits >> p) & 1u) != 0
                                                     : scan.mixed_case && is_upper(scan.id[p]) &&
                                                           is_lower(scan.id[p - 1]);
}

// Title case: an upper-case letter, then lower case only (Sarah), in an ID
// with both cases.
bool title_case(const IdScan& scan, Span s) {
    if (!scan.mixed_case || s.size() < 2 || !is_upper(scan.id[s.begin])) return false;
    for (std::uint32_t i = s.begin + 1; i < s.end; ++i)
        if (!is_lower(scan.id[i])) return false;
    return true;
}

struct Groups {
    std::uint64_t random = 0;      // letters that read as nothing
    std::uint64_t initials = 0;    // an initial beside a name
    std::uint64_t name_like = 0;   // runs the model reads as names
};

// The unexplained letters of the ID, sorted into initials, name-like runs
// and the rest (random).
Groups sort_unexplained(const IdScan& scan, std::uint64_t unexplained, const NameMatch* matches,
                        std::size_t count) {
    Groups g;
    int initial_groups = 0;
    for (std::uint64_t rest = unexplained; rest;) {
        const auto begin = static_cast<std::uint32_t>(std::countr_zero(rest));
        const auto end = static_cast<std::uint32_t>(std::countr_zero(~(rest >> begin))) + begin;
        const Span group{begin, end};
        rest &= ~bits_of(group);
        if (group.size() >= 3 && edge_at(scan, group.begin) && edge_at(scan, group.end)) {
            const NameLikeness like = name_likeness(scan.low(group));
            if (like.vs_random >= kLikeRandom && like.vs_words >= kLikeWords) {
                g.name_like |= bits_of(group);
                continue;
            }
        }
        bool initial = false;
        if (group.size() <= 2) {
            for (std::size_t i = 0; i < count && !initial; ++i) {
                const Span m = matches[i].span;
                const std::uint32_t letters = m.size() - scan.digits_in(m);
                if (group.size() == 2 && letters < 5) continue;  // jbsmith, not xqdave
                // Touching (rharvey, FratilaL) or one separator apart, the
                // group a whole letter run (k.hoeger8, E.GOLDNER, hoeger.k).
                const bool whole = edge_at(scan, group.begin) && edge_at(scan, group.end);
                initial = group.end == m.begin || group.begin == m.end ||
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

NameLikeness name_likeness(std::string_view low) {
    int a = 0, b = 0, vs_random = 0, vs_words = 0;
    auto step = [&](int c) {
        const int index = (a * 27 + b) * 27 + c - 1;
        vs_random += kNameVsRandom[index];
        vs_words += kNameVsWords[index];
        a = b;
        b = c;
    };
    for (char ch : low) step(static_cast<int>(letter_code(ch)));
    step(27);
    const int n = static_cast<int>(low.size()) + 1;
    return NameLikeness{vs_random / n, vs_words / n};
}

bool code_letters_outside(const IdScan& scan, const Hits& hits, Span except) {
    if (scan.id.size() > 64) return false;
    std::uint64_t explained = bits_of(except) | scan.allowed_letter.words[0];
    for (const Hit& hit : hits) explained |= bits_of(hit.span);
    for (std::uint64_t rest = letter_bits(scan) & ~explained; rest;) {
        const auto begin = static_cast<std::uint32_t>(std::countr_zero(rest));
        const auto end = static_cast<std::uint32_t>(std::countr_zero(~(rest >> begin))) + begin;
        const Span group{begin, end};
        rest &= ~bits_of(group);
        if (group.size() < 3 || name_likeness(scan.low(group)).vs_random < kLikeRandom) return true;
    }
    return false;
}

void weigh_names(const IdScan& scan, const Hits& hits, const NameMatch* matches, std::size_t count,
                 Weight* out) {
    if (scan.id.size() > 64) {  // (never a valid ID) every match counts
        for (std::size_t i = 0; i < count; ++i) out[i] = Weight::block;
        return;
    }
    std::uint64_t explained = 0;
    for (std::size_t i = 0; i < count; ++i) explained |= bits_of(matches[i].span);
    for (const Hit& hit : hits) explained |= bits_of(hit.span);
    explained |= scan.allowed_letter.words[0];
    const Groups g = sort_unexplained(scan, letter_bits(scan) & ~explained, matches, count);
    // One run of letters and nothing else (kubjgx): no digits, separators
    // or case to tell a name from a code.
    const bool letters_only = scan.digit_count == 0 && scan.alnum_runs.size() == 1 && !scan.mixed_case;
    for (std::size_t i = 0; i < count; ++i) {
        const Span m = matches[i].span;
        const std::uint8_t categories = matches[i].categories;
        const bool common = (categories & (kCommonName | kOrgNameEvidence)) != 0;
        const std::uint32_t letters = m.size() - scan.digits_in(m);
        const bool title = title_case(scan, m) && edge_at(scan, m.end);
        // Two matches that overlap, neither inside the other (zand, andy in
        // zandyz): letters read two ways, as in a code.
        bool straddles = false;
        for (std::size_t j = 0; j < count; ++j) {
            const Span o = matches[j].span;
            straddles |= j != i && m.overlaps(o) && !m.contains(o) && !o.contains(m);
        }
        if (m.size() == 3 && !title) {
            // Three letters: a whole token at an edge of its segment, beside
            // a short number (Amy04, tom-88), not inside a code (360abb51).
            Span segment = m;
            for (Span run : scan.alnum_runs)
                if (run.contains(m)) segment = run;
            const bool at_edge = m.begin == segment.begin || m.end == segment.end;
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
            const bool joined_initial =
                (m.begin > 0 && ((g.initials >> (m.begin - 1)) & 1u)) || ((g.initials >> m.end) & 1u);
            const bool weak = !title && ((joined_initial && letters <= 5 && (!common || letters_only)) ||
                                         (!common && letters <= 4));
            out[i] = weak ? Weight::warn : Weight::block;
        } else if ((title && letters >= 4) || letters >= 7) {
            out[i] = Weight::block;
        } else if (letters >= 5 && edge_at(scan, m.begin) && edge_at(scan, m.end)) {
            out[i] = Weight::warn;
        } else {
            out[i] = Weight::drop;
        }
    }
}

void detect_unknown_names(const IdScan& scan, const GuardState& state, Hits& hits) {
    if (!scan.letters_over_3 || scan.id.size() > 64) return;
    // What the other detectors explained, and the letters left.
    std::uint64_t explained = scan.allowed_letter.words[0];
    for (const Hit& hit : hits) explained |= bits_of(hit.span);
    const std::uint64_t letters = letter_bits(scan);
    // Candidates: whole tokens of 4+ letters that nothing explains.
    SmallList<Span, 32> tokens;
    std::uint64_t left = letters & ~explained;
    for (Span run : scan.letter_runs) {
        if ((bits_of(run) & explained) != 0) continue;
        Tokens parts;
        case_tokens(scan, run, parts);
        for (Span t : parts) {
            if (t.size() < 4) continue;
            if (scan.suffix_categories(t.begin) & (kRoomWord | kStreetWord | kAllowedWord)) continue;
            if (state.is_allowed(scan.lexicon, scan.low(t))) continue;
            tokens.push(t);
        }
    }
    if (tokens.empty()) return;
    for (Span t : tokens) {
        const NameLikeness like = name_likeness(scan.low(t));
        if (like.vs_random < kLikeRandom || like.vs_words < kLikeWords) continue;
        // Plain: every other letter explained or itself name-like; the ID
        // has something besides this run (digits, a separator, a case change).
        std::uint64_t others = left & ~bits_of(t);
        bool plain = true;
        for (Span u : tokens)
            if (!(u == t)) others &= ~bits_of(u);
        plain = std::popcount(others) <= 1;
        const bool alone = t.begin == 0 && t.end == scan.id.size();
        const bool strong = plain && !alone && like.vs_random >= kStrongRandom &&
                            like.vs_words >= kStrongWords;
        hits.push(Hit{FindingKind::name, strong ? Severity::block : Severity::warn, t,
                      kUnknownNameMessage, 0});
    }
}

}  // namespace caseload::guard_internal
