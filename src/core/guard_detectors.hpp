#pragma once
// Internal to the guard (not installed): the scanned ID, the organisation's
// words compiled once per Guard, the collected hits, and one function per
// detector (guard_names.cpp, guard_initials.cpp, guard_address.cpp,
// guard_identifiers.cpp, guard_dates.cpp). guard.cpp orchestrates them.
//
// Hot path rules: no allocation for a clean ID, no std::regex, string_views
// into one lowercase copy of the ID held in a small fixed buffer.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/dates.hpp"
#include "caseload/guard.hpp"
#include "caseload/lexicon.hpp"

namespace caseload {

namespace guard_internal {

// A half-open range [begin, end) of positions in the ID.
// Trivial (no initialisers) so that fixed lists of spans cost nothing to create.
struct Span {
    std::uint32_t begin;
    std::uint32_t end;
    std::uint32_t size() const { return end - begin; }
    bool contains(Span other) const { return begin <= other.begin && other.end <= end; }
    bool overlaps(Span other) const { return begin < other.end && other.begin < end; }
    bool operator==(const Span&) const = default;
};

// The positions of `s` (within the first 64) as bits.
inline std::uint64_t span_bits(Span s) {
    const std::uint64_t below_end =
        s.end >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << s.end) - 1;
    return s.begin >= 64 ? 0 : below_end & ~((std::uint64_t{1} << s.begin) - 1);
}

inline bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
inline bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
inline bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
inline bool is_alnum(char c) {
    return is_letter(c) || is_digit(c);
}
// Anything that is not a letter or a digit separates tokens ('-', '_', '.').
inline bool is_separator(char c) {
    return !is_alnum(c);
}

// The lexicon's letter code (1..26) of a lowercase letter, or of the first
// letter a digit may stand for (leet_letters); 0 for anything else. The walks
// read IdScan::lower through it.
inline constexpr std::array<std::uint8_t, 256> kLetterCode = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 1);
    constexpr char kLeetFirst[] = "oizeasgtbg";  // leet_letters(d)[0]
    for (int d = 0; d < 10; ++d)
        table['0' + d] = static_cast<std::uint8_t>(kLeetFirst[d] - 'a' + 1);
    return table;
}();
inline unsigned letter_code(char c) {
    return kLetterCode[static_cast<unsigned char>(c)];
}

// Digits standing in for letters: the letters a digit may stand for.
inline std::string_view leet_letters(char digit) {
    static constexpr std::string_view kMap[10] = {"o", "il", "z", "e", "a",
                                                  "s", "g",  "t", "b", "g"};
    return kMap[digit - '0'];
}

// A fixed-capacity list on the stack (IDs are at most 32 characters); adding
// beyond the capacity is ignored, which only ever drops redundant hits.
template <class T, std::size_t N>
class SmallList {
  public:
    static constexpr std::size_t capacity() { return N; }
    void resize(std::size_t size) { size_ = size < N ? size : N; }  // keeps [0, size) as written
    void push(const T& value) {
        if (size_ < N) items_[size_++] = value;
    }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    bool full() const { return size_ == N; }
    T& operator[](std::size_t i) { return items_[i]; }
    const T& operator[](std::size_t i) const { return items_[i]; }
    T* begin() { return items_.data(); }
    T* end() { return items_.data() + size_; }
    const T* begin() const { return items_.data(); }
    const T* end() const { return items_.data() + size_; }
    // (Every item is copied, kept or not: no branch on the marks, issue 13.)
    void erase_if_marked(const bool* marked) {
        std::size_t out = 0;
        for (std::size_t i = 0; i < size_; ++i) {
            items_[out] = items_[i];
            out += !marked[i];
        }
        size_ = out;
    }
    // Keeps item i when bit i of `which` is set (a list of up to 64 items).
    void keep(std::uint64_t which) {
        std::size_t out = 0;
        for (; which; which &= which - 1) items_[out++] = items_[std::countr_zero(which)];
        size_ = out;
    }

  private:
    std::array<T, N> items_;  // left uninitialised: only [0, size_) is read
    std::size_t size_ = 0;
};

// The lexicon as the guard reads it: the double-array trie compiled into the
// program (include/caseload/embedded.hpp), nothing to build at start-up.
// A node is the number of its cell; the root is 0.
struct Lexicon {
    static std::uint32_t cell(std::uint32_t node) { return embedded::kLexiconCells[node]; }
    // The child by a letter code (1..26), or 0.
    static std::uint32_t child_code(std::uint32_t node, unsigned code) {
        return detail::lexicon_child_code(node, code);
    }
    // The child by a lowercase letter a-z (anything else: 0), or 0.
    static std::uint32_t child(std::uint32_t node, char letter) {
        return detail::lexicon_child(node, letter);
    }
    static std::uint8_t flags(std::uint32_t node) {
        return detail::lexicon_categories(embedded::kLexiconCells[node]);
    }
    static std::uint8_t lookup(std::string_view word) { return lexicon_lookup(word); }
    static std::size_t longest_allowed() { return embedded::kLexiconLongestAllowed; }
};

