#include "output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <ostream>
#include <sstream>

#include "caseload/error.hpp"
#include "caseload/text.hpp"

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

void set_headers(bool shown) { g_headers = shown; }

void set_utc(bool utc) { g_utc = utc; }

std::string shown_time(const std::string& utc) {
    if (g_utc) return utc;
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
bool headers_shown() { return g_headers; }

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

void write_aligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                   bool bold_heading) {
    if (rows.empty()) return;
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            const std::string& cell = rows[r][i];
            line += cell;
            if (i + 1 < rows[r].size())
                line += std::string(widths[i] - display_width(cell) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (r == 0 && bold_heading)
            out << "\x1b[1m" << line << "\x1b[0m\n";
        else
            out << line << '\n';
    }
}

RecordWriter::RecordWriter(Format format, std::vector<std::string> columns, std::ostream& out)
    : format_(format), columns_(std::move(columns)), table_columns_(columns_), out_(out) {
    if (format_ == Format::json) out_ << '[';
    if ((format_ == Format::csv || format_ == Format::tsv) && headers_shown()) {
        std::string line;
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            if (i) line += format_ == Format::csv ? ',' : '\t';
            line += columns_[i];
        }
        out_ << line << "\n";
    }
}

void RecordWriter::set_table_columns(std::vector<std::string> columns) {
    table_columns_ = std::move(columns);
}

void RecordWriter::add(const Json& record) {
    ++count_;
    switch (format_) {
        case Format::json:
            out_ << (count_ == 1 ? "\n" : ",\n") << json_text(record, out_);
            break;
        case Format::jsonl:
            out_ << json_text(record, out_) << '\n';
            break;
        case Format::csv:
        case Format::tsv: {
            std::string line;
            for (std::size_t i = 0; i < columns_.size(); ++i) {
                if (i) line += format_ == Format::csv ? ',' : '\t';
                auto it = record.find(columns_[i]);
                std::string text = it == record.end() ? "" : flat_text(*it);
                if (format_ == Format::csv && it != record.end() && it->is_string())
                    text = without_formula(std::move(text));
                line += format_ == Format::csv ? csv_field(text) : tsv_field(text);
            }
            out_ << (to_terminal(out_) ? terminal_safe(line) : line) << "\n";
            break;
        }
        case Format::table: {
            std::vector<std::string> row;
            for (const auto& column : table_columns_) {
                auto it = record.find(column);
                std::string text = it == record.end() ? "" : flat_text(*it, ",");
                row.push_back(text.empty() ? "-" : printable(text, 200));
            }
            table_rows_.push_back(std::move(row));
            break;
        }
    }
}

void RecordWriter::finish() {
    if (finished_) return;
    finished_ = true;
    if (format_ == Format::json) out_ << (count_ ? "\n]\n" : "]\n");
    if (format_ == Format::table && !table_rows_.empty()) {
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> heading;
        for (const auto& c : table_columns_) {
            std::string h = c;
            for (char& ch : h)
                if (ch == '_') ch = ' ';
            heading.push_back(h);
        }
        if (headers_shown()) rows.push_back(heading);
        for (auto& r : table_rows_) rows.push_back(std::move(r));
        write_aligned(rows, out_, headers_shown() && colour_enabled(STDOUT_FILENO));
    }
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
