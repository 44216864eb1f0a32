// The guard's date detector (warn): plausible dates and years of birth,
// relative to today (CASELOAD_TODAY in these tests).
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "caseload/guard.hpp"

using caseload::FindingKind;
using caseload::Guard;
using caseload::GuardFinding;
using caseload::GuardWords;
using caseload::Severity;

namespace {

// Sets CASELOAD_TODAY for the life of the object, then puts back what was there.
class FixedToday {
  public:
    explicit FixedToday(const char* date) {
        if (const char* old = std::getenv("CASELOAD_TODAY")) old_ = old;
        ::setenv("CASELOAD_TODAY", date, 1);
    }
    ~FixedToday() {
        if (old_)
            ::setenv("CASELOAD_TODAY", old_->c_str(), 1);
        else
            ::unsetenv("CASELOAD_TODAY");
    }

  private:
    std::optional<std::string> old_;
};

std::vector<std::string> dates_in(const Guard& guard, std::string_view id) {
    std::vector<std::string> out;
    for (const auto& f : guard.check(id))
        if (f.kind == FindingKind::date) {
            CHECK(f.severity == Severity::warn);
            out.push_back(f.match + ": " + f.message);
        }
    return out;
}

using Lines = std::vector<std::string>;

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
    CHECK(dates_in(guard, "19850201") == Lines{"19850201: may be a date of birth"});
    CHECK(dates_in(guard, "01-02-1985") == Lines{"01-02-1985: may be a date of birth"});
    CHECK(dates_in(guard, "12.03.1979") == Lines{"12.03.1979: may be a date of birth"});
    CHECK(dates_in(guard, "12.03.79") == Lines{"12.03.79: may be a date of birth"});
    CHECK(dates_in(guard, "25-12-90") == Lines{"25-12-90: may be a date of birth"});
    CHECK(dates_in(guard, "1966_12_30") == Lines{"1966_12_30: may be a date of birth"});
    CHECK(dates_in(guard, "1-2-1985") == Lines{"1-2-1985: may be a date of birth"});
    CHECK(dates_in(guard, "29-02-1988") == Lines{"29-02-1988: may be a date of birth"});
    CHECK(dates_in(guard, "REC-17081993") == Lines{"17081993: may be a date of birth"});
    CHECK(dates_in(guard, "HOM_1982-06-14-7") == Lines{"1982-06-14: may be a date of birth"});
    // not a calendar date, in the future, more than 120 years back
    CHECK(dates_in(guard, "32011985").empty());
    // (the year alone may still be a year of birth)
    CHECK(dates_in(guard, "29-02-1989") == Lines{"1989: may be a year of birth"});
    CHECK(dates_in(guard, "01-13-1985") == Lines{"1985: may be a year of birth"});
    CHECK(dates_in(guard, "01-12-2026").empty());
    CHECK(dates_in(guard, "27-11-2026").empty());
    CHECK(dates_in(guard, "01-01-1900").empty());
    // six digits without separators are serials, not dates
    CHECK(dates_in(guard, "010285").empty());
    CHECK(dates_in(guard, "REC-865797").empty());
}

TEST_CASE("guard dates: plausible years of birth") {
    FixedToday today("2026-11-26");
    Guard guard;
    CHECK(dates_in(guard, "HOM-1972") == Lines{"1972: may be a year of birth"});
    CHECK(dates_in(guard, "1920") == Lines{"1920: may be a year of birth"});
    CHECK(dates_in(guard, "2010") == Lines{"2010: may be a year of birth"});
    CHECK(dates_in(guard, "HSG-0417-1976") == Lines{"1976: may be a year of birth"});
    // outside 1920 .. today - 16, or not a 4-digit run of its own
    CHECK(dates_in(guard, "1919").empty());
    CHECK(dates_in(guard, "2011").empty());
    CHECK(dates_in(guard, "2024-HOM-0193").empty());
    CHECK(dates_in(guard, "4417").empty());
    CHECK(dates_in(guard, "19850").empty());
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
