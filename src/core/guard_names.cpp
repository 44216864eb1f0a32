// Guard detector: names (given names, surnames, nicknames, the organisation's
// own names), and the real name given to check_with_name.
//
// Tokens come from separators, case changes and letter/digit boundaries.
// Names of 4+ letters are also found inside longer letter runs (one trie walk
// per start position); 3-letter names count as whole tokens only. Digits
// standing in for letters (J0hn5mith) are undone on the same walk over each
// letters-and-digits run; a match with digits is kept only with at least 2
// real letters and more letters than digits, and, when weak (fewer than 4
// letters, or a digit for every 2 letters), only as a person would type it
// (see walk_runs): random codes (9MGC-D3NG) must stay clean.
// tidy() then keeps the names a person would name (John and Smith in
// JohnSmith, not Johns; Robertson, not Robert inside it).
#include <algorithm>

#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

constexpr const char* kOrgNameMessage = "a name of your organisation's list";
constexpr const char* kRealNameMessage = "the name you gave";
constexpr const char* kRealInitialsMessage = "the initials of the name you gave";

const char* lexicon_name_message(std::uint8_t categories) {
    const bool given = (categories & kGivenName) != 0;
    const bool surname = (categories & kSurname) != 0;
    if (given && surname) return "a name";
    if (given) return "a given name";
    if (surname) return "a surname";
    return "a nickname";
}

struct Candidate {
    Span span;
    const char* message;
};
using Candidates = SmallList<Candidate, 80>;
using SpanList = SmallList<Span, 80>;

// As leet_walk for text without the digit 1 (no branching): a plain loop the
// compiler can inline with its callback.
template <class Trie, class OnMatch>
inline void straight_walk(const Trie& trie, std::string_view text, std::size_t pos,
                          std::uint32_t node, int letters, int digits, OnMatch& on_match) {
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (is_digit(c)) {
            ++digits;
            node = trie.child(node, leet_letters(c)[0]);
        } else {
            ++letters;
            node = trie.child(node, c);
        }
        if (node == 0) return;
        if (auto f = trie.flags(node)) on_match(pos + 1, f, letters, digits);
    }
}

// Walks `trie` along text[pos...] reading each digit as the letters it may
// stand for (1 is i or l: the walk branches). Calls
// on_match(end, flags, letters, digits) at every entry reached.
template <class Trie, class OnMatch>
void leet_walk(const Trie& trie, std::string_view text, std::size_t pos, std::uint32_t node,
               int letters, int digits, OnMatch& on_match) {
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (is_digit(c)) {
            std::string_view options = leet_letters(c);
            ++digits;
            if (options.size() > 1) {
                if (std::uint32_t alt = trie.child(node, options[1])) {
                    if (auto f = trie.flags(alt)) on_match(pos + 1, f, letters, digits);
                    leet_walk(trie, text, pos + 1, alt, letters, digits, on_match);
                }
            }
            node = trie.child(node, options[0]);
        } else {
            ++letters;
            node = trie.child(node, c);
        }
        if (node == 0) return;
        if (auto f = trie.flags(node)) on_match(pos + 1, f, letters, digits);
    }
}

// The letters-and-digits run around `span`.
Span alnum_run_of(const IdScan& scan, Span span) {
    for (Span run : scan.alnum_runs)
        if (run.contains(span)) return run;
    return span;
}

// True when everything in the letters-and-digits run around `span`, outside
// `inner`, is digits: the span stands as a word among numbers (Amy04, J0hn-22).
bool only_letters_among_digits(const IdScan& scan, Span span, Span inner) {
    const Span run = alnum_run_of(scan, span);
    for (std::uint32_t i = run.begin; i < run.end; ++i)
        if ((i < inner.begin || i >= inner.end) && !is_digit(scan.id[i])) return false;
    return true;
}

