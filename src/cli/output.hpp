#pragma once
// Output for people (tables) and scripts (json, jsonl, csv, tsv). Only data
// goes to stdout; messages go to stderr.
#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace caseload::cli {

using Json = nlohmann::ordered_json;

enum class Format { table, json, jsonl, csv, tsv };

Format parse_format(const std::string& name);  // throws Error(usage)

// --no-header: tables, csv and tsv without their heading line (set once,
// from the global option, before any command prints).
void set_headers(bool shown);
bool headers_shown();

// Times: the register keeps UTC ("2026-03-01T09:30:00Z"); they are shown in
// local time with the offset ("2026-03-01T10:30:00+01:00"), or as kept with
// --utc (set once, from the global option).
void set_utc(bool utc);
std::string shown_time(const std::string& utc);

// Colour only on a terminal, never with NO_COLOR set.
bool colour_enabled(int fd);

// A CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view value);
// A TSV field: tab, newline and backslash escaped as \t, \n, \\.
std::string tsv_field(std::string_view value);
// An optional text as JSON: the text, or null.
inline Json json_or_null(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json(nullptr);
}

// A JSON value as text for csv/tsv/table: null is empty, arrays joined by ';'.
std::string flat_text(const Json& value, std::string_view list_separator = ";");

// One field of a record given as cells (RecordWriter::add_cells): a text,
// null, or a list of texts (a JSON array; joined by ';' in csv and tsv).
struct Cell {
    enum class Kind { null, text, list } kind = Kind::null;
    std::string_view text;
    const std::vector<std::string>* list = nullptr;

    static Cell of(std::string_view value) { return {Kind::text, value, nullptr}; }
    static Cell of(const std::optional<std::string>& value) {
        return value ? of(std::string_view(*value)) : Cell{};
    }
    static Cell of(const std::vector<std::string>& values) { return {Kind::list, {}, &values}; }
};

// The record as compact JSON, as nlohmann's dump() writes it (text that is
// not ASCII through nlohmann itself).
void append_json_object(std::string& out, const std::vector<std::string>& columns,
                        const std::vector<Cell>& cells);

// Writes records in the chosen format, through a 64 KiB buffer: json one
// array, jsonl one object a line, csv/tsv a header then rows, a table
// aligned over its first kAlignedRows rows (later rows keep those widths),
// so that every format streams. A failed write (a closed pipe, a full disk)
// throws Error(failure) at once.
class RecordWriter {
  public:
    static constexpr std::size_t kAlignedRows = 1000;

    RecordWriter(Format format, std::vector<std::string> columns, std::ostream& out);
    // Columns shown in table form (default: all), with their headings.
    void set_table_columns(std::vector<std::string> columns);
    void add(const Json& record);
    // The record as one cell per column, in the columns' order: the same
    // output as add() without building a JSON object.
    void add_cells(const std::vector<Cell>& cells);
    void finish();
    std::size_t count() const { return count_; }

  private:
    void add_delimited_line(const std::string& line);  // with its newline
    void add_table_row(std::vector<std::string> row);
    void write_table_head();
    void write_table_row(const std::vector<std::string>& row, bool bold);
    void write_buffer();
    void written() {
        if (buffer_.size() >= kBufferBytes) write_buffer();
    }
    static constexpr std::size_t kBufferBytes = 1 << 16;

    Format format_;
    std::vector<std::string> columns_;
    std::vector<std::string> table_columns_;
    std::vector<std::size_t> table_cells_;  // each table column's index in columns_
    std::ostream& out_;
    bool terminal_;
    std::string buffer_;
    std::vector<std::vector<std::string>> table_rows_;  // until the widths are known
    std::vector<std::size_t> table_widths_;             // empty until then
    std::size_t count_ = 0;
    bool finished_ = false;
};

// One record: a vertical "field  value" list in table form; the object itself
// in json and jsonl; header and one row in csv and tsv.
void write_single(Format format, const Json& record, std::ostream& out);

// Aligned table from rows of cells (first row is the heading).
void write_aligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                   bool bold_heading);

// Display width of UTF-8 text (code points; good enough for our labels).
std::size_t display_width(std::string_view text);

}  // namespace caseload::cli
