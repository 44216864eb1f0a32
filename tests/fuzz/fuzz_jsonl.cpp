// Fuzz target: the JSON-lines reader of su import (spec §6, include/caseload/jsonl.hpp).
//
// Input: byte 0 chooses the limits (a small record limit, or the default),
// byte 1 the size of each read (1..32 bytes); the rest is the file.
//
// Properties:
//  - no crash; the only exceptions are caseload::Error (a line over the
//    limit), and parse_object throws nothing: a bad line is a problem;
//  - no line returned is longer than max_record, none is blank, line numbers
//    go forward; reading in small pieces gives exactly the same lines and error;
//  - parse_object's fields and values are valid UTF-8; a problem has a message;
//  - an object of string values written back with nlohmann::json parses to the same.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/jsonl.hpp"
#include "caseload/text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace caseload;

struct Result {
    std::vector<std::pair<std::uint64_t, std::string>> lines;
    std::optional<std::string> error;
};

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

Result read_all(csv::ReadFn read, const csv::Limits& limits) {
    Result result;
    jsonl::LineReader reader(std::move(read), limits);
    std::string line;
    std::uint64_t number = 0, last = 0;
    try {
        while (reader.next(line, number)) {
            FUZZ_CHECK(line.size() <= limits.max_record);
            FUZZ_CHECK(!blank(line));
            FUZZ_CHECK(line.find('\n') == std::string::npos);
            FUZZ_CHECK(number > last);
            last = number;
            result.lines.emplace_back(number, line);
        }
    } catch (const csv::FormatError& e) {
        FUZZ_CHECK(e.code() == Exit::invalid);
        result.error = e.what();
    } catch (const Error&) {
        FUZZ_CHECK(!"the JSON-lines reader threw a caseload::Error that is not a FormatError");
    } catch (...) {
        FUZZ_CHECK(!"the JSON-lines reader threw something other than caseload::Error");
    }
    return result;
}

void check_object(std::string_view line) {
    static const std::vector<std::string_view> kLists = {"needs"};
    std::vector<jsonl::ObjectProblem> problems;
    std::vector<std::pair<std::string, std::string>> fields;
    try {
        fields = jsonl::parse_object(line, kLists, problems);
    } catch (const nlohmann::json::out_of_range& e) {
        // Known bug (reported): a number too large for a double ({"id":1e999})
        // escapes parse_object as out_of_range.406. For long runs only,
        // CASELOAD_FUZZ_KNOWN=jsonl-number-overflow lets the fuzzer go on.
        const char* known = std::getenv("CASELOAD_FUZZ_KNOWN");
        if (!known || std::string_view(known) != "jsonl-number-overflow") {
            std::fprintf(stderr, "parse_object threw: %s\n", e.what());
            FUZZ_CHECK(!"parse_object threw instead of reporting a problem");
        }
        return;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parse_object threw: %s\n", e.what());
        FUZZ_CHECK(!"parse_object threw instead of reporting a problem");
    }
    for (const auto& p : problems) FUZZ_CHECK(!p.message.empty());
    for (const auto& [key, value] : fields) {
        FUZZ_CHECK(is_valid_utf8(key));
        FUZZ_CHECK(is_valid_utf8(value));
    }
    if (!problems.empty()) return;
    // Written back as an object of strings, it reads the same.
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : fields) object[key] = value;
    std::vector<jsonl::ObjectProblem> again_problems;
    auto again = jsonl::parse_object(object.dump(), kLists, again_problems);
    FUZZ_CHECK(again_problems.empty());
    // Duplicate keys: the last one wins in both.
    std::vector<std::pair<std::string, std::string>> expected;
    for (auto it = object.begin(); it != object.end(); ++it)
        expected.emplace_back(it.key(), it.value().get<std::string>());
    FUZZ_CHECK(again == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    csv::Limits limits;
    if (data[0] & 1) limits.max_record = 8 + data[0] % 120;
    const std::size_t piece = 1 + data[1] % 32;
    const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);

    const Result whole = read_all(csv::string_reader(text), limits);
    const Result pieced = read_all(csv::string_reader(text, piece), limits);
    FUZZ_CHECK(whole.lines == pieced.lines);
    FUZZ_CHECK(whole.error == pieced.error);

    for (const auto& [number, line] : whole.lines) check_object(line);
    return 0;
}
