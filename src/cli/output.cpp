#include "output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <ostream>
#include <sstream>

#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

Format parse_format(const std::string& name) {
    if (name == "table") return Format::table;
    if (name == "json") return Format::json;
    if (name == "jsonl") return Format::jsonl;
    if (name == "csv") return Format::csv;
    if (name == "tsv") return Format::tsv;
    if (name == "html" || name == "md")  // pages: only 'caseload report' writes them
        throw Error(Exit::usage, fmt::format("--format {} is only for 'caseload report'", name),
                    "use --format table, json, jsonl, csv or tsv");
    throw Error(Exit::usage, fmt::format("unknown format '{}'", printable(name)),
                "use --format table, json, jsonl, csv or tsv");
}

namespace {
bool g_headers = true;
bool g_utc = false;
}  // namespace

void set_headers(bool shown) {
    g_headers = shown;
}

void set_utc(bool utc) {
    g_utc = utc;
}

namespace {
std::string shown_local_time(const std::string& utc) {
    std::tm t{};
    char zone = 0;
    if (std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &t.tm_year, &t.tm_mon, &t.tm_mday,
                    &t.tm_hour, &t.tm_min, &t.tm_sec, &zone) != 7 ||
        zone != 'Z')
        return utc;  // not a time the register wrote: shown as it is
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    const std::time_t when = timegm(&t);
    std::tm local{};
    if (!localtime_r(&when, &local)) return utc;
    const long offset = local.tm_gmtoff / 60;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", local.tm_year + 1900,
                       local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                       offset < 0 ? '-' : '+', std::labs(offset) / 60, std::labs(offset) % 60);
}
}  // namespace

std::string shown_time(const std::string& utc) {
    if (g_utc) return utc;
    // A list shows many rows written in the same second: the last answer is kept.
    static std::string last_utc, last_shown;
    if (!last_utc.empty() && utc == last_utc) return last_shown;
    last_shown = shown_local_time(utc);
    last_utc = utc;
    return last_shown;
}

bool headers_shown() {
    return g_headers;
}

bool colour_enabled(int fd) {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour && *no_colour) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string_view(term) == "dumb") return false;
    return isatty(fd) == 1;
}

namespace {

// Standard output on a terminal: a person reads it, and a control character
// in a value could rewrite the screen, so every format escapes them there.
bool to_terminal(const std::ostream& out) {
    static const bool terminal = isatty(STDOUT_FILENO) == 1;
    return terminal && &out == &std::cout;
}

// JSON on a terminal in ASCII: C1 and bidi controls as \u escapes too.
std::string json_text(const Json& value, const std::ostream& out, int indent = -1) {
    return value.dump(indent, ' ', to_terminal(out));
}

// OWASP's rule for CSV injection: a text cell a spreadsheet would read as a
// formula (=, +, -, @, tab, CR first) is given a leading apostrophe.
std::string without_formula(std::string text) {
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
        text.insert(0, 1, '\'');
    return text;
}

}  // namespace

std::string csv_field(std::string_view value) {
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote) return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string tsv_field(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\\')
            out += "\\\\";
        else
            out += c;
    }
    return out;
}

std::string flat_text(const Json& value, std::string_view separator) {
    if (value.is_null()) return "";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i) out += separator;
            out += flat_text(value[i], separator);
        }
        return out;
    }
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_float()) return fmt::format("{:.1f}", value.get<double>());
    return value.dump();
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++width;
    return width;
}

namespace {

// One aligned line: each cell padded to its column's width and two spaces
// (a cell wider than its column, after the rows that set the widths, just
// pushes the rest along).
std::string aligned_line(const std::vector<std::string>& row,
                         const std::vector<std::size_t>& widths) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) {
            const std::size_t width = display_width(row[i]);
            const std::size_t column = i < widths.size() ? widths[i] : 0;
            line.append(column > width ? column - width + 2 : 2, ' ');
        }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

std::vector<std::size_t> column_widths(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(rows.empty() ? 0 : rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));
    return widths;
}

// A JSON string as nlohmann's dump() writes it (ASCII text only: the
// caller leaves anything else to nlohmann).
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20)
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else
                    out += c;
        }
    }
    out += '"';
}

