// caseload id check|scan|new: the guard and generated IDs (spec §2).
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <vector>

#include "caseload/admin.hpp"
#include "caseload/bulk_check.hpp"
#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// Every line checked (and every ID given as an argument) lies in a buffer
// with at least this many readable bytes after its end (zeros, or the next
// lines): a valid ID (at most 32 bytes) and any part of it are copied to
// the output in one fixed-size move, and lines are searched for their
// newline 16 bytes at a time, without a test of their size.
constexpr std::size_t kLineSlack = 32;
static_assert(kLineSlack >= kIdMaxLength && kLineSlack >= 16);

// The output of `id check`, gathered in a large buffer and written in big
// blocks: one million IDs make one million lines. Without a file to write
// to, it keeps all it is given (a batch of lines checked by a worker thread).
class OutputBuffer {
  public:
    explicit OutputBuffer(std::FILE* sink = stdout)
        : sink_(sink), capacity_(kBlock + kBlock / 2), data_(new char[capacity_]) {}
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    [[gnu::always_inline]] void put(std::string_view text) {
        if (text.size() <= capacity_ - used_) [[likely]] {
            copy(data_.get() + used_, text.data(), text.size());
            used_ += text.size();
        } else {
            put_long(text);
        }
    }
    [[gnu::always_inline]] void put(char c) {
        if (used_ == capacity_) [[unlikely]]
            make_room(1);
        data_[used_++] = c;
    }
    // Writes out once a block is full enough.
    void maybe_flush() {
        if (used_ >= kBlock && sink_) flush();
    }
    void flush() {
        if (used_ && sink_) std::fwrite(data_.get(), 1, used_, sink_);
        used_ = 0;
    }
    // A large text at once: what is held written out first, then the text,
    // without a copy (or kept, without a file).
    void put_large(std::string_view text) {
        if (!sink_) return put(text);
        flush();
        if (!text.empty()) std::fwrite(text.data(), 1, text.size(), sink_);
    }
    // Room for `n` more bytes at the returned position; commit() says how
    // far they were written.
    char* reserve(std::size_t n) {
        if (n > capacity_ - used_) [[unlikely]]
            make_room(n);
        return data_.get() + used_;
    }
    void commit(char* end) { used_ = static_cast<std::size_t>(end - data_.get()); }
    std::string_view text() const { return {data_.get(), used_}; }
    void clear() { used_ = 0; }

    // memcpy, without a call for the short texts of a line (IDs, matches,
    // messages): overlapping fixed-size moves.
    [[gnu::always_inline]] static void copy(char* to, const char* from, std::size_t n) {
        if (n >= 8) {
            if (n > 16) {
                std::memcpy(to, from, n);
                return;
            }
            std::uint64_t a, b;
            std::memcpy(&a, from, 8);
            std::memcpy(&b, from + n - 8, 8);
            std::memcpy(to, &a, 8);
            std::memcpy(to + n - 8, &b, 8);
        } else if (n >= 4) {
            std::uint32_t a, b;
            std::memcpy(&a, from, 4);
            std::memcpy(&b, from + n - 4, 4);
            std::memcpy(to, &a, 4);
            std::memcpy(to + n - 4, &b, 4);
        } else if (n > 0) {
            to[0] = from[0];
            to[n / 2] = from[n / 2];
            to[n - 1] = from[n - 1];
        }
    }

  private:
    // Room for `n` more bytes: written out, or (keeping all) a larger buffer.
    void make_room(std::size_t n) {
        if (sink_) {
            flush();
            if (n <= capacity_) return;
        }
        std::size_t capacity = capacity_;
        while (capacity - used_ < n) capacity *= 2;
        std::unique_ptr<char[]> data(new char[capacity]);
        std::memcpy(data.get(), data_.get(), used_);
        data_ = std::move(data);
        capacity_ = capacity;
    }

