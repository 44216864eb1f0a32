#include "caseload/lexicon.hpp"

namespace caseload {

std::uint8_t lexicon_lookup(std::string_view word) {
    if (word.empty()) return 0;
    std::uint32_t node = 0;
    for (char c : word) {
        if (c < 'a' || c > 'z') return 0;
        node = detail::lexicon_child(node, c);
        if (node == 0) return 0;
    }
    return embedded::kLexiconNodes[node].categories;
}

std::size_t lexicon_word_count() {
    return embedded::kLexiconWordCount;
}

}  // namespace caseload
