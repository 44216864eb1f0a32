#pragma once
// Inline trie walk for lexicon_prefixes (hot path of the guard): the
// double-array trie of include/caseload/embedded.hpp.
#include "caseload/embedded.hpp"

namespace caseload {

namespace detail {

// The fields of a cell of embedded::kLexiconCells.
inline unsigned lexicon_label(std::uint32_t cell) {
    return cell & 0x1Fu;
}
inline std::uint8_t lexicon_categories(std::uint32_t cell) {
    return static_cast<std::uint8_t>((cell >> 5) & 0x7Fu);
}
inline std::uint32_t lexicon_base(std::uint32_t cell) {
    return cell >> 12;
}

// The child of the node in cell `node` by `code` (1..26: a..z), or 0 (the
// root is never a child).
inline std::uint32_t lexicon_child_code(std::uint32_t node, unsigned code) {
    const std::uint32_t next = lexicon_base(embedded::kLexiconCells[node]) + code;
    return lexicon_label(embedded::kLexiconCells[next]) == code ? next : 0;
}

// As lexicon_child_code, by a letter a-z (anything else: 0).
inline std::uint32_t lexicon_child(std::uint32_t node, char letter) {
    if (letter < 'a' || letter > 'z') return 0;
    return lexicon_child_code(node, static_cast<unsigned>(letter - 'a' + 1));
}

}  // namespace detail

template <class OnMatch>
void lexicon_prefixes(std::string_view text, OnMatch&& on_match) {
    std::uint32_t node = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        node = detail::lexicon_child(node, text[i]);
        if (node == 0) return;
        if (auto categories = detail::lexicon_categories(embedded::kLexiconCells[node]))
            on_match(i + 1, categories);
    }
}

}  // namespace caseload
