#pragma once
// JSON lines (spec §6): one JSON object per line, with the import's field
// names. Values are strings or null; fields named as lists (needs) may also be
// an array of strings. A UTF-8 BOM and CRLF line endings are accepted; blank
// lines are skipped. A line longer than the record limit is refused.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caseload/csv.hpp"

namespace caseload::jsonl {

class LineReader {
  public:
    explicit LineReader(csv::ReadFn read, csv::Limits limits = {});

    // The next line that is not blank, without its line ending, and its
    // 1-based number; false at the end of the input. Throws csv::FormatError.
    bool next(std::string& line, std::uint64_t& number);

    std::uint64_t bytes_consumed() const { return in_.consumed(); }

  private:
    csv::InputBuffer in_;
    csv::Limits limits_;
    std::uint64_t line_ = 0;
    bool started_ = false;
};

// A problem of one line: `field` names the field, or is empty for the whole line.
struct ObjectProblem {
    std::string field;
    std::string message;
};

// Parses one line as an object of string (or null) values. Fields listed in
// `list_fields` may hold an array of strings, joined here with ';'. Null
// values are left out. Returns the fields (in key order); problems
// are appended (a line that is not an object gives one problem and no fields).
std::vector<std::pair<std::string, std::string>> parse_object(
    std::string_view line, const std::vector<std::string_view>& list_fields,
    std::vector<ObjectProblem>& problems);

}  // namespace caseload::jsonl