// True when every run of letters and digits other than `run` is digits, or
// letters of service codes and allowed words (set by letter_runs).
bool rest_is_plain(const IdScan& scan, Span run) {
    for (Span other : scan.alnum_runs) {
        if (other == run) continue;
        for (std::uint32_t i = other.begin; i < other.end; ++i)
            if (is_letter(scan.id[i]) && !scan.allowed_letter[i]) return false;
    }
    return true;
}

// Letter runs: a run that is a service code or allowed word gives no name
// (its letters are marked); 3-letter names count as whole tokens only: a
// case-change token (JunWang), a capitalised run (x7Tom), or a run that is the
// only letters among its digits (Amy04, tom-88), not three letters inside a
// random code (W8YC8FRY).
void letter_runs(IdScan& scan, const GuardState& state, Candidates& found) {
    const Lexicon& lexicon = scan.lexicon;
    auto whole_token = [&](Span token) {
        if (token.size() != 3) return;
        const std::string_view word = scan.low(token);
        const std::uint8_t categories = lexicon.lookup(word);
        const std::uint8_t flags = state.org.lookup(word);
        if ((categories & kAllowedWord) || (flags & (kOrgAllowed | kServiceCode))) return;
        if (categories & kAnyName)
            found.push({token, lexicon_name_message(categories)});
        else if (flags & kOrgName)
            found.push({token, kOrgNameMessage});
    };
    for (Span run : scan.letter_runs) {
        if (state.is_allowed(scan.lexicon, scan.low(run))) {
            for (std::uint32_t i = run.begin; i < run.end; ++i) scan.allowed_letter[i] = true;
            continue;
        }
        if (run.size() == 3) {
            const bool capitalised = is_upper(scan.id[run.begin]) &&
                                     is_lower(scan.id[run.begin + 1]) &&
                                     is_lower(scan.id[run.begin + 2]);
            if (capitalised || only_letters_among_digits(scan, run, run)) whole_token(run);
        } else if (run.size() > 3) {
            Tokens tokens;
            case_tokens(scan, run, tokens);
            if (tokens.size() > 1)
                for (Span token : tokens) whole_token(token);
        }
    }
}

