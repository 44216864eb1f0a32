// The CSV reader and writer (RFC 4180, spreadsheet flavour, hostile input).
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "caseload/csv.hpp"

using namespace caseload;

namespace {

// All records of `text` as rows of fields; chunk: bytes per read (0 = all).
std::vector<std::vector<std::string>> read_all(const std::string& text, std::size_t chunk = 0,
                                               csv::Limits limits = {},
                                               std::vector<std::uint64_t>* lines = nullptr,
                                               std::vector<csv::CellProblem>* problems = nullptr) {
    csv::ReadFn source = csv::string_reader(text);
    if (chunk) {
        source = [inner = source, chunk](char* into, std::size_t capacity) {
            return inner(into, std::min(capacity, chunk));
        };
    }
    csv::Reader reader(source, limits);
    csv::Records records;
    while (reader.next(records)) {
    }
    std::vector<std::vector<std::string>> out;
    for (std::size_t r = 0; r < records.size(); ++r) {
        std::vector<std::string> row;
        for (std::size_t f = 0; f < records.fields(r); ++f) row.emplace_back(records.field(r, f));
        out.push_back(row);
        if (lines) lines->push_back(records.line(r));
    }
    if (problems) *problems = records.problems();
    return out;
}

using Rows = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("csv: LF and CRLF records, empty fields, no final line ending") {
    CHECK(read_all("a,b\n1,2\n") == Rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\r\n1,2\r\n") == Rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\r\n1,2") == Rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,,\n,x,\n") == Rows{{"a", "", ""}, {"", "x", ""}});
    CHECK(read_all("") == Rows{});
    CHECK(read_all("\n") == Rows{{""}});
}

TEST_CASE("csv: a UTF-8 BOM is skipped; UTF-16 is refused") {
    csv::Reader reader(csv::string_reader("\xEF\xBB\xBFid,service\nX1,HOM\n"));
    csv::Records records;
    REQUIRE(reader.next(records));
    CHECK(reader.had_bom());
    CHECK(records.field(0, 0) == "id");
    CHECK_THROWS_WITH_AS(read_all("\xFF\xFEi\0d\0", 0), doctest::Contains("UTF-16"),
                         csv::FormatError);
}

TEST_CASE(
    "csv: quoted fields with commas, quotes and line breaks; the line where each record starts") {
    const std::string text =
        "id,needs,note\r\n"
        "\"A1\",\"money;self-care\",\"a, b\"\r\n"
        "A2,\"two\r\nlines\",\"say \"\"hi\"\"\"\r\n"
        "A3,\"\",x\r\n";
    std::vector<std::uint64_t> lines;
    auto rows = read_all(text, 0, {}, &lines);
    REQUIRE(rows.size() == 4);
    CHECK(rows[1] == std::vector<std::string>{"A1", "money;self-care", "a, b"});
    CHECK(rows[2] == std::vector<std::string>{"A2", "two\r\nlines", "say \"hi\""});
    CHECK(rows[3] == std::vector<std::string>{"A3", "", "x"});
    CHECK(lines == std::vector<std::uint64_t>{1, 2, 3, 5});
}

TEST_CASE("csv: reading one byte at a time gives the same records") {
    const std::string text =
        "\xEF\xBB\xBFid,a,b\r\n\"x,\"\"y\"\"\r\nz\",2,3\r\nq,\"\",\"\"\"\"\r\nlast,1,";
    const auto whole = read_all(text);
    for (std::size_t chunk : {1, 2, 3, 5, 7}) CHECK(read_all(text, chunk) == whole);
    CHECK(whole.size() == 4);
    CHECK(whole[1][0] == "x,\"y\"\r\nz");
    CHECK(whole[2][2] == "\"");
}

TEST_CASE("csv: an unterminated quote names the line where the field started") {
    try {
        read_all("id,x\nA1,ok\nA2,\"never\nclosed\n\n");
        FAIL("no error");
    } catch (const csv::FormatError& e) {
        CHECK(e.line() == 3);
        CHECK(e.column() == 2);
        CHECK(std::string(e.what()).find("never closed") != std::string::npos);
    }
}

TEST_CASE("csv: carriage returns alone (old Mac line endings) are refused") {
    try {
        read_all("id,x\rA1,2\r");
        FAIL("no error");
    } catch (const csv::FormatError& e) {
        CHECK(e.line() == 1);
        CHECK(std::string(e.what()).find("carriage return alone") != std::string::npos);
    }
    // A CR inside quotes is data, and a final CR is a line ending.
    CHECK(read_all("\"a\rb\",c\r") == Rows{{"a\rb", "c"}});
}

TEST_CASE("csv: hard limits against hostile input") {
    csv::Limits small;
    small.max_field = 10;
    small.max_record = 25;
    small.max_columns = 4;
    CHECK_NOTHROW(read_all("0123456789,x\n", 0, small));
    CHECK_THROWS_WITH_AS(read_all("ok\n01234567890\n", 0, small),
                         doctest::Contains("line 2, field 1: a field is longer than 10 bytes"),
                         csv::FormatError);
    CHECK_THROWS_WITH_AS(read_all("\"0123456789\n0\"", 0, small), doctest::Contains("longer than"),
                         csv::FormatError);
    CHECK_THROWS_WITH_AS(read_all("0123456789,0123456789,0123456789\n", 0, small),
                         doctest::Contains("a record is longer than 25 bytes"), csv::FormatError);
    CHECK_THROWS_WITH_AS(read_all("a,b,c,d,e\n", 0, small), doctest::Contains("more than 4 fields"),
                         csv::FormatError);
    // The defaults: 1 MB a field.
    std::string big(std::size_t{1} << 20, 'x');
    CHECK_NOTHROW(read_all(big + "\n"));
    CHECK_THROWS_AS(read_all(big + "x\n"), csv::FormatError);
}

TEST_CASE(
    "csv: invalid UTF-8, NUL bytes and text after a closing quote are problems of their cell") {
    std::vector<csv::CellProblem> problems;
    auto rows =
        read_all(std::string("id,x\nA1,caf\xC3\xA9\nA2,b\xE9t\nA3,n") + '\0' + "l\n\"A4\"x,y\n", 0,
                 {}, nullptr, &problems);
    REQUIRE(rows.size() == 5);
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].record == 2);
    CHECK(problems[0].column == 1);
    CHECK(problems[0].message.find("not valid UTF-8 (byte \\xE9 at position 2)") !=
          std::string::npos);
    CHECK(problems[1].record == 3);
    CHECK(problems[1].message == "has a NUL byte at position 2");
    CHECK(problems[2].record == 4);
    CHECK(problems[2].column == 0);
    CHECK(problems[2].message.find("after its closing quote") != std::string::npos);
}

TEST_CASE("csv: writer quotes only when needed, and what it writes reads back") {
    CHECK(csv::field("plain") == "plain");
    CHECK(csv::field("a,b") == "\"a,b\"");
    CHECK(csv::field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv::field("two\nlines") == "\"two\nlines\"");
    CHECK(csv::field(" padded") == "\" padded\"");
    CHECK(csv::field("") == "");
    std::vector<std::string> cells = {"x,y", "\"", "", "line\r\nbreak", "caf\xC3\xA9"};
    std::string text;
    csv::append_record(text, cells);
    csv::append_record(text, std::vector<std::string>{"a", "b"});
    auto rows = read_all(text);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == cells);
}

TEST_CASE("csv: random bytes never crash the reader") {
    std::mt19937 random(20261126);
    const std::string alphabet = std::string("ab,\"\r\n\0\xC3\xA9\xFF ", 11);
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const std::size_t length = random() % 200;
        for (std::size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
        csv::Limits limits;
        limits.max_field = 50;
        limits.max_record = 120;
        limits.max_columns = 20;
        try {
            read_all(text, 1 + random() % 7, limits);
        } catch (const csv::FormatError& e) {
            CHECK(e.line() >= 1);
        }
    }
}
