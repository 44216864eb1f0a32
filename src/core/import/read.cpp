// The read stage of an import (stages.hpp): the header, then batches of rows.
#include <fmt/format.h>

#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

Column column_of(std::string_view name) {
    const std::string lower = ascii_lower(trim(name));
    for (std::size_t i = 0; i < kColumnCount; ++i)
        if (kImportColumns[i] == lower) return static_cast<Column>(i);
    for (std::size_t i = 0; i < std::size(kImportPassThroughColumns); ++i)
        if (kImportPassThroughColumns[i] == lower) return static_cast<Column>(kRef + i);
    if (lower == kRejectsErrorColumn) return kIgnored;
    // The service-user object that su show and su export --format jsonl
    // print (man caseload, JSON OUTPUT) reads back: these are not input.
    if (lower == "status" || lower == "left_on" || lower == "created_at" || lower == "updated_at")
        return kReadOnly;
    return kUnknown;
}

std::string_view cell_name(std::size_t c) {
    return c < kColumnCount ? kImportColumns[c] : kImportPassThroughColumns[c - kRef];
}

std::string column_list() {
    std::vector<std::string> names(std::begin(kImportColumns), std::end(kImportColumns));
    for (auto name : kImportPassThroughColumns) names.emplace_back(name);
    return join(names, ", ");
}

void Batch::clear() {
    records.clear();
    text.clear();
    ends.clear();
    lines.clear();
    record_lines.clear();
}

Input::Input(csv::ReadFn read, const ImportOptions& options) {
    if (options.format == ImportFormat::csv) {
        csv_.emplace(std::move(read), options.limits);
        read_header(options);
    } else {
        lines_.emplace(std::move(read), options.limits);
        for (std::size_t c = 0; c < kLine; ++c) layout_.reject_header.emplace_back(cell_name(c));
    }
    layout_.reject_header.insert(layout_.reject_header.begin(), "line");
    layout_.reject_header.emplace_back(kRejectsErrorColumn);
}

std::uint64_t Input::bytes_consumed() const {
    return csv_ ? csv_->bytes_consumed() : lines_->bytes_consumed();
}

bool Input::next_record(Batch& batch, std::uint64_t& begin, std::uint64_t& end) {
    batch.clear();
    begin = bytes_consumed();
    if (csv_) {
        if (!csv_->next(batch.records)) return false;
    } else {
        std::uint64_t number = 0;
        if (!lines_->next(line_, number)) return false;
        batch.text = line_;
        batch.ends.push_back(static_cast<std::uint32_t>(batch.text.size()));
        batch.lines.push_back(number);
    }
    end = bytes_consumed();
    return true;
}

void Input::read_header(const ImportOptions& options) {
    csv::Records head;
    if (!csv_->next(head))
        throw Error(
            Exit::invalid,
            fmt::format("{} is empty: there is no header row", printable(options.source_name, 200)),
            fmt::format("the first line names the columns: {}", column_list()));
    // A JSON array (su export --format json) or JSON lines read as CSV:
    // say so, rather than "unknown column '['".
    if (head.fields(0) > 0) {
        const std::string_view first = trim(head.field(0, 0));
        if (first.starts_with('[') || first.starts_with('{'))
            throw Error(Exit::invalid,
                        fmt::format("{} holds JSON, not CSV", printable(options.source_name, 200)),
                        first.starts_with('[')
                            ? "import reads CSV or JSON lines, not a JSON array: export "
                              "with 'caseload su export --format jsonl' (or csv) instead"
                            : "for JSON lines (one object a line) give --input-format jsonl, or "
                              "name the file *.jsonl");
    }
    if (!head.problems().empty()) {
        const auto& p = head.problems().front();
        throw Error(Exit::invalid, fmt::format("line {}, field {} of the header {}", head.line(0),
                                               p.column + 1, p.message));
    }
    // A spreadsheet saved with ';' between cells (Excel in many locales):
    // the whole header is one cell. Name that, not "unknown column".
    if (head.fields(0) == 1 && head.field(0, 0).find(';') != std::string_view::npos) {
        bool known = false;
        for (const auto& part : split(head.field(0, 0), ';'))
            known = known || column_of(part) < kCellCount;
        if (known)
            throw Error(
                Exit::invalid,
                fmt::format("{} is separated by ';', not ','", printable(options.source_name, 200)),
                "save it from the spreadsheet as CSV with commas (in Excel: 'CSV "
                "UTF-8 (Comma delimited)'), or replace the ';' between cells by ','");
    }
    std::vector<std::string> unknown;
    std::array<bool, kCellCount> seen{};
    bool ignored_seen = false;
    for (std::size_t f = 0; f < head.fields(0); ++f) {
        std::string_view name = head.field(0, f);
        Column c = column_of(name);
        layout_.header.push_back(c);
        if (c == kUnknown) {
            unknown.push_back(fmt::format("'{}'", printable(trim(name), 60)));
            continue;
        }
        if (c == kReadOnly) continue;
        if (c == kIgnored) {
            if (ignored_seen)
                throw Error(Exit::invalid, "the header names the column 'error' twice");
            ignored_seen = true;
            continue;
        }
        if (seen[c])
            throw Error(Exit::invalid,
                        fmt::format("the header names the column '{}' twice", cell_name(c)),
                        "each column appears once");
        seen[c] = true;
        if (c == kLine) continue;  // the rejects file's first column
        layout_.reject_fields.push_back(f);
        layout_.reject_header.emplace_back(cell_name(c));
    }
    if (!unknown.empty())
        throw Error(Exit::invalid,
                    fmt::format("{} has unknown column{} {}", printable(options.source_name, 200),
                                unknown.size() == 1 ? "" : "s", join(unknown, ", ")),
                    fmt::format("the columns are: {} (in any order; only id is required, "
                                "and an 'error' column is ignored)",
                                column_list()));
    if (!seen[kId] && !options.generate_ids)
        throw Error(Exit::invalid,
                    fmt::format("{} has no 'id' column", printable(options.source_name, 200)),
                    "add one, or give --generate-ids to generate every ID");
}

}  // namespace caseload::importer