// The longest ID the guard looks at in full; longer text (never a valid ID) is
// checked on its first kMaxScan characters.
inline constexpr std::size_t kMaxScan = 128;

// A set of positions in the ID (0 .. kMaxScan - 1), one bit each.
struct PositionSet {
    std::array<std::uint64_t, kMaxScan / 64> words{};
    bool test(std::uint32_t i) const { return (words[i >> 6] >> (i & 63)) & 1u; }
    void set(std::uint32_t i) { words[i >> 6] |= std::uint64_t{1} << (i & 63); }
    void set(Span s) {
        for (std::uint32_t i = s.begin; i < s.end; ++i) set(i);
    }
};

// The ID cut into runs: letters, digits, and letters-or-digits (between separators).
struct IdScan {
    Lexicon lexicon;
    bool mixed_case = false;  // upper and lower case letters: case changes split tokens
    // With case_splits_known (IDs of up to 64 characters, scanned 8 bytes at
    // a time): bit q set when a case token starts at q, as case_split_at.
    bool case_splits_known = false;
    std::uint64_t case_splits = 0;
    std::uint32_t digit_count = 0;
    std::string_view id;     // as written (at most kMaxScan characters)
    std::string_view lower;  // ASCII-lowercased copy, same positions
    SmallList<Span, kMaxScan / 2 + 1> letter_runs;
    SmallList<Span, kMaxScan / 2 + 1> digit_runs;
    SmallList<Span, kMaxScan / 2 + 1> alnum_runs;
    bool any_one = false;  // a digit 1 (i or l: digits-for-letters walks branch)
    // Take the reference paths: the first ways of the guard, without its
    // shortcuts (the tests check that both find the same).
    bool reference = false;
    // A summary of the runs, for the detectors' quick tests.
    bool letters_1_or_2 = false;  // a letter run of 1 or 2 letters
    bool letters_2 = false;       // a letter run of 2 letters
    bool letters_over_3 = false;  // a letter run of 4 letters or more
    bool digits_4_or_8 = false;   // a digit run of 4 or 8 digits
    // With masks_known (IDs of up to 64 characters, scan_id_words and
    // scan_id_vectors): the letters and the digits of the ID as bits, for
    // the detectors' quick tests.
    bool masks_known = false;
    std::uint64_t letter_mask = 0;
    std::uint64_t digit_mask = 0;
    std::uint64_t upper_mask = 0;  // the upper case letters
    // Per position: whether the letter belongs to a letter run that is a
    // service code or an allowed word (set by the name detector).
    PositionSet allowed_letter;
    // Per position p inside a letter run: the lexicon categories of the entry
    // spelt from p to the end of that run (0 when none). Filled by the name
    // detector's walk; the address detector reads room and street words here.
    // Read through suffix_categories(p): only positions in suffix_set are set.
    PositionSet suffix_set;
    std::array<std::uint8_t, kMaxScan> suffix_values;
    std::uint8_t suffix_any = 0;  // every category in suffix_categories, or-ed
    // Set by the name detector once allowed_letter marks every letter run
    // that is a service code or an allowed word (the initials detector reuses it).
    bool allowed_letters_known = false;
    // Set by the name detector: a single letter standing alone as a segment,
    // one separator, then a segment of 3+ letters only (J-Zarkov-12), which
    // the initials detector reads as an initial and a surname.
    bool initial_before_word = false;
    std::uint8_t suffix_categories(std::uint32_t p) const {
        return suffix_set.test(p) ? suffix_values[p] : 0;
    }
    void set_suffix_categories(std::uint32_t p, std::uint8_t categories) {
        suffix_set.set(p);
        suffix_values[p] = categories;
        suffix_any |= categories;
    }
    // digits_before[p]: how many digits are in [0, p).
    std::array<std::uint8_t, kMaxScan + 1> digits_before;

    std::uint32_t digits_in(Span s) const { return digits_before[s.end] - digits_before[s.begin]; }

    std::string_view text(Span s) const { return id.substr(s.begin, s.size()); }
    std::string_view low(Span s) const { return lower.substr(s.begin, s.size()); }
};

// The lowercase copy of an ID, and after it 8 zero bytes (separators), so
// that a look a few characters ahead needs no test of the end.
using LowerBuffer = std::array<char, kMaxScan + 8>;

