// JSON lines: the line reader and one object per line.
#include <doctest/doctest.h>

#include <map>

#include "caseload/jsonl.hpp"

using namespace caseload;

namespace {

std::vector<std::pair<std::uint64_t, std::string>> lines_of(const std::string& text,
                                                            std::size_t chunk = 0,
                                                            csv::Limits limits = {}) {
    csv::ReadFn source = csv::string_reader(text);
    if (chunk)
        source = [inner = source, chunk](char* into, std::size_t capacity) {
            return inner(into, std::min(capacity, chunk));
        };
    jsonl::LineReader reader(source, limits);
    std::vector<std::pair<std::uint64_t, std::string>> out;
    std::string line;
    std::uint64_t number = 0;
    while (reader.next(line, number)) out.emplace_back(number, line);
    return out;
}

}  // namespace

TEST_CASE("jsonl: lines with LF or CRLF, a BOM, blank lines skipped but counted") {
    const std::string text =
        "\xEF\xBB\xBF{\"id\":\"A1\"}\r\n\r\n  \n{\"id\":\"A2\"}\n{\"id\":\"A3\"}";
    auto expected = std::vector<std::pair<std::uint64_t, std::string>>{
        {1, "{\"id\":\"A1\"}"}, {4, "{\"id\":\"A2\"}"}, {5, "{\"id\":\"A3\"}"}};
    CHECK(lines_of(text) == expected);
    CHECK(lines_of(text, 1) == expected);
    CHECK(lines_of(text, 3) == expected);
    CHECK(lines_of("").empty());
}

TEST_CASE("jsonl: a line over the record limit is refused with its number") {
    csv::Limits limits;
    limits.max_record = std::size_t{1} << 20;
    std::string text = "{}\n" + std::string((std::size_t{1} << 20) + 1, ' ') + "\n";
    try {
        lines_of(text, 0, limits);
        FAIL("no error");
    } catch (const csv::FormatError& e) {
        CHECK(e.line() == 2);
    }
}

TEST_CASE("jsonl: an object's strings, nulls and the needs list") {
    std::vector<jsonl::ObjectProblem> problems;
    auto fields = jsonl::parse_object(
        R"({"id":"A1","service":"HOM","gender":null,"needs":["money","self-care"]})", {"needs"},
        problems);
    CHECK(problems.empty());
    std::map<std::string, std::string> m(fields.begin(), fields.end());
    CHECK(m.size() == 3);
    CHECK(m["id"] == "A1");
    CHECK(m["needs"] == "money;self-care");
    fields = jsonl::parse_object(R"({"needs":"money;self-care"})", {"needs"}, problems);
    CHECK(fields.front().second == "money;self-care");
}

TEST_CASE("jsonl: wrong types, non-objects and broken JSON are problems naming the field") {
    std::vector<jsonl::ObjectProblem> problems;
    jsonl::parse_object(R"({"id":42,"needs":["a",7],"gender":["x"]})", {"needs"}, problems);
    REQUIRE(problems.size() == 3);
    std::map<std::string, std::string> m;
    for (const auto& p : problems) m[p.field] = p.message;
    CHECK(m["id"] == "must be a string; it is a number");
    CHECK(m["needs"] == "must be a list of strings; it holds a number");
    CHECK(m["gender"] == "must be a string; it is a list");
    problems.clear();
    CHECK(jsonl::parse_object("[1,2]", {}, problems).empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].field.empty());
    CHECK(problems[0].message.find("not a JSON object") != std::string::npos);
    problems.clear();
    jsonl::parse_object("{\"id\": \"A1\"", {}, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("is not valid JSON") != std::string::npos);
    problems.clear();
    jsonl::parse_object("{\"id\": \"b\xE9t\"}", {}, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("is not valid JSON") != std::string::npos);
}
