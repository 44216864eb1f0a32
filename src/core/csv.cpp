#include "caseload/csv.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

#include "caseload/text.hpp"

namespace caseload::csv {

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;

// Bytes that stop the scan of an unquoted field: the separators, NUL and
// every non-ASCII byte (which only sets a flag).
constexpr std::array<bool, 256> kStops = [] {
    std::array<bool, 256> t{};
    t[static_cast<unsigned char>(',')] = true;
    t[static_cast<unsigned char>('\n')] = true;
    t[static_cast<unsigned char>('\r')] = true;
    t[0] = true;
    for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = true;
    return t;
}();

// Position (0-based) of the first byte that is not part of valid UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        if ((lead & 0xE0) == 0xC0)
            length = 2;
        else if ((lead & 0xF0) == 0xE0)
            length = 3;
        else if ((lead & 0xF8) == 0xF0)
            length = 4;
        if (length == 0 || i + length > text.size() || !is_valid_utf8(text.substr(i, length)))
            return i;
        i += length;
    }
    return std::string_view::npos;
}

std::string megabytes(std::size_t bytes) {
    if (bytes % (std::size_t{1} << 20) == 0) return fmt::format("{} MB", bytes >> 20);
    return fmt::format("{} bytes", with_thousands(static_cast<long long>(bytes)));
}

}  // namespace

ReadFn fd_reader(int fd, std::string name) {
    return [fd, name = std::move(name)](char* into, std::size_t capacity) -> std::size_t {
        for (;;) {
            ssize_t n = ::read(fd, into, capacity);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            throw Error(
                Exit::failure,
                fmt::format("cannot read {}: {}", printable(name, 200), std::strerror(errno)),
                "check the file and run the command again; nothing was written");
        }
    };
}

ReadFn string_reader(std::string text, std::size_t piece) {
    auto state = std::make_shared<std::pair<std::string, std::size_t>>(std::move(text), 0);
    return [state, piece](char* into, std::size_t capacity) -> std::size_t {
        auto& [data, pos] = *state;
        std::size_t n = std::min({capacity, piece, data.size() - pos});
        std::memcpy(into, data.data() + pos, n);
        pos += n;
        return n;
    };
}

FormatError::FormatError(std::uint64_t line, std::size_t column, std::string reason)
    : Error(Exit::invalid, column ? fmt::format("line {}, field {}: {}", line, column, reason)
                                  : fmt::format("line {}: {}", line, reason)),
      line_(line),
      column_(column),
      reason_(std::move(reason)) {}

void Records::clear() {
    data_.clear();
    ends_.clear();
    firsts_.assign(1, 0);
    lines_.clear();
    problems_.clear();
}

InputBuffer::InputBuffer(ReadFn read_fn) : read(std::move(read_fn)) {
    bytes.resize(kChunk);
}

bool InputBuffer::fill() {
    if (pos < end) return true;
    if (eof) return false;
    dropped += end;
    pos = end = 0;
    end = read(bytes.data(), bytes.size());
    if (end == 0) eof = true;
    return end > 0;
}

void InputBuffer::fill_to(std::size_t n) {
    while (end < n && !eof) {
        std::size_t got = read(bytes.data() + end, bytes.size() - end);
        if (got == 0) eof = true;
        end += got;
    }
}

Reader::Reader(ReadFn read, Limits limits) : in_(std::move(read)), limits_(limits) {}

int Reader::peek() {
    if (in_.pos == in_.end && !in_.fill()) return -1;
    return static_cast<unsigned char>(in_.bytes[in_.pos]);
}

void Reader::start() {
    if (started_) return;
    started_ = true;
    in_.fill_to(4);  // enough to see a byte-order mark
    std::string_view head(in_.data(), in_.end);
    if (head.starts_with("\xEF\xBB\xBF")) {
        had_bom_ = true;
        in_.pos = 3;
    } else if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF") ||
               head.starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
        throw FormatError(1, 0,
                          "the file is in UTF-16 or UTF-32, not UTF-8; save it as \"CSV UTF-8\" "
                          "and try again");
    }
}

