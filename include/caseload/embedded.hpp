#pragma once
// Data compiled into the program by tools/embed_data.cpp.
#include <cstddef>
#include <cstdint>

namespace caseload::embedded {

// The guard lexicon as a double-array trie, built at compile time (nothing to
// build at start-up). Cell 0 is the root. Each cell packs, low bits first:
//   bits  0-4   label: the code of the letter that leads to this node
//               (1..26: a..z; 31: a free cell, or the root);
//   bits  5-11  the LexiconCategory bits of the entry ending here (0: none);
//   bits 12-31  base: the children of this node are in cells base + code,
//               code = letter - 'a' + 1 (1..26).
// The node in cell s has a child by code c exactly when
// label(cell[base(s) + c]) == c: no two nodes with children share a base
// (those without share one where no label matches); base + 26 is always
// inside the array. Four bytes a cell: the trie fits the L2 cache.
extern const std::uint32_t kLexiconCells[];
// kLexiconPairs[a * 27 + b]: the cell of the node reached from the root by
// the letters of codes a then b (1..26), or 0 when there is none.
extern const std::uint32_t kLexiconPairs[27 * 27];
// Bit a << 10 | b << 5 | c, for letter codes a, b (1..26) and c (1..26, or 0
// for none): whether a walk from the root by the letters a, b, c finds
// anything (an entry of the two letters a, b, or a node after c).
extern const std::uint64_t kLexiconStarts[32 * 32 * 32 / 64];
// Bit a << 10 | b << 5 | c: an entry with the kAllowedWord category starts
// with the letters of codes a, b, c (c = 0: it is the two letters a, b).
extern const std::uint64_t kLexiconAllowedStarts[32 * 32 * 32 / 64];
// Bit ((a * 27 + b) * 27 + c) * 27 + d, for letter codes a, b (1..26) and
// c, d (1..26, or 0: the text ends): whether a walk from the root by a, b,
// c, d finds anything (an entry of 2, 3 or 4 letters, or a node after d).
// Four letters tell more than three once the lexicon is large (issue 13).
extern const std::uint64_t kLexiconStarts4[(27 * 27 * 27 * 27 + 63) / 64];
extern const std::size_t kLexiconCellCount;
extern const std::size_t kLexiconNodeCount;
extern const std::size_t kLexiconWordCount;
extern const std::size_t kLexiconLongestAllowed;  // letters of the longest kAllowedWord entry
extern const bool kLexiconOneLetterWords;         // whether any entry has a single letter

struct EmbeddedFile {
    const char* name;
    const char* text;
};

extern const EmbeddedFile kStarFiles[];
extern const std::size_t kStarFileCount;

}  // namespace caseload::embedded
