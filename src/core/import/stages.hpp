#pragma once
// The parts of an import (spec §6), one file each. The import streams
// (stream.cpp: two passes over the input, the check beside the write, memory
// bounded at any size; see its head comment), using:
//   read.cpp    the input, CSV or JSON lines: its header, then rows, each
//               with where its bytes are (pass 2 reads them again);
//   check.cpp   every row through the rules of su add (BatchChecker);
//   table.cpp   checked rows as the write takes them (caseload/import_rows.hpp);
//   write.cpp   what differs from a row already in the register, the audit
//               event's detail, the commit (the SQL is the store's,
//               caseload/store/import_feed.hpp);
//   report.cpp  why rows were refused, the rejects file, progress, timing.
// All but the write are free of any storage engine.
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/csv.hpp"
#include "caseload/import.hpp"
#include "caseload/import_rows.hpp"
#include "caseload/jsonl.hpp"
#include "caseload/signals.hpp"

namespace caseload::store {
class ImportLookup;
class ImportWrite;
struct StoredServiceUser;
}  // namespace caseload::store

namespace caseload::importer {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Columns

enum Column : std::uint8_t {
    kId,
    kService,
    kKeyworker,
    kDob,
    kAgeBand,
    kGender,
    kEthnicity,
    kNeeds,
    kStartedOn,
    kColumnCount,
    // Read, never stored: see kImportPassThroughColumns.
    kRef = kColumnCount,
    kConfirmed,
    kLine,
    kCellCount,
    kReadOnly = 253,  // a field of the printed service-user object that is not input
    kIgnored = 254,
    kUnknown = 255,
};

Column column_of(std::string_view name);
std::string_view cell_name(std::size_t c);
std::string column_list();

using Cells = std::array<std::string_view, kCellCount>;

// The longest `ref` kept: a reference, not a note.
constexpr std::size_t kMaxRefBytes = 200;

// A problem or a note as one line, kept with the line it is about.
std::string problem_line(std::uint64_t line, std::string_view column, std::string_view reason);
struct Shown {
    std::uint64_t line = 0;
    std::string text;
};

// ---------------------------------------------------------------------------
// Read

// The input's columns, as the header (CSV) or the fixed fields (JSON lines) give them.
struct Layout {
    std::vector<Column> header;              // CSV: the cell of each column
    std::vector<std::size_t> reject_fields;  // CSV: the columns a reject line repeats
    std::vector<std::string> reject_header;  // the rejects file's columns
};

// Raw rows, as read: CSV records, or JSON lines back to back.
struct Batch {
    csv::Records records;  // CSV
    std::string text;      // JSON lines: the lines back to back
    std::vector<std::uint32_t> ends;
    std::vector<std::uint64_t> lines;
    std::vector<std::uint64_t> record_lines;  // CSV: the records' lines, when not as read
    std::size_t size() const { return records.size() + lines.size(); }
    std::size_t bytes() const { return records.bytes() + text.size(); }
    void clear();
};

// The input: the header when made, then one row at a time.
class Input {
  public:
    // Reads the header; throws Error(invalid) for a missing, malformed or
    // unknown one, with nothing read further.
    Input(csv::ReadFn read, const ImportOptions& options);
    const Layout& layout() const { return layout_; }
    // The next row alone into `batch` (cleared first), and where its bytes
    // are in the input: [begin, end) (pass 2 reads it again from there);
    // false when none is left.
    bool next_record(Batch& batch, std::uint64_t& begin, std::uint64_t& end);
    std::uint64_t bytes_consumed() const;

  private:
    void read_header(const ImportOptions& options);

    std::optional<csv::Reader> csv_;
    std::optional<jsonl::LineReader> lines_;
    Layout layout_;
    std::string line_;
};

// ---------------------------------------------------------------------------
// Check

// What every row is checked against.
struct CheckContext {
    const Directory& dir;
    const StaffMember& actor;
    const Guard& guard;
    Date today;
    const ImportOptions& options;
    bool can_confirm = false;  // a person can be asked about guard warnings
    bool rejects = false;      // write reject lines
    const Layout& layout;
};

// A checked batch: its good rows, compact, and what was wrong with the others.
struct BatchResult {
    std::vector<Row> rows;
    std::string ids;
    std::string refs;
    std::vector<std::uint32_t> needs;
    std::vector<Shown> problems;  // the first ones only
    std::vector<Shown> notes;     // the first ones only
    std::uint64_t data_rows = 0;
    std::uint64_t bad_rows = 0;
    std::uint64_t problem_count = 0;
    std::uint64_t note_count = 0;
    std::uint64_t rejects = 0;
    unsigned codes = 0;  // bit per exit code among bad rows
    std::string rejects_text;
    std::vector<std::pair<std::uint64_t, std::size_t>> reject_ends;  // (line, end in rejects_text)
    bool keep_all = false;  // every problem and note, not only the first ones (streaming)
    void clear();
};

class RejectsFile;
class Progress;
class PhaseTimer;
class RowChecker;

// Checks batches on the calling thread, reusing its buffers from batch to batch.
class BatchChecker {
  public:
    explicit BatchChecker(const CheckContext& context);
    ~BatchChecker();
    BatchChecker(const BatchChecker&) = delete;
    BatchChecker& operator=(const BatchChecker&) = delete;
    // `out` is cleared first (but for its keep_all).
    void run(const Batch& batch, BatchResult& out);

