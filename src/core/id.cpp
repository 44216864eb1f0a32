#include "caseload/id.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <regex>
#include <set>

#include "byte_blocks.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

constexpr bool is_id_symbol(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

constexpr bool is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr std::string_view kAllowed = "ASCII letters, digits, '-', '_' and '.'";

// Describes the character starting at byte i (position counted in characters).
std::string describe_character(std::string_view text, std::size_t i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ') return "a space";
    if (c == '\t') return "a tab";
    if (c < 0x20 || c == 0x7F) return fmt::format("a control character (\\x{:02X})", c);
    if (c < 0x80) return fmt::format("'{}'", static_cast<char>(c));
    // Non-ASCII: show the code point, never the raw character (bidi overrides).
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    std::string_view sequence = text.substr(i, length);
    if (!is_valid_utf8(sequence)) return fmt::format("an invalid UTF-8 byte (\\x{:02X})", c);
    return fmt::format("a non-ASCII character ({})", printable(sequence));
}

}  // namespace

// Per byte: 1 for a symbol an ID may contain, 2 for one it may also start and end with.
constexpr std::array<unsigned char, 256> kIdSymbolClass = [] {
    std::array<unsigned char, 256> table{};
    for (int c = 0; c < 256; ++c) {
        const auto u = static_cast<unsigned char>(c);
        table[c] = is_alnum(u) ? 2 : is_id_symbol(u) ? 1 : 0;
    }
    return table;
}();

// Per byte: 1 for one an ID may not contain.
constexpr std::array<unsigned char, 256> kIdNotSymbol = [] {
    std::array<unsigned char, 256> table{};
    for (int c = 0; c < 256; ++c) table[c] = kIdSymbolClass[c] == 0;
    return table;
}();

namespace {

// id_format_problem beyond its fast path: which rule the ID breaks.
[[gnu::noinline]] std::optional<std::string> format_problem_of(std::string_view id) {
    // Position is counted in characters, as a person would count.
    std::size_t position = 0;
    for (std::size_t i = 0; i < id.size();) {
        ++position;
        unsigned char c = static_cast<unsigned char>(id[i]);
        if (!is_id_symbol(c)) {
            return fmt::format("has {} at position {}; an ID may contain only {}",
                               describe_character(id, i), position, kAllowed);
        }
        ++i;
    }
    if (id.size() < kIdMinLength)
        return fmt::format("is too short ({} characters); an ID has {} to {} characters", id.size(),
                           kIdMinLength, kIdMaxLength);
    if (id.size() > kIdMaxLength)
        return fmt::format("is too long ({} characters); an ID has {} to {} characters", id.size(),
                           kIdMinLength, kIdMaxLength);
    if (!is_alnum(static_cast<unsigned char>(id.front())))
        return fmt::format("starts with '{}'; an ID starts and ends with a letter or digit",
                           id.front());
    if (!is_alnum(static_cast<unsigned char>(id.back())))
        return fmt::format("ends with '{}'; an ID starts and ends with a letter or digit",
                           id.back());
    return std::nullopt;
}

}  // namespace

#if defined(__SSE2__)

namespace {

// The ID symbols of `v` (0xff each), and in `alnum` its letters and digits.
inline __m128i id_symbols_of(__m128i v, __m128i& alnum) {
    namespace bb = byte_blocks;
    alnum = _mm_or_si128(bb::letters_of(v), bb::bytes_between(v, '0', '9'));
    return _mm_or_si128(_mm_or_si128(alnum, bb::bytes_between(v, '-', '.')),  // neighbours
                        _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
}

// Whether `id` (3 to 32 bytes) has the right format: ID symbols only, a
// letter or digit first and last. One SSE2 step below 16 bytes, else two
// (overlapping below 32); no loop.
bool id_format_ok_in_block(std::string_view id) {
    static_assert(kIdMaxLength <= 32);
    const std::size_t n = id.size();
    const char* in = id.data();
    __m128i alnum0, alnum1;
    std::uint64_t symbols, alnum;
    if (n < 16) [[likely]] {
        symbols = static_cast<std::uint32_t>(
            _mm_movemask_epi8(id_symbols_of(byte_blocks::load_below16(in, n), alnum0)));
        alnum = static_cast<std::uint32_t>(_mm_movemask_epi8(alnum0));
    } else {
        const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
        const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + n - 16));
        const auto at = static_cast<std::uint32_t>(n - 16);
        symbols = byte_blocks::position_bits(id_symbols_of(first, alnum0),
                                             id_symbols_of(second, alnum1), at);
        alnum = byte_blocks::position_bits(alnum0, alnum1, at);
    }
    const std::uint64_t ends = 1u | (std::uint64_t{1} << (n - 1));
    return symbols == (std::uint64_t{1} << n) - 1 && (alnum & ends) == ends;
}

}  // namespace