// One walk per start position of each run of letters and digits, digits read
// as the letters they may stand for. A match without digits lies in a letter
// run: a name of 4+ letters anywhere, an allowed word (recorded, so that a
// name inside it is not a finding: Markham when "markham" is allowed), and
// the room and street words ending a run (for the address detector). A match
// with digits is a name only as the spec's digits-for-letters rule says.
template <class Trie>
void walk_runs(const Trie& lexicon, const CompactLexicon* pairs, IdScan& scan,
               const GuardState& state, const Hits& hits, Candidates& found, SpanList& allowed) {
    const bool org = (state.org.flags_of_any() & (kOrgName | kOrgAllowed | kServiceCode)) != 0;
    for (Span run : scan.alnum_runs) {
        bool letters_in_run = false, digits_in_run = false;
        for (std::uint32_t i = run.begin; i < run.end; ++i)
            (is_letter(scan.id[i]) ? letters_in_run : digits_in_run) = true;
        if (!letters_in_run) continue;
        // A service code or allowed word on its own (HOM in HOM-0042) has nothing to find.
        if (!digits_in_run && scan.allowed_letter[run.begin]) continue;
        const std::string_view low = scan.low(run);
        std::uint32_t start = 0;
        // Whether a match with digits counts as a name.
        auto accept = [&](Span match, int letters, int digits) {
            if (letters < 2 || letters <= digits) return false;
            if (match.size() < 3) return false;
            // A weak match (fewer than 4 letters, or a digit for every 2
            // letters: J0hn, G0YA1) could be chance in a random code
            // (H0D1NG8V, 9MGC-D3NG). It counts when it shows lowercase
            // letters, as a person types and an upper-case code never does
            // (J0hn5mith, Pr1ya), or when it stands as a word among nothing
            // but numbers and allowed words (0MAR-7, HOM-T0M-5, J0HN22).
            // Three characters count as whole tokens only: the whole run (T0m-5,
            // not AB1 in AB123).
            if (match.size() == 3 && match != run) return false;
            // Digits already explained (a postcode, an NHS number...) make no name.
            if (overlaps_block(hits, match)) return false;
            if (letters < 4 || letters < 2 * digits) {
                // It starts a token: the run, a change of case, letters after digits.
                const std::uint32_t p = match.begin;
                const bool token_start = p == run.begin || case_split_at(scan, run, p) ||
                                         (is_letter(scan.id[p]) && is_digit(scan.id[p - 1]));
                if (!token_start) return false;
                bool lowercase = false;
                for (std::uint32_t i = match.begin; i < match.end; ++i)
                    lowercase |= is_lower(scan.id[i]);
                if (!lowercase &&
                    !(only_letters_among_digits(scan, run, match) && rest_is_plain(scan, run)))
                    return false;
            }
            // Letters that all belong to a service code or allowed word
            // ("REC3") do not make a name.
            for (std::uint32_t i = match.begin; i < match.end; ++i)
                if (is_letter(scan.id[i]) && !scan.allowed_letter[i]) return true;
            return false;
        };
        auto on_lexicon = [&](std::size_t end, std::uint8_t categories, int letters, int digits) {
            const Span match{run.begin + start, run.begin + static_cast<std::uint32_t>(end)};
            if (digits == 0) {
                if (match.end == run.end || is_digit(scan.id[match.end])) {
                    scan.suffix_categories[match.begin] = categories;
                    scan.suffix_any |= categories;
                }
                if (scan.allowed_letter[match.begin]) return;
                if ((categories & kAllowedWord) && match.size() >= 3) allowed.push(match);
                if ((categories & kAnyName) && match.size() >= 4)
                    found.push({match, lexicon_name_message(categories)});
            } else if ((categories & kAnyName) && accept(match, letters, digits)) {
                found.push({match, lexicon_name_message(categories)});
            }
        };
        auto on_org = [&](std::size_t end, std::uint8_t flags, int letters, int digits) {
            const Span match{run.begin + start, run.begin + static_cast<std::uint32_t>(end)};
            if (digits == 0) {
                if (scan.allowed_letter[match.begin]) return;
                if ((flags & (kOrgAllowed | kServiceCode)) && match.size() >= 3)
                    allowed.push(match);
                if ((flags & kOrgName) && match.size() >= 4) found.push({match, kOrgNameMessage});
            } else if ((flags & kOrgName) && accept(match, letters, digits)) {
                found.push({match, kOrgNameMessage});
            }
        };
        const auto size = static_cast<std::uint32_t>(low.size());
        const bool branches = low.find('1') != std::string_view::npos;  // 1 is i or l
        for (start = 0; start < size; ++start) {
            // Two letters at once from the pair table, when there is one.
            if (pairs && start + 1 < size && is_lower(low[start]) && is_lower(low[start + 1])) {
                if (const std::uint32_t node = pairs->pair(low[start], low[start + 1])) {
                    if (auto f = lexicon.flags(node)) on_lexicon(start + 2, f, 2, 0);
                    if (branches)
                        leet_walk(lexicon, low, start + 2, node, 2, 0, on_lexicon);
                    else
                        straight_walk(lexicon, low, start + 2, node, 2, 0, on_lexicon);
                }
            } else if (branches) {
                leet_walk(lexicon, low, start, 0, 0, 0, on_lexicon);
            } else {
                straight_walk(lexicon, low, start, 0, 0, 0, on_lexicon);
            }
            if (org && state.org.may_start(low[start]))
                leet_walk(state.org, low, start, 0, 0, 0, on_org);
        }
    }
}

