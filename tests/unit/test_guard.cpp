// The guard as a whole: ordering, duplicates, names of kinds and severities,
// robustness on any input, and every example of the spec's table.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "caseload/guard.hpp"
#include "caseload/lexicon.hpp"

using caseload::FindingKind;
using caseload::Guard;
using caseload::GuardFinding;
using caseload::GuardWords;
using caseload::Severity;

TEST_CASE("guard: kind and severity names") {
    CHECK(caseload::kind_name(FindingKind::name) == "name");
    CHECK(caseload::kind_name(FindingKind::address) == "address");
    CHECK(caseload::kind_name(FindingKind::identifier) == "identifier");
    CHECK(caseload::kind_name(FindingKind::date) == "date");
    CHECK(caseload::kind_name(FindingKind::initials) == "initials");
    CHECK(caseload::severity_name(Severity::block) == "block");
    CHECK(caseload::severity_name(Severity::warn) == "warn");
}

TEST_CASE("guard: blocks() is true only with a blocking finding") {
    CHECK_FALSE(Guard::blocks({}));
    CHECK_FALSE(Guard::blocks({GuardFinding{FindingKind::date, Severity::warn, "1985", "m"}}));
    CHECK(Guard::blocks({GuardFinding{FindingKind::date, Severity::warn, "1985", "m"},
                         GuardFinding{FindingKind::name, Severity::block, "Smith", "m"}}));
}

TEST_CASE("guard: every example of the spec's table gets its kind and severity") {
    struct Example {
        const char* id;
        FindingKind kind;
        Severity severity;
    };
    const Example examples[] = {
        {"JohnSmith", FindingKind::name, Severity::block},
        {"jsmith01", FindingKind::name, Severity::block},
        {"smith-j", FindingKind::name, Severity::block},
        {"Bazza-7", FindingKind::name, Severity::block},
        {"Mohammed2", FindingKind::name, Severity::block},
        {"OConnor", FindingKind::name, Severity::block},
        {"priya_k", FindingKind::name, Severity::block},
        {"Room12", FindingKind::address, Severity::block},
        {"rm-12", FindingKind::address, Severity::block},
        {"Flat3B", FindingKind::address, Severity::block},
        {"12OakRoad", FindingKind::address, Severity::block},
        {"Oakwood-House-4", FindingKind::address, Severity::block},
        {"SW1A1AA", FindingKind::address, Severity::block},
        {"M1-1AE", FindingKind::address, Severity::block},
        {"9434765919", FindingKind::identifier, Severity::block},
        {"AB123456C", FindingKind::identifier, Severity::block},
        {"07700900123", FindingKind::identifier, Severity::block},
        {"01021985", FindingKind::date, Severity::warn},
        {"1985-02-01", FindingKind::date, Severity::warn},
        {"JB-1985", FindingKind::date, Severity::warn},
        {"JS-0042", FindingKind::initials, Severity::warn},
        {"0042jb", FindingKind::initials, Severity::warn},
        {"J.B.7", FindingKind::initials, Severity::warn},
    };
    Guard guard(GuardWords{{}, {"oakwood"}, {}, {"hom"}});
    for (const auto& example : examples) {
        CAPTURE(example.id);
        bool found = false;
        for (const auto& f : guard.check(example.id))
            if (f.kind == example.kind) {
                found = true;
                CHECK(f.severity == example.severity);
                CHECK_FALSE(f.match.empty());
                CHECK_FALSE(f.message.empty());
            }
        CHECK(found);
    }
    CHECK(guard.check("HOM-0042").empty());
}

TEST_CASE("guard: findings come blocks first, without duplicates") {
    Guard guard;
    // the year (warn) comes before the name in the ID, the name (block) first in the list
    auto findings = guard.check("JB-1985-Smith");
    REQUIRE(findings.size() >= 2);
    CHECK(findings[0].severity == Severity::block);
    bool warned = false;
    for (const auto& f : findings) {
        if (f.severity == Severity::warn) warned = true;
        if (warned) CHECK(f.severity == Severity::warn);
    }
    // the same name twice is one finding
    auto twice = guard.check("Smith-Smith");
    REQUIRE(twice.size() == 1);
    CHECK(twice[0].match == "Smith");
    // the match is the ID as written, case kept
    CHECK(guard.check("sMiTh-4")[0].match == "sMiTh");
}

TEST_CASE("guard: clean IDs give no finding") {
    Guard guard(GuardWords{{}, {}, {}, {"hom", "rec", "fam", "wrk", "hsg", "emp"}});
    for (std::string id : {"HOM-0042", "REC_00017", "FAM.1234", "WRK-000981", "HSG-12-0007",
                           "2024-HOM-0193", "73910", "4417", "7KQ2M9XD", "HOM-7KQ2M9XD-R",
                           "K7M2-QX9A", "k7m2-qx9a", "P3R8ZT5V-4", "client-0042"}) {
        CAPTURE(id);
        CHECK(guard.check(id).empty());
    }
}

TEST_CASE("guard: a Guard is copyable and keeps its words") {
    Guard original(GuardWords{{"zorrix"}, {}, {}, {}});
    Guard copy = original;
    CHECK(Guard::blocks(copy.check("Zorrix-1")));
    Guard assigned;
    assigned = original;
    CHECK(Guard::blocks(assigned.check("Zorrix-1")));
    // without the words: no finding from the organisation's list (the name
    // model may still read Zorrix as a name, issue 13)
    for (const auto& f : Guard().check("Zorrix-1"))
        CHECK(f.message != "a name of your organisation's list");
}

