// Fuzz target: date parsing (spec §3: YYYY-MM-DD or DD/MM/YYYY in, YYYY-MM-DD out).
//
// Properties: parse_date never crashes; a parsed date is a valid date, its
// iso() is 10 characters and parses back to the same date, as does its UK
// form; parse_date_or_throw agrees with parse_date and throws only
// caseload::Error(invalid) with a printable message; the date-of-birth rule
// and the age arithmetic hold for any valid date (no overflow, age band known).
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caseload/dates.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace caseload;

void check_date(const Date& d) {
    FUZZ_CHECK(is_valid_date(d.year, d.month, d.day));
    const std::string iso = d.iso();
    FUZZ_CHECK(iso.size() == 10);
    auto back = parse_date(iso);
    FUZZ_CHECK(back.has_value() && *back == d);
    auto uk = parse_date(fmt::format("{:02}/{:02}/{:04}", d.day, d.month, d.year));
    FUZZ_CHECK(uk.has_value() && *uk == d);
    FUZZ_CHECK(parse_date(" " + iso + "\t").value_or(Date{}) == d);  // trimmed

    const Date on{2024, 2, 29};
    const int age = age_on(d, on);
    FUZZ_CHECK(age >= -10000 && age <= 10000);
    if (age >= 0) FUZZ_CHECK(!age_band_for_age(age).empty());
    bool accepted = true;
    try {
        check_date_of_birth(d, on);
    } catch (const Error& e) {
        accepted = false;
        FUZZ_CHECK(e.code() == Exit::invalid);
    }
    if (accepted) FUZZ_CHECK(d <= on && age >= 0 && age <= 120);
    if (d > on) FUZZ_CHECK(!accepted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_date(text);
    if (parsed) check_date(*parsed);

    bool threw = false;
    try {
        Date d = parse_date_or_throw(text, "date of birth");
        FUZZ_CHECK(parsed && d == *parsed);
    } catch (const Error& e) {
        threw = true;
        FUZZ_CHECK(e.code() == Exit::invalid);
        FUZZ_CHECK(fuzz::printable_ascii(e.what()));
    }
    FUZZ_CHECK(threw == !parsed.has_value());

    // Any three numbers from the bytes: valid ones round-trip.
    if (size >= 6) {
        const int year = (data[0] | data[1] << 8) % 10002 - 1;  // -1 .. 10000
        const int month = static_cast<int8_t>(data[2]) % 15;
        const int day = static_cast<int8_t>(data[3]) % 34;
        if (is_valid_date(year, month, day)) check_date(Date{year, month, day});
    }
    return 0;
}
