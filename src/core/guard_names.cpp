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
// (see walk_runs): random codes (9MGC-D3NG) must stay clean. O', Mc and Mac
// with a separator for the apostrophe (O-Brien, Mc.Cann) are read joined
// (see separated_segments).
// tidy() then keeps the names a person would name (John and Smith in
// JohnSmith, not Johns; Robertson, not Robert inside it).
#include <algorithm>
#include <bit>
#include <cstring>

#include "guard_detectors.hpp"
#include "guard_lanes.hpp"

namespace caseload::guard_internal {

namespace {

constexpr std::string_view kOrgNameMessage = "a name of your organisation's list";
constexpr std::string_view kRealNameMessage = "the name you gave";
constexpr std::string_view kRealInitialsMessage = "the initials of the name you gave";

constexpr std::string_view lexicon_name_message_of(std::uint8_t categories) {
    const bool given = (categories & kGivenName) != 0;
    const bool surname = (categories & kSurname) != 0;
    if (given && surname) return "a name";
    if (given) return "a given name";
    if (surname) return "a surname";
    if (categories & kNickname) return "a nickname";
    return "a name";
}

// lexicon_name_message_of by the categories (7 bits), one load (read for
// every entry the walks find).
constexpr auto kLexiconNameMessages = [] {
    std::array<Message, 128> messages{};
    for (unsigned c = 0; c < 128; ++c)
        messages[c] = Message(lexicon_name_message_of(static_cast<std::uint8_t>(c)));
    return messages;
}();

Message lexicon_name_message(std::uint8_t categories) {
    return kLexiconNameMessages[categories & 0x7Fu];
}

struct Candidate {
    Span span;
    Message message;
    std::uint8_t categories;  // the lexicon's, or kOrgNameEvidence
};
using Candidates = SmallList<Candidate, 80>;
using SpanList = SmallList<Span, 80>;

// The lexicon's walk along low[pos, size) from `node` (IdScan::lower, by
// letter_code: a digit read as the first letter it may stand for). Calls
// on_match(end, categories) at every entry reached. No branching: for text
// without the digit 1.
template <class OnMatch>
inline void lexicon_walk(const char* low, std::size_t pos, std::size_t size, std::uint32_t node,
                         OnMatch& on_match) {
    const std::uint32_t* cells = embedded::kLexiconCells;
    std::uint32_t cell = cells[node];
    for (; pos < size; ++pos) {
        const unsigned code = letter_code(low[pos]);
        const std::uint32_t next_cell = cells[detail::lexicon_base(cell) + code];
        if (detail::lexicon_label(next_cell) != code) return;
        cell = next_cell;
        if (auto categories = detail::lexicon_categories(cell)) on_match(pos + 1, categories);
    }
}

// As lexicon_walk, reading the digit 1 as i or l (the walk branches), in the
// order of leet_walk: l first.
template <class OnMatch>
void lexicon_leet_walk(const char* low, std::size_t pos, std::size_t size, std::uint32_t node,
                       OnMatch& on_match) {
    constexpr unsigned kCodeL = 'l' - 'a' + 1;
    const std::uint32_t* cells = embedded::kLexiconCells;
    std::uint32_t cell = cells[node];
    for (; pos < size; ++pos) {
        if (low[pos] == '1') {
            if (const std::uint32_t alt = detail::lexicon_child_code(node, kCodeL)) {
                if (auto categories = detail::lexicon_categories(cells[alt]))
                    on_match(pos + 1, categories);
                lexicon_leet_walk(low, pos + 1, size, alt, on_match);
            }
        }
        const unsigned code = letter_code(low[pos]);
        const std::uint32_t next = detail::lexicon_base(cell) + code;
        const std::uint32_t next_cell = cells[next];
        if (detail::lexicon_label(next_cell) != code) return;
        node = next;
        cell = next_cell;
        if (auto categories = detail::lexicon_categories(cell)) on_match(pos + 1, categories);
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
            if (is_letter(scan.id[i]) && !scan.allowed_letter.test(i)) return false;
    }
    return true;
}

// The categories of the lexicon entry spelt by low[0, size) (lowercase
// letters: a letter run of IdScan::lower), or 0.
std::uint8_t lookup_letters(const char* low, std::size_t size) {
    const std::uint32_t* cells = embedded::kLexiconCells;
    std::uint32_t cell = cells[0];
    for (std::size_t i = 0; i < size; ++i) {
        const unsigned code = letter_code(low[i]);
        cell = cells[detail::lexicon_base(cell) + code];
        if (detail::lexicon_label(cell) != code) return 0;
    }
    return detail::lexicon_categories(cell);
}

// Letter runs: a run that is a service code or allowed word gives no name
// (its letters are marked); 3-letter names count as whole tokens only: a
// case-change token (JunWang), a capitalised run (x7Tom), or a run that is the
// only letters among its digits (Amy04, tom-88), not three letters inside a
// random code (W8YC8FRY).
void letter_runs(IdScan& scan, const GuardState& state, Candidates& found) {
    // As lexicon.lookup(scan.low(token)): a letter run or a token of one.
    auto lookup = [&](Span token) {
        return lookup_letters(scan.lower.data() + token.begin, token.size());
    };
    // A 3-letter token, `categories` its lexicon entry's.
    auto whole_token = [&](Span token, std::uint8_t categories) {
        const std::string_view word = scan.low(token);
        const std::uint8_t flags = state.org.lookup(word);
        if ((categories & kAllowedWord) || (flags & (kOrgAllowed | kServiceCode))) return;
        if (categories & kAnyName)
            found.push({token, lexicon_name_message(categories), categories});
        else if (flags & kOrgName)
            found.push({token, kOrgNameMessage, kOrgNameEvidence});
    };
    if (scan.reference) {
        // As first written: the reference of the tests.
        for (Span run : scan.letter_runs) {
            if (state.is_allowed(scan.lexicon, scan.low(run))) {
                scan.allowed_letter.set(run);
                continue;
            }
            if (run.size() == 3) {
                const bool capitalised = is_upper(scan.id[run.begin]) &&
                                         is_lower(scan.id[run.begin + 1]) &&
                                         is_lower(scan.id[run.begin + 2]);
                if (capitalised || only_letters_among_digits(scan, run, run))
                    whole_token(run, scan.lexicon.lookup(scan.low(run)));
            } else if (run.size() > 3) {
                Tokens tokens;
                case_tokens(scan, run, tokens);
                if (tokens.size() > 1)
                    for (Span token : tokens)
                        if (token.size() == 3)
                            whole_token(token, scan.lexicon.lookup(scan.low(token)));
            }
        }
        scan.allowed_letters_known = true;
        return;
    }
    const char* low = scan.lower.data();  // zeros after the end
    for (Span run : scan.letter_runs) {
        // As state.is_allowed(lexicon, low(run)): the lexicon's entry only
        // when an allowed word starts with the run's first three letters.
        const std::uint32_t size = run.size();
        std::uint8_t categories = 0;
        bool looked_up = false;
        if (size >= 2 && size <= Lexicon::longest_allowed()) {
            const char* first = low + run.begin;
            const std::uint32_t window = letter_code(first[0]) << 10 | letter_code(first[1]) << 5 |
                                         (size >= 3 ? letter_code(first[2]) : 0);
            if ((embedded::kLexiconAllowedStarts[window / 64] >> (window % 64)) & 1u) {
                categories = lookup(run);
                looked_up = true;
            }
        }
        if ((categories & kAllowedWord) ||
            (size <= state.org.longest_allowed() &&
             (state.org.lookup(scan.low(run)) & (kOrgAllowed | kServiceCode)))) {
            scan.allowed_letter.set(run);
            continue;
        }
        if (size == 3) {
            const bool capitalised = is_upper(scan.id[run.begin]) &&
                                     is_lower(scan.id[run.begin + 1]) &&
                                     is_lower(scan.id[run.begin + 2]);
            if (capitalised || only_letters_among_digits(scan, run, run))
                whole_token(run, looked_up ? categories : lookup(run));
        } else if (run.size() > 3 && scan.mixed_case) {  // one token without case changes
            Tokens tokens;
            case_tokens(scan, run, tokens);
            if (tokens.size() > 1)
                for (Span token : tokens)
                    if (token.size() == 3) whole_token(token, lookup(token));
        }
    }
    scan.allowed_letters_known = true;
}

// The walks of walk_runs over one run of letters and digits: what a lexicon
// or organisation entry found from `start` to `end` (run offsets) means.
class RunWalker {
  public:
    RunWalker(IdScan& scan, const Hits& hits, Candidates& found, SpanList& allowed, Span run)
        : scan_(scan), hits_(hits), found_(found), allowed_(allowed), run_(run) {}

