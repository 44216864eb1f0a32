// Guard detector: direct identifiers (block).
//  - NHS number: 10 digits (or 3-3-4 groups) with a valid modulus-11 check digit;
//  - National Insurance number: 2 prefix letters (official exclusions), 6
//    digits (together or in pairs, as on the card), optional suffix A-D;
//  - UK phone number: 11 digits from 01, 02, 03, 07 or 08, or 12 digits from
//    44 then 1, 2, 3, 7 or 8, in any digit groups; the international forms
//    0044 7700... (14 digits) and 44 (0)7700... (13 digits) too.
// Digit groups with one separator between them count as one sequence.
#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

constexpr std::string_view kNhsMessage = "an NHS number";
constexpr std::string_view kNinoMessage = "a National Insurance number";
constexpr std::string_view kPhoneMessage = "a phone number";

bool valid_nhs(const char* d) {
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) return false;
    return check == d[9] - '0';
}

bool phone_lead(char c) {
    return c == '1' || c == '2' || c == '3' || c == '7' || c == '8';
}

bool valid_phone(const char* d, std::size_t count) {
    if (count == 11) return d[0] == '0' && phone_lead(d[1]);
    if (count == 12) return d[0] == '4' && d[1] == '4' && phone_lead(d[2]);
    // 44 (0)7700 900123, 0044 7700 900123
    if (count == 13) return d[0] == '4' && d[1] == '4' && d[2] == '0' && phone_lead(d[3]);
    if (count == 14)
        return d[0] == '0' && d[1] == '0' && d[2] == '4' && d[3] == '4' && phone_lead(d[4]);
    return false;
}

// Digit run k+1 follows run k across exactly one separator.
bool joined(const IdScan& scan, std::size_t k) {
    const Span a = scan.digit_runs[k], b = scan.digit_runs[k + 1];
    return b.begin == a.end + 1 && is_separator(scan.id[a.end]);
}

[[gnu::noinline]] void numbers(const IdScan& scan, Hits& hits) {
    const std::size_t runs = scan.digit_runs.size();
    for (std::size_t a = 0; a < runs; ++a) {
        char digits[14];
        std::size_t count = 0;
        for (std::size_t b = a; b < runs; ++b) {
            if (b > a && !joined(scan, b - 1)) break;
            const Span run = scan.digit_runs[b];
            if (count + run.size() > sizeof digits) break;
            for (std::uint32_t i = run.begin; i < run.end; ++i) digits[count++] = scan.id[i];
            const Span span{scan.digit_runs[a].begin, run.end};
            const std::size_t groups = b - a + 1;
            if (count == 10 && valid_nhs(digits)) {
                const bool grouped =
                    groups == 1 || (groups == 3 && scan.digit_runs[a].size() == 3 &&
                                    scan.digit_runs[a + 1].size() == 3);
                if (grouped)
                    hits.push(Hit{FindingKind::identifier, Severity::block, span, kNhsMessage, 0});
            }
            // (44-07700-900222 once, not also as 07700-900222)
            if (valid_phone(digits, count) && !overlaps_kind(hits, FindingKind::identifier, span))
                hits.push(Hit{FindingKind::identifier, Severity::block, span, kPhoneMessage, 0});
        }
    }
}

bool nino_prefix(std::string_view p) {
    static constexpr std::string_view kNotFirst = "dfiquv";
    static constexpr std::string_view kNotSecond = "dfioquv";
    if (kNotFirst.find(p[0]) != std::string_view::npos) return false;
    if (kNotSecond.find(p[1]) != std::string_view::npos) return false;
    for (std::string_view bad : {"bg", "gb", "nk", "kn", "tn", "nt", "zz"})
        if (p == bad) return false;
    return true;
}

[[gnu::noinline]] void national_insurance(const IdScan& scan, const GuardState& state, Hits& hits) {
    const auto n = static_cast<std::uint32_t>(scan.id.size());
    const std::size_t runs = scan.digit_runs.size();
    for (Span prefix : scan.letter_runs) {
        if (prefix.size() != 2 || !nino_prefix(scan.low(prefix))) continue;
        // The organisation's own prefixes (a service code SN, an allowed
        // word) are its serials; a built-in allowed word (nr, sn) is not enough.
        if (state.org.lookup(scan.low(prefix)) & (kOrgAllowed | kServiceCode)) continue;
        std::uint32_t p = prefix.end;
        if (p < n && is_separator(scan.id[p])) ++p;
        std::size_t r = 0;
        while (r < runs && scan.digit_runs[r].begin != p) ++r;
        if (r == runs) continue;
        std::size_t total = scan.digit_runs[r].size();
        std::size_t last = r;
        while (total < 6 && last + 1 < runs && joined(scan, last))
            total += scan.digit_runs[++last].size();
        if (total != 6 || (last + 1 < runs && joined(scan, last))) continue;
        // The digits as a card groups them: all six together, or in pairs
        // (AB 12 34 56 C). Two and four (AY25-0935) is a code's grouping.
        bool as_card = true;
        for (std::size_t k = r; k <= last && last != r; ++k)
            as_card &= scan.digit_runs[k].size() == 2;
        if (!as_card) continue;
        std::uint32_t end = scan.digit_runs[last].end;
        // Suffix A-D, touching or after one separator.
        std::uint32_t s = end;
        if (s < n && is_separator(scan.id[s])) ++s;
        if (s < n && is_letter(scan.id[s])) {
            std::uint32_t letters_end = s;
            while (letters_end < n && is_letter(scan.id[letters_end])) ++letters_end;
            const bool suffix =
                letters_end - s == 1 && scan.lower[s] >= 'a' && scan.lower[s] <= 'd';
            if (suffix)
                end = letters_end;
            else if (s == end)
                continue;  // other letters glued to the digits: not this shape
        }
        // Without its suffix letter, only as written on a card: upper case,
        // starting the ID or a segment (a lower-case hex code such as
        // bb799118 has this shape by chance).
        const bool has_suffix = end > scan.digit_runs[last].end;
        const bool card_form = is_upper(scan.id[prefix.begin]) &&
                               is_upper(scan.id[prefix.begin + 1]) &&
                               (prefix.begin == 0 || is_separator(scan.id[prefix.begin - 1]));
        if (!has_suffix && !card_form) continue;
        hits.push(Hit{FindingKind::identifier, Severity::block, Span{prefix.begin, end},
                      kNinoMessage, 0});
    }
}

}  // namespace

void detect_identifiers(const IdScan& scan, const GuardState& state, Hits& hits) {
    if (scan.digit_count < 6) return;  // the shortest is a National Insurance number
    // NHS: 10 digits, phones: 11 or 12; National Insurance: 2 letters first.
    if (scan.digit_count >= 10 || scan.reference) numbers(scan, hits);
    if (scan.letters_2 || scan.reference) national_insurance(scan, state, hits);
}

}  // namespace caseload::guard_internal