// Keeps the findings a person would name: "John" and "Smith" in JohnSmith
// (not "Johns"), "Robertson" (not "Robert" inside it), "Smith" in Smith5 (not
// "Smith5" read as "smiths").
void tidy(const IdScan& scan, Candidates& found, const SpanList& allowed) {
    const std::size_t n = found.size();
    std::array<bool, 80> drop{};
    for (std::size_t i = 0; i < n; ++i) {
        const Span s = found[i].span;
        for (std::size_t j = 0; j < i && !drop[i]; ++j)
            if (!drop[j] && found[j].span == s) drop[i] = true;  // same span: first wins
        for (const Span& a : allowed)
            if (a.contains(s)) drop[i] = true;  // a name inside an allowed word
    }
    if (n == 1) {
        found.erase_if_marked(drop.data());
        return;
    }
    // How many remaining matches cover each position.
    std::array<std::uint8_t, kMaxScan> cover{};
    for (std::size_t i = 0; i < n; ++i)
        if (!drop[i])
            for (std::uint32_t p = found[i].span.begin; p < found[i].span.end; ++p) ++cover[p];
    auto remove = [&](std::size_t i) {
        drop[i] = true;
        for (std::uint32_t p = found[i].span.begin; p < found[i].span.end; ++p) --cover[p];
    };
    // Every position of x (a remaining match), or its letters only, covered by another.
    auto covered = [&](Span x, bool letters_only) {
        for (std::uint32_t p = x.begin; p < x.end; ++p)
            if (cover[p] < 2 && !(letters_only && is_digit(scan.id[p]))) return false;
        return true;
    };
    // Changes of case inside a span: JohnSmith has one between n and S.
    std::array<std::uint8_t, kMaxScan + 1> splits_before{};  // splits at positions < p
    if (scan.mixed_case) {
        const Span whole{0, static_cast<std::uint32_t>(scan.id.size())};
        for (std::uint32_t p = 1; p <= whole.end; ++p)
            splits_before[p] = static_cast<std::uint8_t>(
                splits_before[p - 1] + (p - 1 > 0 && p - 1 < whole.end &&
                                        is_letter(scan.id[p - 2]) && is_letter(scan.id[p - 1]) &&
                                        case_split_at(scan, whole, p - 1)));
    }
    auto crosses_case = [&](Span x) {
        return splits_before[x.end] - splits_before[x.begin + 1] > 0;
    };
    auto split_at = [&](std::uint32_t p) { return splits_before[p + 1] - splits_before[p] > 0; };

    std::array<std::uint8_t, 80> order;  // longest first
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t k = i;
        for (; k > 0 && found[order[k - 1]].span.size() < found[i].span.size(); --k)
            order[k] = order[k - 1];
        order[k] = static_cast<std::uint8_t>(i);
    }
    // A match that only adds digits to others: "Smith5" read as "smiths" over
    // "Smith", "dad4" over "Haddad" in Haddad4.
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = order[k];
        if (drop[i]) continue;
        bool digits = false;
        for (std::uint32_t p = found[i].span.begin; p < found[i].span.end; ++p)
            digits |= is_digit(scan.id[p]);
        if (digits && covered(found[i].span, true)) remove(i);
    }
    if (scan.mixed_case) {
        // A match across a change of case, covered by matches that are not
        // ("SelinA" and "lina" in SelinArslan, over "Selin" and "Arslan").
        std::array<bool, 80> crosses{};
        std::array<std::uint8_t, kMaxScan> plain_cover{};
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i]) continue;
            crosses[i] = crosses_case(found[i].span);
            if (!crosses[i])
                for (std::uint32_t p = found[i].span.begin; p < found[i].span.end; ++p)
                    ++plain_cover[p];
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i] || !crosses[i]) continue;
            bool all = true;
            for (std::uint32_t p = found[i].span.begin; p < found[i].span.end && all; ++p)
                all = plain_cover[p] > 0;
            if (all) remove(i);
        }
        // A match that runs on across a change of case by one letter past
        // another match ("mirA" over "Demir" in DemirA, "akerS" in BakerSt).
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i] || !crosses[i]) continue;
            const Span x = found[i].span;
            if (x.size() < 2 || !is_letter(scan.id[x.end - 2]) || !split_at(x.end - 1)) continue;
            if (covered(Span{x.begin, x.end - 1}, false)) remove(i);
        }
    }
    // A match that straddles two others and is covered by the rest ("johns"
    // in johnsmith). Shortest first.
    for (std::size_t k = n; k-- > 0;) {
        const std::size_t i = order[k];
        if (drop[i]) continue;
        const Span x = found[i].span;
        bool straddles = false;
        for (std::size_t j = 0; j < n && !straddles; ++j) {
            if (j == i || drop[j]) continue;
            const Span y = found[j].span;
            straddles = x.overlaps(y) && !x.contains(y) && !y.contains(x);
        }
        if (straddles && covered(x, false)) remove(i);
    }
    // A match inside a longer one ("Robert" in "Robertson"), unless the
    // longer one only runs on across a change of case into the next token
    // ("John" in "JohnS-01"; but "OConnor" and "McDonald" stay whole).
    for (std::size_t i = 0; i < n; ++i) {
        if (drop[i]) continue;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || drop[j]) continue;
            const Span outer = found[j].span, inner = found[i].span;
            if (!outer.contains(inner) || outer == inner) continue;
            if (outer.begin == inner.begin && crosses_case(outer) && !crosses_case(inner)) {
                drop[j] = true;
            } else {
                drop[i] = true;
                break;
            }
        }
    }
    found.erase_if_marked(drop.data());
}

