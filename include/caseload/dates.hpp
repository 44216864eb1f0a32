#pragma once
// Dates: YYYY-MM-DD or UK DD/MM/YYYY in, YYYY-MM-DD out.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace caseload {

struct Date {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Date&) const = default;
    std::string iso() const;
};

// Writes YEAR-MM-DD (year 0-9999, month and day 0-99) into out[0..9], with no
// terminator and no allocation: Date::iso and an import's every row use it.
void write_iso_date(char* out, int year, int month, int day);

bool is_valid_date(int year, int month, int day);

// Strict parse of YYYY-MM-DD or DD/MM/YYYY; nullopt when neither.
std::optional<Date> parse_date(std::string_view text);

// As parse_date, throwing Error(Exit::invalid) that names the field and value.
Date parse_date_or_throw(std::string_view text, std::string_view field);

// Today's date in local time; CASELOAD_TODAY (YYYY-MM-DD) overrides it for tests.
Date today();

// True when `earlier` is more than `years` whole years before `on`.
bool more_than_years_before(const Date& earlier, const Date& on, int years);

// Refuses a date of birth in the future or more than 120 years back.
void check_date_of_birth(const Date& dob, const Date& on);

// Age in whole years on a given day.
int age_on(const Date& dob, const Date& on);

// The age-band code (options.hpp) for an age.
std::string_view age_band_for_age(int age);

// `d` moved by `days` days (negative: back), by the proleptic Gregorian calendar.
Date add_days(const Date& d, long days);

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp();

}  // namespace caseload