#endif

bool id_format_ok(std::string_view id) {
    if (id.size() < kIdMinLength || id.size() > kIdMaxLength) return false;
#if defined(__SSE2__)
    // A valid ID is confirmed by its bytes' classes in one or two vectors.
    return id_format_ok_in_block(id);
#else
    // One table look-up a character.
    if (kIdSymbolClass[static_cast<unsigned char>(id.front())] != 2 ||
        kIdSymbolClass[static_cast<unsigned char>(id.back())] != 2)
        return false;
    const auto* p = reinterpret_cast<const unsigned char*>(id.data());
    const std::size_t n = id.size();
    unsigned bad = 0;  // or-ed: 1 when a character is not a symbol
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4)
        bad |= kIdNotSymbol[p[i]] | kIdNotSymbol[p[i + 1]] | kIdNotSymbol[p[i + 2]] |
               kIdNotSymbol[p[i + 3]];
    for (; i < n; ++i) bad |= kIdNotSymbol[p[i]];
    return !bad;
#endif
}

std::optional<std::string> id_format_problem(std::string_view id) {
    if (id_format_ok(id)) return std::nullopt;  // the fast path
    return format_problem_of(id);
}

std::string normalise_id(std::string_view raw) {
    std::string_view id = trim(raw);
    if (id.empty())
        throw Error(Exit::invalid, "the ID is empty",
                    "give an ID of 3 to 32 characters, or use --generate");
    if (auto problem = id_format_problem(id))
        throw Error(Exit::invalid, fmt::format("'{}' {}", printable(id), *problem),
                    "choose another ID, or run 'caseload id new' for one that is safe");
    return std::string(id);
}

std::string id_key(std::string_view id) {
    return ascii_lower(id);
}

std::vector<std::string> one_edit_neighbours(std::string_view key) {
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
    std::set<std::string> out;
    std::string word(key);
    for (std::size_t i = 0; i < word.size(); ++i) {
        for (char c : kAlphabet) {
            if (c == word[i]) continue;
            std::string w = word;
            w[i] = c;
            out.insert(std::move(w));
        }
        std::string deleted = word.substr(0, i) + word.substr(i + 1);
        out.insert(deleted);
        if (i + 1 < word.size() && word[i] != word[i + 1]) {
            std::string swapped = word;
            std::swap(swapped[i], swapped[i + 1]);
            out.insert(swapped);
        }
    }
    for (std::size_t i = 0; i <= word.size(); ++i)
        for (char c : kAlphabet) out.insert(word.substr(0, i) + c + word.substr(i));
    out.erase(word);
    std::vector<std::string> result;
    for (auto& w : out)
        if (w.size() >= kIdMinLength && w.size() <= kIdMaxLength) result.push_back(w);
    return result;
}

namespace {

std::regex compile_id_pattern(const std::string& pattern) {
    return std::regex(pattern, std::regex::ECMAScript);
}

}  // namespace

void check_id_pattern_compiles(const std::string& pattern) {
    compile_id_pattern(pattern);
}

bool matches_id_pattern(std::string_view id, const std::string& pattern) {
    // An import checks every row against the same pattern, on several
    // threads: compiling it for each row cost more than all other checks.
    thread_local std::string compiled_from;
    thread_local std::optional<std::regex> compiled;
    if (!compiled || compiled_from != pattern) {
        compiled = compile_id_pattern(pattern);
        compiled_from = pattern;
    }
    return std::regex_match(id.begin(), id.end(), *compiled);
}

}  // namespace caseload
