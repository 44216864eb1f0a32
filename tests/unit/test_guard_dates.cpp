// The guard's date detector (warn): plausible dates and years of birth,
// relative to today (CASELOAD_TODAY in these tests).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

Lines dates_in(const Guard& guard, std::string_view id) {
    return findings_of(guard, id, FindingKind::date, Severity::warn);
}

// An ID and its date findings (none: not a date).
struct DateCase {
    std::string id;
    Lines expected;
};

}  // namespace

TEST_CASE("guard dates: the spec's examples warn") {
    FixedToday today("2026-11-26");
    Guard guard;
    CHECK(dates_in(guard, "01021985") == Lines{"01021985: may be a date of birth"});
    CHECK(dates_in(guard, "1985-02-01") == Lines{"1985-02-01: may be a date of birth"});
    CHECK(dates_in(guard, "JB-1985") == Lines{"1985: may be a year of birth"});
    CHECK_FALSE(Guard::blocks(guard.check("01021985")));
}

TEST_CASE("guard dates: dates of birth in the common orders") {
    FixedToday today("2026-11-26");
    Guard guard;
    const DateCase cases[] = {
        {"19850201", {"19850201: may be a date of birth"}},
        {"01-02-1985", {"01-02-1985: may be a date of birth"}},
        {"12.03.1979", {"12.03.1979: may be a date of birth"}},
        {"12.03.79", {"12.03.79: may be a date of birth"}},
        {"25-12-90", {"25-12-90: may be a date of birth"}},
        {"1966_12_30", {"1966_12_30: may be a date of birth"}},
        {"1-2-1985", {"1-2-1985: may be a date of birth"}},
        {"29-02-1988", {"29-02-1988: may be a date of birth"}},
        {"REC-17081993", {"17081993: may be a date of birth"}},
        {"HOM_1982-06-14-7", {"1982-06-14: may be a date of birth"}},
        // not a calendar date, in the future, more than 120 years back
        {"32011985", {}},
        // (the year alone may still be a year of birth)
        {"29-02-1989", {"1989: may be a year of birth"}},
        {"01-13-1985", {"1985: may be a year of birth"}},
        {"01-12-2026", {}},
        {"27-11-2026", {}},
        {"01-01-1900", {}},
        // six digits alone: DDMMYY (issue 13); among other characters, and
        // when not a plausible date of birth: serials
        {"010285", {"010285: may be a date of birth"}},
        {"270285", {"270285: may be a date of birth"}},
        {"REC-010285", {}},
        {"REC-865797", {}},
        {"320185", {}},
        {"010120", {}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.id);
        CHECK(dates_in(guard, c.id) == c.expected);
    }
}

TEST_CASE("guard dates: plausible years of birth") {
    FixedToday today("2026-11-26");
    Guard guard;
    const DateCase cases[] = {
        {"HOM-1972", {"1972: may be a year of birth"}},
        {"1920", {"1920: may be a year of birth"}},
        {"2010", {"2010: may be a year of birth"}},
        {"HSG-0417-1976", {"1976: may be a year of birth"}},
        // outside 1920 .. today - 16, or not a 4-digit run of its own
        {"1919", {}},
        {"2011", {}},
        {"2024-HOM-0193", {}},
        {"4417", {}},
        {"19850", {}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.id);
        CHECK(dates_in(guard, c.id) == c.expected);
    }
    CHECK(dates_in(guard, "A1985B").size() == 1);
}

TEST_CASE("guard dates: today comes from CASELOAD_TODAY") {
    {
        FixedToday today("2000-06-01");
        Guard guard;
        CHECK(dates_in(guard, "HOM-1990").empty());  // ten years old then
        CHECK(dates_in(guard, "HOM-1984") == Lines{"1984: may be a year of birth"});
        CHECK(dates_in(guard, "02-06-2000").empty());  // tomorrow
        CHECK(dates_in(guard, "01-06-2000").size() == 1);
        CHECK(dates_in(guard, "01.06.99") == Lines{"01.06.99: may be a date of birth"});
    }
    {
        FixedToday today("2030-01-01");
        Guard guard;
        CHECK(dates_in(guard, "HOM-2012") == Lines{"2012: may be a year of birth"});
    }
}

TEST_CASE("guard dates: an identifier is not also a date") {
    FixedToday today("2026-11-26");
    Guard guard;
    // an NHS number in 3-3-4 groups whose last group reads as a year
    auto findings = guard.check("100-003-1985");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == FindingKind::identifier);
    CHECK(dates_in(guard, "9434765919").empty());
}