    // A lexicon entry read from start to end: digits read as letters.
    [[gnu::noinline]] void on_lexicon(std::uint32_t start, std::uint32_t end,
                                      std::uint8_t categories) {
        const Span match{run_.begin + start, run_.begin + end};
        const auto digits = static_cast<int>(scan_.digits_in(match));
        if (digits == 0) {
            if (match.end == run_.end || is_digit(scan_.id[match.end]))
                scan_.set_suffix_categories(match.begin, categories);
            if (scan_.allowed_letter.test(match.begin)) return;
            if ((categories & kAllowedWord) && match.size() >= 3) allowed_.push(match);
            if ((categories & kAnyName) && match.size() >= 4)
                found_.push({match, lexicon_name_message(categories), categories});
        } else if ((categories & kAnyName) &&
                   accept(match, static_cast<int>(match.size()) - digits, digits)) {
            found_.push({match, lexicon_name_message(categories), categories});
        }
    }

    // An entry of the organisation's words.
    void on_org(std::uint32_t start, std::uint32_t end, std::uint8_t flags, int letters,
                int digits) {
        const Span match{run_.begin + start, run_.begin + end};
        if (digits == 0) {
            if (scan_.allowed_letter.test(match.begin)) return;
            if ((flags & (kOrgAllowed | kServiceCode)) && match.size() >= 3) allowed_.push(match);
            if ((flags & kOrgName) && match.size() >= 4)
                found_.push({match, kOrgNameMessage, kOrgNameEvidence});
        } else if ((flags & kOrgName) && accept(match, letters, digits)) {
            found_.push({match, kOrgNameMessage, kOrgNameEvidence});
        }
    }

  private:
    // Whether a match with digits counts as a name.
    bool accept(Span match, int letters, int digits) const {
        const IdScan& scan = scan_;
        const Span run = run_;
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
        if (overlaps_block(hits_, match)) return false;
        // In an ID of capitals only, as codes are written, digits stand for
        // letters only as O and I (J0HN22, MIL0-4), starting the run: not
        // 6RU1A3, 77BAN0, RIC7OR, NAD3NE (issue 13).
        bool any_lower = false;
        for (char c : scan.id) any_lower |= is_lower(c);
        if (!any_lower) {
            if (match.begin != run.begin) return false;
            for (std::uint32_t i = match.begin; i < match.end; ++i)
                if (is_digit(scan.id[i]) && scan.id[i] != '0' && scan.id[i] != '1') return false;
        }
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
            // A digit, as people put for a letter to hide a name (J0hn,
            // Pr1ya, Mart3n; in capitals 0 and 1 only: J0HN22), not any
            // digit of a code (4bbe6283, 8ZU2A7, 4aaf1487).
            // (Two in an ID of both cases, as a person types: Ho11y, P3t3r.)
            if (digits > (scan.mixed_case ? 2 : 1)) return false;
            for (std::uint32_t i = match.begin; i < match.end; ++i) {
                const char c = scan.id[i];
                if (is_digit(c) && c != '0' && c != '1' && (!lowercase || c != '3')) return false;
            }
        }
        // Letters that all belong to a service code or allowed word
        // ("REC3") do not make a name.
        for (std::uint32_t i = match.begin; i < match.end; ++i)
            if (is_letter(scan.id[i]) && !scan.allowed_letter.test(i)) return true;
        return false;
    }

    IdScan& scan_;
    const Hits& hits_;
    Candidates& found_;
    SpanList& allowed_;
    const Span run_;
};

// Where the walks of walk_from_starts end, for a run of letters and digits in
// an ID without lower case letters. There a match with a digit counts only
// from the start of the run, and only with the digits 0 and 1 (RunWalker's
// accept: J0HN22, not 6RU1A3): a walk from any other start ends at the first
// digit, and the walk from the start at the first digit other than 0 and 1.
// What they find without those digits is all that was ever kept (issue 13:
// half the random codes' walks ran on through digits read as letters).
// Without stops (an ID with lower case), every walk runs to the run's end.
struct WalkEnds {
    std::uint32_t size;
    std::uint64_t stops = 0;        // bit p: a digit (walks from 1...)
    std::uint64_t first_stops = 0;  // bit p: a digit other than 0 and 1 (the walk from 0)