bool ascii(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

bool all_ascii(const std::vector<Cell>& cells) {
    for (const auto& cell : cells) {
        if (cell.kind == Cell::Kind::text && !ascii(cell.text)) return false;
        if (cell.kind == Cell::Kind::list)
            for (const auto& item : *cell.list)
                if (!ascii(item)) return false;
    }
    return true;
}

Json cells_json(const std::vector<std::string>& columns, const std::vector<Cell>& cells) {
    Json record = Json::object();
    for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
        const Cell& cell = cells[i];
        if (cell.kind == Cell::Kind::text)
            record[columns[i]] = std::string(cell.text);
        else if (cell.kind == Cell::Kind::list)
            record[columns[i]] = *cell.list;
        else
            record[columns[i]] = nullptr;
    }
    return record;
}

// A cell as csv/tsv/table text: null is empty, a list joined.
std::string flat_cell(const Cell& cell, std::string_view separator) {
    if (cell.kind == Cell::Kind::text) return std::string(cell.text);
    if (cell.kind == Cell::Kind::null) return "";
    return join(*cell.list, separator);
}

// A field of a csv/tsv line: its text, and whether it is text (in csv, text
// that a spreadsheet would run as a formula is defused).
struct DelimitedField {
    std::string text;
    bool is_text = false;
};

// One csv or tsv line of `n` fields, field(i) giving each.
template <class Field>
std::string delimited_line(Format format, std::size_t n, Field field) {
    std::string line;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) line += format == Format::csv ? ',' : '\t';
        DelimitedField f = field(i);
        if (format == Format::csv && f.is_text) f.text = without_formula(std::move(f.text));
        line += format == Format::csv ? csv_field(f.text) : tsv_field(f.text);
    }
    return line;
}

}  // namespace

void append_json_object(std::string& out, const std::vector<std::string>& columns,
                        const std::vector<Cell>& cells) {
    if (!all_ascii(cells)) {
        out += cells_json(columns, cells).dump();
        return;
    }
    out += '{';
    for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, columns[i]);
        out += ':';
        const Cell& cell = cells[i];
        if (cell.kind == Cell::Kind::text) {
            append_json_string(out, cell.text);
        } else if (cell.kind == Cell::Kind::null) {
            out += "null";
        } else {
            out += '[';
            for (std::size_t k = 0; k < cell.list->size(); ++k) {
                if (k) out += ',';
                append_json_string(out, (*cell.list)[k]);
            }
            out += ']';
        }
    }
    out += '}';
}

void write_aligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                   bool bold_heading) {
    if (rows.empty()) return;
    const std::vector<std::size_t> widths = column_widths(rows);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string line = aligned_line(rows[r], widths);
        if (r == 0 && bold_heading)
            out << "\x1b[1m" << line << "\x1b[0m\n";
        else
            out << line << '\n';
    }
}

RecordWriter::RecordWriter(Format format, std::vector<std::string> columns, std::ostream& out)
    : format_(format),
      columns_(std::move(columns)),
      table_columns_(columns_),
      out_(out),
      terminal_(to_terminal(out)) {
    buffer_.reserve(kBufferBytes + 4096);
    if (format_ == Format::json) buffer_ += '[';
    if ((format_ == Format::csv || format_ == Format::tsv) && headers_shown()) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            if (i) buffer_ += format_ == Format::csv ? ',' : '\t';
            buffer_ += columns_[i];
        }
        buffer_ += '\n';
    }
}

void RecordWriter::set_table_columns(std::vector<std::string> columns) {
    table_columns_ = std::move(columns);
}

void RecordWriter::write_buffer() {
    if (buffer_.empty()) return;
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    // Stop at the first failed write, not after reading every row.
    if (&out_ == &std::cout)
        check_stdout();
    else if (!out_)
        throw Error(Exit::failure, "could not write the output",
                    "check where the output goes (a full disk, a closed pipe)");
}

void RecordWriter::add_delimited_line(const std::string& line) {
    buffer_ += terminal_ ? terminal_safe(line) : line;
    buffer_ += '\n';
}

void RecordWriter::add(const Json& record) {
    ++count_;
    switch (format_) {
        case Format::json:
            buffer_ += count_ == 1 ? "\n" : ",\n";
            buffer_ += json_text(record, out_);
            break;
        case Format::jsonl:
            buffer_ += json_text(record, out_);
            buffer_ += '\n';
            break;
        case Format::csv:
        case Format::tsv: {
            add_delimited_line(delimited_line(format_, columns_.size(), [&](std::size_t i) {
                auto it = record.find(columns_[i]);
                if (it == record.end()) return DelimitedField{};
                return DelimitedField{flat_text(*it), it->is_string()};
            }));
            break;
        }
        case Format::table: {
            std::vector<std::string> row;
            for (const auto& column : table_columns_) {
                auto it = record.find(column);
                std::string text = it == record.end() ? "" : flat_text(*it, ",");
                row.push_back(text.empty() ? "-" : printable(text, 200));
            }
            add_table_row(std::move(row));
            break;
        }
    }
    written();
}