// Latin letters with diacritics (U+00C0..U+017F) folded to a-z; '_' when not a letter.
constexpr std::string_view kLatinFold =
    "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_ouuuuyty"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllll"
    "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

}  // namespace

void detect_names(IdScan& scan, const GuardState& state, Hits& hits) {
    Candidates found;
    SpanList allowed;
    letter_runs(scan, state, found);
    if (const CompactLexicon* fast = scan.lexicon.fast())
        walk_runs(*fast, fast->has_pairs() ? fast : nullptr, scan, state, hits, found, allowed);
    else
        walk_runs(EmbeddedLexicon{}, nullptr, scan, state, hits, found, allowed);
    if (found.empty()) return;
    tidy(scan, found, allowed);
    for (const Candidate& c : found)
        hits.push(Hit{FindingKind::name, Severity::block, c.span, c.message, 0});
}

NameParts::~NameParts() {
    volatile char* p = chars.data();
    for (std::size_t i = 0; i < chars.size(); ++i) p[i] = 0;
}

void split_real_name(std::string_view real_name, NameParts& out) {
    std::size_t word_start = out.used;
    std::size_t piece_start = out.used;
    bool has_pieces = false;
    auto end_piece = [&]() {
        if (out.used - piece_start >= 3 && has_pieces)
            out.searched.push(
                std::string_view(out.chars.data() + piece_start, out.used - piece_start));
        piece_start = out.used;
    };
    auto end_word = [&]() {
        end_piece();
        const std::size_t length = out.used - word_start;
        if (length >= 2) {
            std::string_view word(out.chars.data() + word_start, length);
            out.parts.push(word);
            if (length >= 3) out.searched.push(word);
        }
        word_start = piece_start = out.used;
        has_pieces = false;
    };
    auto put = [&](char c) {
        if (out.used < out.chars.size()) out.chars[out.used++] = c;
    };
    for (std::size_t i = 0; i < real_name.size(); ++i) {
        const auto c = static_cast<unsigned char>(real_name[i]);
        if (is_letter(static_cast<char>(c))) {
            put(static_cast<char>(is_upper(static_cast<char>(c)) ? c - 'A' + 'a' : c));
        } else if (c == '\'' || c == '`') {
            end_piece();  // O'Connor: "oconnor", also "connor"
            has_pieces = true;
        } else if (c == 0xE2 && i + 2 < real_name.size() &&
                   static_cast<unsigned char>(real_name[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(real_name[i + 2]) == 0x98 ||
                    static_cast<unsigned char>(real_name[i + 2]) == 0x99)) {
            end_piece();  // typographic apostrophes
            has_pieces = true;
            i += 2;
        } else if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < real_name.size()) {
            const auto next = static_cast<unsigned char>(real_name[i + 1]);
            const unsigned code = ((c & 0x1Fu) << 6) | (next & 0x3Fu);
            if (code >= 0xC0 && code < 0x180 && kLatinFold[code - 0xC0] != '_') {
                put(kLatinFold[code - 0xC0]);
                ++i;
            } else {
                end_word();
            }
        } else if (c >= 0x80) {
            // Other non-ASCII: skip the whole sequence; it ends the word.
            end_word();
            while (i + 1 < real_name.size() &&
                   (static_cast<unsigned char>(real_name[i + 1]) & 0xC0) == 0x80)
                ++i;
        } else {
            end_word();
        }
    }
    end_word();
}