    // `digits`: bit p for a digit at text[p] (none: no stops).
    WalkEnds(const char* text, std::uint32_t run_size, std::uint64_t digits)
        : size(run_size), stops(digits), first_stops(digits) {
        for (; digits; digits &= digits - 1) {
            const int p = std::countr_zero(digits);
            const bool zero_or_one = static_cast<unsigned char>(text[p] - '0') < 2;
            first_stops &= ~(std::uint64_t{zero_or_one} << p);  // (no branch: random digits)
        }
    }
    // The end of the walk from `start`.
    std::uint32_t of(std::uint32_t start) const {
        if (!stops) return size;  // (first_stops within stops)
        const std::uint64_t ahead = (start == 0 ? first_stops : stops) >> start;
        return ahead ? start + static_cast<std::uint32_t>(std::countr_zero(ahead)) : size;
    }
    // The starts whose walk ends before it has two letters (no entry has one).
    std::uint64_t short_starts() const {
        return ((stops | stops >> 1) & ~std::uint64_t{1}) | ((first_stops & 3u) ? 1u : 0u);
    }
    // Only the walk from 0 may read a digit (as a letter).
    bool only_first_reads_digits() const { return stops != 0; }
};

// The categories that make an entry worth giving to RunWalker::on_lexicon,
// besides a suffix's (an entry ending the run or its letters before a
// digit): an allowed word of 3+ letters; a name of 4+ letters (RunWalker
// takes a name of 3 only when it is the whole run: then it is a suffix).
constexpr std::uint8_t kWantedThree = kAllowedWord;
constexpr std::uint8_t kWantedMore = kAllowedWord | kAnyName;

// A walk of walk_in_step in one register: its cell, then a byte each: the
// position of the letter to read, the walk's end, its index (by start), and
// the categories that make an entry worth giving (kWantedThree, kWantedMore).
std::uint64_t walk_of(std::uint32_t cell, std::uint32_t pos, std::uint32_t end, std::uint32_t index,
                      std::uint8_t wanted) {
    return cell | std::uint64_t{pos | end << 8 | index << 16} << 32 | std::uint64_t{wanted} << 56;
}

// One round of walk_in_step: each of walks[0, walking) one letter further,
// those still going moved to the front; returns how many. An entry found
// sets bit e - 1 of its walk's `kept` when worth giving (then the walk's bit
// in given_walks), and its categories at found[walk][e - 1]. Without stops
// (kEnds false) a walk ends at its run's end without a test: the separator
// or zero after the run has letter code 0, which no cell's label is (1..26,
// or 31).
template <bool kEnds>
std::uint32_t step_walks(const char* text, std::uint64_t at_end, std::uint64_t* walks,
                         std::uint32_t walking, std::uint64_t* kept,
                         std::array<std::uint8_t, 65>* found, std::uint64_t& given_walks) {
    constexpr std::uint64_t kCellBits = 0xFFFFFFFFu;
    constexpr std::uint64_t kNextPos = std::uint64_t{1} << 32;
    constexpr std::uint64_t kWantedAll = std::uint64_t{kWantedMore} << 56;
    const std::uint32_t* cells = embedded::kLexiconCells;
    std::uint32_t going = 0;
    std::uint64_t given = 0;
    for (std::uint32_t k = 0; k < walking; ++k) {
        const std::uint64_t w = walks[k];
        const auto pos = static_cast<std::uint32_t>(w >> 32) & 0xFFu;
        const auto index = static_cast<std::uint32_t>(w >> 48) & 0xFFu;
        const auto wanted = static_cast<std::uint32_t>(w >> 56);
        const unsigned code = letter_code(text[pos]);
        const std::uint32_t next_cell =
            cells[detail::lexicon_base(static_cast<std::uint32_t>(w)) + code];
        bool step = detail::lexicon_label(next_cell) == code;
        if constexpr (kEnds) step &= pos < (static_cast<std::uint32_t>(w >> 40) & 0xFFu);
        const std::uint32_t categories =
            detail::lexicon_categories(next_cell) & (0u - std::uint32_t{step});
        // (pos 64: the run's end, nothing found)
        const std::uint32_t suffix = ((at_end >> (pos & 63)) & 1u) * 0x7Fu;
        const bool give = (categories & (wanted | suffix)) != 0;
        kept[index] |= std::uint64_t{give} << (pos & 63);
        given |= std::uint64_t{give} << index;
        found[index][pos] = static_cast<std::uint8_t>(categories);
        walks[going] = ((w + kNextPos) & ~kCellBits) | next_cell | kWantedAll;
        going += step;
    }
    given_walks |= given;
    return going;
}

// The walks of walk_runs' general loop from every start of text[0, size) (a
// run of letters and digits of up to 64 in IdScan::lower, followed by a
// separator or the zeros after the ID; no one-letter entries; no words of
// the organisation), in the same order, each to its end (WalkEnds). Most
// walks end within three letters: a look-up or two a start (kLexiconStarts,
// then kLexiconStarts4) tells, for all starts, before any walk.
// The walks of walk_from_starts without branches (no digit 1), all starts in
// step: one letter further for every walk still going, a round at a time.
// The walks' loads do not wait on each other, so the processor overlaps
// them; with a large lexicon (issue 13) most are misses of the cache. No
// branch on what a walk reads (issue 13: walks die at random lengths): a walk
// that stops is dropped by not counting it (`going += step`), and an entry
// found sets a bit of its walk's mask (bit e - 1 for the end e). The entries
// are then given to the walker by walk (start), then by end: the order of the
// walks one after another. Only the entries RunWalker::on_lexicon can act on
// are given (kWantedThree, kWantedMore); it does nothing with the others.
// `digits`: bit p for a digit at text[p].
template <class Walker>
void walk_in_step(const char* text, const WalkEnds& ends, std::uint64_t walk, std::uint64_t digits,
                  Walker& walker) {
    std::array<std::uint64_t, 64> walks;
    std::array<std::uint8_t, 64> walk_start;
    std::array<std::uint64_t, 64> kept;                  // by walk: bit e - 1, an entry to give
    std::uint64_t given = 0;                             // bit by walk: any entry to give
    std::array<std::array<std::uint8_t, 65>, 64> found;  // by walk and e - 1: its categories
    if (walk == 0) return;
    // Bit e - 1: an entry ending at e ends the run or a letter run before a
    // digit (its categories are the suffix's: IdScan::set_suffix_categories).
    const std::uint64_t at_end = digits >> 1 | std::uint64_t{1} << (ends.size - 1);
    const std::uint32_t* cells = embedded::kLexiconCells;
    std::uint32_t count = 0;
    for (; walk; walk &= walk - 1) {
        const auto start = static_cast<std::uint32_t>(std::countr_zero(walk));
        const std::uint32_t node =
            embedded::kLexiconPairs[letter_code(text[start]) * 27u + letter_code(text[start + 1])];
        const std::uint8_t categories = detail::lexicon_categories(cells[node]);
        // Two letters: only the suffix's categories matter (no name or allowed word under 3).
        const bool give = (categories != 0) & ((at_end >> (start + 1)) & 1u) & (node != 0);
        kept[count] = std::uint64_t{give} << (start + 1);
        given |= std::uint64_t{give} << count;
        found[count][start + 1] = categories;
        walk_start[count] = static_cast<std::uint8_t>(start);
        walks[count] = walk_of(cells[node], start + 2, ends.of(start), count, kWantedThree);
        count += node != 0;
    }
    if (ends.stops)
        for (std::uint32_t walking = count; walking != 0;)
            walking = step_walks<true>(text, at_end, walks.data(), walking, kept.data(),
                                       found.data(), given);
    else
        for (std::uint32_t walking = count; walking != 0;)
            walking = step_walks<false>(text, at_end, walks.data(), walking, kept.data(),
                                        found.data(), given);
    // Given in one loop over the entries (not one per walk: its trip count
    // would be random), moving to the next walk with entries without a branch.
    if (given == 0) return;
    std::uint32_t index = static_cast<std::uint32_t>(std::countr_zero(given));
    std::uint64_t left = kept[index];
    for (;;) {
        const auto last = static_cast<std::uint32_t>(std::countr_zero(left));
        walker.on_lexicon(walk_start[index], last + 1, found[index][last]);
        left &= left - 1;
        const std::uint64_t more = std::uint64_t{0} - (left != 0);  // (a mask)
        given &= (given - 1) | more;  // the walk done: the next with entries
        if (given == 0) return;
        index = static_cast<std::uint32_t>(std::countr_zero(given));
        left |= kept[index] & ~more;
    }
}

template <class Walker>
[[gnu::always_inline]] inline void walk_from_starts(const char* text, const WalkEnds& ends,
                                                    std::uint64_t digits, bool branches,
                                                    Walker& walker) {
    const std::uint32_t size = ends.size;
    std::uint64_t walk = 0;  // bit s: something to find from start s
    // The letter codes of text[start, start + 3) as 5-bit fields: the small
    // table of three letters first (it stays in the cache).
    std::uint32_t window = letter_code(text[0]) << 5 | letter_code(text[1]);
    for (std::uint32_t start = 0; start + 1 < size; ++start) {
        window = (window << 5 | letter_code(text[start + 2])) & 0x7FFFu;
        walk |= ((embedded::kLexiconStarts[window / 64] >> (window % 64)) & 1u) << start;
    }
    walk &= ~ends.short_starts();
    std::uint64_t ones = 0;  // bit p: a 1 at text[p]
    if (branches)
        for (std::uint32_t p = 0; p < size; ++p) ones |= std::uint64_t{text[p] == '1'} << p;
    // Then four letters, base 27, for the starts left (the text is followed
    // by a separator or zeros: code 0 past its end).
    // (No branch on the table's answer: random for random codes.)
    for (std::uint64_t left = walk; left; left &= left - 1) {
        const auto start = static_cast<std::uint32_t>(std::countr_zero(left));
        const bool one = ((ones >> start) >> 3) & 1u;  // 1 may be i or l: walk
        // (Past the end: text[size] has code 0; with c, start + 3 <= size.)
        const unsigned c = letter_code(text[start + 2]);
        const unsigned d = c != 0 ? letter_code(text[start + 3]) : 0;
        const std::uint32_t four =
            ((letter_code(text[start]) * 27 + letter_code(text[start + 1])) * 27 + c) * 27 + d;
        const bool found = ((embedded::kLexiconStarts4[four / 64] >> (four % 64)) & 1u) | one;
        walk &= ~(std::uint64_t{!found} << start);
    }
    std::uint64_t root = 0;  // bit s: a 1 among its first three, walk from the root
    if (branches) {
        for (std::uint32_t start = 0; start + 1 < size; ++start) {
            const bool one = text[start] == '1' || text[start + 1] == '1' || text[start + 2] == '1';
            root |= std::uint64_t{one} << start;
        }
        walk |= root & ~ends.short_starts();
    }
    auto walk_from = [&](std::uint32_t start) __attribute__((always_inline)) {
        const std::uint32_t end = ends.of(start);
        auto on_lexicon = [&walker, start](std::size_t match_end, std::uint8_t categories) {
            walker.on_lexicon(start, static_cast<std::uint32_t>(match_end), categories);
        };
        if ((root >> start) & 1u) {
            lexicon_leet_walk(text, start, end, 0, on_lexicon);
            return;
        }
        const std::uint32_t node =
            embedded::kLexiconPairs[letter_code(text[start]) * 27u + letter_code(text[start + 1])];
        if (auto categories = Lexicon::flags(node)) walker.on_lexicon(start, start + 2, categories);
        if (branches)
            lexicon_leet_walk(text, start + 2, end, node, on_lexicon);
        else
            lexicon_walk(text, start + 2, end, node, on_lexicon);
    };
    bool in_step = !branches;
    if (branches && ends.only_first_reads_digits()) {
        // The walks from 1 on end at the first digit: none reads a 1.
        if (walk & 1u) walk_from(0);
        walk &= ~std::uint64_t{1};
        in_step = true;
    }
    if (in_step) {
        walk_in_step(text, ends, walk, digits, walker);
        return;
    }
    for (; walk; walk &= walk - 1) walk_from(static_cast<std::uint32_t>(std::countr_zero(walk)));
}

// One walk per start position of each run of letters and digits, digits read
// as the letters they may stand for. A match without digits lies in a letter
// run: a name of 4+ letters anywhere, an allowed word (recorded, so that a
// name inside it is not a finding: Markham when "markham" is allowed), and
// the room and street words ending a run (for the address detector). A match
// with digits is a name only as the spec's digits-for-letters rule says.
void walk_runs(IdScan& scan, const GuardState& state, const Hits& hits, Candidates& found,
               SpanList& allowed) {
    const bool org = (state.org.flags_of_any() & (kOrgName | kOrgAllowed | kServiceCode)) != 0;
    // No entry has a single letter (the generator says so): a walk starts
    // with the node of its first two letters, from the pair table.
    const bool pairs = !embedded::kLexiconOneLetterWords;
    // The common case: the walks of the general loop below, from the starts
    // where there is something to find (walk_from_starts).
    const bool fast = pairs && !org && !scan.reference;
    // No lower case letter in the ID: digits read as letters count only at a
    // run's start (WalkEnds).
    bool capitals_only = true;
    if (scan.masks_known)
        capitals_only = (scan.letter_mask & ~scan.upper_mask) == 0;
    else
        for (char c : scan.id) capitals_only &= !is_lower(c);
    for (Span run : scan.alnum_runs) {
        const std::uint32_t digits_in_run = scan.digits_in(run);
        if (digits_in_run == run.size()) continue;  // no letters
        // A service code or allowed word on its own (HOM in HOM-0042) has nothing to find.
        if (digits_in_run == 0 && scan.allowed_letter.test(run.begin)) continue;
        RunWalker walker(scan, hits, found, allowed, run);
        const std::string_view low = scan.low(run);
        const auto size = static_cast<std::uint32_t>(low.size());
        const char* text = low.data();
        const bool branches = scan.any_one && low.find('1') != std::string_view::npos;
        if (fast && size <= 64) {
            std::uint64_t digits = 0;  // bit p: a digit at text[p]
            if (digits_in_run != 0) {
                if (scan.masks_known)
                    digits = (scan.digit_mask >> run.begin) & span_bits(Span{0, size});
                else
                    for (std::uint32_t p = 0; p < size; ++p)
                        digits |= std::uint64_t{is_digit(text[p])} << p;
            }
            // (WalkEnds: stops in an ID of capitals only)
            const WalkEnds ends(text, size, capitals_only ? digits : 0);
            walk_from_starts(text, ends, digits, branches, walker);
            continue;
        }
        for (std::uint32_t start = 0; start < size; ++start) {
            auto on_lexicon = [&walker, start](std::size_t end, std::uint8_t categories) {
                walker.on_lexicon(start, static_cast<std::uint32_t>(end), categories);
            };
            const bool two = start + 1 < size;
            // (A last letter alone, or a walk with a 1 among its first two,
            // walks from the root.)
            if (!pairs || (two && branches && (low[start] == '1' || low[start + 1] == '1'))) {
                if (branches)
                    lexicon_leet_walk(text, start, size, 0, on_lexicon);
                else
                    lexicon_walk(text, start, size, 0, on_lexicon);
            } else if (two) {
                const std::uint32_t node = embedded::kLexiconPairs[letter_code(text[start]) * 27u +
                                                                   letter_code(text[start + 1])];
                if (node != 0) {
                    if (auto categories = Lexicon::flags(node)) on_lexicon(start + 2, categories);
                    if (branches)
                        lexicon_leet_walk(text, start + 2, size, node, on_lexicon);
                    else
                        lexicon_walk(text, start + 2, size, node, on_lexicon);
                }
            }
            if (org && state.org.may_start(low[start])) {
                auto on_org = [&walker, start](std::size_t end, std::uint8_t flags, int letters,
                                               int digits) {
                    walker.on_org(start, static_cast<std::uint32_t>(end), flags, letters, digits);
                };
                leet_walk(state.org, low, start, 0, 0, 0, on_org);
            }
        }
    }
}

// Segments (runs of letters and digits) one separator apart, the first of
// 1-3 letters only and the next starting with a letter: one loop for two
// rules, over the segments (fewer than the letter runs of a random code).
//
// O'Brien, McCann and MacDonald as people write them without the apostrophe
// (not allowed in an ID): the prefix o, mc or mac, one separator, then a
// letter run (O-Brien-3, Mc.Cann, mac_donald). The prefix and the run (or its
// first case-change token: Mc-CannJ) are read as one word; a surname there is
// a name, as the joined form (McCann) would be, shown as written ("Mc-Cann").
// A walk only after o, mc or mac.
//
// A single letter, one separator, then a segment of 3+ letters, digits after
// them or not (J-Zarkov-12, J.ROAF46): marked for the initials detector
// (IdScan::initial_before_word).
[[gnu::noinline]] void separated_segments(IdScan& scan, Candidates& found) {
    // The first segment's letters (the lowercase copy has zeros after the ID)
    // as a number, masked to its size: o, mc, mac.
    static constexpr std::array<std::uint32_t, 4> kMask = {0, 0xFF, 0xFFFF, 0xFFFFFF};
    static constexpr std::array<std::uint32_t, 4> kPrefix = {1,  // (no segment of 0)
                                                             'o', 'm' | 'c' << 8,
                                                             'm' | 'a' << 8 | 'c' << 16};
    const std::size_t segments = scan.alnum_runs.size();
    const auto* low = reinterpret_cast<const unsigned char*>(scan.lower.data());
    for (std::size_t k = 0; k + 1 < segments; ++k) {
        const Span first = scan.alnum_runs[k];
        const Span next = scan.alnum_runs[k + 1];
        const std::uint32_t size = first.size();
        // (One test: the segments of random codes make these hard to predict.)
        if (!((size <= 3) & (next.begin == first.end + 1) & is_letter(scan.id[next.begin]) &
              (scan.digits_in(first) == 0)))
            continue;
        if (size == 1 && next.size() >= 3 && is_letter(scan.id[next.begin + 1]) &&
            is_letter(scan.id[next.begin + 2]))
            scan.initial_before_word = true;
        const unsigned char* p = low + first.begin;
        const std::uint32_t letters = p[0] | p[1] << 8 | p[2] << 16;
        if ((letters & kMask[size]) != kPrefix[size]) continue;
        // The letter run after the separator.
        std::uint32_t rest_end = next.begin + 1;
        while (rest_end < next.end && is_letter(scan.id[rest_end])) ++rest_end;
        const Span rest{next.begin, rest_end};
        // A service code or an allowed word gives no name (MAC-Team when MAC is a service).
        if (scan.allowed_letter.test(first.begin) || scan.allowed_letter.test(rest.begin)) continue;
        std::uint32_t node = 0;
        for (std::uint32_t c = 0; c < size; ++c)
            node = Lexicon::child(node, static_cast<char>(p[c]));
        if (node == 0) continue;
        // The longest surname ending where a token of the run ends.
        Candidate joined{Span{0, 0}, Message{}, 0};
        auto on_match = [&](std::size_t end, std::uint8_t categories) {
            const auto at = static_cast<std::uint32_t>(end);
            if (!(categories & kSurname) || size + (at - rest.begin) < 4) return;
            if (at != rest.end && !case_split_at(scan, rest, at)) return;
            joined = Candidate{Span{first.begin, at}, lexicon_name_message(categories), categories};
        };
        lexicon_walk(scan.lower.data(), rest.begin, rest.end, node, on_match);
        if (joined.span.end != 0) found.push(joined);
    }
}

// Zeroes a[0, length), and maybe more: a valid ID has at most 32 characters.
template <std::size_t N>
void clear_prefix(std::array<std::uint8_t, N>& a, std::size_t length) {
    static_assert(N >= 32);
    std::memset(a.data(), 0, 32);
    if (length > 32) std::memset(a.data() + 32, 0, N - 32);
}

using Drops = std::array<bool, 80>;

// What tidy asks of the positions of the ID, a count a position: how many
// remaining matches cover each; its digits and changes of case. Any length.
class CoverByCounts {
  public:
    CoverByCounts(const IdScan& scan, const Candidates& found, const Drops& drop)
        : scan_(scan), found_(found) {
        const std::size_t length = scan.id.size();
        clear_prefix(cover_, length);
        for (std::size_t i = 0; i < found.size(); ++i)
            if (!drop[i])
                for (std::uint32_t p = found[i].span.begin; p < found[i].span.end; ++p) ++cover_[p];
        if (scan.mixed_case) {
            // A split at q (1 <= q < length) as case_split_at over the whole ID:
            // lower then upper, or upper, upper, lower (the split before the last
            // upper). splits_before[p] counts those at q < p.
            const auto end = static_cast<std::uint32_t>(length);
            const char* id = scan.id.data();
            splits_before_[0] = 0;
            if (end > 0) splits_before_[1] = 0;
            std::uint32_t count = 0;
            for (std::uint32_t q = 1; q < end; ++q) {
                const char prev = id[q - 1], c = id[q];
                count += is_upper(c) &&
                         (is_lower(prev) || (is_upper(prev) && q + 1 < end && is_lower(id[q + 1])));
                splits_before_[q + 1] = static_cast<std::uint8_t>(count);
            }
        }
    }
    // found[i] is no longer a remaining match.
    void remove(std::size_t i) {
        for (std::uint32_t p = found_[i].span.begin; p < found_[i].span.end; ++p) --cover_[p];
    }
    // Every position of x (a remaining match), or its letters only, covered by another.
    bool covered(Span x, bool letters_only) const {
        for (std::uint32_t p = x.begin; p < x.end; ++p)
            if (cover_[p] < 2 && !(letters_only && is_digit(scan_.id[p]))) return false;
        return true;
    }
    bool has_digit(Span x) const {
        bool digits = false;
        for (std::uint32_t p = x.begin; p < x.end; ++p) digits |= is_digit(scan_.id[p]);
        return digits;
    }
    // Changes of case inside a span: JohnSmith has one between n and S.
    bool crosses_case(Span x) const {
        return scan_.mixed_case && splits_before_[x.end] - splits_before_[x.begin + 1] > 0;
    }
    bool split_at(std::uint32_t p) const { return splits_before_[p + 1] - splits_before_[p] > 0; }
    // The matches that do not cross a change of case.
    void clear_plain() { clear_prefix(plain_cover_, scan_.id.size()); }
    void add_plain(Span x) {
        for (std::uint32_t p = x.begin; p < x.end; ++p) ++plain_cover_[p];
    }
    bool all_plain(Span x) const {
        bool all = true;
        for (std::uint32_t p = x.begin; p < x.end && all; ++p) all = plain_cover_[p] > 0;
        return all;
    }

