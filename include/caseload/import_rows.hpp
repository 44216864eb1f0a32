#pragma once
// The rows of an import as the stages pass them on (src/core/import/): a
// checked row in about 40 bytes, its ID, `ref` and needs in shared buffers,
// a batch at a time. Engine-neutral: the check fills it, the streaming
// import settles it, the store's import feed (caseload/store/import_feed.hpp)
// reads it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/model.hpp"
#include "caseload/options.hpp"

namespace caseload::importer {

// A checked row, compact.

enum RowState : std::uint8_t {
    kGood,         // to be written
    kSkipped,      // already present (or earlier in the file) with the same data
    kDuplicate,    // the ID is on an earlier line of the file
    kInUse,        // the ID is in the register (no --skip-existing)
    kDifferent,    // the ID is in the register with different data
    kUnconfirmed,  // guard warnings, not confirmed at the prompt
};

// kNeedsConfirm: neither --confirm-anonymous nor its `confirmed` cell
// confirmed the ID (a generated ID needs no confirmation, as in su add).
enum RowFlag : std::uint8_t { kGenerate = 1, kWarned = 2, kNeedsConfirm = 4, kConfirmedYes = 8 };

struct Row {
    std::uint64_t line = 0;
    std::uint32_t origin_line = 0;  // the `line` cell; 0 when none
    std::uint32_t ref_offset = 0;   // the `ref` cell, in Table::refs
    std::uint32_t id_offset = 0;
    std::uint32_t needs_offset = 0;
    std::uint32_t service = 0;    // key
    std::uint32_t keyworker = 0;  // key
    std::uint32_t dob = 0;        // yyyymmdd; 0 when none
    std::uint32_t started = 0;    // yyyymmdd; 0 when not given (the day of the import)
    std::uint16_t needs_count = 0;
    std::uint8_t id_length = 0;
    std::uint8_t ref_length = 0;
    std::uint8_t age_band = 0;  // option index + 1; 0 when none
    std::uint8_t gender = 0;
    std::uint8_t ethnicity = 0;
    std::uint8_t flags = 0;
    std::uint8_t state = kGood;
};

struct BatchResult;

// Checked rows: a chunk of the write, in the order of their IDs.
class Table {
  public:
    std::vector<Row> rows;
    std::string ids;
    std::string refs;
    std::vector<std::uint32_t> needs;

    std::string_view id(const Row& r) const {
        return std::string_view(ids).substr(r.id_offset, r.id_length);
    }
    std::string_view ref(const Row& r) const {
        return std::string_view(refs).substr(r.ref_offset, r.ref_length);
    }
    // The line a person knows the row by: its `line` cell, else its line here.
    static std::uint64_t origin(const Row& r) { return r.origin_line ? r.origin_line : r.line; }

    // Adds the rows of one checked batch.
    void append(BatchResult& b);
    // The order of SQLite's NOCASE collation (ASCII folded to lower case,
    // then bytes, then length) of two IDs.
    static int compare_ids(std::string_view x, std::string_view y);
};

// Option values as indexes into their lists: 0 is none.
std::uint8_t option_index(const OptionList& list, const std::optional<std::string>& value);
inline std::string_view option_code(const OptionList& list, std::uint8_t index) {
    return index == 0 ? std::string_view() : list.values[index - 1].code;
}
// Dates as yyyymmdd; from YYYY-MM-DD (as validation leaves them).
std::uint32_t pack_date(const std::string& iso);
// Writes a packed date as YYYY-MM-DD into `out` (11 bytes); returns its length.
std::size_t format_date(std::uint32_t packed, char* out);

}  // namespace caseload::importer
