#pragma once
// Inline trie walk for lexicon_prefixes (hot path of the guard).
#include "caseload/embedded.hpp"

namespace caseload {

namespace detail {
inline std::uint32_t lexicon_child(std::uint32_t node, char letter) {
    const auto& n = embedded::kLexiconNodes[node];
    const embedded::TrieEdge* edge = embedded::kLexiconEdges + n.first_edge;
    for (std::uint32_t i = 0; i < n.edge_count; ++i)
        if (edge[i].letter == letter) return edge[i].target;
    return 0;  // the root is never a child
}
}  // namespace detail

template <class OnMatch>
void lexicon_prefixes(std::string_view text, OnMatch&& on_match) {
    std::uint32_t node = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        node = detail::lexicon_child(node, text[i]);
        if (node == 0) return;
        if (auto categories = embedded::kLexiconNodes[node].categories)
            on_match(i + 1, static_cast<std::uint8_t>(categories));
    }
}

}  // namespace caseload