  private:
    const IdScan& scan_;
    const Candidates& found_;
    std::array<std::uint8_t, kMaxScan> cover_;
    std::array<std::uint8_t, kMaxScan + 1> splits_before_;
    std::array<std::uint8_t, kMaxScan> plain_cover_;
};

// The changes of case of an ID of up to 64 characters, as case_split_at
// over the whole ID: bit q for a split before position q.
std::uint64_t case_splits(const IdScan& scan) {
    if (scan.case_splits_known) return scan.case_splits;
    std::uint64_t lower = 0, upper = 0;
    for (std::uint32_t p = 0; p < scan.id.size(); ++p) {
        lower |= std::uint64_t{is_lower(scan.id[p])} << p;
        upper |= std::uint64_t{is_upper(scan.id[p])} << p;
    }
    // Upper case after lower case, or the last upper case before lower case.
    return upper & ((lower << 1) | ((upper << 1) & (lower >> 1)));
}

// Keeps the findings a person would name: "John" and "Smith" in JohnSmith
// (not "Johns"), "Robertson" (not "Robert" inside it), "Smith" in Smith5 (not
// "Smith5" read as "smiths").
void tidy_overlapping(const IdScan& scan, Candidates& found, Drops& drop) {
    const std::size_t n = found.size();
    CoverByCounts cover(scan, found, drop);
    auto remove = [&](std::size_t i) {
        drop[i] = true;
        cover.remove(i);
    };
    std::array<std::uint8_t, 80> order;  // longest first
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t k = i;
        for (; k > 0 && found[order[k - 1]].span.size() < found[i].span.size(); --k)
            order[k] = order[k - 1];
        order[k] = static_cast<std::uint8_t>(i);
    }
    // A match that only adds digits to others: "Smith5" read as "smiths" over
    // "Smith", "dad4" over "Haddad" in Haddad4; not one with a digit between
    // its letters (W1lliams over W1ll and iams).
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = order[k];
        if (drop[i]) continue;
        const Span x = found[i].span;
        if (!cover.has_digit(x)) continue;  // (the cheaper test first: most have none)
        bool digit_inside = false;
        for (std::uint32_t p = x.begin + 1; p + 1 < x.end; ++p)
            digit_inside |= is_digit(scan.id[p]) && is_letter(scan.id[x.begin]) &&
                            is_letter(scan.id[x.end - 1]);
        if (!digit_inside && cover.covered(x, true)) remove(i);
    }
    if (scan.mixed_case) {
        // A match across a change of case, covered by matches that are not
        // ("SelinA" and "lina" in SelinArslan, over "Selin" and "Arslan").
        std::array<bool, 80> crosses{};
        cover.clear_plain();
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i]) continue;
            crosses[i] = cover.crosses_case(found[i].span);
            if (!crosses[i]) cover.add_plain(found[i].span);
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i] || !crosses[i]) continue;
            if (cover.all_plain(found[i].span)) remove(i);
        }
        // A match that runs on across a change of case by one letter past
        // another match ("mirA" over "Demir" in DemirA, "akerS" in BakerSt).
        for (std::size_t i = 0; i < n; ++i) {
            if (drop[i] || !crosses[i]) continue;
            const Span x = found[i].span;
            if (x.size() < 2 || !is_letter(scan.id[x.end - 2]) || !cover.split_at(x.end - 1))
                continue;
            if (cover.covered(Span{x.begin, x.end - 1}, false)) remove(i);
        }
    }
    // A match that straddles two others and is covered by the rest ("johns"
    // in johnsmith). Shortest first.
    for (std::size_t k = n; k-- > 0;) {
        const std::size_t i = order[k];
        if (drop[i]) continue;
        const Span x = found[i].span;
        if (!cover.covered(x, false)) continue;  // (the cheaper test first)
        bool straddles = false;
        for (std::size_t j = 0; j < n && !straddles; ++j) {
            if (j == i || drop[j]) continue;
            const Span y = found[j].span;
            straddles = x.overlaps(y) && !x.contains(y) && !y.contains(x);
        }
        if (straddles) remove(i);
    }
    // A match inside a longer one ("Robert" in "Robertson"), unless the
    // longer one only runs on across a change of case into the next token
    // ("John" in "JohnS-01"; but "OConnor" and "McDonald" stay whole).
    for (std::size_t i = 0; i < n; ++i) {
        if (drop[i]) continue;
        const Span inner = found[i].span;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || drop[j]) continue;
            const Span outer = found[j].span;
            if (!outer.contains(inner) || outer == inner) continue;
            if (outer.begin == inner.begin && cover.crosses_case(outer) &&
                !cover.crosses_case(inner)) {
                drop[j] = true;
            } else {
                drop[i] = true;
                break;
            }
        }
    }
}

