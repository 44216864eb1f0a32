#include <doctest/doctest.h>

#include "caseload/dates.hpp"
#include "caseload/error.hpp"

using namespace caseload;

TEST_CASE("dates: the two accepted forms") {
    CHECK(parse_date("1990-04-23")->iso() == "1990-04-23");
    CHECK(parse_date("23/04/1990")->iso() == "1990-04-23");
    CHECK(parse_date(" 2000-02-29 ")->iso() == "2000-02-29");
    CHECK(Date{42, 1, 2}.iso() == "0042-01-02");
    CHECK(Date{9999, 12, 31}.iso() == "9999-12-31");
    CHECK(Date{-5, 1, 1}.iso() == "-005-01-01");
}

TEST_CASE("dates: refusals") {
    CHECK_FALSE(parse_date("1990-4-23"));
    CHECK_FALSE(parse_date("04/23/1990"));  // US order: month 23
    CHECK_FALSE(parse_date("1990-02-30"));
    CHECK_FALSE(parse_date("1900-02-29"));
    CHECK_FALSE(parse_date("23.04.1990"));
    CHECK_FALSE(parse_date(""));
    CHECK_THROWS_AS(parse_date_or_throw("tomorrow", "date of birth"), Error);
}

TEST_CASE("dates: date of birth limits") {
    Date on{2026, 11, 26};
    CHECK_NOTHROW(check_date_of_birth({2026, 11, 26}, on));
    CHECK_THROWS_AS(check_date_of_birth({2026, 11, 27}, on), Error);
    CHECK_NOTHROW(check_date_of_birth({1906, 11, 26}, on));
    CHECK_THROWS_AS(check_date_of_birth({1906, 11, 25}, on), Error);
}

TEST_CASE("dates: age and age band") {
    Date on{2026, 11, 26};
    CHECK(age_on({2000, 11, 26}, on) == 26);
    CHECK(age_on({2000, 11, 27}, on) == 25);
    CHECK(age_band_for_age(17) == "under-18");
    CHECK(age_band_for_age(18) == "18-24");
    CHECK(age_band_for_age(24) == "18-24");
    CHECK(age_band_for_age(25) == "25-34");
    CHECK(age_band_for_age(74) == "65-74");
    CHECK(age_band_for_age(75) == "75-plus");
}

TEST_CASE("dates: a spreadsheet's midnight is read; any other time is not") {
    CHECK(parse_date("14/06/1988 00:00")->iso() == "1988-06-14");
    CHECK(parse_date("14/06/1988 00:00:00")->iso() == "1988-06-14");
    CHECK(parse_date("1988-06-14T00:00:00")->iso() == "1988-06-14");
    CHECK_FALSE(parse_date("14/06/1988 09:30"));
    CHECK(parse_date("14/06/1988 00:00 ")->iso() == "1988-06-14");  // trimmed first
}

TEST_CASE("dates: 12/25/1985 is named as MM/DD/YYYY, never guessed") {
    CHECK_THROWS_WITH(parse_date_or_throw("12/25/1985", "date of birth"),
                      "date of birth '12/25/1985' looks like MM/DD/YYYY; use DD/MM/YYYY or "
                      "YYYY-MM-DD");
    // 03/04/1985 is a valid UK date: read as 3 April.
    CHECK(parse_date_or_throw("03/04/1985", "date of birth").iso() == "1985-04-03");
    // Neither order makes a date: the plain refusal.
    CHECK_THROWS_WITH(parse_date_or_throw("13/13/1985", "date of birth"),
                      "date of birth '13/13/1985' is not a date");
}
