// Fuzz target: the CSV reader of su import (spec §6, include/caseload/csv.hpp).
//
// Input: byte 0 chooses the limits (small ones, so that the limits are
// reached, or the defaults) and byte 1 the size of each read (1..32 bytes, as
// from a slow pipe); the rest is the file.
//
// Properties:
//  - no crash, and the only exceptions are caseload::Error (FormatError for a
//    malformed file);
//  - the limits hold: no returned field is longer than max_field, no record
//    has more than max_columns fields or more than max_record bytes;
//  - reading in small pieces gives exactly what reading at once gives:
//    the same records, lines, cell problems and the same error;
//  - every cell problem names a field of its record, with a printable message;
//  - records without problems written back with append_record read back the same.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/csv.hpp"
#include "caseload/text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace caseload;

struct Record {
    std::uint64_t line = 0;
    std::vector<std::string> fields;
    std::vector<std::string> problems;  // "column: message"
    bool operator==(const Record&) const = default;
};

struct Result {
    std::vector<Record> records;
    std::optional<std::string> error;  // the message of the error that stopped the reading
};

bool is_limit_error(std::string_view message) {
    return message.find(" is longer than ") != std::string_view::npos;
}

Record take(const csv::Records& records, std::size_t r, std::size_t problems_from,
            const csv::Limits& limits) {
    Record out;
    out.line = records.line(r);
    const std::size_t n = records.fields(r);
    FUZZ_CHECK(n >= 1);
    FUZZ_CHECK(n <= limits.max_columns);
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::string_view f = records.field(r, i);
        FUZZ_CHECK(f.size() <= limits.max_field);
        bytes += f.size();
        out.fields.emplace_back(f);
    }
    FUZZ_CHECK(bytes <= limits.max_record);
    const auto& problems = records.problems();
    for (std::size_t p = problems_from; p < problems.size(); ++p) {
        if (problems[p].record != r) continue;
        FUZZ_CHECK(problems[p].column < n);
        FUZZ_CHECK(!problems[p].message.empty());
        FUZZ_CHECK(fuzz::printable_ascii(problems[p].message));
        out.problems.push_back(std::to_string(problems[p].column) + ": " + problems[p].message);
    }
    return out;
}

// Reads everything. `batch`: keep records in one Records (as the import's
// batches), else clear it before each record.
Result read_all(csv::ReadFn read, const csv::Limits& limits, bool batch) {
    Result result;
    csv::Reader reader(std::move(read), limits);
    csv::Records records;
    try {
        for (;;) {
            if (!batch) records.clear();
            const std::size_t index = records.size();
            const std::size_t problems_from = records.problems().size();
            if (!reader.next(records)) break;
            FUZZ_CHECK(records.size() == index + 1);
            result.records.push_back(take(records, index, problems_from, limits));
            FUZZ_CHECK(result.records.size() < 1'000'000);
        }
        FUZZ_CHECK(!reader.next(records));  // the end stays the end
    } catch (const csv::FormatError& e) {
        FUZZ_CHECK(e.code() == Exit::invalid);
        FUZZ_CHECK(e.line() >= 1);
        FUZZ_CHECK(fuzz::printable_ascii(e.what()));
        result.error = e.what();
    } catch (const Error& e) {
        FUZZ_CHECK(!"the CSV reader threw a caseload::Error that is not a FormatError");
    } catch (...) {
        FUZZ_CHECK(!"the CSV reader threw something other than caseload::Error");
    }
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    csv::Limits limits;
    if (data[0] & 1) {
        limits.max_field = 16 + data[0] % 48;
        limits.max_record = limits.max_field * (1 + data[0] % 5);
        limits.max_columns = 1 + data[0] % 12;
    }
    const std::size_t piece = 1 + data[1] % 32;
    const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);

    const Result whole = read_all(csv::string_reader(text), limits, true);
    const Result pieced = read_all(csv::string_reader(text, piece), limits, false);
    FUZZ_CHECK(whole.records == pieced.records);
    FUZZ_CHECK(whole.error.has_value() == pieced.error.has_value());
    // When a field is over its limit and so is the record in the same read,
    // which of the two the message names depends on where the reads ended:
    // both are right. Any other error must be the same.
    if (whole.error && !(is_limit_error(*whole.error) && is_limit_error(*pieced.error)))
        FUZZ_CHECK(whole.error == pieced.error);

    // Lines only go forward.
    for (std::size_t i = 1; i < whole.records.size(); ++i)
        FUZZ_CHECK(whole.records[i].line > whole.records[i - 1].line);

    // Clean records round-trip through the writer.
    std::vector<const Record*> clean;
    std::string written;
    for (const Record& r : whole.records) {
        if (!r.problems.empty()) continue;
        clean.push_back(&r);
        csv::append_record(written, r.fields);
    }
    if (written.starts_with("\xEF\xBB\xBF")) return 0;  // a BOM would be read as one
    const Result again = read_all(csv::string_reader(written), limits, true);
    FUZZ_CHECK(!again.error.has_value());
    FUZZ_CHECK(again.records.size() == clean.size());
    for (std::size_t i = 0; i < clean.size(); ++i) {
        FUZZ_CHECK(again.records[i].fields == clean[i]->fields);
        FUZZ_CHECK(again.records[i].problems.empty());
    }
    return 0;
}