// The positions of a span that is not empty, in an ID of up to 64 characters,
// as a bit mask: as span_bits, without branches.
std::uint64_t span_mask(Span x) {
    return (~std::uint64_t{0} >> (64 - x.end)) & (~std::uint64_t{0} << x.begin);
}

// What tidy does, for an ID of up to 64 characters and up to 64 matches: the
// same rules in the same order keep the same matches (tests/unit/
// test_guard_fast.cpp holds it to the reference), with the positions of each
// match and the matches' relations (one inside another, two straddling) as
// bit masks, worked out once (issue 13: tidy and tidy_overlapping were a
// sixth of the guard's time, mostly branches mispredicted).
class TidyByMasks {
  public:
    TidyByMasks(const IdScan& scan, const Candidates& found) : scan_(scan), found_(found) {
        n_ = found.size();
        for (std::size_t i = 0; i < n_; ++i) masks_[i] = span_mask(found[i].span);
        alive_ = n_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n_) - 1;
        for (Span run : scan.digit_runs) digits_ |= span_mask(run);
        if (scan.mixed_case) splits_ = case_splits(scan);
    }

    void run(const SpanList& allowed) {
        // The same span twice: the first wins (its ends, by its start: bit
        // end - 1); a name inside an allowed word goes.
        std::array<std::uint64_t, 64> ends_by_start;
        std::uint64_t starts = 0;
        for (std::size_t i = 0; i < n_; ++i) {
            const Span x = found_[i].span;
            if (!((starts >> x.begin) & 1u)) ends_by_start[x.begin] = 0;
            starts |= bit(x.begin);
            if ((ends_by_start[x.begin] >> (x.end - 1)) & 1u) kill(i);
            ends_by_start[x.begin] |= bit(x.end - 1);
        }
        for (std::size_t i = 0; i < n_; ++i)
            for (const Span& a : allowed)
                if (a.contains(found_[i].span)) kill(i);
        // Matches that do not overlap: none of the rules removes any (each
        // asks for an overlap, a position covered twice).
        if (!relate()) return;
        // The other rules need a digit, a match across a change of case, or
        // two matches that straddle: else only the last (a match inside a
        // longer one goes) can remove any.
        for (std::size_t i = 0; i < n_; ++i)
            if (crosses_case(i)) crossing_ |= bit(i);
        bool others = any_straddle_;
        for (std::size_t i = 0; i < n_ && !others; ++i)
            others = alive(i) && ((masks_[i] & digits_) || (crossing_ & bit(i)));
        if (!others) {
            for (std::size_t i = 0; i < n_; ++i)
                if (alive(i) && (inside_[i] & alive_)) kill(i);
            return;
        }
        twice_ = twice();
        digits_rule();
        if (scan_.mixed_case) case_rules();
        straddle_rule();
        inside_rule();
    }

    // The matches no rule removed: found's drop marks.
    void drops(Drops& drop) const {
        for (std::size_t i = 0; i < n_; ++i) drop[i] = !alive(i);
    }

  private:
    static std::uint64_t bit(std::size_t i) { return std::uint64_t{1} << i; }
    bool alive(std::size_t i) const { return (alive_ >> i) & 1u; }
    void kill(std::size_t i) { alive_ &= ~bit(i); }
    // As kill, for the rules that ask what the others cover.
    void remove(std::size_t i) {
        kill(i);
        twice_ = twice();
    }
    // The positions covered twice or more by the remaining matches.
    std::uint64_t twice() const {
        std::uint64_t once = 0, twice = 0;
        for (std::uint64_t left = alive_; left; left &= left - 1) {
            const std::uint64_t m = masks_[std::countr_zero(left)];
            twice |= once & m;
            once |= m;
        }
        return twice;
    }
    bool covered(std::uint64_t m) const { return (m & ~twice_) == 0; }
    bool crosses_case(std::size_t i) const {
        return (splits_ & masks_[i] & ~bit(found_[i].span.begin)) != 0;
    }
    // inside_[i]: the matches that hold match i and more; straddle_[i]: those
    // that overlap it, neither holding the other. False when none overlap.
    bool relate() {
        bool overlap = false;
        inside_[0] = straddle_[0] = 0;
        for (std::size_t i = 1; i < n_; ++i) {
            std::uint64_t inside = 0, straddle = 0;  // (match i's, from those before it)
            const std::uint64_t a = masks_[i];
            const std::uint64_t before = alive(i) ? alive_ & (bit(i) - 1) : 0;
            for (std::uint64_t left = before; left; left &= left - 1) {
                const auto j = static_cast<std::size_t>(std::countr_zero(left));
                const std::uint64_t b = masks_[j];
                if (!(a & b)) continue;
                overlap = true;
                if (!(a & ~b)) {
                    inside |= bit(j);  // (alive matches' spans differ)
                } else if (!(b & ~a)) {
                    inside_[j] |= bit(i);
                } else {
                    straddle |= bit(j);
                    straddle_[j] |= bit(i);
                    any_straddle_ = true;
                }
            }
            inside_[i] = inside;
            straddle_[i] = straddle;
        }
        return overlap;
    }
    // Of `set`, the matches longest first (the same length: in order found),
    // or shortest first (the same length: the last found first).
    std::size_t by_length(std::uint64_t set, bool longest_first,
                          std::array<std::uint8_t, 64>& order) const {
        std::size_t count = 0;
        for (; set; set &= set - 1) {
            const auto i = static_cast<std::uint8_t>(std::countr_zero(set));
            const std::uint32_t size = found_[i].span.size();
            std::size_t k = count++;
            for (; k > 0 && found_[order[k - 1]].span.size() < size; --k) order[k] = order[k - 1];
            order[k] = i;
        }
        if (!longest_first) std::reverse(order.begin(), order.begin() + count);
        return count;
    }
    // A match that only adds digits to others: "Smith5" read as "smiths" over
    // "Smith", "dad4" over "Haddad" in Haddad4; not one with a digit between
    // its letters (W1lliams over W1ll and iams). Longest first.
    void digits_rule() {
        std::uint64_t with_digits = 0;  // (removals only uncover: none joins later)
        for (std::size_t i = 0; i < n_; ++i)
            if (alive(i) && (masks_[i] & digits_) && (masks_[i] & ~digits_ & ~twice_) == 0)
                with_digits |= bit(i);
        std::array<std::uint8_t, 64> order;
        const std::size_t count = by_length(with_digits, true, order);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = order[k];
            const Span x = found_[i].span;
            bool digit_inside = false;
            for (std::uint32_t p = x.begin + 1; p + 1 < x.end; ++p)
                digit_inside |= is_digit(scan_.id[p]) && is_letter(scan_.id[x.begin]) &&
                                is_letter(scan_.id[x.end - 1]);
            if (!digit_inside && (masks_[i] & ~digits_ & ~twice_) == 0) remove(i);
        }
    }
    // A match across a change of case, covered by matches that are not
    // ("SelinA" and "lina" in SelinArslan, over "Selin" and "Arslan"). Then a
    // match that runs on across a change of case by one letter past another
    // match ("mirA" over "Demir" in DemirA, "akerS" in BakerSt).
    void case_rules() {
        const std::uint64_t crossing = crossing_ & alive_;
        std::uint64_t plain = 0;
        for (std::uint64_t left = alive_ & ~crossing; left; left &= left - 1)
            plain |= masks_[std::countr_zero(left)];
        for (std::uint64_t left = crossing; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            if ((masks_[i] & ~plain) == 0) remove(i);
        }
        for (std::uint64_t left = crossing & alive_; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            const Span x = found_[i].span;
            if (x.size() < 2 || !is_letter(scan_.id[x.end - 2]) || !((splits_ >> (x.end - 1)) & 1u))
                continue;
            if (covered(span_mask(Span{x.begin, x.end - 1}))) remove(i);
        }
    }
    // A match that straddles two others and is covered by the rest ("johns"
    // in johnsmith). Shortest first.
    void straddle_rule() {
        std::uint64_t candidates = 0;  // (removals only uncover: none joins later)
        for (std::uint64_t left = alive_; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            if ((straddle_[i] & alive_) && covered(masks_[i])) candidates |= bit(i);
        }
        std::array<std::uint8_t, 64> order;
        const std::size_t count = by_length(candidates, false, order);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = order[k];
            if (alive(i) && (straddle_[i] & alive_) && covered(masks_[i])) remove(i);
        }
    }
    // A match inside a longer one ("Robert" in "Robertson"), unless the
    // longer one only runs on across a change of case into the next token
    // ("John" in "JohnS-01"; but "OConnor" and "McDonald" stay whole).
    void inside_rule() {
        for (std::size_t i = 0; i < n_; ++i) {
            if (!alive(i)) continue;
            for (std::uint64_t outer = inside_[i] & alive_; outer; outer &= outer - 1) {
                const auto j = static_cast<std::size_t>(std::countr_zero(outer));
                if (found_[j].span.begin == found_[i].span.begin && (crossing_ & bit(j)) &&
                    !(crossing_ & bit(i))) {
                    kill(j);
                } else {
                    kill(i);
                    break;
                }
            }
        }
    }

    const IdScan& scan_;
    const Candidates& found_;
    std::size_t n_ = 0;
    std::array<std::uint64_t, 64> masks_;
    std::array<std::uint64_t, 64> inside_, straddle_;  // [0, n_), by relate
    std::uint64_t alive_ = 0, digits_ = 0, splits_ = 0, crossing_ = 0, twice_ = 0;
    bool any_straddle_ = false;
};

