// Guard detector: initials (warn). An ID whose letters form only one or two
// groups (maximal letter runs, no case splitting) of 1-3 letters, and which
// has a digit, may carry a person's initials: JS-0042, 0042jb, J.B.7; so may
// three single letters one separator apart (D.J.R.44, j.s.b-0042). A group
// that is a service code or an allowed word (HOM-0042) is not initials, nor is
// one already explained by a blocking finding (a name, a postcode...).
#include "guard_detectors.hpp"

namespace caseload::guard_internal {

constexpr std::string_view kInitialsMessage = "may be initials";

void detect_initials(const IdScan& scan, const GuardState& state, Hits& hits) {
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
    for (Span group : scan.letter_runs) {
        if (scan.allowed_letters_known && !scan.reference
                ? scan.allowed_letter.test(group.begin)
                : state.is_allowed(scan.lexicon, scan.low(group)))
            continue;
        if (overlaps_kind(hits, FindingKind::name, group) || overlaps_block(hits, group)) continue;
        hits.push(Hit{FindingKind::initials, Severity::warn, group, kInitialsMessage, 0});
    }
}

}  // namespace caseload::guard_internal
