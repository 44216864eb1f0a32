#pragma once
// The guard's lexicon (data/lexicon/*.txt), compiled into a static trie.
#include <cstdint>
#include <string_view>

namespace caseload {

enum LexiconCategory : std::uint8_t {
    kGivenName = 1,
    kSurname = 2,
    kNickname = 4,
    kStreetWord = 8,
    kRoomWord = 16,
    kAllowedWord = 32,  // built-in allowed words (common prefixes, admin words)
    kListedName = 64,   // the big list's half (listed-names.txt): rarer names, weaker evidence
    kCommonName = kGivenName | kSurname | kNickname,  // the curated lists
    kAnyName = kCommonName | kListedName,
};

// Categories of `word` (lowercase a-z) if it is an entry, else 0.
std::uint8_t lexicon_lookup(std::string_view word);

// Calls on_match(length, categories) for every lexicon entry that is a prefix
// of `text` (lowercase a-z), shortest first. One trie walk: the building block
// of substring search.
template <class OnMatch>
void lexicon_prefixes(std::string_view text, OnMatch&& on_match);

std::size_t lexicon_word_count();

}  // namespace caseload

#include "caseload/lexicon_impl.hpp"
