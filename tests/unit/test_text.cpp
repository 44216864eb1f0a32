#include <doctest/doctest.h>

#include "caseload/text.hpp"

using namespace caseload;

TEST_CASE("text: printable escapes what could rewrite a terminal") {
    CHECK(printable("abc") == "abc");
    CHECK(printable("a\x1b[2Jb") == "a\\x1B[2Jb");
    CHECK(printable("\xe2\x80\xae") == "\\u{202E}");
    CHECK(printable("\xff") == "\\xFF");
    CHECK(printable(std::string(100, 'a'), 10).find("(100 bytes)") != std::string::npos);
}

TEST_CASE("text: utf-8 validation") {
    CHECK(is_valid_utf8("plain"));
    CHECK(is_valid_utf8("caf\xc3\xa9"));
    CHECK_FALSE(is_valid_utf8("\xc3"));
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong
}

TEST_CASE("text: helpers") {
    CHECK(ascii_lower("HoM-1") == "hom-1");
    CHECK(ascii_iequals("HoM-1", "hom-1"));
    CHECK(ascii_iequals("", ""));
    CHECK_FALSE(ascii_iequals("hom-1", "hom-2"));
    CHECK_FALSE(ascii_iequals("hom", "hom-"));
    CHECK_FALSE(ascii_iequals("[", "{"));  // only letters fold
    CHECK(trim("  a b \r\n") == "a b");
    CHECK(split("a;b;;c", ';').size() == 4);
    CHECK(join({"a", "b"}, ", ") == "a, b");
    CHECK(is_kebab_code("rough-sleeping"));
    CHECK_FALSE(is_kebab_code("Rough"));
    CHECK_FALSE(is_kebab_code("a--b"));
    CHECK_FALSE(is_kebab_code("-a"));
    CHECK(with_thousands(1204) == "1,204");
    CHECK(with_thousands(1000000) == "1,000,000");
    CHECK(edit_distance("show", "sohw") == 1);
    CHECK(edit_distance("list", "lsit") == 1);
    CHECK(nearest("sohw", {"show", "list", "add"}) == std::vector<std::string>{"show"});
}

TEST_CASE("nearest: close for the word's length, not only within the edit limit") {
    using Words = std::vector<std::string>;
    CHECK(nearest("nosuch", {"youth", "family"}, 3, 3).empty());  // 3 edits, too few letters shared
    CHECK(nearest("homelesness", {"homelessness", "recovery"}, 3, 3) == Words{"homelessness"});
    CHECK(nearest("rx", {"rex", "max"}, 2, 3) == Words{"rex"});
    CHECK(nearest("HOM-0043", {"HOM-0042", "REC-0042"}, 2, 3) == Words{"HOM-0042"});
}

TEST_CASE("with_article: a or an") {
    CHECK(with_article("age band") == "an age band");
    CHECK(with_article("organisation name") == "an organisation name");
    CHECK(with_article("gender") == "a gender");
    CHECK(with_article("username") == "a username");
}

TEST_CASE("forbidden_character: C0, DEL, C1 and bidi controls, invalid UTF-8") {
    CHECK_FALSE(forbidden_character("Zoë Åberg, 3rd floor").has_value());
    CHECK(forbidden_character("a\x1b[2J") == "a control character (\\x1B)");
    CHECK(forbidden_character("a\x7f") == "a control character (\\x7F)");
    CHECK(forbidden_character("a\u0085b") == "a C1 control character (U+0085)");
    CHECK(forbidden_character("a\u009b2J") == "a C1 control character (U+009B)");
    CHECK(forbidden_character("a\u202eb") == "a bidirectional control character (U+202E)");
    CHECK(forbidden_character("a\u202ab") == "a bidirectional control character (U+202A)");
    CHECK(forbidden_character("a\u2066b") == "a bidirectional control character (U+2066)");
    CHECK(forbidden_character("a\u2069b") == "a bidirectional control character (U+2069)");
    CHECK(forbidden_character("a\xff") == "an invalid UTF-8 byte (\\xFF)");
    CHECK_FALSE(forbidden_character("a\u2065b\u202fc").has_value());  // neighbours are fine
}

TEST_CASE("terminal_safe: escapes controls, keeps other Unicode") {
    CHECK(terminal_safe("Zoë") == "Zoë");
    CHECK(terminal_safe("a\x1b[2Jb") == "a\\x1B[2Jb");
    CHECK(terminal_safe("a\u009bb\u202ec") == "a\\u{009B}b\\u{202E}c");
    CHECK(terminal_safe("one\ntwo") == "one\\x0Atwo");
    CHECK(terminal_safe("one\ntwo", true) == "one\ntwo");
    CHECK(terminal_safe("bad\xc3") == "bad\\xC3");
}