    void put_long(std::string_view text) {
        make_room(text.size());
        std::memcpy(data_.get() + used_, text.data(), text.size());
        used_ += text.size();
    }

    static constexpr std::size_t kBlock = std::size_t{1} << 16;
    std::FILE* sink_;
    std::size_t capacity_;
    std::unique_ptr<char[]> data_;
    std::size_t used_ = 0;
};

// True when `text` needs no JSON escaping (all printable ASCII but '"' and '\\';
// other bytes of 0x80 and above as they are): eight bytes at a time.
inline bool json_plain(std::string_view text) {
    constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
    // Bytes below 0x20, or equal to '"' or '\\': a high bit each (none when none).
    auto special = [](std::uint64_t w) {
        const std::uint64_t quote = w ^ ('"' * kOnes), backslash = w ^ ('\\' * kOnes);
        return ((w - 0x20 * kOnes) & ~w) | ((quote - kOnes) & ~quote) |
               ((backslash - kOnes) & ~backslash);
    };
    const char* p = text.data();
    const std::size_t n = text.size();
    std::uint64_t found = 0;
    if (n >= 8) {
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            found |= special(w);
        }
        if (i < n) {  // the last 8 bytes (overlapping some already seen)
            std::uint64_t w;
            std::memcpy(&w, p + n - 8, 8);
            found |= special(w);
        }
    } else {
        std::uint64_t w = 'a' * kOnes;  // plain filling
        std::memcpy(&w, p, n);
        found = special(w);
    }
    return (found & kHigh) == 0;
}

// Writes a line's output into room reserved at once in an OutputBuffer (the
// caller's bound on its size), without a test of the room for each piece.
class RawWriter {
  public:
    RawWriter(OutputBuffer& out, std::size_t room) : out_(out), p_(out.reserve(room)) {}
    RawWriter(const RawWriter&) = delete;
    RawWriter& operator=(const RawWriter&) = delete;
    ~RawWriter() { out_.commit(p_); }

    template <std::size_t N>
    [[gnu::always_inline]] void put(const char (&literal)[N]) {
        std::memcpy(p_, literal, N - 1);
        p_ += N - 1;
    }
    [[gnu::always_inline]] void put(std::string_view text) {
        OutputBuffer::copy(p_, text.data(), text.size());
        p_ += text.size();
    }
    void put(char c) { *p_++ = c; }
    // A valid ID or a part of one (at most 32 bytes) with kLineSlack bytes
    // readable after it: one fixed-size move, then only its bytes count.
    [[gnu::always_inline]] void put_id(std::string_view text) {
        std::memcpy(p_, text.data(), kLineSlack);
        p_ += text.size();
    }
    // `literal` when `when`: written either way, kept only when.
    template <std::size_t N>
    [[gnu::always_inline]] void put_if(const char (&literal)[N], bool when) {
        std::memcpy(p_, literal, N - 1);
        p_ += when ? N - 1 : 0;
    }
    // Room for `n` more bytes from here, taken anew: what is written so far
    // is committed first (a finding's line; kept in one buffer without a file).
    void ensure(std::size_t n) {
        out_.commit(p_);
        p_ = out_.reserve(n);
    }
    // `count` spaces (count < 16).
    void pad(std::size_t count) {
        std::memcpy(p_, "                ", 16);
        p_ += count;
    }
    // `text` as a JSON string (nlohmann is slower per line than needed for a
    // million IDs): at most 6 * text.size() + 2 bytes. Input is shown through
    // printable() first when it is not valid UTF-8. `plain`: known to need no
    // escaping (a valid ID, or a part of one).
    // A valid ID or a part of one as a JSON string (no escaping: ID symbols only).
    [[gnu::always_inline]] void json_id(std::string_view text) {
        *p_++ = '"';
        put_id(text);
        *p_++ = '"';
    }
    [[gnu::always_inline]] void json_string(std::string_view text, bool plain) {
        *p_++ = '"';
        if (plain || json_plain(text))
            put(text);
        else
            escape(text);
        *p_++ = '"';
    }