TEST_CASE("guard: any input, however odd, is checked without trouble") {
    Guard guard(GuardWords{{"zorrix", ""}, {"oakwood", "-"}, {"x"}, {"hom"}});
    CHECK(guard.check("").empty());
    CHECK(guard.check("-").empty());
    (void)guard.check("Room");
    (void)guard.check(std::string(200, '1'));
    (void)guard.check(std::string(300, 'a'));
    (void)guard.check(std::string("Smith\0Jones", 11));
    (void)guard.check("\xC3\xA9t\xC3\xA9-1985");
    CHECK(Guard::blocks(guard.check(std::string(100, '9') + "-JohnSmith")));
    // random bytes and random ID-like strings
    std::mt19937 random(20260101);
    const std::string symbols = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    for (int i = 0; i < 20000; ++i) {
        std::string id;
        const int length = static_cast<int>(random() % 40);
        for (int k = 0; k < length; ++k)
            id += (i % 2) ? static_cast<char>(random() % 256) : symbols[random() % symbols.size()];
        for (const auto& f : guard.check(id)) {
            CHECK_FALSE(f.match.empty());
            CHECK(id.find(f.match) != std::string::npos);
        }
        (void)guard.check_with_name(id, id);
    }
}

TEST_CASE("guard: the compiled lexicon answers as the lexicon files say") {
    // The build compiles data/lexicon/*.txt into a double-array trie
    // (tools/embed_data.cpp): every entry with its categories, nothing else.
    const std::map<std::string, std::uint8_t> category_of_file = {
        {"given-names", caseload::kGivenName},   {"surnames", caseload::kSurname},
        {"nicknames", caseload::kNickname},      {"street-words", caseload::kStreetWord},
        {"room-words", caseload::kRoomWord},     {"allowed-words", caseload::kAllowedWord},
        {"listed-names", caseload::kListedName},
    };
    std::map<std::string, std::uint8_t> expected;
    const std::filesystem::path dir = std::filesystem::path(CASELOAD_SOURCE_DIR) / "data/lexicon";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".txt") continue;  // (SOURCES: where they come from)
        auto category = category_of_file.find(entry.path().stem().string());
        REQUIRE(category != category_of_file.end());
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (!line.empty() && line[0] != '#') expected[line] |= category->second;
        }
    }
    REQUIRE(expected.size() > 1000);
    std::size_t longest_allowed = 0;
    for (const auto& [word, categories] : expected)
        if (categories & caseload::kAllowedWord)
            longest_allowed = std::max(longest_allowed, word.size());
    CHECK(caseload::embedded::kLexiconLongestAllowed == longest_allowed);
    std::vector<std::string> words;
    for (const auto& [word, categories] : expected) words.push_back(word);
    std::mt19937 random(7);
    for (int i = 0; i < 20000; ++i) {  // and words that are not there, or only partly
        std::string word;
        if (i % 2) word = words[random() % words.size()];
        for (int k = 0, n = static_cast<int>(random() % 6); k < n; ++k)
            word += static_cast<char>('a' + random() % 26);
        words.push_back(word);
    }
    for (const auto& word : words) {
        CAPTURE(word);
        auto found = expected.find(word);
        CHECK(caseload::lexicon_lookup(word) == (found == expected.end() ? 0 : found->second));
        // Every prefix that is an entry, shortest first, once.
        std::vector<std::pair<std::size_t, std::uint8_t>> prefixes, wanted;
        caseload::lexicon_prefixes(word, [&](std::size_t length, std::uint8_t categories) {
            prefixes.emplace_back(length, categories);
        });
        for (std::size_t n = 1; n <= word.size(); ++n) {
            auto prefix = expected.find(word.substr(0, n));
            if (prefix != expected.end()) wanted.emplace_back(n, prefix->second);
        }
        CHECK(prefixes == wanted);
    }
    // Not a-z: never an entry, never a crash.
    CHECK(caseload::lexicon_lookup("Smith") == 0);
    CHECK(caseload::lexicon_lookup("sm1th") == 0);
    CHECK(caseload::lexicon_lookup(std::string("smi\xffth")) == 0);
    int calls = 0;
    caseload::lexicon_prefixes("{smith", [&](std::size_t, std::uint8_t) { ++calls; });
    CHECK(calls == 0);
    // Every child cell lies inside the array.
    using caseload::embedded::kLexiconCells;
    for (std::size_t i = 0; i < caseload::embedded::kLexiconCellCount; ++i)
        CHECK(caseload::detail::lexicon_base(kLexiconCells[i]) + 26 <
              caseload::embedded::kLexiconCellCount);
    // No two nodes with children share a base: a child's label alone names
    // its parent (4-byte cells, no check of the parent's cell).
    std::vector<bool> base_of_children(caseload::embedded::kLexiconCellCount, false);
    std::size_t shared = 0, parents = 0;
    for (std::size_t i = 0; i < caseload::embedded::kLexiconCellCount; ++i) {
        const std::uint32_t base = caseload::detail::lexicon_base(kLexiconCells[i]);
        bool children = false;
        for (unsigned code = 1; code <= 26; ++code)
            children |= caseload::detail::lexicon_label(kLexiconCells[base + code]) == code;
        if (!children) continue;
        ++parents;
        if (base_of_children[base]) ++shared;
        base_of_children[base] = true;
    }
    CHECK(shared == 0);
    CHECK(parents + caseload::embedded::kLexiconWordCount >= caseload::embedded::kLexiconNodeCount);
}