bool Reader::next(Records& out) {
    start();
    if (peek() < 0) return false;

    const std::uint64_t record_line = line_;
    const std::size_t record_index = out.lines_.size();
    const std::size_t record_start = out.data_.size();
    std::size_t column = 0;
    auto check_sizes = [&](std::size_t field_start) {
        if (out.data_.size() - field_start > limits_.max_field)
            throw FormatError(record_line, column,
                              fmt::format("a field is longer than {}; this is not a file of "
                                          "service users",
                                          megabytes(limits_.max_field)));
        if (out.data_.size() - record_start > limits_.max_record)
            throw FormatError(record_line, 0,
                              fmt::format("a record is longer than {}; this is not a file of "
                                          "service users",
                                          megabytes(limits_.max_record)));
    };

    for (;;) {
        ++column;
        if (column > limits_.max_columns)
            throw FormatError(
                record_line, 0,
                fmt::format("a record has more than {} fields",
                            with_thousands(static_cast<long long>(limits_.max_columns))));
        const std::size_t field_start = out.data_.size();
        bool high = false, nul = false, after_quote = false, quoted = false;

        if (peek() == '"') {
            quoted = true;
            const std::uint64_t start_line = line_;
            ++in_.pos;
            for (;;) {
                if (in_.pos == in_.end && !in_.fill())
                    throw FormatError(start_line, column,
                                      "a quoted field starts on this line and is never closed "
                                      "(a missing '\"')");
                const char* p = in_.data() + in_.pos;
                const char* e = in_.data() + in_.end;
                const char* q =
                    static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
                const char* stop = q ? q : e;
                for (const char* c = p; c < stop; ++c) {
                    const auto b = static_cast<unsigned char>(*c);
                    if (b == '\n') ++line_;
                    high |= (b & 0x80) != 0;
                    nul |= b == 0;
                }
                out.data_.append(p, stop);
                in_.pos = static_cast<std::size_t>(stop - in_.data());
                check_sizes(field_start);
                if (!q) continue;
                ++in_.pos;  // the quote
                if (peek() == '"') {
                    out.data_ += '"';
                    ++in_.pos;
                    continue;
                }
                break;
            }
        }

        // An unquoted field, or what follows a closing quote (which should be nothing).
        const std::size_t tail_start = out.data_.size();
        int terminator = -1;
        for (;;) {
            if (in_.pos == in_.end && !in_.fill()) break;
            const auto* p = reinterpret_cast<const unsigned char*>(in_.data() + in_.pos);
            const auto* e = reinterpret_cast<const unsigned char*>(in_.data() + in_.end);
            const auto* c = p;
            for (;;) {
                while (c < e && !kStops[*c]) ++c;
                if (c == e) break;
                if (*c >= 0x80) {
                    high = true;
                    ++c;
                    continue;
                }
                if (*c == 0) {
                    nul = true;
                    ++c;
                    continue;
                }
                break;
            }
            out.data_.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(c - p));
            in_.pos += static_cast<std::size_t>(c - p);
            check_sizes(field_start);
            if (c < e) {
                terminator = *c;
                ++in_.pos;
                break;
            }
        }
        if (quoted && out.data_.size() != tail_start) after_quote = true;

        // The field ends here.
        if (out.data_.size() > std::numeric_limits<std::uint32_t>::max())
            throw FormatError(record_line, 0, "too much data in one batch");
        out.ends_.push_back(static_cast<std::uint32_t>(out.data_.size()));
        if (high || nul || after_quote) {
            std::string_view value(out.data_.data() + field_start, out.data_.size() - field_start);
            if (nul) {
                out.problems_.push_back(
                    {record_index, column - 1,
                     fmt::format("has a NUL byte at position {}", value.find('\0') + 1)});
            } else if (high) {
                if (std::size_t bad = first_invalid_utf8(value); bad != std::string_view::npos)
                    out.problems_.push_back(
                        {record_index, column - 1,
                         fmt::format("is not valid UTF-8 (byte \\x{:02X} at position {}); save "
                                     "the file as \"CSV UTF-8\"",
                                     static_cast<unsigned char>(value[bad]), bad + 1)});
            }
            if (after_quote)
                out.problems_.push_back({record_index, column - 1,
                                         "has text after its closing quote; a quoted field "
                                         "must end at its closing quote"});
        }

        if (terminator == ',') continue;
        if (terminator == '\n') {
            ++line_;
        } else if (terminator == '\r') {
            int next = peek();
            if (next == '\n') {
                ++in_.pos;
                ++line_;
            } else if (next >= 0) {
                throw FormatError(line_, 0,
                                  "a line ends with a carriage return alone (old Mac line "
                                  "endings); save the file with Windows (CRLF) or Unix (LF) "
                                  "line endings");
            }
        }
        break;  // end of the record (or of the input)
    }
    out.firsts_.push_back(static_cast<std::uint32_t>(out.ends_.size()));
    out.lines_.push_back(record_line);
    return true;
}

void append_field(std::string& out, std::string_view value) {
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string field(std::string_view value) {
    std::string out;
    append_field(out, value);
    return out;
}

}  // namespace caseload::csv
