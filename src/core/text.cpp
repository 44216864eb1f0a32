#include "caseload/text.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <optional>

namespace caseload {

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string with_article(std::string_view noun) {
    const char first = noun.empty() ? ' ' : static_cast<char>(noun.front() | 0x20);
    const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o';
    return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when invalid.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    std::size_t length;
    char32_t min;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, code_point = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, code_point = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, code_point = lead & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    return length;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

namespace {

// Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
// (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C). Shown, they reorder
// the text around them.
bool is_bidi_control(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C;
}

bool is_c1_control(char32_t cp) {
    return cp >= 0x80 && cp <= 0x9F;
}

}  // namespace

std::optional<std::string> forbidden_character(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0)
            return fmt::format("an invalid UTF-8 byte (\\x{:02X})",
                               static_cast<unsigned char>(text[i]));
        if (cp < 0x20 || cp == 0x7F)
            return fmt::format("a control character (\\x{:02X})", static_cast<unsigned>(cp));
        if (is_c1_control(cp))
            return fmt::format("a C1 control character (U+{:04X})", static_cast<unsigned>(cp));
        if (is_bidi_control(cp))
            return fmt::format("a bidirectional control character (U+{:04X})",
                               static_cast<unsigned>(cp));
        i += n;
    }
    return std::nullopt;
}

std::string terminal_safe(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[i]));
            i += 1;
            continue;
        }
        if (keep_newlines && cp == '\n')
            out += '\n';
        else if (cp < 0x20 || cp == 0x7F)
            out += fmt::format("\\x{:02X}", static_cast<unsigned>(cp));
        else if (is_c1_control(cp) || is_bidi_control(cp))
            out += fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(cp));
        else
            out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

std::string printable(std::string_view text, std::size_t max_length) {
    std::string out;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (shown >= max_length) {
            out += fmt::format("... ({} bytes)", text.size());
            break;
        }
        char32_t cp;
        std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[i]));
            i += 1;
        } else if (cp < 0x20 || cp == 0x7F) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned>(cp));
            i += n;
        } else if (cp < 0x80) {
            out += static_cast<char>(cp);
            i += n;
        } else {
            out += fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(cp));
            i += n;
        }
        ++shown;
    }
    return out;
}

std::string_view trim(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += separator;
        out += parts[i];
    }
    return out;
}

bool is_kebab_code(std::string_view text) {
    if (text.empty() || text.size() > 40) return false;
    bool previous_dash = true;
    for (char c : text) {
        if (c == '-') {
            if (previous_dash) return false;
            previous_dash = true;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            previous_dash = false;
        } else {
            return false;
        }
    }
    return !previous_dash;
}

std::string with_thousands(long long value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates,
                                 std::size_t max_distance, std::size_t limit) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    std::string folded = ascii_lower(word);
    for (const auto& candidate : candidates) {
        std::size_t d = edit_distance(folded, ascii_lower(candidate));
        // Also near for its length: "youth" is 3 edits from "nosuch", but
        // shares too little with it to be what was meant.
        const std::size_t shorter = std::min(folded.size(), candidate.size());
        if (d <= max_distance && d * 2 <= std::max<std::size_t>(2, shorter))
            scored.emplace_back(d, candidate);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
    return out;
}

}  // namespace caseload