// For each of 64 positions, how many matches cover it, bit-sliced: bit p
// of plane k is bit k of position p's count (up to 15). Adding or removing
// a match is a few instructions for all positions at once, no branch.
class PositionCounts {
  public:
    void add(std::uint64_t m) {
#pragma GCC unroll 4
        for (std::uint64_t& plane : planes_) {
            const std::uint64_t carry = plane & m;
            plane ^= m;
            m = carry;
        }
    }
    void remove(std::uint64_t m) {
#pragma GCC unroll 4
        for (std::uint64_t& plane : planes_) {
            const std::uint64_t borrow = ~plane & m;
            plane ^= m;
            m = borrow;
        }
    }
    // The positions covered twice or more.
    std::uint64_t twice() const {
        return planes_[1] | planes_[2] | planes_[3];
    }

  private:
    std::array<std::uint64_t, 4> planes_{};
};

// The set bits of a 16-bit set, counted without the POPCNT instruction
// (not in the x86-64 baseline: std::popcount would be a call).
std::uint32_t count_bits16(std::uint32_t x) {
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

// All ones when bit i of set is set, else 0.
std::uint64_t all_if(std::uint32_t set, std::size_t i) {
    return std::uint64_t{0} - ((set >> i) & 1u);
}

// What TidyByMasks does (the same rules in the same order keep the same
// matches), for up to 15 matches, with few branches on what it finds
// (issue 13: mispredicted branches were most of tidy's time). The matches'
// relations come from relate_lanes, once a match; each rule's outcome is
// worked out for all matches at once when its order cannot matter (a
// match inside a longer one goes when any remaining one holds it: the
// longest are never removed), and match by match, in the rule's order,
// with the outcome as a mask (no branch), when it can.
class TidyByLanes {
  public:
    static constexpr std::size_t kMax = 15;  // (PositionCounts counts to 15)

    // Each match's positions, whether it crosses a change of case or holds
    // a digit, and whether any two overlap.
    TidyByLanes(const IdScan& scan, const Candidates& found) : scan_(scan), n_(found.size()) {
        std::uint64_t digits = 0, splits = 0;
        if (scan.masks_known) {
            digits = scan.digit_mask;
        } else {
            for (Span run : scan.digit_runs) digits |= span_mask(run);
        }
        if (scan.mixed_case) splits = case_splits(scan);
        std::uint64_t once = 0, twice = 0;
        std::uint32_t crossing = 0, digit = 0;
        for (std::size_t i = 0; i < n_; ++i) {
            const Span x = found[i].span;
            lanes_.begin[i] = static_cast<std::uint8_t>(x.begin);
            lanes_.end[i] = static_cast<std::uint8_t>(x.end);
            const std::uint64_t m = span_mask(x);
            masks_[i] = m;
            twice |= once & m;
            once |= m;
            crossing |= std::uint32_t{(splits & m & (m - 1)) != 0} << i;  // (past its first)
            digit |= std::uint32_t{(m & digits) != 0} << i;
        }
        digits_ = digits;
        splits_ = splits;
        crossing_ = crossing;
        digit_ = digit;
        any_overlap_ = twice != 0;
    }

    // The matches kept, as bits.
    std::uint32_t run(const SpanList& allowed) {
        alive_ = (1u << n_) - 1;
        for (const Span& a : allowed) alive_ &= ~relate_lanes(lanes_, a.begin, a.end).within;
        if (!any_overlap_) return alive_;  // (a duplicate overlaps its first)
        straddles_ = relate();
        if (counts_.twice() == 0) return alive_;  // no overlap: no rule removes any
        if (!straddles_ && !((crossing_ | digit_) & alive_)) {
            // Only the last rule can remove any (see TidyByMasks::run).
            return alive_ & ~inside_;
        }
        if (digit_ & alive_) digits_rule();
        if (crossing_ & alive_) case_rules();
        if (straddles_) straddle_rule();  // (none straddle later if none do now)
        inside_rule();
        return alive_;
    }

  private:
    static std::uint32_t bit(std::size_t i) { return 1u << i; }
    std::uint32_t begin(std::size_t i) const { return lanes_.begin[i]; }
    std::uint32_t end(std::size_t i) const { return lanes_.end[i]; }
    bool covered(std::uint64_t m) const { return (m & ~counts_.twice()) == 0; }
    // Removes match i when `yes`, without a branch.
    void remove_if(std::size_t i, bool yes) {
        alive_ &= ~(std::uint32_t{yes} << i);
        counts_.remove(masks_[i] & (std::uint64_t{0} - yes));
    }

    // A match is a duplicate when an earlier one has its span (the first
    // wins). For each match: its relations to the others, its positions
    // counted when it remains. True when two remaining matches straddle.
    // (Locals, not members, in the loop: they stay in registers.)
    bool relate() {
        const std::uint32_t crossing = crossing_;
        std::uint32_t alive = alive_, straddles = 0, inside = 0;
        std::uint64_t plain = 0;
        PositionCounts counts;
        for (std::size_t i = 0; i < n_; ++i) {
            const LaneRelations r = relate_lanes(lanes_, begin(i), end(i));
            const std::uint32_t same = r.holds & r.within, below = bit(i) - 1;
            alive &= ~(std::uint32_t{(same & below) != 0} << i);
            const std::uint64_t m = masks_[i];
            within_[i] = r.within & ~same;
            const std::uint32_t straddle = r.overlaps & ~r.holds & ~r.within;
            straddle_[i] = straddle;
            same_begin_[i] = r.same_begin;
            const std::uint32_t live = (alive >> i) & 1u;
            counts.add(m & (std::uint64_t{0} - live));
            // (the matches before i: their marks are final)
            straddles |= straddle & alive & below & (0u - live);
            inside |= within_[i] & (0u - live);
            plain |= m & all_if(alive & ~crossing, i);
        }
        alive_ = relate_alive_ = alive;
        inside_ = inside;
        plain_ = plain;
        counts_ = counts;
        return straddles != 0;
    }
    // Calls step(i) for the matches of `set`, longest first (the same size:
    // in order found), or shortest first (the same size: the last found
    // first), as TidyByMasks::by_length. (set is not empty.)
    template <class Step>
    void in_order(std::uint32_t set, bool longest_first, Step step) const {
        const auto a = static_cast<std::size_t>(std::countr_zero(set));
        const std::uint32_t rest = set & (set - 1);
        if (!rest) return step(a);
        if (!(rest & (rest - 1))) {  // two (a before b): b first when shorter (or longer)
            const auto b = static_cast<std::size_t>(std::countr_zero(rest));
            const std::uint32_t size_a = end(a) - begin(a), size_b = end(b) - begin(b);
            const bool b_first = longest_first ? size_b > size_a : size_b <= size_a;
            const std::size_t first = b_first ? b : a;
            step(first);
            return step(a ^ b ^ first);
        }
        std::array<std::uint8_t, kMax> order;
        std::uint32_t count = 0;
        for (std::uint32_t left = set; left; left &= left - 1, ++count) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            const LaneSizes s = compare_sizes(lanes_, end(i) - begin(i));
            const std::uint32_t below = bit(i) - 1;
            const std::uint32_t before = longest_first ? ~(s.shorter | s.same) | (s.same & below)
                                                       : s.shorter | (s.same & ~below & ~bit(i));
            order[count_bits16(before & set)] = static_cast<std::uint8_t>(i);
        }
        for (std::uint32_t k = 0; k < count; ++k) step(order[k]);
    }
    // A match that only adds digits to others (TidyByMasks::digits_rule).
    void digits_rule() {
        std::uint32_t with_digits = 0;
        const std::uint64_t letters_uncovered = ~digits_ & ~counts_.twice();
        for (std::uint32_t left = digit_ & alive_; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            const std::uint64_t m = masks_[i];
            const std::uint64_t inner =
                m & ~(std::uint64_t{1} << begin(i)) & ~(std::uint64_t{1} << (end(i) - 1));
            const bool digit_inside = ((inner & digits_) != 0) & is_letter(scan_.id[begin(i)]) &
                                      is_letter(scan_.id[end(i) - 1]);
            with_digits |=
                static_cast<std::uint32_t>(!digit_inside & ((m & letters_uncovered) == 0)) << i;
        }
        if (!with_digits) return;
        in_order(with_digits, true, [&](std::size_t i) {
            remove_if(i, (masks_[i] & ~digits_ & ~counts_.twice()) == 0);
        });
    }
    // A match across a change of case, covered by matches that are not;
    // then one that runs on across a change of case by one letter past
    // another match (TidyByMasks::case_rules).
    void case_rules() {
        const std::uint32_t crossing = crossing_ & alive_;
        std::uint64_t plain = plain_;
        if (alive_ != relate_alive_) {  // (the digits rule removed one: rare)
            plain = 0;
            for (std::size_t i = 0; i < n_; ++i) plain |= masks_[i] & all_if(alive_ & ~crossing, i);
        }
        for (std::uint32_t left = crossing; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            remove_if(i, (masks_[i] & ~plain) == 0);
        }
        for (std::uint32_t left = crossing & alive_; left; left &= left - 1) {
            const auto i = static_cast<std::size_t>(std::countr_zero(left));
            const std::uint32_t last = end(i) - 1;
            if (last == begin(i) || !is_letter(scan_.id[last - 1]) || !((splits_ >> last) & 1u))
                continue;
            remove_if(i, covered(span_mask(Span{begin(i), last})));
        }
    }
    // A match that straddles two others and is covered by the rest
    // (TidyByMasks::straddle_rule). Shortest first.
    void straddle_rule() {
        std::uint32_t candidates = 0;
        const std::uint64_t once = ~counts_.twice();
        for (std::size_t i = 0; i < n_; ++i)
            candidates |= static_cast<std::uint32_t>(((straddle_[i] & alive_) != 0) &
                                                     ((masks_[i] & once) == 0))
                          << i;
        candidates &= alive_;
        if (!candidates) return;
        in_order(candidates, false, [&](std::size_t i) {
            remove_if(i,
                      ((alive_ >> i) & 1u) & ((straddle_[i] & alive_) != 0) & covered(masks_[i]));
        });
    }
    // A match inside a longer one, unless the longer one only runs on across
    // a change of case into the next token (TidyByMasks::inside_rule). With
    // no such pair, order does not matter.
    void inside_rule() {
        std::uint32_t inside = 0, exceptions = 0;
        for (std::size_t j = 0; j < n_; ++j) {
            const std::uint32_t live = static_cast<std::uint32_t>(all_if(alive_, j));
            inside |= within_[j] & live;
            exceptions |= within_[j] & same_begin_[j] & live &
                          static_cast<std::uint32_t>(all_if(crossing_, j));
        }
        if (!(exceptions & alive_ & ~crossing_)) {
            alive_ &= ~inside;
            return;
        }
        for (std::size_t i = 0; i < n_; ++i) {
            if (!(alive_ & bit(i))) continue;
            std::uint32_t holders = 0;  // (the matches that hold match i: rare, not kept)
            for (std::size_t j = 0; j < n_; ++j) holders |= ((within_[j] >> i) & 1u) << j;
            for (std::uint32_t outer = holders & alive_; outer; outer &= outer - 1) {
                const auto j = static_cast<std::size_t>(std::countr_zero(outer));
                if (begin(j) == begin(i) && (crossing_ & bit(j)) && !(crossing_ & bit(i))) {
                    alive_ &= ~bit(j);
                } else {
                    alive_ &= ~bit(i);
                    break;
                }
            }
        }
    }

    const IdScan& scan_;
    const std::size_t n_;
    SpanLanes lanes_;
    PositionCounts counts_;  // the positions of the remaining matches
    std::array<std::uint64_t, kMax> masks_;
    // Bit j: match j lies strictly within match i; straddles it (they
    // overlap, neither holds the other); begins where it does.
    std::array<std::uint32_t, kMax> within_, straddle_, same_begin_;
    std::uint32_t alive_ = 0, crossing_ = 0, digit_ = 0;
    // By relate, over the matches that remained then (relate_alive_): those
    // inside a longer one, and the positions of those that do not cross a
    // change of case.
    std::uint32_t relate_alive_ = 0, inside_ = 0;
    std::uint64_t plain_ = 0;
    bool any_overlap_ = false, straddles_ = false;
    std::uint64_t digits_ = 0, splits_ = 0;
};

