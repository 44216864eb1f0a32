#pragma once
// Small text helpers shared by the core and the CLI.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caseload {

// ASCII lower-casing: IDs, codes and usernames are ASCII by rule.
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

// "a name", "an organisation name": the article for a noun of our messages
// (by its first letter; "u" is left out for "a username").
std::string with_article(std::string_view noun);

// Equal when ASCII case is ignored; allocates nothing (it runs per row of an import).
inline bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// A value quoted for a message: control, non-ASCII and bidi characters are
// shown as escapes so that a hostile value cannot rewrite the terminal.
std::string printable(std::string_view text, std::size_t max_length = 80);

// The first character a stored text may not hold, described ("a control
// character (\x1B)", "a bidirectional control character (U+202E)"): C0
// controls, DEL, C1 controls, bidi controls and invalid UTF-8. nullopt: none.
std::optional<std::string> forbidden_character(std::string_view text);

// Text for a terminal: control characters (C0 but, with keep_newlines, the
// newline; DEL; C1), bidi controls and invalid bytes escaped; other Unicode
// kept as it is (unlike printable, which escapes all that is not ASCII).
std::string terminal_safe(std::string_view text, bool keep_newlines = false);

// True when text is valid UTF-8.
bool is_valid_utf8(std::string_view text);

// Trims ASCII white space from both ends.
std::string_view trim(std::string_view text);

std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Kebab-case code: lowercase letters and digits in dash-separated groups.
bool is_kebab_code(std::string_view text);

// "1,234,567"
std::string with_thousands(long long value);

// Levenshtein distance with neighbour swaps (optimal string alignment), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// Up to `limit` candidates within `max_distance` edits of `word`, nearest first.
std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates,
                                 std::size_t max_distance = 2, std::size_t limit = 3);

}  // namespace caseload
