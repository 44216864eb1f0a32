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
