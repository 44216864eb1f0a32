#include "caseload/lexicon.hpp"

namespace caseload {

std::uint8_t lexicon_lookup(std::string_view word) {
    if (word.empty()) return 0;
    std::uint32_t node = 0;
    for (char c : word) {
        node = detail::lexicon_child(node, c);
        if (node == 0) return 0;
    }
    return detail::lexicon_categories(embedded::kLexiconCells[node]);
}

std::size_t lexicon_word_count() {
    return embedded::kLexiconWordCount;
}

}  // namespace caseload
