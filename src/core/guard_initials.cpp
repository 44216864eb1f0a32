// Guard detector: initials (warn). An ID whose letters form only one or two
// groups (maximal letter runs, no case splitting) of 1-3 letters, and which
// has a digit, may carry a person's initials: JS-0042, 0042jb, J.B.7; so may
// three single letters one separator apart (D.J.R.44, j.s.b-0042). A group
// that is a service code or an allowed word (HOM-0042) is not initials, nor is
// one already explained by a blocking finding (a name, a postcode...).
// Also a single letter standing alone as a segment followed by a segment of
// three or more letters only, with or without digits (J-Zarkov-12, x.qwerty):
// an initial and a surname the lexicon does not know.
#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

constexpr std::string_view kInitialsMessage = "may be initials";
constexpr std::string_view kInitialAndSurnameMessage = "may be an initial and a surname";

// Whether a letter group is a service code or an allowed word.
[[gnu::always_inline]] inline bool allowed_group(const IdScan& scan, const GuardState& state,
                                                 Span group) {
    return scan.allowed_letters_known && !scan.reference
               ? scan.allowed_letter.test(group.begin)
               : state.is_allowed(scan.lexicon, scan.low(group));
}

// Whether the letter groups are where people put initials (issue 13): the
// whole alphabetic part at an edge of a segment (JS-0042, 0042jb, KM-318,
// REC-B12), single letters at the ends or alone (A7B,
// J-0042-S), groups that are segments of their own (ab-12-cd, LJ-88-K); and
// beside a short number (a serial of up to 4 digits) or a date. Not 2-3
// letters among the digits of a code (12QX-4567, 03322ceb, KTB9-SCN4).
bool plausible_initials(const IdScan& scan, const GuardState& state, const Hits& hits) {
    const auto n = static_cast<std::uint32_t>(scan.id.size());
    bool dated = false;
    for (const Hit& hit : hits) dated |= hit.kind == FindingKind::date;
    if (!dated)
        for (Span run : scan.digit_runs)
            if (run.size() > 4) return false;
    std::size_t groups = 0, singles = 0, segments = 0, ends = 0, edges = 0;
    // Digits glued to a group: a short number (GH7, JS85, AB123), or one
    // padded with zeros (PJ0091, lm0057); three letters glued to digits only
    // to a padded one. Not the run of a code (AL5766, NMI730).
    auto glued_ok = [&](Span group, std::uint32_t digit_at) {
        if (digit_at >= n || !is_digit(scan.id[digit_at]) || dated) return true;
        for (Span run : scan.digit_runs) {
            if (run.begin != digit_at && run.end != digit_at) continue;
            const bool padded = scan.id[run.begin] == '0';
            return padded || (group.size() <= 2 && run.size() <= 3);
        }
        return true;
    };
    for (Span group : scan.letter_runs) {
        if (allowed_group(scan, state, group)) continue;
        if (!glued_ok(group, group.end) || (group.begin > 0 && !glued_ok(group, group.begin - 1)))
            return false;
        const bool before = group.begin == 0 || is_separator(scan.id[group.begin - 1]);
        const bool after = group.end == n || is_separator(scan.id[group.end]);
        ++groups;
        singles += group.size() == 1;
        segments += before && after;
        edges += before || after;
        ends += group.begin == 0 || group.end == n;
    }
    if (groups == 1) return edges == 1;  // JS-0042, 0042jb, REC-B12
    if (groups == 2) return segments == 2 || (singles == 2 && segments + ends >= 2);
    return true;  // three single letters one separator apart (letter_groups)
}