  private:
    std::unique_ptr<RowChecker> checker_;
};

// Rows whose ID is in the register: what differs, compactly (there may be a million).
struct Conflict {
    std::uint32_t row = 0;
    std::uint16_t differ = 0;  // bit per column
    bool visible = false;      // the actor may see the stored row
    bool other_case = false;   // stored in another case
};

// ---------------------------------------------------------------------------
// Write

// The columns that differ between a row of `t` and the stored one: a bit per Column.
std::uint16_t differences(const Table& t, const Row& r, const store::StoredServiceUser& e);

// The audit event's detail of an import that adds `added` rows:
// "N added from SOURCE", with the skipped and rejected rows when there are any.
std::string import_event_detail(std::uint64_t added, const ImportOptions& options,
                                const ImportSummary& summary);

// The commit when `commit` (after the before_commit hook: when it throws,
// nothing is committed), else the rollback; then the rejects file under its
// name, and the import's time in `summary`.
void commit_or_roll_back(std::unique_ptr<store::ImportWrite> write, bool commit,
                         const ImportHooks& hooks, RejectsFile* rejects, PhaseTimer& timer,
                         Clock::time_point started, ImportSummary& summary);

// ---------------------------------------------------------------------------
// Report

// Why a row was refused after the check: an ID already on an earlier line,
// not confirmed as anonymous, or in the register (c: what differs).
std::string duplicate_reason(std::string_view id, std::uint64_t first_line,
                             std::string_view first_id);
std::string unconfirmed_reason(std::string_view id, bool warned);
std::string conflict_reason(RowState state, std::string_view id, const Conflict& c,
                            std::string_view stored_id);
// A rejects-file line for a row refused after the check, its cells as the input gave them.
void append_late_reject(std::string& text, const Table& table, const Row& r,
                        const CheckContext& context, const std::string& reason);

// ---------------------------------------------------------------------------
// Stream (stream.cpp): the import, in two passes over the input, memory
// bounded at any size, the check beside the write.

ImportSummary import_streaming(Register& reg, const Actor& actor, csv::ReadFn input,
                               std::uint64_t input_size, const ImportOptions& options,
                               const ImportHooks& hooks);

// ---------------------------------------------------------------------------
// The rejects file: the bad rows, with the original `line`, the input's
// columns and `error`. Written under a temporary name in the same directory
// and put in place at the end; an existing file is never replaced without
// --force, and no file is left when nothing was rejected.

class RejectsFile {
  public:
    // Creates the temporary file; Error(usage) or (conflict) when the name
    // cannot be used.
    RejectsFile(const std::string& path, const std::optional<std::string>& input_path,
                bool overwrite);
    // An import that stops as a whole leaves no rejects file: nothing was imported.
    ~RejectsFile();
    RejectsFile(const RejectsFile&) = delete;
    RejectsFile& operator=(const RejectsFile&) = delete;

    void header(const std::vector<std::string>& names);
    void rows(std::string_view text, std::uint64_t count) {
        write(buffer_);  // what row() holds goes first
        buffer_.clear();
        write(text);
        rows_ += count;
    }
    // One row, buffered (written by 1 MB, and by finish()).
    void row(std::string_view line);
    std::uint64_t count() const { return rows_; }
    // Everything on disk (before the commit).
    void finish();
    // Under its name (after the commit); an empty rejects file is removed:
    // it exists only when rows were rejected.
    void publish();

  private:
    void write(std::string_view text);
    [[noreturn]] void throw_exists() const;
    [[noreturn]] void fail();

    std::string path_, temp_, buffer_;
    int fd_ = -1;
    bool overwrite_ = false;
    std::uint64_t rows_ = 0;
    std::unique_ptr<RemoveOnSignal> remove_on_signal_;
};

// Progress for the hook, at most about ten times a second.
class Progress {
  public:
    explicit Progress(const ImportHooks& hooks) : hooks_(hooks) {}
    void phase(ImportProgress::Phase p, std::uint64_t total_rows, std::uint64_t total_bytes);
    void update(std::uint64_t rows, std::uint64_t bytes);

  private:
    const ImportHooks& hooks_;
    ImportProgress state_;
    Clock::time_point start_, last_;
};

// CASELOAD_IMPORT_TIMING=1: the time of each phase on stderr (bench/).
class PhaseTimer {
  public:
    PhaseTimer();
    void mark(const char* what);
    void note(const char* what, double seconds);

  private:
    bool on_;
    Clock::time_point last_;
    double last_cpu_ = 0;
};

}  // namespace caseload::importer
