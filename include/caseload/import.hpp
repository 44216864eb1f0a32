#pragma once
// Bulk import of service users (spec §6).
//
// Every row goes through validate_new_service_user, the one code path of
// `su add` (format, guard, the actor's roles, keyworker, Star needs, dates),
// then through uniqueness within the file (IDs ignore case) and against the
// register. The write is one write transaction of the store that inserts the
// rows in the order of their case-folded IDs (so every B-tree insert of the
// ID index appends), with ONE audit event that every inserted row points at.
// The import streams: a first pass sorts a small key per row (generated IDs
// are made after it, their keys sorted with the rest), a second reads the
// rows back in ID order and checks them on a thread beside the write (memory
// bounded at any size; the input is copied to a temporary file in TMPDIR).
// The confirm question has a pass of its own before the write, that only
// checks. Default all or nothing; `skip` writes the good rows. A dry run does
// the inserts and rolls back. The parts are in src/core/import/stages.hpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/csv.hpp"
#include "caseload/register.hpp"

namespace caseload {

enum class ImportFormat { csv, jsonl };
enum class OnError { abort, skip };

// The columns of import and export, in export's order. In the needs column,
// needs are separated by ';' (export writes that); ',' and line breaks inside
// the cell also separate them, as people type them in spreadsheets.
// CASELOAD_IMPORT_TIMING=1 prints the time of each phase on stderr (bench/,
// and the test that kills an import while it writes).
// started_on, the day support began: empty (or no such column) is the day of
// the import, and --skip-existing compares it only when it is given.
inline constexpr std::string_view kImportColumns[] = {
    "id",     "service",   "keyworker", "date_of_birth", "age_band",
    "gender", "ethnicity", "needs",     "started_on"};

// A column (or JSON field) that import accepts and ignores: the reason a
// rejects file gives for each row, so that a fixed rejects file can be
// imported as it is.
inline constexpr std::string_view kRejectsErrorColumn = "error";

// Columns that are read but never stored (issue 16): `ref`, the row's
// reference in the source system, kept only in the rejects file and the
// generated-ID map; `confirmed`, yes or no, a reviewer's word that the row's ID
// is anonymous; `line`, the original line of a row in a rejects file being
// imported again, so that its rejects and generated IDs name the first file's
// line. A rejects file starts with `line` and ends with `error`.
inline constexpr std::string_view kImportPassThroughColumns[] = {"ref", "confirmed", "line"};

// .jsonl and .ndjson are JSON lines; anything else (and stdin) is CSV.
ImportFormat import_format_for(std::string_view path);

struct ImportOptions {
    ImportFormat format = ImportFormat::csv;
    std::string source_name = "stdin";  // base name: messages and the audit event
    bool dry_run = false;
    OnError on_error = OnError::abort;
    bool skip_existing = false;
    bool generate_ids = false;
    bool confirm_anonymous = false;
    std::optional<std::string> rejects_path;  // CSV of the bad rows, created 0600
    bool overwrite_rejects = false;           // --force: replace an existing rejects file
    std::optional<std::string> input_path;    // to refuse rejects == input
    // The input's descriptor: a regular file that changes while it is
    // imported is refused (UnchangedInput; -1: not watched).
    int input_fd = -1;
    std::size_t max_problems_shown = 100;  // problem lines printed; the rest are counted
    std::size_t max_notes_shown = 20;
    csv::Limits limits;
};

struct ImportProgress {
    enum class Phase { checking, writing };
    Phase phase = Phase::checking;
    std::uint64_t rows = 0;         // rows read (checking) or written (writing)
    std::uint64_t total_rows = 0;   // writing: rows to write; checking: 0
    std::uint64_t bytes = 0;        // checking: input read so far
    std::uint64_t total_bytes = 0;  // checking: input size, 0 when unknown (a pipe)
    double seconds = 0;             // since the phase started
};

struct ImportSummary;

// How the engine talks to the command line; every hook may be empty.
struct ImportHooks {
    // One problem: "line N, column C: reason". Called after the rows are
    // checked, in line order, for at most max_problems_shown problems.
    std::function<void(const std::string&)> problem;
    // A note for people: IDs with guard warnings, generated IDs in a dry run.
    std::function<void(const std::string&)> note;
    // Progress, at most about ten times a second.
    std::function<void(const ImportProgress&)> progress;
    // Asks, once, whether the `count` IDs that no --confirm-anonymous and no
    // `confirmed` cell confirmed are anonymous; `warned` of them have guard
    // warnings (shown as notes). Empty when nobody can be asked (no
    // terminal): those rows are then refused.
    std::function<bool(std::uint64_t count, std::uint64_t warned)> confirm;
    // Just before the commit (never in a dry run), with the summary as it will
    // be (generated_ids filled in): the place to write and flush the only copy
    // of generated IDs. When it throws, nothing is committed.
    std::function<void(const ImportSummary&)> before_commit;
};

// A generated ID and its row: `line` is the row's original line (the `line`
// column of a rejects file imported again, else its line in this file), `ref`
// the row's `ref` cell.
struct GeneratedId {
    std::uint64_t line = 0;
    std::string ref;
    std::string id;
};

// The generated IDs of the rows written, in line order. They are read from a
// temporary file, one at a time: an import may generate millions.
class GeneratedIds {
  public:
    virtual ~GeneratedIds() = default;
    virtual void for_each(const std::function<void(const GeneratedId&)>& fn) const = 0;
    // All of them (tests, and small imports).
    std::vector<GeneratedId> list() const {
        std::vector<GeneratedId> all;
        for_each([&](const GeneratedId& g) { all.push_back(g); });
        return all;
    }
};

struct ImportSummary {
    std::uint64_t rows = 0;       // data rows (blank lines are not rows)
    std::uint64_t added = 0;      // written, or would be in a dry run
    std::uint64_t skipped = 0;    // already present with the same data (--skip-existing)
    std::uint64_t rejected = 0;   // bad rows
    std::uint64_t generated = 0;  // generated IDs among the added
    std::uint64_t problems = 0;   // problem lines, shown or not
    std::uint64_t problems_shown = 0;
    std::uint64_t notes = 0;
    std::uint64_t unconfirmed = 0;  // rejected as not confirmed anonymous
    bool committed = false;
    bool rejects_written = false;  // the rejects file holds at least one row
    // Under --on-error abort with bad rows: the exit code of the refusal: 5
    // when every bad row is a conflict, 6 when every one is denied, else 3.
    Exit refusal = Exit::ok;
    double seconds = 0;
    // The generated IDs (as many as `generated`); none in a dry run.
    std::shared_ptr<const GeneratedIds> generated_ids;
};

// Imports from `input` (input_size: bytes, 0 when unknown). Throws Error for
// what stops the whole import, with nothing written: a malformed file or an
// unknown column (3), a rejects file that cannot be created (2), a busy
// register (7).
ImportSummary import_service_users(Register& reg, const Actor& actor, csv::ReadFn input,
                                   std::uint64_t input_size, const ImportOptions& options,
                                   const ImportHooks& hooks);

}  // namespace caseload