  private:
    [[gnu::noinline]] void escape(std::string_view text) {
        static constexpr char kHex[] = "0123456789abcdef";
        for (unsigned char c : text) {
            switch (c) {
                case '"':
                    put("\\\"");
                    break;
                case '\\':
                    put("\\\\");
                    break;
                case '\n':
                    put("\\n");
                    break;
                case '\r':
                    put("\\r");
                    break;
                case '\t':
                    put("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        put("\\u00");
                        *p_++ = kHex[c >> 4];
                        *p_++ = kHex[c & 15];
                    } else {
                        *p_++ = static_cast<char>(c);
                    }
            }
        }
    }

    OutputBuffer& out_;
    char* p_;
};

// The start of a finding's line in the table, by kind: "  " and the kind
// name padded to 10, then a space and the match's opening quote.
std::string_view finding_line_start(FindingKind kind) {
    switch (kind) {
        case FindingKind::name:
            return "  name       \"";
        case FindingKind::address:
            return "  address    \"";
        case FindingKind::identifier:
            return "  identifier \"";
        case FindingKind::date:
            return "  date       \"";
        case FindingKind::initials:
            return "  initials   \"";
    }
    return {};
}

// As finding_lines, without a formatting library in the hot path: a line a
// finding, its room taken as it comes. The matches are parts of a valid ID
// (RawWriter::put_id).
void append_finding_lines(RawWriter& out, const std::vector<GuardFindingView>& findings) {
    for (const auto& f : findings) {
        out.ensure(64 + kLineSlack + f.match.size() + f.message.size());
        const std::string_view start = finding_line_start(f.kind);
        if (!start.empty()) [[likely]] {
            out.put(start);
        } else {
            out.put("  ");
            const std::string_view kind = kind_name(f.kind);
            out.put(kind.substr(0, 10));
            if (kind.size() < 10) out.pad(10 - kind.size());
            out.put(" \"");
        }
        out.put_id(f.match);
        out.put('"');
        const std::size_t width = f.match.size() + 2;  // the match padded to 12
        out.pad(width < 12 ? 12 - width : 0);
        out.put(' ');
        out.put(f.message);
        out.put_if(" (warning)", f.severity == Severity::warn);
        out.put('\n');
    }
}

// The guard of the register when there is one (its words and service codes),
// else the built-in lexicon alone.
Guard guard_for(Context& ctx) {
    std::error_code ec;
    std::string path = ctx.database_path();
    if (!std::filesystem::exists(path, ec)) return Guard();
    return ctx.reg().guard();
}

