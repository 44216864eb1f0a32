// The guard's initials detector (warn): one or two letter groups of 1-3
// letters among digits, unless a service code or an allowed word.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

Lines initials_in(const Guard& guard, std::string_view id) {
    return findings_of(guard, id, FindingKind::initials, Severity::warn);
}

// Every initials finding says "may be initials": expectations name only the matches.
Lines as_initials(std::initializer_list<const char*> matches) {
    Lines lines;
    for (const char* match : matches) lines.push_back(std::string(match) + ": may be initials");
    return lines;
}

}  // namespace

TEST_CASE("guard initials: the spec's examples warn") {
    Guard guard(GuardWords{{}, {}, {}, {"hom"}});
    CHECK(initials_in(guard, "JS-0042") == as_initials({"JS"}));
    CHECK(initials_in(guard, "0042jb") == as_initials({"jb"}));
    CHECK(initials_in(guard, "J.B.7") == as_initials({"J", "B"}));
    // warn only: never a block on its own
    CHECK_FALSE(Guard::blocks(guard.check("JS-0042")));
    CHECK_FALSE(guard.check("JS-0042").empty());
}

TEST_CASE("guard initials: one or two groups of one to three letters") {
    Guard guard;
    CHECK(initials_in(guard, "AB123") == as_initials({"AB"}));
    CHECK(initials_in(guard, "X-77-Y") == as_initials({"X", "Y"}));
    CHECK(initials_in(guard, "jrb-042") == as_initials({"jrb"}));
    CHECK(initials_in(guard, "A7B") == as_initials({"A", "B"}));
    CHECK(initials_in(guard, "0042-TWH") == as_initials({"TWH"}));
    // three single letters one separator apart
    CHECK(initials_in(guard, "D.J.R.44") == as_initials({"D", "J", "R"}));
    CHECK(initials_in(guard, "j.s.b-0042") == as_initials({"j", "s", "b"}));
    CHECK(initials_in(guard, "7-A_B-C") == as_initials({"A", "B", "C"}));
    // three groups otherwise, a group of four letters, or no digit: not initials
    for (std::string id : {"A-1-B-2-C", "AB.C.D-7", "A..B.C-7", "7J9S5M76-1", "A.B.C", "ABCD-12",
                           "JS-AB", "K7M2-QX9A", "73910"}) {
        CAPTURE(id);
        CHECK(initials_in(guard, id).empty());
    }
}

TEST_CASE("guard initials: service codes and allowed words are not initials") {
    Guard with_codes(GuardWords{{}, {}, {"xq"}, {"hom", "rec", "fam", "wrk", "hsg", "emp"}});
    CHECK(with_codes.check("HOM-0042").empty());
    CHECK(with_codes.check("REC_00017").empty());
    CHECK(with_codes.check("HSG-12-0007").empty());
    CHECK(with_codes.check("XQ-0042").empty());  // the organisation's allowed word
    CHECK(initials_in(with_codes, "HOM-JS-0042") == as_initials({"JS"}));
    // built-in allowed words: a tool with no database still knows HOM, REF, ID
    Guard plain;
    CHECK(plain.check("HOM-0042").empty());
    CHECK(plain.check("REF-0042").empty());
    CHECK(plain.check("ID-0042").empty());
    CHECK(initials_in(plain, "KQ-0042") == as_initials({"KQ"}));
}

TEST_CASE("guard initials: a group already reported as a name is not also initials") {
    Guard guard;
    auto findings = guard.check("Amy-04");
    REQUIRE_FALSE(findings.empty());
    for (const auto& f : findings) CHECK(f.kind == FindingKind::name);
}