// Fills `scan` for `id`, using `buffer` for the lowercase copy.
void scan_id(std::string_view id, LowerBuffer& buffer, IdScan& scan);
// Its three ways, which give the same scan: a byte at a time (any length),
// 8 bytes at a time (up to 64 characters), and 16 bytes at a time in SSE2
// vectors (up to 32 characters; without SSE2, the 8-byte way): scan_id
// takes the fastest it can.
void scan_id_bytes(std::string_view id, LowerBuffer& buffer, IdScan& scan);
void scan_id_words(std::string_view id, LowerBuffer& buffer, IdScan& scan);
void scan_id_vectors(std::string_view id, LowerBuffer& buffer, IdScan& scan);

// Case-change tokens of a letter run: JohnSmith -> John|Smith, JSmith -> J|Smith,
// OConnor -> O|Connor.
using Tokens = SmallList<Span, kMaxScan>;
void case_tokens(const IdScan& scan, Span run, Tokens& tokens);

// True when a case-change token of `run` starts at position i (run.begin < i < run.end).
inline bool case_split_at(const IdScan& scan, Span run, std::uint32_t i) {
    if (!scan.mixed_case) return false;
    if (scan.case_splits_known) return (scan.case_splits >> i) & 1u;
    const char prev = scan.id[i - 1], c = scan.id[i];
    return (is_lower(prev) && is_upper(c)) ||
           (is_upper(prev) && is_upper(c) && i + 1 < run.end && is_lower(scan.id[i + 1]));
}

// Flags of the organisation's own words.
enum OrgFlag : std::uint8_t {
    kOrgName = 1,
    kOrgAddress = 2,
    kOrgAllowed = 4,
    kServiceCode = 8,
};

// A small dense trie of the organisation's words (a-z), built once per Guard.
class OrgTrie {
  public:
    void add(std::string_view word, std::uint8_t flag);
    bool empty() const { return nodes_.size() <= 1; }
    // Whether a word may start with this character (a digit: any letter it stands for).
    bool may_start(char c) const {
        if (is_lower(c)) return child(0, c) != 0;
        if (!is_digit(c)) return false;
        for (char letter : leet_letters(c))
            if (child(0, letter) != 0) return true;
        return false;
    }
    std::uint8_t flags_of_any() const { return any_flags_; }
    std::size_t longest_allowed() const {
        return longest_allowed_;
    }  // allowed words, service codes
    std::uint32_t child(std::uint32_t node, char letter) const {
        return nodes_[node].next[static_cast<unsigned char>(letter - 'a')];
    }
    std::uint8_t flags(std::uint32_t node) const { return nodes_[node].flags; }
    std::uint8_t lookup(std::string_view word) const {  // exact word (a-z), else 0
        if (word.empty() || empty()) return 0;
        std::uint32_t node = 0;
        for (char c : word) {
            if (c < 'a' || c > 'z') return 0;
            node = child(node, c);
            if (node == 0) return 0;
        }
        return nodes_[node].flags;
    }
    template <class OnMatch>
    void prefixes(std::string_view text, OnMatch&& on_match) const {
        std::uint32_t node = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] < 'a' || text[i] > 'z') return;
            node = child(node, text[i]);
            if (node == 0) return;
            if (nodes_[node].flags) on_match(i + 1, nodes_[node].flags);
        }
    }

  private:
    struct Node {
        std::array<std::uint32_t, 26> next{};
        std::uint8_t flags = 0;
    };
    std::vector<Node> nodes_ = std::vector<Node>(1);
    std::uint8_t any_flags_ = 0;
    std::size_t longest_allowed_ = 0;
};

// Everything a Guard computes once: its words in a trie, today's limits.
struct GuardState {
    OrgTrie org;
    Date today;
    int min_birth_year = 0;  // plausible year of birth: [1920, today - 16]
    int max_birth_year = 0;

    // True when `word` (lowercase) is a service code or an allowed word,
    // built-in or the organisation's.
    bool is_allowed(const Lexicon& lexicon, std::string_view word) const {
        if (word.empty()) return false;
        if (word.size() <= lexicon.longest_allowed() && (lexicon.lookup(word) & kAllowedWord))
            return true;
        if (word.size() > org.longest_allowed()) return false;
        return (org.lookup(word) & (kOrgAllowed | kServiceCode)) != 0;
    }
};

// A finding's message: a string literal and its length. Trivial, so that
// fixed lists of hits cost nothing to create (std::string_view is not).
struct Message {
    const char* text;
    std::uint32_t size;
    Message() = default;
    constexpr Message(std::string_view literal)
        : text(literal.data()), size(static_cast<std::uint32_t>(literal.size())) {}
    std::string_view view() const { return {text, size}; }
};