// As trim() (caseload/text.hpp), inline: the same ASCII white space.
[[gnu::always_inline]] inline std::string_view trim_space(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    // The common case first: white space is all below '!'.
    if (!text.empty() && static_cast<unsigned char>(text.front()) > ' ' &&
        static_cast<unsigned char>(text.back()) > ' ')
        return text;
    const char* begin = text.data();
    const char* end = begin + text.size();
    while (begin != end && is_space(*begin)) ++begin;
    while (end != begin && is_space(end[-1])) --end;
    return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

// Writes the result for one ID in the chosen format.
class CheckPrinter {
  public:
    // `count`: how many IDs came before (a chunk of stdin checked apart).
    CheckPrinter(Format format, OutputBuffer& out, std::size_t count = 0)
        : format_(format), out_(out), count_(count) {}

    // What comes before the first ID.
    void start() {
        if (format_ == Format::json) out_.put("[");
        if (format_ == Format::csv && headers_shown())
            out_.put("id,ok,kind,severity,match,message\n");
        if (format_ == Format::tsv && headers_shown())
            out_.put("id\tok\tkind\tseverity\tmatch\tmessage\n");
    }

    // `id`: a line's ID (kLineSlack bytes readable after it); without a
    // format problem, a valid ID, and the findings' matches are parts of it.
    void add(std::string_view id, const std::string* format_problem,
             const std::vector<GuardFindingView>& findings) {
        if (format_problem) [[unlikely]] {
            // Shown escaped: an ID that failed the format check may hold any byte.
            const std::string escaped = printable(id, 200);
            add_as(escaped, format_problem, findings);
        } else {
            add_as(id, nullptr, findings);
        }
        ++count_;
        out_.maybe_flush();
    }

    // The output of `count` more IDs, printed by another CheckPrinter.
    void add_printed(std::string_view text, std::size_t count) {
        out_.put_large(text);
        count_ += count;
    }

    // What comes after the last ID; `count`: how many there were.
    void finish(std::size_t count) {
        if (format_ == Format::json) out_.put(count ? "\n]\n" : "]\n");
        out_.flush();
        std::fflush(stdout);
    }
    std::size_t count() const { return count_; }
    // Room for the findings of one ID, reused from line to line.
    std::vector<GuardFindingView>& findings() { return findings_; }

  private:
    void add_as(std::string_view shown, const std::string* format_problem,
                const std::vector<GuardFindingView>& findings) {
        switch (format_) {
            case Format::json:
            case Format::jsonl:
                return add_json(shown, format_problem, findings);
            case Format::csv:
            case Format::tsv:
                return add_rows(shown, format_problem, findings);
            case Format::table:
                return add_table(shown, format_problem, findings);
        }
    }

    // `shown`: escaped with a format problem, else a valid ID (put_id).
    void add_json(std::string_view shown, const std::string* format_problem,
                  const std::vector<GuardFindingView>& findings) {
        // A bound on the size before the findings: the fixed text, put_id's
        // move, and 6 bytes a character of what may need escaping (\u00XX).
        std::size_t room = 64 + kLineSlack + 6 * shown.size();
        if (format_problem) room += 6 * format_problem->size();
        RawWriter raw(out_, room);
        if (format_ == Format::json) {
            raw.put_if(",", count_ != 0);
            raw.put('\n');
        }
        raw.put("{\"id\":");
        if (format_problem) {
            raw.json_string(shown, false);
            raw.put(",\"ok\":false,\"error\":");
            raw.json_string(*format_problem, false);
        } else {
            raw.json_id(shown);
            raw.put(",\"ok\":");
            raw.put_if("true", findings.empty());
            raw.put_if("false", !findings.empty());
            raw.put(",\"error\":null");  // never left out (man caseload)
        }
        raw.put(",\"findings\":[");
        for (std::size_t i = 0; i < findings.size(); ++i) {
            const auto& f = findings[i];
            raw.ensure(96 + kLineSlack + 6 * f.message.size());
            raw.put_if(",", i != 0);
            raw.put("{\"kind\":\"");
            raw.put(kind_name(f.kind).substr(0, 16));
            raw.put("\",\"severity\":\"");
            raw.put(severity_name(f.severity).substr(0, 8));
            raw.put("\",\"match\":");
            raw.json_id(f.match);  // findings only for a valid ID
            raw.put(",\"message\":");
            raw.json_string(f.message, false);
            raw.put('}');
        }
        raw.put("]}");
        raw.put_if("\n", format_ == Format::jsonl);
    }

    void add_rows(std::string_view shown, const std::string* format_problem,
                  const std::vector<GuardFindingView>& findings) {
        const bool ok = !format_problem && findings.empty();
        auto field = [&](std::string_view v) {
            return format_ == Format::csv ? csv_field(v) : tsv_field(v);
        };
        char sep = format_ == Format::csv ? ',' : '\t';
        auto row = [&](std::string_view kind, std::string_view severity, std::string_view match,
                       std::string_view message) {
            out_.put(field(shown));
            out_.put(sep);
            out_.put(ok ? "true" : "false");
            for (std::string_view v : {kind, severity, match, message}) {
                out_.put(sep);
                out_.put(field(v));
            }
            out_.put('\n');
        };
        if (format_problem) row("format", "block", "", *format_problem);
        for (const auto& f : findings)
            row(kind_name(f.kind), severity_name(f.severity), f.match, f.message);
        if (ok) row("", "", "", "");
    }

    void add_table(std::string_view shown, const std::string* format_problem,
                   const std::vector<GuardFindingView>& findings) {
        std::size_t room = 32 + kLineSlack + shown.size();
        if (format_problem) room += format_problem->size();
        RawWriter raw(out_, room);
        if (format_problem) {
            raw.put(shown);
            raw.put(": ");
            raw.put(*format_problem);
            raw.put('\n');
            return;
        }
        raw.put_id(shown);
        if (findings.empty()) {
            raw.put(": ok\n");
            return;
        }
        const bool block = findings.front().severity == Severity::block;
        raw.put(block ? std::string_view(": can't be used\n") : std::string_view(": needs care\n"));
        append_finding_lines(raw, findings);
    }

    Format format_;
    OutputBuffer& out_;
    std::size_t count_;
    std::vector<GuardFindingView> findings_;
};

// Checks one line of input (or one argument) and prints its result; true
// when it has a finding or is not a valid ID. `raw` has kLineSlack readable
// bytes after it.
bool check_line(std::string_view raw, const Guard& guard, const std::string& name,
                CheckPrinter& out) {
    std::string_view id = trim_space(raw);
    if (id.empty()) return false;
    std::vector<GuardFindingView>& findings = out.findings();
    if (!id_format_ok(id)) [[unlikely]] {
        const std::string problem = id_format_problem(id).value_or("");
        findings.clear();
        out.add(id, &problem, findings);
        return true;
    }
    if (name.empty())
        guard.check_views(id, findings);
    else
        guard.check_with_name_views(id, name, findings);
    out.add(id, nullptr, findings);
    return !findings.empty();
}

// Standard input cut into chunks of whole lines, in constant memory: big
// blocks read at once, a line never split between two chunks. Each line is
// checked on its first `max_line` bytes (as std::getline, a last line
// without a newline counts): a longer line ends its chunk, cut, and the rest
// of it is skipped.
class LineChunker {
  public:
    LineChunker(std::size_t capacity, std::size_t max_line)
        : capacity_(capacity), max_line_(max_line), carry_(new char[max_line]) {}

    std::size_t capacity() const { return capacity_; }
    bool at_end() const { return at_end_; }

    // Fills `data` (capacity() bytes) with the next lines; their size, 0 at
    // the end of the input.
    std::size_t next(char* data) {
        std::size_t used = carry_size_;
        std::memcpy(data, carry_.get(), carry_size_);
        carry_size_ = 0;
        while (used < capacity_ && !at_end_) {
            const ssize_t got = ::read(STDIN_FILENO, data + used, capacity_ - used);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {  // end of input (or an error, which ends it as getline would)
                at_end_ = true;
                break;
            }
            std::size_t size = static_cast<std::size_t>(got);
            if (skipping_) {  // the rest of a cut line: dropped up to its newline
                const char* nl = static_cast<const char*>(std::memchr(data + used, '\n', size));
                if (!nl) continue;
                skipping_ = false;
                const std::size_t after = static_cast<std::size_t>(nl + 1 - (data + used));
                std::memmove(data + used, nl + 1, size - after);
                size -= after;
            }
            used += size;
        }
        if (at_end_ || used == 0) return used;
        // The buffer is full: whole lines only, the rest carried to the next chunk.
        const char* const last = static_cast<const char*>(memrchr(data, '\n', used));
        const std::size_t lines = last ? static_cast<std::size_t>(last + 1 - data) : 0;
        const std::size_t rest = used - lines;
        if (rest >= max_line_) {
            skipping_ = true;  // its first max_line bytes are all it gives
            return lines + max_line_;
        }
        std::memcpy(carry_.get(), data + lines, rest);
        carry_size_ = rest;
        return lines;
    }

  private:
    std::size_t capacity_;
    std::size_t max_line_;
    std::unique_ptr<char[]> carry_;  // the start of a line (shorter than max_line)
    std::size_t carry_size_ = 0;
    bool skipping_ = false;  // inside a line already given (cut): drop up to its newline
    bool at_end_ = false;
};

// The first newline in [p, end), or nullptr: 16 bytes at a time (8 without
// SSE2; lines are short: a call of memchr a line costs more).
inline const char* find_newline(const char* p, const char* end) {
#if defined(__SSE2__)
    // 16 bytes at a time, past `end` into the slack (kLineSlack): a newline
    // found there is none.
    const __m128i newline = _mm_set1_epi8('\n');
    for (;; p += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        if (const int found = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline))) {
            const char* nl = p + std::countr_zero(static_cast<unsigned>(found));
            return nl < end ? nl : nullptr;
        }
        if (end - p <= 16) return nullptr;
    }
