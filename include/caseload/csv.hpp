#pragma once
// CSV per RFC 4180, as spreadsheet programs write it (spec §6): a UTF-8 BOM or
// none, CRLF or LF line endings, quoted fields with embedded commas, quotes
// and line breaks. Hard limits keep hostile input from exhausting memory;
// every problem names the physical line (and the column where it can).
//
// Decisions:
//  - a carriage return that is not followed by a line feed outside quotes
//    (old Mac line endings) is refused: the file is not read further;
//  - an unterminated quoted field is refused, naming the line where it started;
//  - a quote inside an unquoted field is kept as a character (as most readers do);
//  - text after a closing quote ("ab"c) is a problem of that cell, not of the file;
//  - invalid UTF-8 and NUL bytes are problems of the cell, reported with its
//    line and column, so the rest of the file is still read;
//  - a UTF-16 or UTF-32 byte-order mark is refused with a hint to save as UTF-8.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/error.hpp"

namespace caseload::csv {

struct Limits {
    std::size_t max_field = std::size_t{1} << 20;   // 1 MB
    std::size_t max_record = std::size_t{4} << 20;  // 4 MB
    std::size_t max_columns = 1000;
};

// Reads up to `capacity` bytes into `into`; returns 0 at the end of the input.
using ReadFn = std::function<std::size_t(char* into, std::size_t capacity)>;

// Reads from a file descriptor (not owned). Throws Error(failure) on a read error.
ReadFn fd_reader(int fd, std::string name);
// Reads from a string (tests, small inputs), at most `piece` bytes a call:
// small pieces test records split across reads, as from a slow pipe.
ReadFn string_reader(std::string text, std::size_t piece = SIZE_MAX);

// A problem after which the rest of the input cannot be trusted.
class FormatError : public Error {
  public:
    // column: 1-based field number, 0 when the problem is not in one field.
    FormatError(std::uint64_t line, std::size_t column, std::string reason);
    std::uint64_t line() const { return line_; }
    std::size_t column() const { return column_; }
    const std::string& reason() const { return reason_; }

  private:
    std::uint64_t line_;
    std::size_t column_;
    std::string reason_;
};

// A problem of one cell: invalid UTF-8, a NUL byte, text after a closing quote.
struct CellProblem {
    std::size_t record = 0;  // index in the Records
    std::size_t column = 0;  // 0-based field index
    std::string message;
};

// Many records in one compact buffer: no allocation per field or record once
// the buffers have grown.
class Records {
  public:
    std::size_t size() const { return lines_.size(); }
    bool empty() const { return lines_.empty(); }
    // The physical line (1-based) where the record starts.
    std::uint64_t line(std::size_t record) const { return lines_[record]; }
    std::size_t fields(std::size_t record) const { return firsts_[record + 1] - firsts_[record]; }
    std::string_view field(std::size_t record, std::size_t index) const {
        const std::size_t k = firsts_[record] + index;
        const std::uint32_t begin = k == 0 ? 0 : ends_[k - 1];
        return std::string_view(data_).substr(begin, ends_[k] - begin);
    }
    // Problems of cells, in record order.
    const std::vector<CellProblem>& problems() const { return problems_; }
    // Bytes of field data held.
    std::size_t bytes() const { return data_.size(); }
    void clear();

  private:
    friend class Reader;
    std::string data_;
    std::vector<std::uint32_t> ends_;          // end of each field in data_
    std::vector<std::uint32_t> firsts_ = {0};  // first field of each record, plus one past
    std::vector<std::uint64_t> lines_;
    std::vector<CellProblem> problems_;
};

// Buffered reading from a ReadFn, for the CSV and the JSON-lines readers:
// the bytes not yet read are data()[pos, end).
struct InputBuffer {
    explicit InputBuffer(ReadFn read_fn);
    // More bytes when all are read; false at the end of the input.
    bool fill();
    // Reads until at least `n` bytes are held or the input ends (at the start:
    // a byte-order mark can arrive a byte at a time from a pipe).
    void fill_to(std::size_t n);
    const char* data() const { return bytes.data(); }
    // Bytes consumed from the input so far (for progress).
    std::uint64_t consumed() const { return dropped + pos; }

    ReadFn read;
    std::string bytes;
    std::size_t pos = 0;
    std::size_t end = 0;
    std::uint64_t dropped = 0;  // bytes dropped from the front of `bytes`
    bool eof = false;
};

class Reader {
  public:
    explicit Reader(ReadFn read, Limits limits = {});

    // Appends the next record to `out`; false at the end of the input.
    // Throws FormatError for problems after which reading cannot go on.
    bool next(Records& out);

    // Bytes consumed from the input so far (for progress).
    std::uint64_t bytes_consumed() const { return in_.consumed(); }
    bool had_bom() const { return had_bom_; }

  private:
    int peek();  // next byte, or -1 at the end
    void start();

    InputBuffer in_;
    Limits limits_;
    std::uint64_t line_ = 1;
    bool started_ = false;
    bool had_bom_ = false;
};

// A field per RFC 4180: quoted when it holds a comma, quote, CR or LF, or
// starts or ends with a space (so that no reader trims it).
void append_field(std::string& out, std::string_view value);
std::string field(std::string_view value);

// Appends fields joined by commas and a '\n' (LF line endings, as the
// project's other CSV output).
template <typename Range>
void append_record(std::string& out, const Range& fields) {
    bool first = true;
    for (const auto& f : fields) {
        if (!first) out += ',';
        first = false;
        append_field(out, std::string_view(f));
    }
    out += '\n';
}

}  // namespace caseload::csv