// A finding under construction: positions instead of strings.
struct Hit {
    FindingKind kind;
    Severity severity;
    Span span;
    Message message;  // always a string literal
    int priority;     // higher wins among duplicates (check_with_name)
};

using Hits = SmallList<Hit, 96>;

bool overlaps_kind(const Hits& hits, FindingKind kind, Span span);
bool overlaps_block(const Hits& hits, Span span);

// How strong a name's evidence is (guard_evidence.cpp, issue 13).
inline constexpr std::uint8_t kOrgNameEvidence = 128;  // NameMatch::categories of an org name
struct NameMatch {
    Span span;
    std::uint8_t categories;  // the lexicon's, or kOrgNameEvidence
};
enum class Weight : std::uint8_t { drop, warn, block };
// Weighs the name detector's matches (after tidy) by what the rest of the ID
// looks like: out[i] for matches[i].
void weigh_names(const IdScan& scan, const GuardState& state, const Hits& hits,
                 const NameMatch* matches, std::size_t count, Weight* out);
// How much `low` (lowercase letters) reads as a name, per letter in tenths of
// a nat: against random letters, and against ordinary words.
struct NameLikeness {
    int vs_random;
    int vs_words;
};
NameLikeness name_likeness(std::string_view low);
// name_likeness of `low`, and (6 letters or more) of `low` without its
// first letter and without its last, from one walk.
struct TokenLikeness {
    NameLikeness whole;
    NameLikeness without_first;  // (6+ letters)
    NameLikeness without_last;   // (6+ letters)
};
TokenLikeness token_likeness(std::string_view low);
// x / n rounded toward zero, as the built-in division, for |x| < 2^20 and
// 1 <= n <= kMaxScan + 1 (name_likeness's averages): a multiplication by a
// reciprocal of a table, not a division instruction.
int divide_small(int x, int n);
// How much `low` reads as a word or a name against random letters (the
// better of the two, tenths of a nat a letter): street names (walnut, oak).
inline int word_likeness(std::string_view low) {
    const NameLikeness like = name_likeness(low);
    const int as_word = like.vs_random - like.vs_words;  // log P(word) / P(random)
    return like.vs_random > as_word ? like.vs_random : as_word;
}
// Whether letters outside `except`, the hits and the service codes and
// allowed words read as a random code (KH, E in EVE8-KH3E).
bool code_letters_outside(const IdScan& scan, const Hits& hits, Span except);
// Whether the ID is one run of hex digits in one case (01facaba): a code.
bool looks_hex(const IdScan& scan);

// The detectors, in the order guard.cpp runs them.
void detect_identifiers(const IdScan& scan, const GuardState& state, Hits& hits);
void detect_postcodes(const IdScan& scan, Hits& hits);  // before names: their digits are explained
void detect_names(IdScan& scan, const GuardState& state, Hits& hits);
void detect_address(const IdScan& scan, const GuardState& state, Hits& hits);
void detect_dates(const IdScan& scan, const GuardState& state, Hits& hits);
void detect_unknown_names(const IdScan& scan, const GuardState& state, Hits& hits);
void detect_initials(const IdScan& scan, const GuardState& state, Hits& hits);

// What a Guard computes once from its words.
std::shared_ptr<const GuardState> make_guard_state(const GuardWords& words);

// Guard::check and Guard::check_with_name on a state. With `reference`, the
// guard's first ways (IdScan::reference): the tests compare the two.
std::vector<GuardFinding> check_id(const GuardState& state, std::string_view id, bool reference);
void check_id_views(const GuardState& state, std::string_view id, bool reference,
                    std::vector<GuardFindingView>& out);
void check_id_with_name_views(const GuardState& state, std::string_view id,
                              std::string_view real_name, bool reference,
                              std::vector<GuardFindingView>& out);
std::vector<GuardFinding> check_id_with_name(const GuardState& state, std::string_view id,
                                             std::string_view real_name, bool reference);

// check_with_name: the parts of a real name (lowercase a-z, 2+ letters each).
struct NameParts {
    static constexpr std::size_t kMaxChars = 256;
    static constexpr std::size_t kMaxParts = 16;
    std::array<char, kMaxChars> chars{};
    std::size_t used = 0;
    SmallList<std::string_view, kMaxParts> parts;     // whole parts, in order (for initials)
    SmallList<std::string_view, kMaxParts> searched;  // parts and pieces searched as names
    ~NameParts();                                     // wipes `chars`
};
void split_real_name(std::string_view real_name, NameParts& out);
void detect_real_name(const IdScan& scan, const NameParts& name, Hits& hits);
void detect_real_initials(const IdScan& scan, const NameParts& name, Hits& hits);

}  // namespace guard_internal

}  // namespace caseload
