#include <doctest/doctest.h>

#include <algorithm>

#include "caseload/error.hpp"
#include "caseload/id.hpp"

using namespace caseload;

TEST_CASE("id: accepted formats keep their case") {
    CHECK(normalise_id("K7M2-QX9A") == "K7M2-QX9A");
    CHECK(normalise_id("  k7m2_qx9a.1 ") == "k7m2_qx9a.1");
    CHECK(normalise_id("abc") == "abc");
    CHECK(normalise_id(std::string(32, 'a')) == std::string(32, 'a'));
}

TEST_CASE("id: refusals name the character and its position") {
    auto problem = [](std::string_view id) { return id_format_problem(id).value_or(""); };
    CHECK(problem("HOM 42") == "has a space at position 4; an ID may contain only ASCII letters, "
                               "digits, '-', '_' and '.'");
    CHECK(problem("Hé42").find("non-ASCII character (\\u{00E9}) at position 2") != std::string::npos);
    CHECK(problem("ab\xff" "cd").find("invalid UTF-8 byte (\\xFF) at position 3") != std::string::npos);
    CHECK(problem(std::string("ab\0cd", 5)).find("control character (\\x00) at position 3") !=
          std::string::npos);
    CHECK(problem("a\xe2\x80\xaeZ9").find("\\u{202E}") != std::string::npos);  // bidi override
    CHECK(problem("ab").find("too short") != std::string::npos);
    CHECK(problem(std::string(33, 'a')).find("too long (33 characters)") != std::string::npos);
    CHECK(problem("-abc").find("starts with '-'") != std::string::npos);
    CHECK(problem("abc.").find("ends with '.'") != std::string::npos);
    CHECK_THROWS_AS(normalise_id("   "), Error);
    try {
        normalise_id("a b c");
        FAIL("no throw");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::invalid);
    }
}

TEST_CASE("id: the format check's fast path accepts exactly the valid IDs") {
    // Every byte at every position of IDs of each length, against the rule
    // as the spec gives it (3 to 32 of a-z A-Z 0-9 - _ ., a letter or digit
    // at each end).
    auto alnum = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    auto valid = [&](const std::string& id) {
        if (id.size() < 3 || id.size() > 32) return false;
        for (unsigned char c : id)
            if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
        return alnum(static_cast<unsigned char>(id.front())) &&
               alnum(static_cast<unsigned char>(id.back()));
    };
    int wrong = 0;
    for (std::size_t length = 1; length <= 34; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
            for (int c = 0; c < 256; ++c) {
                std::string id(length, 'k');
                id[at] = static_cast<char>(c);
                wrong += id_format_problem(id).has_value() == valid(id);
            }
        }
    }
    CHECK(wrong == 0);
}

TEST_CASE("id: case folding gives one key") {
    CHECK(id_key("K7M2-QX9A") == id_key("k7m2-qx9a"));
    CHECK(id_key("K7m2-Qx9A") == "k7m2-qx9a");
}

TEST_CASE("id: one-edit neighbours cover every kind of typo") {
    auto n = one_edit_neighbours("hom-0042");
    auto has = [&](const std::string& s) { return std::find(n.begin(), n.end(), s) != n.end(); };
    CHECK(has("hom-0043"));   // substitution
    CHECK(has("hom-00042"));  // insertion
    CHECK(has("hom-042"));    // deletion
    CHECK(has("hom-0024"));   // neighbour swap
    CHECK_FALSE(has("hom-0042"));
    CHECK_FALSE(has("hom-0024x"));
}

TEST_CASE("id: organisation pattern") {
    CHECK(matches_id_pattern("HOM-0042", "[A-Z]{3}-[0-9]{4}"));
    CHECK_FALSE(matches_id_pattern("HOM-42", "[A-Z]{3}-[0-9]{4}"));
}
