// The guard's initials detector (warn): one or two letter groups of 1-3
// letters among digits, unless a service code or an allowed word.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "caseload/guard.hpp"

using caseload::FindingKind;
using caseload::Guard;
using caseload::GuardFinding;
using caseload::GuardWords;
using caseload::Severity;

namespace {

std::vector<std::string> initials_in(const Guard& guard, std::string_view id) {
    std::vector<std::string> out;
    for (const auto& f : guard.check(id))
        if (f.kind == FindingKind::initials) {
            CHECK(f.severity == Severity::warn);
            CHECK(f.message == "may be initials");
            out.push_back(f.match);
        }
    return out;
}

using Matches = std::vector<std::string>;

}  // namespace

TEST_CASE("guard initials: the spec's examples warn") {
    Guard guard(GuardWords{{}, {}, {}, {"hom"}});
    CHECK(initials_in(guard, "JS-0042") == Matches{"JS"});
    CHECK(initials_in(guard, "0042jb") == Matches{"jb"});
    CHECK(initials_in(guard, "J.B.7") == Matches{"J", "B"});
    // warn only: never a block on its own
    CHECK_FALSE(Guard::blocks(guard.check("JS-0042")));
    CHECK_FALSE(guard.check("JS-0042").empty());
}

TEST_CASE("guard initials: one or two groups of one to three letters") {
    Guard guard;
    CHECK(initials_in(guard, "AB123") == Matches{"AB"});
    CHECK(initials_in(guard, "X-77-Y") == Matches{"X", "Y"});
    CHECK(initials_in(guard, "jrb-042") == Matches{"jrb"});
    CHECK(initials_in(guard, "A7B") == Matches{"A", "B"});
    CHECK(initials_in(guard, "0042-TWH") == Matches{"TWH"});
    // three single letters one separator apart
    CHECK(initials_in(guard, "D.J.R.44") == Matches{"D", "J", "R"});
    CHECK(initials_in(guard, "j.s.b-0042") == Matches{"j", "s", "b"});
    CHECK(initials_in(guard, "7-A_B-C") == Matches{"A", "B", "C"});
    // three groups otherwise, a group of four letters, or no digit: not initials
    CHECK(initials_in(guard, "A-1-B-2-C").empty());
    CHECK(initials_in(guard, "AB.C.D-7").empty());
    CHECK(initials_in(guard, "A..B.C-7").empty());
    CHECK(initials_in(guard, "7J9S5M76-1").empty());
    CHECK(initials_in(guard, "A.B.C").empty());
    CHECK(initials_in(guard, "ABCD-12").empty());
    CHECK(initials_in(guard, "JS-AB").empty());
    CHECK(initials_in(guard, "K7M2-QX9A").empty());
    CHECK(initials_in(guard, "73910").empty());
}

TEST_CASE("guard initials: service codes and allowed words are not initials") {
    Guard with_codes(GuardWords{{}, {}, {"xq"}, {"hom", "rec", "fam", "wrk", "hsg", "emp"}});
    CHECK(with_codes.check("HOM-0042").empty());
    CHECK(with_codes.check("REC_00017").empty());
    CHECK(with_codes.check("HSG-12-0007").empty());
    CHECK(with_codes.check("XQ-0042").empty());  // the organisation's allowed word
    CHECK(initials_in(with_codes, "HOM-JS-0042") == Matches{"JS"});
    // built-in allowed words: a tool with no database still knows HOM, REF, ID
    Guard plain;
    CHECK(plain.check("HOM-0042").empty());
    CHECK(plain.check("REF-0042").empty());
    CHECK(plain.check("ID-0042").empty());
    CHECK(initials_in(plain, "KQ-0042") == Matches{"KQ"});
}

TEST_CASE("guard initials: a group already reported as a name is not also initials") {
    Guard guard;
    auto findings = guard.check("Amy-04");
    REQUIRE_FALSE(findings.empty());
    for (const auto& f : findings) CHECK(f.kind == FindingKind::name);
}