void RecordWriter::add_cells(const std::vector<Cell>& cells) {
    if ((format_ == Format::json || format_ == Format::jsonl) && terminal_)
        return add(cells_json(columns_, cells));  // ASCII escapes for a terminal
    ++count_;
    switch (format_) {
        case Format::json:
        case Format::jsonl: {
            if (format_ == Format::json) buffer_ += count_ == 1 ? "\n" : ",\n";
            append_json_object(buffer_, columns_, cells);
            if (format_ == Format::jsonl) buffer_ += '\n';
            break;
        }
        case Format::csv:
        case Format::tsv: {
            add_delimited_line(delimited_line(format_, columns_.size(), [&](std::size_t i) {
                if (i >= cells.size()) return DelimitedField{};
                return DelimitedField{flat_cell(cells[i], ";"), cells[i].kind == Cell::Kind::text};
            }));
            break;
        }
        case Format::table: {
            if (table_cells_.size() != table_columns_.size()) {
                table_cells_.clear();
                for (const auto& column : table_columns_)
                    table_cells_.push_back(static_cast<std::size_t>(
                        std::find(columns_.begin(), columns_.end(), column) - columns_.begin()));
            }
            std::vector<std::string> row;
            row.reserve(table_cells_.size());
            for (std::size_t index : table_cells_) {
                std::string text = index < cells.size() ? flat_cell(cells[index], ",") : "";
                row.push_back(text.empty() ? "-" : printable(text, 200));
            }
            add_table_row(std::move(row));
            break;
        }
    }
    written();
}

void RecordWriter::add_table_row(std::vector<std::string> row) {
    if (!table_widths_.empty()) return write_table_row(row, false);
    table_rows_.push_back(std::move(row));
    if (table_rows_.size() >= kAlignedRows) write_table_head();
}

// The heading and the rows so far, aligned; the widths then stay.
void RecordWriter::write_table_head() {
    std::vector<std::string> heading;
    for (const auto& c : table_columns_) {
        std::string h = c;
        for (char& ch : h)
            if (ch == '_') ch = ' ';
        heading.push_back(h);
    }
    const bool heading_shown = headers_shown();
    if (heading_shown) table_rows_.insert(table_rows_.begin(), heading);
    table_widths_ = column_widths(table_rows_);
    for (std::size_t i = 0; i < table_rows_.size(); ++i)
        write_table_row(table_rows_[i], i == 0 && heading_shown && colour_enabled(STDOUT_FILENO));
    table_rows_.clear();
    table_rows_.shrink_to_fit();
}

void RecordWriter::write_table_row(const std::vector<std::string>& row, bool bold) {
    if (bold) buffer_ += "\x1b[1m";
    buffer_ += aligned_line(row, table_widths_);
    if (bold) buffer_ += "\x1b[0m";
    buffer_ += '\n';
}

void RecordWriter::finish() {
    if (finished_) return;
    finished_ = true;
    if (format_ == Format::json) buffer_ += count_ ? "\n]\n" : "]\n";
    if (format_ == Format::table && !table_rows_.empty()) write_table_head();
    write_buffer();
    out_.flush();
}

void write_single(Format format, const Json& record, std::ostream& out) {
    switch (format) {
        case Format::json:
            out << json_text(record, out, 2) << '\n';
            break;
        case Format::jsonl:
            out << json_text(record, out) << '\n';
            break;
        case Format::csv:
        case Format::tsv: {
            std::vector<std::string> columns;
            for (auto it = record.begin(); it != record.end(); ++it) columns.push_back(it.key());
            RecordWriter writer(format, columns, out);
            writer.add(record);
            writer.finish();
            break;
        }
        case Format::table: {
            std::vector<std::vector<std::string>> rows;
            for (auto it = record.begin(); it != record.end(); ++it) {
                std::string key = it.key();
                for (char& ch : key)
                    if (ch == '_') ch = ' ';
                std::string text = flat_text(it.value(), ", ");
                rows.push_back({key, text.empty() ? "-" : printable(text, 200)});
            }
            // No heading row: key/value pairs.
            rows.insert(rows.begin(), {"", ""});
            std::ostringstream buffer;
            write_aligned(rows, buffer, false);
            std::string text = buffer.str();
            out << text.substr(text.find('\n') + 1);
            break;
        }
    }
}

}  // namespace caseload::cli
