#pragma once
// Data compiled into the program by tools/embed_data.cpp.
#include <cstddef>
#include <cstdint>

namespace caseload::embedded {

struct TrieNode {
    std::uint32_t first_edge;
    std::uint8_t edge_count;
    std::uint8_t categories;  // LexiconCategory bits of the word ending here
};

struct TrieEdge {
    char letter;
    std::uint32_t target;
};

struct EmbeddedFile {
    const char* name;
    const char* text;
};

extern const TrieNode kLexiconNodes[];
extern const TrieEdge kLexiconEdges[];
extern const std::size_t kLexiconNodeCount;
extern const std::size_t kLexiconWordCount;
extern const EmbeddedFile kStarFiles[];
extern const std::size_t kStarFileCount;

}  // namespace caseload::embedded
