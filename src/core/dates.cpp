#include "caseload/dates.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

void write_iso_date(char* out, int year, int month, int day) {
    out[0] = static_cast<char>('0' + year / 1000);
    out[1] = static_cast<char>('0' + year / 100 % 10);
    out[2] = static_cast<char>('0' + year / 10 % 10);
    out[3] = static_cast<char>('0' + year % 10);
    out[4] = '-';
    out[5] = static_cast<char>('0' + month / 10);
    out[6] = static_cast<char>('0' + month % 10);
    out[7] = '-';
    out[8] = static_cast<char>('0' + day / 10);
    out[9] = static_cast<char>('0' + day % 10);
}

std::string Date::iso() const {
    if (year < 0 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99)
        return fmt::format("{:04}-{:02}-{:02}", year, month, day);
    // By hand: an import formats a date per row, and fmt's parsing of the
    // format string cost more than the rest of the date's checks.
    std::string out(10, '\0');
    write_iso_date(out.data(), year, month, day);
    return out;
}

bool is_valid_date(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= days;
}

namespace {

bool digits(std::string_view text, std::size_t from, std::size_t count, int& value) {
    value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        char c = text[i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    text = trim(text);
    Date d;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        if (!digits(text, 0, 4, d.year) || !digits(text, 5, 2, d.month) ||
            !digits(text, 8, 2, d.day))
            return std::nullopt;
    } else if (text.size() == 10 && text[2] == '/' && text[5] == '/') {
        if (!digits(text, 0, 2, d.day) || !digits(text, 3, 2, d.month) ||
            !digits(text, 6, 4, d.year))
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!is_valid_date(d.year, d.month, d.day)) return std::nullopt;
    return d;
}

Date parse_date_or_throw(std::string_view text, std::string_view field) {
    if (auto d = parse_date(text)) return *d;
    throw Error(Exit::invalid, fmt::format("{} '{}' is not a date", field, printable(text)),
                "write it as YYYY-MM-DD or DD/MM/YYYY, for example 1990-04-23 or 23/04/1990");
}

Date today() {
    if (const char* fixed = std::getenv("CASELOAD_TODAY"))
        if (auto d = parse_date(fixed)) return *d;
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

bool more_than_years_before(const Date& earlier, const Date& on, int years) {
    return age_on(earlier, on) > years ||
           (age_on(earlier, on) == years && earlier < Date{on.year - years, on.month, on.day});
}

void check_date_of_birth(const Date& dob, const Date& on) {
    if (dob > on)
        throw Error(
            Exit::invalid,
            fmt::format("date of birth {} is in the future (today is {})", dob.iso(), on.iso()),
            "check the date; write it as YYYY-MM-DD or DD/MM/YYYY");
    if (more_than_years_before(dob, on, 120))
        throw Error(Exit::invalid,
                    fmt::format("date of birth {} is more than 120 years ago", dob.iso()),
                    "check the year; if the date is not known, give --age-band instead");
}

int age_on(const Date& dob, const Date& on) {
    int age = on.year - dob.year;
    if (on.month < dob.month || (on.month == dob.month && on.day < dob.day)) --age;
    return age;
}

std::string_view age_band_for_age(int age) {
    if (age < 18) return "under-18";
    if (age <= 24) return "18-24";
    if (age <= 34) return "25-34";
    if (age <= 44) return "35-44";
    if (age <= 54) return "45-54";
    if (age <= 64) return "55-64";
    if (age <= 74) return "65-74";
    return "75-plus";
}

namespace {

// Days since 1970-01-01 and back (H. Hinnant's civil-date algorithms).
long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date civil_from_days(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long doe = z - era * 146097;
    const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

}  // namespace

Date add_days(const Date& d, long days) {
    return civil_from_days(days_from_civil(d.year, d.month, d.day) + days);
}

std::string utc_timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace caseload