// One or two groups of 1-3 letters among digits; three single letters.
[[gnu::noinline]] void letter_groups(const IdScan& scan, const GuardState& state, Hits& hits) {
    const std::size_t groups = scan.letter_runs.size();
    if (groups == 0 || scan.digit_runs.empty()) return;
    if (groups == 3) {
        // D.J.R.44: single letters, each one separator after the last.
        for (std::size_t k = 0; k < 3; ++k) {
            const Span group = scan.letter_runs[k];
            if (group.size() != 1) return;
            if (k > 0 && (group.begin != scan.letter_runs[k - 1].end + 1 ||
                          !is_separator(scan.id[group.begin - 1])))
                return;
        }
    } else if (groups > 2) {
        return;
    }
    if (scan.reference) {
        for (Span group : scan.letter_runs)
            if (group.size() > 3) return;
    } else if (scan.letters_over_3) {
        return;
    }
    if (!plausible_initials(scan, state, hits)) return;
    for (Span group : scan.letter_runs) {
        if (allowed_group(scan, state, group)) continue;
        if (overlaps_kind(hits, FindingKind::name, group) || overlaps_block(hits, group)) continue;
        hits.push(Hit{FindingKind::initials, Severity::warn, group, kInitialsMessage, 0});
    }
}

// J-Zarkov-12: a letter alone between separators (or at the start), one
// separator, then a segment of 3+ letters (digits after them or not:
// J.ROAF46), with a vowel (a
// surname has one; a random code such as X-KQMV-7 need not). Not when either
// is a service code or an allowed word (X-Case-7), a room or street word
// (X-Road), or already a finding of any kind (J-Smith is a name, X-Qwe-3
// initials, B-Wing-12 an address).
[[gnu::noinline]] void initial_and_word(const IdScan& scan, const GuardState& state, Hits& hits) {
    // Bit c: the letter of letter code c is a vowel (a, e, i, o, u, y).
    constexpr std::uint32_t kVowels = 1u << 1 | 1u << 5 | 1u << 9 | 1u << 15 | 1u << 21 | 1u << 25;
    const std::size_t runs = scan.letter_runs.size();
    const auto n = static_cast<std::uint32_t>(scan.id.size());
    for (std::size_t k = 0; k + 1 < runs; ++k) {
        const Span initial = scan.letter_runs[k];
        const Span word = scan.letter_runs[k + 1];
        // (One test: the runs of random codes make these hard to predict.)
        if (!((initial.size() == 1) & (word.size() >= 3) & (word.begin == initial.end + 1)))
            continue;
        if (!is_separator(scan.id[initial.end])) continue;  // J-Zarkov, not J7Zarkov
        if (initial.begin > 0 && !is_separator(scan.id[initial.begin - 1])) continue;
        // Letters, then digits or nothing (J.ROAF46; not J-Zarkov7X).
        std::uint32_t after = word.end;
        while (after < n && is_digit(scan.id[after])) ++after;
        if (after < n && !is_separator(scan.id[after])) continue;
        // Already a finding: a name (J-Smith), initials (X-Qwe-3), an address...
        const Span both{initial.begin, word.end};
        bool found = false;
        for (const Hit& hit : hits) found |= hit.span.overlaps(both);
        if (found) continue;
        if (allowed_group(scan, state, initial) || allowed_group(scan, state, word)) continue;
        if (scan.suffix_categories(word.begin) & (kRoomWord | kStreetWord)) continue;
        std::uint32_t vowels = 0;
        for (std::uint32_t i = word.begin; i < word.end; ++i)
            vowels |= kVowels >> letter_code(scan.lower[i]);
        if (!(vowels & 1u)) continue;
        hits.push(Hit{FindingKind::initials, Severity::warn, both, kInitialAndSurnameMessage, 0});
    }
}

}  // namespace

void detect_initials(const IdScan& scan, const GuardState& state, Hits& hits) {
    // (letter_groups' first tests, before its call: most IDs stop here.)
    // (One test, not four: the runs of random codes make each hard to predict.)
    const std::size_t groups = scan.letter_runs.size();
    const bool candidate =
        (groups - 1 < 3) & !scan.digit_runs.empty() & (scan.reference | !scan.letters_over_3);
    if (candidate) letter_groups(scan, state, hits);
    // (The name detector marks the IDs with a letter before a word, on both paths.)
    if (scan.initial_before_word) initial_and_word(scan, state, hits);
}

}  // namespace caseload::guard_internal