#else
    constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
    for (; end - p >= 8; p += 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        w ^= '\n' * kOnes;  // a newline: a zero byte
        // The lowest zero byte's high bit is exact (higher ones may not be).
        if (const std::uint64_t zero = (w - kOnes) & ~w & kHigh)
            return p + (std::countr_zero(zero) >> 3);
    }
    return static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
#endif
}

// Calls on_line(line) for every line of a chunk (LineChunker::next, in a
// buffer with kLineSlack bytes after it), each cut to its first `max_line`
// bytes.
template <class OnLine>
void for_each_line(std::string_view chunk, std::size_t max_line, OnLine&& on_line) {
    const char* start = chunk.data();
    const char* const end = start + chunk.size();
    while (start != end) {
        const char* nl = find_newline(start, end);
        const char* line_end = nl ? nl : end;
        on_line(std::string_view(start, std::min<std::size_t>(line_end - start, max_line)));
        if (!nl) break;
        start = nl + 1;
    }
}

// `id check -`: every line of standard input checked and printed through
// `out`, in input order; true when any has a finding or is not a valid ID.
// Chunks of lines are checked by the bulk check (caseload/bulk_check.hpp)
// and their output written in order; one thread, or input of one chunk,
// takes the plain way. The output is the same either way.
bool check_stdin(const Guard& guard, const std::string& name, Format format, CheckPrinter& out) {
    constexpr std::size_t kMaxLine = 4096;  // longer lines: checked on their first 4096 bytes
    constexpr std::size_t kChunk = std::size_t{1} << 17;
    LineChunker chunker(kChunk, kMaxLine);
    // Each chunk's buffer: kLineSlack zero bytes after its capacity.
    auto chunk_buffer = [&] {
        return std::unique_ptr<char[]>(new char[chunker.capacity() + kLineSlack]());
    };
    std::unique_ptr<char[]> first = chunk_buffer();
    const std::size_t first_size = chunker.next(first.get());
    const unsigned threads = bulk_check_threads(8);
    bool any = false;
    if (threads <= 1 || chunker.at_end()) {
        auto check_one = [&](std::string_view raw) { any |= check_line(raw, guard, name, out); };
        for (std::size_t size = first_size; size; size = chunker.next(first.get()))
            for_each_line(std::string_view(first.get(), size), kMaxLine, check_one);
        return any;
    }

    // A chunk's lines and their output, checked by a worker.
    struct Chunk {
        std::unique_ptr<char[]> data;
        std::size_t size = 0;
        OutputBuffer output{nullptr};  // keeps all: written out by the main thread
        std::size_t count = 0;         // IDs printed
        bool any = false;
    };
    BulkCheck<Chunk> pool(threads, [&](Chunk& chunk, unsigned) {
        // Every ID but the first of the whole input follows another (the
        // JSON array's comma): the main thread drops the comma of the first.
        chunk.output.clear();
        CheckPrinter printer(format, chunk.output, 1);
        bool found = false;
        for_each_line(
            std::string_view(chunk.data.get(), chunk.size), kMaxLine,
            [&](std::string_view raw) { found |= check_line(raw, guard, name, printer); });
        chunk.any = found;
        chunk.count = printer.count() - 1;
    });
    pool.run(
        [&](Chunk& chunk) {
            if (first) {  // read already, to see whether there is more than one chunk
                chunk.data = std::move(first);
                chunk.size = first_size;
                return true;
            }
            if (!chunk.data) chunk.data = chunk_buffer();
            chunk.size = chunker.next(chunk.data.get());
            return chunk.size > 0;
        },
        [&](Chunk& chunk) {
            std::string_view text = chunk.output.text();
            if (format == Format::json && out.count() == 0 && !text.empty())
                text.remove_prefix(1);  // the first ID of all: no comma before it
            out.add_printed(text, chunk.count);
            any |= chunk.any;
        });
    return any;
}