void detect_real_name(const IdScan& scan, const NameParts& name, Hits& hits) {
    Candidates found;
    for (std::string_view part : name.searched) {
        const auto length = static_cast<std::uint32_t>(part.size());
        // As written in letters, anywhere in a letter run.
        for (Span run : scan.letter_runs) {
            const std::string_view low = scan.low(run);
            for (std::size_t at = low.find(part); at != std::string_view::npos;
                 at = low.find(part, at + 1)) {
                const auto from = run.begin + static_cast<std::uint32_t>(at);
                found.push({Span{from, from + length}, kRealNameMessage});
            }
        }
        // With digits for letters, inside a run of letters and digits.
        for (Span run : scan.alnum_runs) {
            const std::string_view low = scan.low(run);
            for (std::size_t at = 0; at + length <= low.size(); ++at) {
                int letters = 0, digits = 0;
                bool match = true;
                for (std::size_t k = 0; k < length && match; ++k) {
                    const char c = low[at + k];
                    if (is_digit(c)) {
                        ++digits;
                        match = leet_letters(c).find(part[k]) != std::string_view::npos;
                    } else {
                        ++letters;
                        match = c == part[k];
                    }
                }
                if (match && digits >= 1 && letters >= 2 && letters > digits) {
                    const auto from = run.begin + static_cast<std::uint32_t>(at);
                    found.push({Span{from, from + length}, kRealNameMessage});
                }
            }
        }
    }
    if (found.empty()) return;
    tidy(scan, found, SpanList{});
    for (const Candidate& c : found)
        hits.push(Hit{FindingKind::name, Severity::block, c.span, c.message, 1});
}

void detect_real_initials(const IdScan& scan, const NameParts& name, Hits& hits) {
    const std::size_t parts = name.parts.size();
    if (parts < 2) return;
    // All initials (jmb), first and last (jb), last and first (bj).
    std::array<char, NameParts::kMaxParts> all{};
    for (std::size_t i = 0; i < parts; ++i) all[i] = name.parts[i][0];
    const char first = name.parts[0][0], last = name.parts[parts - 1][0];
    const char first_last[2] = {first, last};
    const char last_first[2] = {last, first};
    const std::string_view wanted[3] = {std::string_view(all.data(), parts),
                                        std::string_view(first_last, 2),
                                        std::string_view(last_first, 2)};
    auto is_wanted = [&](std::string_view letters) {
        for (std::string_view w : wanted)
            if (letters == w) return true;
        return false;
    };
    const std::size_t runs = scan.letter_runs.size();
    for (std::size_t r = 0; r < runs; ++r) {
        const Span run = scan.letter_runs[r];
        if (run.size() >= 2 && is_wanted(scan.low(run))) {
            hits.push(Hit{FindingKind::initials, Severity::warn, run, kRealInitialsMessage, 1});
            continue;
        }
        if (run.size() != 1) continue;
        // Single letters in a row: J.B.7, J-M-B
        std::array<char, NameParts::kMaxParts> letters{};
        std::size_t count = 0;
        for (std::size_t k = r; k < runs && count < letters.size(); ++k) {
            const Span next = scan.letter_runs[k];
            if (next.size() != 1) break;
            letters[count++] = scan.lower[next.begin];
            if (count >= 2 && is_wanted(std::string_view(letters.data(), count))) {
                hits.push(Hit{FindingKind::initials, Severity::warn, Span{run.begin, next.end},
                              kRealInitialsMessage, 1});
                break;
            }
        }
    }
}

}  // namespace caseload::guard_internal