void tidy(const IdScan& scan, Candidates& found, const SpanList& allowed) {
    const std::size_t n = found.size();
    if (!scan.reference && scan.id.size() <= 64 && n <= TidyByLanes::kMax) {
        // One match: only an allowed word can remove it (each other rule
        // asks for two).
        if (n == 1 && allowed.empty()) return;
        TidyByLanes tidy(scan, found);
        found.keep(tidy.run(allowed));
        return;
    }
    Drops drop{};
    if (!scan.reference && scan.id.size() <= 64 && n <= 64) {
        TidyByMasks tidy(scan, found);
        tidy.run(allowed);
        tidy.drops(drop);
        found.erase_if_marked(drop.data());
        return;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const Span s = found[i].span;
        for (std::size_t j = 0; j < i && !drop[i]; ++j)
            if (!drop[j] && found[j].span == s) drop[i] = true;  // same span: first wins
        for (const Span& a : allowed)
            if (a.contains(s)) drop[i] = true;  // a name inside an allowed word
    }
    // Matches that do not overlap: none of the rules of tidy_overlapping
    // removes any (each asks for an overlap, a position covered twice).
    bool overlap = false;
    for (std::size_t i = 1; i < n && !overlap; ++i)
        for (std::size_t j = 0; j < i && !overlap; ++j)
            overlap = !drop[i] && !drop[j] && found[i].span.overlaps(found[j].span);
    if (overlap || scan.reference) tidy_overlapping(scan, found, drop);
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
    walk_runs(scan, state, hits, found, allowed);
    if (scan.letter_runs.size() > 1 && scan.alnum_runs.size() > 1) separated_segments(scan, found);
    if (found.empty()) return;
    tidy(scan, found, allowed);
    std::array<NameMatch, Candidates::capacity()> matches;
    std::array<Weight, Candidates::capacity()> weights;
    for (std::size_t i = 0; i < found.size(); ++i)
        matches[i] = NameMatch{found[i].span, found[i].categories};
    weigh_names(scan, state, hits, matches.data(), found.size(), weights.data());
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (weights[i] == Weight::drop) continue;
        const Severity severity = weights[i] == Weight::block ? Severity::block : Severity::warn;
        hits.push(Hit{FindingKind::name, severity, found[i].span, found[i].message, 0});
    }
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
                found.push({Span{from, from + length}, kRealNameMessage, kOrgNameEvidence});
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
                    found.push({Span{from, from + length}, kRealNameMessage, kOrgNameEvidence});
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