// Reads a line from the terminal without echo. The caller wipes it.
std::string read_secret(const char* prompt) {
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) throw Error(Exit::usage, "--ask-name needs a terminal", "run it in a terminal");
    int fd = fileno(tty);
    termios saved{};
    tcgetattr(fd, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // Echo off before the prompt, so that nothing typed after it is shown.
    tcsetattr(fd, TCSANOW, &quiet);
    std::fputs(prompt, tty);
    std::fflush(tty);
    std::string line;
    for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line += static_cast<char>(c);
    tcsetattr(fd, TCSANOW, &saved);
    std::fputs("\n", tty);
    std::fclose(tty);
    return line;
}

}  // namespace

void register_id(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "id", "The anonymity guard and generated IDs", "");

    // id check
    struct CheckArgs {
        std::vector<std::string> ids;
        bool ask_name = false;
    };
    auto check = std::make_shared<CheckArgs>();
    auto* cmd = add_command(*group, "check",
                            "Explain what an ID must not contain, without writing anything",
                            "  caseload id check JSmith1985 HOM-0042\n"
                            "  cut -d, -f1 ids.csv | caseload id check - --format jsonl\n"
                            "  caseload id check K7M2-QX9A --ask-name");
    cmd->add_option("ids", check->ids, "IDs to check, or - for one a line on stdin")->required();
    cmd->add_flag("--ask-name", check->ask_name,
                  "Ask (without echo) for the person's real name and check against it too; "
                  "the name is never stored");
    cmd->callback([&ctx, check] {
        Format format = ctx.format();
        Guard guard = guard_for(ctx);
        std::string name;
        if (check->ask_name) {
            if (!Context::interactive())
                throw Error(Exit::usage, "--ask-name needs a terminal",
                            "run 'caseload id check ID --ask-name' in a terminal; the name is "
                            "asked for without echo and never stored");
            name = read_secret("Real name (not shown, never stored): ");
        }
        OutputBuffer buffer;
        CheckPrinter out(format, buffer);
        out.start();
        bool any = false;
        bool from_stdin = check->ids.size() == 1 && check->ids.front() == "-";
        if (from_stdin) {
            // Streamed in constant memory: lines longer than 4096 bytes are
            // checked on their first 4096 (never a valid ID either way).
            any = check_stdin(guard, name, format, out);
        } else {
            std::string line;  // each ID with kLineSlack zero bytes after it
            for (const auto& id : check->ids) {
                line.assign(id).append(kLineSlack, '\0');
                any |= check_line(std::string_view(line).substr(0, id.size()), guard, name, out);
            }
        }
        // Wipe the name: it lived in memory for this check alone.
        if (!name.empty()) explicit_bzero(name.data(), name.size());
        out.finish(out.count());
        if (any) throw Error(Exit::invalid, "", "");
    });

    // id scan
    auto* scan =
        add_command(*group, "scan", "Re-check every stored ID against today's rules and words",
                    "  caseload id scan\n"
                    "  caseload id scan --format csv > findings.csv   # nightly, exit 3 "
                    "when any is blocked");
    scan->callback([&ctx] {
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        Guard guard = reg.guard();
        RecordWriter out(ctx.format(), {"id", "service", "keyworker", "severity", "findings"},
                         std::cout);
        std::size_t checked = 0, flagged = 0, blocked = 0;
        ServiceUserFilter all;
        all.include_left = true;
        reg.for_each(actor.member, all, [&](const ServiceUser& su) {
            ++checked;
            auto findings = guard.check(su.id);
            if (findings.empty()) return;
            ++flagged;
            bool block = Guard::blocks(findings);
            blocked += block;
            Json list = Json::array();
            for (const auto& f : findings)
                list.push_back(Json{{"kind", std::string(kind_name(f.kind))},
                                    {"severity", std::string(severity_name(f.severity))},
                                    {"match", f.match},
                                    {"message", f.message}});
            Json row{{"id", su.id},
                     {"service", reg.service_code(su.service_key)},
                     {"keyworker", reg.username(su.keyworker_key)},
                     {"severity", block ? "block" : "warn"},
                     {"findings", list}};
            if (ctx.format() != Format::json && ctx.format() != Format::jsonl) {
                std::vector<std::string> parts;
                for (const auto& f : findings)
                    parts.push_back(
                        fmt::format("{} \"{}\" ({})", kind_name(f.kind), f.match, f.message));
                row["findings"] = join(parts, "; ");
            }
            out.add(row);
        });
        out.finish();
        ctx.note(fmt::format("Checked {} ID{}: {} with findings, {} blocked.",
                             with_thousands(checked), checked == 1 ? "" : "s",
                             with_thousands(flagged), with_thousands(blocked)));
        if (blocked)
            throw Error(Exit::invalid,
                        fmt::format("{} stored ID{} would now be refused", blocked,
                                    blocked == 1 ? "" : "s"),
                        "rename each with 'caseload su rename OLD --generate --confirm-anonymous', "
                        "or a lead allows a word with 'caseload words allow WORD --reason ...'");
    });

    // id new
    struct NewArgs {
        std::size_t count = 1;
        std::optional<std::string> service;
    };
    auto make = std::make_shared<NewArgs>();
    auto* generate = add_command(*group, "new", "Make IDs nobody has to invent",
                                 "  caseload id new\n  caseload id new -n 20 --service HOM");
    generate->add_option("-n,--count", make->count, "How many (default 1)")
        ->option_text("N")
        ->check(CLI::Range(1, 100000));
    generate->add_option("--service", make->service, "Prefix the IDs with this service code")
        ->option_text("CODE");
    generate->callback([&ctx, make] {
        std::error_code ec;
        bool have_register = std::filesystem::exists(ctx.database_path(), ec);
        Guard guard = have_register ? ctx.reg().guard() : Guard();
        std::string prefix;
        if (make->service) {
            prefix = have_register ? require_service(ctx.reg().directory(), *make->service).code
                                   : normalise_service_code(*make->service);
        }
        std::set<std::string> made;
        // Plain lines by default; {"id": ...} objects under --format json or jsonl.
        const Format format = ctx.global.format_given() ? ctx.format() : Format::table;
        std::optional<RecordWriter> out;
        if (format != Format::table) out.emplace(format, std::vector<std::string>{"id"}, std::cout);
        for (std::size_t i = 0; i < make->count; ++i) {
            std::string id = generate_id(prefix, guard, [&](std::string_view candidate) {
                if (made.count(id_key(candidate))) return true;
                return have_register && ctx.reg().id_in_use(candidate);
            });
            made.insert(id_key(id));
            if (out)
                out->add(Json{{"id", id}});
            else
                std::cout << id << '\n';
        }
        if (out) out->finish();
    });
}

}  // namespace caseload::cli
