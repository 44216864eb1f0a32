#include "caseload/import.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Exception.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "caseload/dates.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/jsonl.hpp"
#include "caseload/options.hpp"
#include "caseload/records.hpp"
#include "caseload/signals.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

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

using Cells = std::array<std::string_view, kCellCount>;

// The longest `ref` kept: a reference, not a note.
constexpr std::size_t kMaxRefBytes = 200;

// ---------------------------------------------------------------------------
// A checked row, compact: a million of them fit in about 40 MB.

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

std::uint8_t option_index(const OptionList& list, const std::optional<std::string>& value) {
    if (!value) return 0;
    for (std::size_t i = 0; i < list.values.size(); ++i)
        if (list.values[i].code == *value) return static_cast<std::uint8_t>(i + 1);
    throw Error(Exit::failure, fmt::format("internal: '{}' passed the check of {} but is not one",
                                           printable(*value), list.field));
}

std::string_view option_code(const OptionList& list, std::uint8_t index) {
    return index == 0 ? std::string_view() : list.values[index - 1].code;
}

std::uint32_t pack_date(const std::string& iso) {
    // validate_details leaves dates as YYYY-MM-DD.
    auto digits = [&](std::size_t from, std::size_t count) {
        std::uint32_t v = 0;
        for (std::size_t i = from; i < from + count; ++i)
            v = v * 10 + static_cast<std::uint32_t>(iso[i] - '0');
        return v;
    };
    return digits(0, 4) * 10000 + digits(5, 2) * 100 + digits(8, 2);
}

// Writes a packed date as YYYY-MM-DD into `out` (11 bytes); returns its length.
std::size_t format_date(std::uint32_t packed, char* out) {
    write_iso_date(out, static_cast<int>(packed / 10000 % 10000),
                   static_cast<int>(packed / 100 % 100), static_cast<int>(packed % 100));
    out[10] = '\0';
    return 10;
}

std::uint32_t narrow_key(Key key) {
    if (key <= 0 || key > std::numeric_limits<std::uint32_t>::max())
        throw Error(Exit::failure, fmt::format("internal: key {} out of range", key));
    return static_cast<std::uint32_t>(key);
}

// ---------------------------------------------------------------------------
// Problems as one line each.

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The rules speak in su add's options; a file has columns.
std::string in_file_terms(std::string text) {
    text = replace_all(std::move(text), "give --service CODE", "fill in the service column");
    text =
        replace_all(std::move(text), "must give --keyworker", "must fill in the keyworker column");
    text =
        replace_all(std::move(text), "leave out --keyworker", "leave the keyworker column empty");
    text = replace_all(std::move(text), "or use --generate", "or use --generate-ids");
    return text;
}

std::string collapse_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : trim(text)) {
        if (c == ' ' || c == '\t' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string reason_of(const FieldProblem& p) {
    std::string text = p.message;
    const bool colon = !text.empty() && text.back() == ':';
    if (colon) text.pop_back();
    for (std::size_t i = 0; i < p.details.size(); ++i)
        text += (i == 0 && colon ? ": " : "; ") + collapse_spaces(p.details[i]);
    if (!p.hint.empty() && p.hint.find('\n') == std::string::npos) text += " (" + p.hint + ")";
    return in_file_terms(std::move(text));
}

std::string warning_text(std::string_view id, const std::vector<GuardFinding>& warnings) {
    std::vector<std::string> parts;
    for (const auto& f : warnings)
        parts.push_back(
            fmt::format("{} \"{}\" {}", kind_name(f.kind), printable(f.match), f.message));
    return fmt::format("'{}' may identify someone: {}", printable(id), join(parts, "; "));
}

std::string problem_line(std::uint64_t line, std::string_view column, std::string_view reason) {
    if (column.empty()) return fmt::format("line {}: {}", line, reason);
    return fmt::format("line {}, column {}: {}", line, printable(column), reason);
}

struct Shown {
    std::uint64_t line = 0;
    std::string text;
};

// ---------------------------------------------------------------------------
// The rejects file: the bad rows, with the original `line`, the input's
// columns and `error`. Written under a temporary name in the same directory
// and put in place at the end; an existing file is never replaced without
// --force, and no file is left when nothing was rejected.

class RejectsFile {
  public:
    RejectsFile(const std::string& path, const std::optional<std::string>& input_path,
                bool overwrite)
        : path_(path) {
        struct stat target {};
        const bool exists = ::lstat(path.c_str(), &target) == 0;
        if (exists && input_path && *input_path != "-") {
            struct stat input {};
            if (::stat(input_path->c_str(), &input) == 0 && input.st_dev == target.st_dev &&
                input.st_ino == target.st_ino)
                throw Error(
                    Exit::usage,
                    fmt::format("--rejects {} is the input file itself", printable(path, 200)),
                    "give the rejects another name, e.g. --rejects rejects.csv");
        }
        if (exists && !overwrite) throw_exists();
        if (exists && S_ISDIR(target.st_mode))
            throw Error(Exit::usage,
                        fmt::format("--rejects {} is a directory", printable(path, 200)),
                        "give a file name, e.g. --rejects rejects.csv");
        overwrite_ = overwrite;
        const std::filesystem::path p(path);
        const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
        temp_ = dir + "/." + p.filename().string() + ".XXXXXX";
        fd_ = ::mkostemp(temp_.data(), O_CLOEXEC);
        if (fd_ < 0) {
            temp_.clear();
            throw Error(Exit::usage,
                        fmt::format("cannot create the rejects file {}: {}", printable(path, 200),
                                    std::strerror(errno)),
                        "choose a path in a directory you may write to");
        }
        ::fchmod(fd_, 0600);  // it holds IDs: private, like the register
        // Ctrl-C or kill mid-import: nothing was imported, so no rejects file.
        remove_on_signal_ = std::make_unique<RemoveOnSignal>(temp_);
    }
    // An import that stops as a whole leaves no rejects file: nothing was imported.
    ~RejectsFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!temp_.empty()) ::unlink(temp_.c_str());
    }
    RejectsFile(const RejectsFile&) = delete;
    RejectsFile& operator=(const RejectsFile&) = delete;

    void header(const std::vector<std::string>& names) {
        std::string line;
        csv::append_record(line, names);
        write(line);
    }
    void rows(std::string_view text, std::uint64_t count) {
        write(text);
        rows_ += count;
    }
    std::uint64_t count() const { return rows_; }
    // Everything on disk (before the commit).
    void finish() {
        if (fd_ < 0) return;
        if (rows_ > 0 && ::fsync(fd_) != 0) fail();
        if (::close(fd_) != 0) {
            fd_ = -1;
            fail();
        }
        fd_ = -1;
    }
    // Under its name (after the commit); an empty rejects file is removed:
    // it exists only when rows were rejected.
    void publish() {
        finish();
        if (temp_.empty()) return;
        if (rows_ > 0) {
            // Without --force, link() refuses a file that appeared meanwhile.
            const int rc = overwrite_ ? ::rename(temp_.c_str(), path_.c_str())
                                      : ::link(temp_.c_str(), path_.c_str());
            if (rc != 0) {
                // After the commit: keep the rows under the temporary name.
                const int e = errno;
                std::string kept = temp_;
                temp_.clear();
                throw Error(Exit::failure,
                            fmt::format("could not name the rejects file {}: {}",
                                        printable(path_, 200), std::strerror(e)),
                            fmt::format("the rejected rows are in {}", printable(kept, 200)));
            }
            if (!overwrite_) ::unlink(temp_.c_str());
        } else {
            ::unlink(temp_.c_str());
        }
        temp_.clear();
        remove_on_signal_.reset();
    }

  private:
    void write(std::string_view text) {
        while (!text.empty()) {
            ssize_t n = ::write(fd_, text.data(), text.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail();
            text.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    [[noreturn]] void throw_exists() const {
        throw Error(Exit::conflict,
                    fmt::format("the rejects file {} already exists", printable(path_, 200)),
                    "a rejects file never overwrites a file: choose a new name, or add --force "
                    "to replace it");
    }
    [[noreturn]] void fail() {
        throw Error(Exit::failure,
                    fmt::format("cannot write the rejects file {}: {}", printable(path_, 200),
                                std::strerror(errno)),
                    "free some space or choose another path; the register was not changed");
    }

    std::string path_, temp_;
    int fd_ = -1;
    bool overwrite_ = false;
    std::uint64_t rows_ = 0;
    std::unique_ptr<RemoveOnSignal> remove_on_signal_;
};

// ---------------------------------------------------------------------------
// Checking rows, on worker threads.

struct Batch {
    std::size_t index = 0;
    csv::Records records;  // CSV
    std::string text;      // JSON lines: the lines back to back
    std::vector<std::uint32_t> ends;
    std::vector<std::uint64_t> lines;
    std::size_t size() const { return records.size() + lines.size(); }
    std::size_t bytes() const { return records.bytes() + text.size(); }
};

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
    std::exception_ptr error;
};

struct Shared {
    const Directory& dir;
    const StaffMember& actor;
    const Guard& guard;
    Date today;
    const ImportOptions& options;
    bool can_confirm = false;  // a person can be asked about guard warnings
    bool rejects = false;      // write reject lines
    // CSV: the header's columns, and which of them a reject line repeats.
    std::vector<Column> header;
    std::vector<std::size_t> reject_fields;
};

class RowChecker {
  public:
    explicit RowChecker(const Shared& shared) : s_(shared) {}

    void run(const Batch& batch, BatchResult& out) {
        out.rows.reserve(batch.size());
        if (!batch.records.empty())
            run_csv(batch.records, out);
        else
            run_jsonl(batch, out);
    }

  private:
    // Problems of a row not (yet) known to validation: (column, reason).
    using Early = std::vector<std::pair<std::string, std::string>>;

    void run_csv(const csv::Records& records, BatchResult& out) {
        const auto& problems = records.problems();
        std::size_t next_problem = 0;
        const std::size_t width = s_.header.size();
        for (std::size_t r = 0; r < records.size(); ++r) {
            const std::size_t n = records.fields(r);
            Cells cells{};
            bool blank = true;
            for (std::size_t f = 0; f < n; ++f) {
                std::string_view value = trim(records.field(r, f));
                if (!value.empty()) blank = false;
                if (f < width && s_.header[f] < kCellCount) cells[s_.header[f]] = value;
            }
            early_.clear();
            for (; next_problem < problems.size() && problems[next_problem].record == r;
                 ++next_problem) {
                const auto& p = problems[next_problem];
                blank = false;
                early_.emplace_back(column_name(p.column), p.message);
            }
            if (blank) continue;
            if (n != width) {
                bool extra_blank = n > width;
                for (std::size_t f = width; f < n; ++f)
                    if (!trim(records.field(r, f)).empty()) extra_blank = false;
                if (!extra_blank)
                    early_.emplace_back("",
                                        fmt::format("has {} fields; the header has {}", n, width));
            }
            const std::uint64_t line = records.line(r);
            check(line, cells, out, [&](std::string& text, const std::string& error) {
                std::vector<std::string_view> fields;
                fields.reserve(s_.reject_fields.size() + 2);
                const std::string number = std::to_string(line);
                fields.push_back(cells[kLine].empty() ? std::string_view(number) : cells[kLine]);
                for (std::size_t f : s_.reject_fields)
                    fields.push_back(f < n ? records.field(r, f) : std::string_view());
                fields.push_back(error);
                csv::append_record(text, fields);
            });
        }
    }

    void run_jsonl(const Batch& batch, BatchResult& out) {
        static const std::vector<std::string_view> kLists = {"needs"};
        for (std::size_t i = 0; i < batch.lines.size(); ++i) {
            const std::uint32_t begin = i == 0 ? 0 : batch.ends[i - 1];
            std::string_view text(batch.text.data() + begin, batch.ends[i] - begin);
            std::vector<jsonl::ObjectProblem> problems;
            auto fields = jsonl::parse_object(text, kLists, problems);
            early_.clear();
            for (auto& p : problems) early_.emplace_back(p.field, std::move(p.message));
            Cells cells{};
            for (const auto& [key, value] : fields) {
                Column c = column_of(key);
                if (c == kUnknown)
                    early_.emplace_back(key, fmt::format("is not a field of a service user; "
                                                         "fields: {}",
                                                         column_list()));
                else if (c < kCellCount)
                    cells[c] = trim(value);
            }
            const std::uint64_t line = batch.lines[i];
            check(line, cells, out, [&](std::string& text, const std::string& error) {
                const std::string number = std::to_string(line);
                std::vector<std::string_view> row;
                row.push_back(cells[kLine].empty() ? std::string_view(number) : cells[kLine]);
                row.insert(row.end(), cells.begin(), cells.begin() + kLine);
                row.push_back(error);
                csv::append_record(text, row);
            });
        }
    }

    std::string column_name(std::size_t index) const {
        if (index < s_.header.size() && s_.header[index] < kCellCount)
            return std::string(cell_name(s_.header[index]));
        return fmt::format("{}", index + 1);
    }

    static void set(std::optional<std::string>& target, std::string_view value) {
        if (value.empty())
            target.reset();
        else if (target)
            target->assign(value);
        else
            target.emplace(value);
    }

    template <typename RejectFn>
    void check(std::uint64_t line, const Cells& cells, BatchResult& out, RejectFn&& reject) {
        ++out.data_rows;
        NewServiceUserInput& in = input_;
        const bool generate = s_.options.generate_ids && cells[kId].empty();
        in.generate = generate;
        in.id.assign(generate ? std::string_view() : cells[kId]);
        set(in.service, cells[kService]);
        set(in.keyworker, cells[kKeyworker]);
        set(in.date_of_birth, cells[kDob]);
        set(in.age_band, cells[kAgeBand]);
        // The printed object gives both a date of birth and the band it
        // gives today: that band says nothing more.
        if (in.date_of_birth && in.age_band)
            if (auto d = parse_date(*in.date_of_birth);
                d && age_band_for_age(age_on(*d, s_.today)) == *in.age_band)
                in.age_band.reset();
        set(in.gender, cells[kGender]);
        set(in.ethnicity, cells[kEthnicity]);
        set(in.started_on, cells[kStartedOn]);
        std::size_t count = 0;
        // Needs are separated by ';' (as export writes them); a spreadsheet's
        // commas and line breaks inside the cell are taken as separators too.
        for (std::string_view rest = cells[kNeeds]; !rest.empty();) {
            std::size_t semi = rest.find_first_of(";,\r\n");
            std::string_view need = trim(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
            if (need.empty()) continue;
            if (count == in.needs.size()) in.needs.emplace_back();
            in.needs[count++].assign(need);
        }
        in.needs.resize(count);

        problems_.clear();
        const PassThrough pass = pass_through(cells, generate);
        ValidatedServiceUser* valid = nullptr;
        if (early_.empty() &&
            validate_new_service_user(s_.dir, s_.actor, s_.guard, in, s_.today, problems_, valid_))
            valid = &valid_;

        // Every ID needs confirming as anonymous, as in su add: by
        // --confirm-anonymous, by its `confirmed` cell, or at one question at
        // the end. Guard warnings without a way to confirm are refused here.
        if (valid && pass.confirmed == Confirmed::no) {
            problems_.push_back(
                {"confirmed",
                 Exit::invalid,
                 fmt::format("'{}' is marked no: not confirmed as anonymous", printable(valid->id)),
                 "",
                 {}});
            valid = nullptr;
        }
        const bool confirmed =
            generate || s_.options.confirm_anonymous || pass.confirmed == Confirmed::yes;
        if (valid && !valid->warnings.empty()) {
            std::string text = warning_text(valid->id, valid->warnings);
            if (confirmed || s_.can_confirm) {
                note(out, line,
                     problem_line(
                         line, "id",
                         text + (s_.options.confirm_anonymous ? " (accepted: --confirm-anonymous)"
                                 : pass.confirmed == Confirmed::yes ? " (accepted: confirmed yes)"
                                                                    : "")));
            } else {
                problems_.push_back({"id",
                                     Exit::invalid,
                                     text + "; if it is anonymous, run again with "
                                            "--confirm-anonymous, or put yes in its confirmed "
                                            "column",
                                     "",
                                     {}});
                valid = nullptr;
            }
        }

        if (!valid) {
            bad(out, line,
                early_.empty() ? (problems_.empty() ? Exit::invalid : problems_.front().code)
                               : Exit::invalid);
            std::string error;
            for (const auto& [column, reason] : early_)
                add_problem(out, line, column, reason, error);
            for (const auto& p : problems_) add_problem(out, line, p.field, reason_of(p), error);
            if (s_.rejects) {
                reject(out.rejects_text, error);
                ++out.rejects;
            }
            return;
        }

        Row row;
        row.line = line;
        row.origin_line = pass.origin_line;
        row.ref_offset = static_cast<std::uint32_t>(out.refs.size());
        row.ref_length = static_cast<std::uint8_t>(cells[kRef].size());
        out.refs += cells[kRef];
        row.flags = static_cast<std::uint8_t>(
            (generate ? kGenerate : 0) | (valid->warnings.empty() ? 0 : kWarned) |
            (confirmed ? 0 : kNeedsConfirm) |
            (pass.confirmed == Confirmed::yes ? kConfirmedYes : 0));
        row.id_offset = static_cast<std::uint32_t>(out.ids.size());
        row.id_length = static_cast<std::uint8_t>(valid->id.size());
        out.ids += valid->id;
        row.service = narrow_key(valid->service_key);
        row.keyworker = narrow_key(valid->keyworker_key);
        row.dob = valid->date_of_birth ? pack_date(*valid->date_of_birth) : 0;
        row.started = valid->started_on ? pack_date(*valid->started_on) : 0;
        row.age_band = option_index(age_band_options(), valid->age_band);
        row.gender = option_index(gender_options(), valid->gender);
        row.ethnicity = option_index(ethnicity_options(), valid->ethnicity);
        row.needs_offset = static_cast<std::uint32_t>(out.needs.size());
        row.needs_count = static_cast<std::uint16_t>(valid->need_keys.size());
        for (Key k : valid->need_keys) out.needs.push_back(narrow_key(k));
        out.rows.push_back(row);
    }

    enum class Confirmed : std::uint8_t { unsaid, yes, no };
    struct PassThrough {
        Confirmed confirmed = Confirmed::unsaid;
        std::uint32_t origin_line = 0;
    };

    // The cells that are never stored; their problems go to early_.
    PassThrough pass_through(const Cells& cells, bool generate) {
        PassThrough pass;
        if (cells[kRef].size() > kMaxRefBytes)
            early_.emplace_back("ref", fmt::format("is longer than {} characters", kMaxRefBytes));
        const std::string answer = ascii_lower(cells[kConfirmed]);
        if (answer == "yes" || answer == "y" || answer == "true" || answer == "1")
            pass.confirmed = Confirmed::yes;
        else if (answer == "no" || answer == "n" || answer == "false" || answer == "0")
            pass.confirmed = generate ? Confirmed::unsaid : Confirmed::no;
        else if (!answer.empty())
            early_.emplace_back("confirmed",
                                fmt::format("'{}' is not yes or no", printable(cells[kConfirmed])));
        if (!cells[kLine].empty()) {
            std::uint64_t n = 0;
            bool digits = cells[kLine].size() <= 9;
            for (char c : cells[kLine]) {
                digits = digits && c >= '0' && c <= '9';
                if (digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (!digits || n == 0)
                early_.emplace_back(
                    "line", fmt::format("'{}' is not a line number", printable(cells[kLine])));
            else
                pass.origin_line = static_cast<std::uint32_t>(n);
        }
        return pass;
    }

    void bad(BatchResult& out, std::uint64_t, Exit code) {
        ++out.bad_rows;
        out.codes |= 1u << static_cast<unsigned>(code);
    }

    void add_problem(BatchResult& out, std::uint64_t line, const std::string& column,
                     const std::string& reason, std::string& error) {
        ++out.problem_count;
        if (out.problems.size() < s_.options.max_problems_shown)
            out.problems.push_back({line, problem_line(line, column, reason)});
        if (s_.rejects) {
            if (!error.empty()) error += "; ";
            error += column.empty() ? reason : column + ": " + reason;
        }
    }

    void note(BatchResult& out, std::uint64_t line, std::string text) {
        ++out.note_count;
        if (out.notes.size() < s_.options.max_notes_shown)
            out.notes.push_back({line, std::move(text)});
    }

    const Shared& s_;
    NewServiceUserInput input_;
    ValidatedServiceUser valid_;  // reused from row to row
    std::vector<FieldProblem> problems_;
    Early early_;
};

// Checks batches on worker threads; results come back in batch order.
class CheckPool {
  public:
    CheckPool(const Shared& shared, unsigned threads) : shared_(shared) {
        for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }
    ~CheckPool() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        ready_.notify_all();
        for (auto& t : workers_) t.join();
    }

    std::size_t in_flight() const { return submitted_ - taken_; }

    void submit(std::unique_ptr<Batch> batch) {
        batch->index = submitted_++;
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(batch));
        }
        ready_.notify_one();
    }

    // The next result in batch order, waiting for it; nullptr when all are taken.
    std::unique_ptr<BatchResult> take(bool wait) {
        if (taken_ == submitted_) return nullptr;
        std::unique_lock lock(mutex_);
        if (wait) done_.wait(lock, [&] { return results_.count(taken_) != 0; });
        auto it = results_.find(taken_);
        if (it == results_.end()) return nullptr;
        auto result = std::move(it->second);
        results_.erase(it);
        ++taken_;
        return result;
    }

  private:
    void work() {
        RowChecker checker(shared_);
        for (;;) {
            std::unique_ptr<Batch> batch;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
                if (queue_.empty()) return;
                batch = std::move(queue_.front());
                queue_.pop_front();
            }
            auto result = std::make_unique<BatchResult>();
            try {
                checker.run(*batch, *result);
            } catch (...) {
                result->error = std::current_exception();
            }
            {
                std::lock_guard lock(mutex_);
                results_[batch->index] = std::move(result);
            }
            done_.notify_all();
        }
    }

    const Shared& shared_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable ready_, done_;
    std::deque<std::unique_ptr<Batch>> queue_;
    std::map<std::size_t, std::unique_ptr<BatchResult>> results_;
    std::size_t submitted_ = 0, taken_ = 0;
    bool stop_ = false;
};

// ---------------------------------------------------------------------------
// The rows of the whole file, and their order by case-folded ID.

struct SortKey {
    std::uint64_t high = 0, low = 0;  // the first 16 bytes of the folded ID, big-endian
    std::uint32_t row = 0;
};

class Table {
  public:
    std::vector<Row> rows;
    std::string ids;
    std::string refs;  // never permuted: rows keep their offsets
    std::vector<std::uint32_t> needs;

    std::string_view id(const Row& r) const {
        return std::string_view(ids).substr(r.id_offset, r.id_length);
    }
    std::string_view ref(const Row& r) const {
        return std::string_view(refs).substr(r.ref_offset, r.ref_length);
    }
    // The line a person knows the row by: its `line` cell, else its line here.
    static std::uint64_t origin(const Row& r) { return r.origin_line ? r.origin_line : r.line; }

    void append(BatchResult& b) {
        const std::size_t id_base = ids.size(), needs_base = needs.size(), ref_base = refs.size();
        if (id_base + b.ids.size() > std::numeric_limits<std::uint32_t>::max() ||
            ref_base + b.refs.size() > std::numeric_limits<std::uint32_t>::max() ||
            needs_base + b.needs.size() > std::numeric_limits<std::uint32_t>::max())
            throw Error(Exit::invalid, "the file has too many rows for one import",
                        "split it into files of a few million rows");
        ids += b.ids;
        refs += b.refs;
        needs.insert(needs.end(), b.needs.begin(), b.needs.end());
        for (Row r : b.rows) {
            r.ref_offset += static_cast<std::uint32_t>(ref_base);
            r.id_offset += static_cast<std::uint32_t>(id_base);
            r.needs_offset += static_cast<std::uint32_t>(needs_base);
            rows.push_back(r);
        }
    }

    // Puts the rows (and their IDs and needs) in `order`, so that the write
    // reads memory front to back; `order` becomes the identity. Returns the
    // new index of each old row.
    std::vector<std::uint32_t> permute(std::vector<SortKey>& order, unsigned threads) {
        std::vector<std::uint32_t> moved(rows.size(), 0);
        std::vector<Row> sorted(order.size());
        // Each part of the order gathers into its own buffers of IDs and
        // needs (two parts on two cores: this is on the critical path of a
        // big import); the buffers are joined afterwards.
        const std::size_t parts = threads > 1 && order.size() >= 65536 ? 2 : 1;
        struct Part {
            std::size_t begin = 0, end = 0;
            std::string ids;
            std::vector<std::uint32_t> needs;
        };
        std::vector<Part> part(parts);
        for (std::size_t p = 0; p < parts; ++p) {
            part[p].begin = order.size() * p / parts;
            part[p].end = order.size() * (p + 1) / parts;
        }
        auto gather = [&](Part& g) {
            constexpr std::size_t kAhead = 16;  // rows, then their IDs and needs, fetched early
            g.ids.reserve(ids.size() / parts + 4096);
            g.needs.reserve(needs.size() / parts + 4096);
            for (std::size_t i = g.begin; i < g.end; ++i) {
                if (i + kAhead < g.end) __builtin_prefetch(&rows[order[i + kAhead].row]);
                if (i + kAhead / 2 < g.end) {
                    const Row& soon = rows[order[i + kAhead / 2].row];
                    __builtin_prefetch(ids.data() + soon.id_offset);
                    __builtin_prefetch(needs.data() + soon.needs_offset);
                }
                Row r = rows[order[i].row];
                moved[order[i].row] = static_cast<std::uint32_t>(i);
                const auto id_offset = static_cast<std::uint32_t>(g.ids.size());
                g.ids.append(ids, r.id_offset, r.id_length);
                r.id_offset = id_offset;
                const auto needs_offset = static_cast<std::uint32_t>(g.needs.size());
                g.needs.insert(g.needs.end(), needs.begin() + r.needs_offset,
                               needs.begin() + r.needs_offset + r.needs_count);
                r.needs_offset = needs_offset;
                sorted[i] = r;
            }
        };
        if (parts == 2) {
            std::thread other([&] { gather(part[1]); });
            gather(part[0]);
            other.join();
        } else {
            gather(part[0]);
        }
        for (std::size_t p = 1; p < parts; ++p) {
            const auto id_base = static_cast<std::uint32_t>(part[0].ids.size());
            const auto needs_base = static_cast<std::uint32_t>(part[0].needs.size());
            for (std::size_t i = part[p].begin; i < part[p].end; ++i) {
                sorted[i].id_offset += id_base;
                sorted[i].needs_offset += needs_base;
            }
            part[0].ids += part[p].ids;
            part[0].needs.insert(part[0].needs.end(), part[p].needs.begin(), part[p].needs.end());
        }
        for (std::size_t i = 0; i < order.size(); ++i) order[i].row = static_cast<std::uint32_t>(i);
        rows = std::move(sorted);
        ids = std::move(part[0].ids);
        needs = std::move(part[0].needs);
        return moved;
    }

    SortKey key_of(std::uint32_t index) const {
        SortKey k;
        k.row = index;
        std::string_view text = id(rows[index]);
        for (std::size_t i = 0; i < 16; ++i) {
            std::uint64_t c = 0;
            if (i < text.size()) {
                char ch = text[i];
                if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
                c = static_cast<unsigned char>(ch);
            }
            (i < 8 ? k.high : k.low) |= c << (8 * (7 - i % 8));
        }
        return k;
    }

    // The order of SQLite's NOCASE collation (ASCII folded to lower case, then
    // bytes, then length), ties by line.
    bool less(const SortKey& a, const SortKey& b) const {
        if (a.high != b.high) return a.high < b.high;
        if (a.low != b.low) return a.low < b.low;
        int c = compare_tail(a.row, b.row);
        if (c != 0) return c < 0;
        return a.row < b.row;
    }
    bool same_id(const SortKey& a, const SortKey& b) const {
        return a.high == b.high && a.low == b.low && compare_tail(a.row, b.row) == 0;
    }

    bool same_data(const Row& a, const Row& b) const {
        if (a.service != b.service || a.keyworker != b.keyworker || a.dob != b.dob ||
            a.started != b.started || a.age_band != b.age_band || a.gender != b.gender ||
            a.ethnicity != b.ethnicity || a.needs_count != b.needs_count)
            return false;
        return std::equal(needs.begin() + a.needs_offset,
                          needs.begin() + a.needs_offset + a.needs_count,
                          needs.begin() + b.needs_offset);
    }

    // The first position in `order` whose ID equals `id` (any case), or order.end().
    std::vector<SortKey>::const_iterator find(const std::vector<SortKey>& order,
                                              std::string_view id) const {
        auto it = std::lower_bound(order.begin(), order.end(), id,
                                   [&](const SortKey& k, std::string_view x) {
                                       return compare_ids(this->id(rows[k.row]), x) < 0;
                                   });
        if (it != order.end() && compare_ids(this->id(rows[it->row]), id) == 0) return it;
        return order.end();
    }

    // NOCASE order of two IDs.
    static int compare_ids(std::string_view x, std::string_view y) {
        for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
            unsigned char p = static_cast<unsigned char>(x[i]),
                          q = static_cast<unsigned char>(y[i]);
            if (p >= 'A' && p <= 'Z') p = static_cast<unsigned char>(p - 'A' + 'a');
            if (q >= 'A' && q <= 'Z') q = static_cast<unsigned char>(q - 'A' + 'a');
            if (p != q) return p < q ? -1 : 1;
        }
        return x.size() == y.size() ? 0 : x.size() < y.size() ? -1 : 1;
    }

  private:
    // The order of two IDs whose first 16 folded bytes (the SortKey) are equal.
    int compare_tail(std::uint32_t a, std::uint32_t b) const {
        std::string_view x = id(rows[a]), y = id(rows[b]);
        if (x.size() <= 16 && y.size() <= 16)
            return x.size() == y.size() ? 0 : x.size() < y.size() ? -1 : 1;
        // Past byte 16; a shorter ID's tail is empty, so it sorts first, as before.
        return compare_ids(x.substr(std::min<std::size_t>(16, x.size())),
                           y.substr(std::min<std::size_t>(16, y.size())));
    }
};

// ---------------------------------------------------------------------------
// SQLite, directly: the bulk path runs a million times.

void check_sqlite(sqlite3* db, int rc, int expected = SQLITE_OK) {
    if (rc != expected) throw SQLite::Exception(db, rc);
}

class Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        check_sqlite(db_,
                     sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int i, std::int64_t v) { check_sqlite(db_, sqlite3_bind_int64(stmt_, i, v)); }
    // The text must stay alive until the next bind of i (or the end).
    void bind_static(int i, std::string_view v) {
        if (v.data() == nullptr)
            check_sqlite(db_, sqlite3_bind_null(stmt_, i));
        else
            check_sqlite(db_, sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                                                SQLITE_STATIC));
    }
    void bind_null(int i) { check_sqlite(db_, sqlite3_bind_null(stmt_, i)); }
    // Runs a statement that returns no row.
    void exec() {
        int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        check_sqlite(db_, rc, SQLITE_DONE);
    }
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        check_sqlite(db_, rc, SQLITE_DONE);
        return false;
    }
    void reset() { sqlite3_reset(stmt_); }
    std::int64_t int64(int column) { return sqlite3_column_int64(stmt_, column); }
    std::optional<std::string> text(int column) {
        if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column)),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// A row as the register holds it, to compare with a row of the file.
struct Existing {
    std::string id;
    Row row;
    std::vector<std::uint32_t> needs;
};

class ExistingLookup {
  public:
    explicit ExistingLookup(sqlite3* db)
        : find_(db,
                "SELECT id, uid, service_id, keyworker_id, date_of_birth, age_band, gender, "
                "ethnicity, started_on FROM service_user WHERE uid = ?"),
          needs_(db, "SELECT need_id FROM su_need WHERE su_id = ?") {}

    std::optional<Existing> find(std::string_view id) {
        find_.bind_static(1, id);
        if (!find_.step()) {
            find_.reset();
            return std::nullopt;
        }
        Existing e;
        Key key = find_.int64(0);
        e.id = find_.text(1).value_or("");
        e.row.service = static_cast<std::uint32_t>(find_.int64(2));
        e.row.keyworker = static_cast<std::uint32_t>(find_.int64(3));
        auto dob = find_.text(4);
        e.row.dob = dob && parse_date(*dob) ? pack_date(parse_date(*dob)->iso()) : 0;
        e.row.age_band = index_or_max(age_band_options(), find_.text(5));
        e.row.gender = index_or_max(gender_options(), find_.text(6));
        e.row.ethnicity = index_or_max(ethnicity_options(), find_.text(7));
        auto started = find_.text(8);
        e.row.started =
            started && parse_date(*started) ? pack_date(parse_date(*started)->iso()) : 0;
        find_.reset();
        needs_.bind(1, key);
        while (needs_.step()) e.needs.push_back(static_cast<std::uint32_t>(needs_.int64(0)));
        needs_.reset();
        std::sort(e.needs.begin(), e.needs.end());
        return e;
    }

  private:
    static std::uint8_t index_or_max(const OptionList& list, const std::optional<std::string>& v) {
        if (!v) return 0;
        for (std::size_t i = 0; i < list.values.size(); ++i)
            if (list.values[i].code == *v) return static_cast<std::uint8_t>(i + 1);
        return 255;  // a value no row of the file can have
    }

    Statement find_;
    Statement needs_;
};

// The columns that differ between a row of the file and the stored one: a bit per Column.
std::uint16_t differences(const Table& t, const Row& r, const Existing& e) {
    std::uint16_t out = 0;
    auto differ = [&](Column c) { out = static_cast<std::uint16_t>(out | (1u << c)); };
    if (r.service != e.row.service) differ(kService);
    if (r.keyworker != e.row.keyworker) differ(kKeyworker);
    if (r.dob != e.row.dob) differ(kDob);
    if (r.age_band != e.row.age_band) differ(kAgeBand);
    if (r.gender != e.row.gender) differ(kGender);
    if (r.ethnicity != e.row.ethnicity) differ(kEthnicity);
    if (r.started != 0 && r.started != e.row.started) differ(kStartedOn);  // given: compared
    std::vector<std::uint32_t> mine(t.needs.begin() + r.needs_offset,
                                    t.needs.begin() + r.needs_offset + r.needs_count);
    std::sort(mine.begin(), mine.end());
    if (mine != e.needs) differ(kNeeds);
    return out;
}

// ---------------------------------------------------------------------------
// The rows to write, as SQLite sees them: two eponymous virtual tables that
// one INSERT ... SELECT each reads in ID order. SQLite then opens its cursors
// (the table, its three indexes, the foreign keys' parents) once, not once per
// row, and no value is bound: the cells come straight from the compact rows.

enum class SourceKind { users, needs };

struct WriteSource {
    const Table* table = nullptr;
    const std::vector<SortKey>* order = nullptr;
    std::int64_t base = 0;    // the rowid before the first new service user (needs)
    std::uint32_t today = 0;  // yyyymmdd: the start date of rows that give none
    std::function<void(std::uint64_t)> progress;
};

struct SourceSlot {
    SourceKind kind;
    WriteSource* source = nullptr;  // set only while an import writes
};

struct SourceVtab : sqlite3_vtab {
    SourceSlot* slot = nullptr;
};

struct SourceCursor : sqlite3_vtab_cursor {
    WriteSource* source = nullptr;
    SourceKind kind = SourceKind::users;
    std::size_t pos = 0;     // in the order
    std::uint32_t need = 0;  // the need of the row at pos (needs)
    std::uint64_t good = 0;  // rows to write passed so far, including the one at pos
    char dob[16] = {};
    char started[16] = {};

    const Row& row() const { return source->table->rows[(*source->order)[pos].row]; }
    bool at_end() const { return pos >= source->order->size(); }
    bool wanted() const {
        const Row& r = row();
        return r.state == kGood && (kind == SourceKind::users || r.needs_count > 0);
    }
    // Moves to the first wanted row at or after pos.
    void settle() {
        for (; !at_end(); ++pos) {
            if (row().state != kGood) continue;
            ++good;
            if (kind == SourceKind::needs && row().needs_count == 0) continue;
            if (kind == SourceKind::users && source->progress && (good & 4095) == 0)
                source->progress(good);
            return;
        }
    }
};

int source_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out,
                   char** error) {
    auto* slot = static_cast<SourceSlot*>(aux);
    int rc = sqlite3_declare_vtab(db, slot->kind == SourceKind::users
                                          ? "CREATE TABLE x(uid TEXT, service_id INTEGER, "
                                            "keyworker_id INTEGER, date_of_birth TEXT, age_band "
                                            "TEXT, gender TEXT, ethnicity TEXT, started_on TEXT)"
                                          : "CREATE TABLE x(su_id INTEGER, need_id INTEGER)");
    if (rc != SQLITE_OK) return rc;
    auto* vtab = new (std::nothrow) SourceVtab();
    if (!vtab) return SQLITE_NOMEM;
    vtab->slot = slot;
    *out = vtab;
    (void)error;
    return SQLITE_OK;
}

int source_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
    info->estimatedCost = 1e6;
    info->estimatedRows = 1000000;
    return SQLITE_OK;
}

int source_disconnect(sqlite3_vtab* vtab) {
    delete static_cast<SourceVtab*>(vtab);
    return SQLITE_OK;
}

int source_open(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
    auto* slot = static_cast<SourceVtab*>(vtab)->slot;
    if (!slot->source) return SQLITE_MISUSE;  // only while an import writes
    auto* cursor = new (std::nothrow) SourceCursor();
    if (!cursor) return SQLITE_NOMEM;
    cursor->source = slot->source;
    cursor->kind = slot->kind;
    *out = cursor;
    return SQLITE_OK;
}

int source_close(sqlite3_vtab_cursor* cursor) {
    delete static_cast<SourceCursor*>(cursor);
    return SQLITE_OK;
}

int source_filter(sqlite3_vtab_cursor* base, int, const char*, int, sqlite3_value**) {
    auto* c = static_cast<SourceCursor*>(base);
    c->pos = 0;
    c->need = 0;
    c->good = 0;
    c->settle();
    return SQLITE_OK;
}

int source_next(sqlite3_vtab_cursor* base) {
    auto* c = static_cast<SourceCursor*>(base);
    if (c->kind == SourceKind::needs && ++c->need < c->row().needs_count) return SQLITE_OK;
    c->need = 0;
    ++c->pos;
    c->settle();
    return SQLITE_OK;
}

int source_eof(sqlite3_vtab_cursor* base) {
    return static_cast<SourceCursor*>(base)->at_end() ? 1 : 0;
}

void result_text(sqlite3_context* ctx, std::string_view text) {
    if (text.data() == nullptr)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

int source_column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int column) {
    auto* c = static_cast<SourceCursor*>(base);
    const Row& r = c->row();
    const Table& t = *c->source->table;
    if (c->kind == SourceKind::needs) {
        if (column == 0)
            sqlite3_result_int64(ctx, c->source->base + static_cast<std::int64_t>(c->good));
        else
            sqlite3_result_int64(ctx, t.needs[r.needs_offset + c->need]);
        return SQLITE_OK;
    }
    switch (column) {
        case 0:
            result_text(ctx, t.id(r));
            break;
        case 1:
            sqlite3_result_int64(ctx, r.service);
            break;
        case 2:
            sqlite3_result_int64(ctx, r.keyworker);
            break;
        case 3:
            if (r.dob == 0)
                sqlite3_result_null(ctx);
            else
                sqlite3_result_text(ctx, c->dob, static_cast<int>(format_date(r.dob, c->dob)),
                                    SQLITE_TRANSIENT);
            break;
        case 4:
            result_text(ctx, option_code(age_band_options(), r.age_band));
            break;
        case 5:
            result_text(ctx, option_code(gender_options(), r.gender));
            break;
        case 6:
            result_text(ctx, option_code(ethnicity_options(), r.ethnicity));
            break;
        case 7:  // not given: the day of the import
            sqlite3_result_text(
                ctx, c->started,
                static_cast<int>(format_date(r.started ? r.started : c->source->today, c->started)),
                SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_result_null(ctx);
    }
    return SQLITE_OK;
}

int source_rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
    auto* c = static_cast<SourceCursor*>(base);
    *rowid = static_cast<sqlite3_int64>(c->pos) * 65536 + c->need;
    return SQLITE_OK;
}

const sqlite3_module kSourceModule = [] {
    sqlite3_module m{};
    m.iVersion = 1;
    m.xCreate = nullptr;  // eponymous only: the table is the module's name
    m.xConnect = source_connect;
    m.xBestIndex = source_best_index;
    m.xDisconnect = source_disconnect;
    m.xDestroy = source_disconnect;
    m.xOpen = source_open;
    m.xClose = source_close;
    m.xFilter = source_filter;
    m.xNext = source_next;
    m.xEof = source_eof;
    m.xColumn = source_column;
    m.xRowid = source_rowid;
    return m;
}();

// Registers the two tables on a connection for the time of one write.
class WriteSources {
  public:
    WriteSources(sqlite3* db, WriteSource& source) : db_(db) {
        users_ = new SourceSlot{SourceKind::users, &source};
        needs_ = new SourceSlot{SourceKind::needs, &source};
        check_sqlite(db_,
                     sqlite3_create_module_v2(db_, "caseload_import_users", &kSourceModule, users_,
                                              [](void* p) { delete static_cast<SourceSlot*>(p); }));
        check_sqlite(db_,
                     sqlite3_create_module_v2(db_, "caseload_import_needs", &kSourceModule, needs_,
                                              [](void* p) { delete static_cast<SourceSlot*>(p); }));
    }
    ~WriteSources() {
        // The connection may outlive this import: the tables then refuse to open.
        users_->source = nullptr;
        needs_->source = nullptr;
    }
    WriteSources(const WriteSources&) = delete;
    WriteSources& operator=(const WriteSources&) = delete;

  private:
    sqlite3* db_;
    SourceSlot* users_;
    SourceSlot* needs_;
};

// Foreign-key enforcement off for one connection, on again at the end.
class ForeignKeysOff {
  public:
    explicit ForeignKeysOff(SQLite::Database& db) : db_(db) {
        db_.exec("PRAGMA foreign_keys = OFF");
    }
    ~ForeignKeysOff() {
        try {
            db_.exec("PRAGMA foreign_keys = ON");
        } catch (...) {
            // The connection is closing anyway; every new one turns them on.
        }
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

  private:
    SQLite::Database& db_;
};

// Every service, keyworker and need that a row to write refers to still
// exists (inside the write transaction: nothing can remove it meanwhile).
void check_references(sqlite3* db, const Table& table) {
    std::unordered_set<std::uint32_t> services, staff, needs;
    for (const Row& r : table.rows) {
        if (r.state != kGood) continue;
        services.insert(r.service);
        staff.insert(r.keyworker);
        for (std::uint32_t n = 0; n < r.needs_count; ++n)
            needs.insert(table.needs[r.needs_offset + n]);
    }
    auto check = [&](const char* sql, const std::unordered_set<std::uint32_t>& keys) {
        Statement q(db, sql);
        for (std::uint32_t key : keys) {
            q.bind(1, key);
            const bool found = q.step();
            q.reset();
            if (!found)
                throw Error(Exit::conflict,
                            "the register changed while the file was checked (a service, staff "
                            "member or need it names is gone); nothing was written",
                            "run the import again");
        }
    };
    check("SELECT 1 FROM service WHERE id = ?", services);
    check("SELECT 1 FROM staff WHERE id = ?", staff);
    check("SELECT 1 FROM star_need WHERE id = ?", needs);
}

// ---------------------------------------------------------------------------

class Progress {
  public:
    Progress(const ImportHooks& hooks) : hooks_(hooks) {}
    void phase(ImportProgress::Phase p, std::uint64_t total_rows, std::uint64_t total_bytes) {
        state_ = {};
        state_.phase = p;
        state_.total_rows = total_rows;
        state_.total_bytes = total_bytes;
        start_ = Clock::now();
        last_ = start_;
    }
    void update(std::uint64_t rows, std::uint64_t bytes) {
        if (!hooks_.progress) return;
        auto now = Clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        state_.rows = rows;
        state_.bytes = bytes;
        state_.seconds = std::chrono::duration<double>(now - start_).count();
        hooks_.progress(state_);
    }

  private:
    const ImportHooks& hooks_;
    ImportProgress state_;
    Clock::time_point start_, last_;
};

}  // namespace

ImportFormat import_format_for(std::string_view path) {
    std::string lower = ascii_lower(path);
    if (lower.ends_with(".jsonl") || lower.ends_with(".ndjson")) return ImportFormat::jsonl;
    return ImportFormat::csv;
}

ImportSummary import_service_users(Register& reg, const Actor& actor, csv::ReadFn input,
                                   std::uint64_t input_size, const ImportOptions& options,
                                   const ImportHooks& hooks) {
    const auto started = Clock::now();
    // CASELOAD_IMPORT_TIMING=1: the time of each phase on stderr (for bench/).
    const bool timing = std::getenv("CASELOAD_IMPORT_TIMING") != nullptr;
    auto cpu_now = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
    };
    auto mark = [&, last = started, last_cpu = cpu_now()](const char* what) mutable {
        if (!timing) return;
        auto now = Clock::now();
        double cpu = cpu_now();
        fmt::print(stderr, "timing: {:<10} {:6.3f} s wall {:6.3f} s cpu\n", what,
                   std::chrono::duration<double>(now - last).count(), cpu - last_cpu);
        last = now;
        last_cpu = cpu;
    };
    ImportSummary summary;
    const Directory& dir = reg.directory();
    const Guard guard = reg.guard();
    Shared shared{dir,
                  actor.member,
                  guard,
                  today(),
                  options,
                  static_cast<bool>(hooks.confirm),
                  options.rejects_path.has_value(),
                  {},
                  {}};

    std::unique_ptr<RejectsFile> rejects;
    if (options.rejects_path)
        rejects = std::make_unique<RejectsFile>(*options.rejects_path, options.input_path,
                                                options.overwrite_rejects);
    std::vector<std::string> reject_header;

    // The header (CSV), or the fixed fields (JSON lines).
    std::optional<csv::Reader> csv_reader;
    std::optional<jsonl::LineReader> line_reader;
    if (options.format == ImportFormat::csv) {
        csv_reader.emplace(input, options.limits);
        csv::Records head;
        if (!csv_reader->next(head))
            throw Error(Exit::invalid,
                        fmt::format("{} is empty: there is no header row",
                                    printable(options.source_name, 200)),
                        fmt::format("the first line names the columns: {}", column_list()));
        // A JSON array (su export --format json) or JSON lines read as CSV:
        // say so, rather than "unknown column '['".
        if (head.fields(0) > 0) {
            const std::string_view first = trim(head.field(0, 0));
            if (first.starts_with('[') || first.starts_with('{'))
                throw Error(
                    Exit::invalid,
                    fmt::format("{} holds JSON, not CSV", printable(options.source_name, 200)),
                    first.starts_with('[')
                        ? "import reads CSV or JSON lines, not a JSON array: export "
                          "with 'caseload su export --format jsonl' (or csv) instead"
                        : "for JSON lines (one object a line) give --input-format jsonl, or "
                          "name the file *.jsonl");
        }
        if (!head.problems().empty()) {
            const auto& p = head.problems().front();
            throw Error(Exit::invalid, fmt::format("line {}, field {} of the header {}",
                                                   head.line(0), p.column + 1, p.message));
        }
        // A spreadsheet saved with ';' between cells (Excel in many locales):
        // the whole header is one cell. Name that, not "unknown column".
        if (head.fields(0) == 1 && head.field(0, 0).find(';') != std::string_view::npos) {
            bool known = false;
            for (const auto& part : split(head.field(0, 0), ';'))
                known = known || column_of(part) < kCellCount;
            if (known)
                throw Error(Exit::invalid,
                            fmt::format("{} is separated by ';', not ','",
                                        printable(options.source_name, 200)),
                            "save it from the spreadsheet as CSV with commas (in Excel: 'CSV "
                            "UTF-8 (Comma delimited)'), or replace the ';' between cells by ','");
        }
        std::vector<std::string> unknown;
        std::array<bool, kCellCount> seen{};
        bool ignored_seen = false;
        for (std::size_t f = 0; f < head.fields(0); ++f) {
            std::string_view name = head.field(0, f);
            Column c = column_of(name);
            shared.header.push_back(c);
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
            shared.reject_fields.push_back(f);
            reject_header.emplace_back(cell_name(c));
        }
        if (!unknown.empty())
            throw Error(
                Exit::invalid,
                fmt::format("{} has unknown column{} {}", printable(options.source_name, 200),
                            unknown.size() == 1 ? "" : "s", join(unknown, ", ")),
                fmt::format("the columns are: {} (in any order; only id is required, "
                            "and an 'error' column is ignored)",
                            column_list()));
        if (!seen[kId] && !options.generate_ids)
            throw Error(Exit::invalid,
                        fmt::format("{} has no 'id' column", printable(options.source_name, 200)),
                        "add one, or give --generate-ids to generate every ID");
    } else {
        line_reader.emplace(input, options.limits);
        for (std::size_t c = 0; c < kLine; ++c) reject_header.emplace_back(cell_name(c));
    }
    reject_header.insert(reject_header.begin(), "line");
    reject_header.emplace_back(kRejectsErrorColumn);
    if (rejects) rejects->header(reject_header);

    // -- 1. Read, and check every row on the worker threads.
    unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, 16u);
    Progress progress(hooks);
    progress.phase(ImportProgress::Phase::checking, 0, input_size);
    Table table;
    std::vector<Shown> shown, notes;
    std::uint64_t problem_count = 0, note_count = 0, bad_rows = 0;
    unsigned codes = 0;
    {
        CheckPool pool(shared, threads);
        auto merge = [&](std::unique_ptr<BatchResult> r) {
            if (r->error) std::rethrow_exception(r->error);
            table.append(*r);
            summary.rows += r->data_rows;
            bad_rows += r->bad_rows;
            codes |= r->codes;
            problem_count += r->problem_count;
            for (auto& p : r->problems)
                if (shown.size() < options.max_problems_shown) shown.push_back(std::move(p));
            note_count += r->note_count;
            for (auto& n : r->notes)
                if (notes.size() < options.max_notes_shown) notes.push_back(std::move(n));
            if (rejects && !r->rejects_text.empty()) rejects->rows(r->rejects_text, r->rejects);
        };
        constexpr std::size_t kBatchRows = 4096;
        constexpr std::size_t kBatchBytes = std::size_t{4} << 20;
        const std::size_t max_in_flight = threads * 2 + 2;
        std::uint64_t read_rows = 0;
        std::string line;
        bool more = true;
        while (more) {
            auto batch = std::make_unique<Batch>();
            while (batch->size() < kBatchRows && batch->bytes() < kBatchBytes) {
                if (csv_reader) {
                    if (!csv_reader->next(batch->records)) {
                        more = false;
                        break;
                    }
                } else {
                    std::uint64_t number = 0;
                    if (!line_reader->next(line, number)) {
                        more = false;
                        break;
                    }
                    batch->text += line;
                    batch->ends.push_back(static_cast<std::uint32_t>(batch->text.size()));
                    batch->lines.push_back(number);
                }
            }
            read_rows += batch->size();
            if (batch->size()) pool.submit(std::move(batch));
            while (auto r = pool.take(pool.in_flight() >= max_in_flight)) merge(std::move(r));
            progress.update(read_rows, csv_reader ? csv_reader->bytes_consumed()
                                                  : line_reader->bytes_consumed());
        }
        while (auto r = pool.take(true)) merge(std::move(r));
    }

    mark("check");
    // -- 2. Generated IDs, the order of the IDs, duplicates within the file.
    std::vector<SortKey> order;
    order.reserve(table.rows.size());
    std::vector<std::uint32_t> to_generate;
    for (std::uint32_t i = 0; i < table.rows.size(); ++i) {
        if (table.rows[i].flags & kGenerate)
            to_generate.push_back(i);
        else
            order.push_back(table.key_of(i));
    }
    auto by_id = [&](const SortKey& a, const SortKey& b) { return table.less(a, b); };
    if (threads > 1 && order.size() >= 65536) {
        // Two halves on two cores, then one merge: the sort is on the
        // critical path of a big import, between reading and writing.
        const auto middle = order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2);
        std::thread other([&] { std::sort(order.begin(), middle, by_id); });
        std::sort(middle, order.end(), by_id);
        other.join();
        std::inplace_merge(order.begin(), middle, order.end(), by_id);
    } else {
        std::sort(order.begin(), order.end(), by_id);
    }
    mark("sort");

    bool register_empty = true;
    {
        SQLite::Statement any(reg.db().sql(), "SELECT EXISTS (SELECT 1 FROM service_user)");
        any.executeStep();
        register_empty = any.getColumn(0).getInt() == 0;
    }
    if (!to_generate.empty()) {
        std::unordered_set<std::string> fresh;
        std::optional<Statement> lookup;
        if (!register_empty)
            lookup.emplace(reg.db().sql().getHandle(), "SELECT 1 FROM service_user WHERE uid = ?");
        auto in_use = [&](std::string_view id) {
            if (fresh.count(id_key(id))) return true;
            if (table.find(order, id) != order.end()) return true;
            if (!lookup) return false;
            lookup->bind_static(1, id);
            bool hit = lookup->step();
            lookup->reset();
            return hit;
        };
        std::vector<SortKey> generated;
        for (std::uint32_t i : to_generate) {
            const Service* service = dir.service_by_key(table.rows[i].service);
            std::string id = generate_id(service ? service->code : "", guard, in_use);
            require_pattern_allows_generated(dir, id);
            fresh.insert(id_key(id));
            Row& r = table.rows[i];
            r.id_offset = static_cast<std::uint32_t>(table.ids.size());
            r.id_length = static_cast<std::uint8_t>(id.size());
            table.ids += id;
            generated.push_back(table.key_of(i));
        }
        std::sort(generated.begin(), generated.end(), by_id);
        const auto middle = static_cast<std::ptrdiff_t>(order.size());
        order.insert(order.end(), generated.begin(), generated.end());
        std::inplace_merge(order.begin(), order.begin() + middle, order.end(), by_id);
    }

    // Problems found from here on: kept compact, written out at the end.
    std::vector<std::uint32_t> late;  // rows with a late problem
    for (std::size_t i = 0; i < order.size();) {
        // Equal IDs sort by row, so the first of a run has the lowest line: it wins.
        std::size_t j = i + 1;
        for (; j < order.size() && table.same_id(order[i], order[j]); ++j) {
            const Row& keep = table.rows[order[i].row];
            Row& again = table.rows[order[j].row];
            if (options.skip_existing && table.same_data(keep, again)) {
                again.state = kSkipped;
            } else {
                again.state = kDuplicate;
                late.push_back(order[j].row);
            }
        }
        i = j;
    }

    mark("duplicates");
    // IDs nobody confirmed yet as anonymous: one question for all of them.
    std::uint64_t unconfirmed = 0, warned = 0;
    for (const Row& r : table.rows)
        if ((r.flags & kNeedsConfirm) && r.state == kGood) {
            ++unconfirmed;
            if (r.flags & kWarned) ++warned;
        }
    for (const auto& n : notes)
        if (hooks.note) hooks.note(n.text);
    summary.notes = note_count;
    if (note_count > notes.size() && hooks.note)
        hooks.note(fmt::format("... and {} more IDs with warnings",
                               with_thousands(static_cast<long long>(note_count - notes.size()))));
    if (unconfirmed > 0) {
        bool yes = hooks.confirm && hooks.confirm(unconfirmed, warned);
        if (!yes) {
            summary.unconfirmed = unconfirmed;
            for (std::uint32_t i = 0; i < table.rows.size(); ++i) {
                Row& r = table.rows[i];
                if ((r.flags & kNeedsConfirm) && r.state == kGood) {
                    r.state = kUnconfirmed;
                    late.push_back(i);
                }
            }
        }
    }

    // Every row is in the order now (generated ones included): put them in it.
    {
        const std::vector<std::uint32_t> moved = table.permute(order, threads);
        for (auto& i : late) i = moved[i];
        for (auto& i : to_generate) i = moved[i];
        std::sort(to_generate.begin(), to_generate.end(), [&](std::uint32_t a, std::uint32_t b) {
            return table.rows[a].line < table.rows[b].line;
        });
    }
    mark("permute");

    // -- 3. The register: conflicts, then the write.
    std::unique_ptr<ExistingLookup> existing_lookup;
    // Rows whose ID is in the register: what differs, compactly (there may be a million).
    struct Conflict {
        std::uint32_t row = 0;
        std::uint16_t differ = 0;  // bit per column
        bool visible = false;      // the actor may see the stored row
        bool other_case = false;   // stored in another case: see stored_ids
    };
    std::vector<Conflict> conflicts;
    std::unordered_map<std::uint32_t, std::string> stored_ids;
    auto check_existing = [&]() {
        if (register_empty) return;
        existing_lookup = std::make_unique<ExistingLookup>(reg.db().sql().getHandle());
        for (const SortKey& k : order) {
            Row& r = table.rows[k.row];
            if (r.state != kGood) continue;
            auto e = existing_lookup->find(table.id(r));
            if (!e) continue;
            const std::uint16_t differ = differences(table, r, *e);
            if (differ == 0 && options.skip_existing) {
                r.state = kSkipped;
                continue;
            }
            r.state = options.skip_existing ? kDifferent : kInUse;
            Conflict c{k.row, differ, may_see(actor.member, e->row.service, e->row.keyworker),
                       e->id != table.id(r)};
            if (c.other_case) stored_ids[k.row] = e->id;
            conflicts.push_back(c);
            late.push_back(k.row);
        }
    };

    std::uint64_t late_bad = 0;
    auto count_late = [&] {
        late_bad = 0;
        summary.skipped = 0;
        for (const Row& r : table.rows) {
            if (r.state == kSkipped)
                ++summary.skipped;
            else if (r.state != kGood)
                ++late_bad;
        }
        for (std::uint32_t i : late) {
            const Row& r = table.rows[i];
            if (r.state == kInUse || r.state == kDifferent)
                codes |= 1u << static_cast<unsigned>(Exit::conflict);
            else
                codes |= 1u << static_cast<unsigned>(Exit::invalid);
        }
    };

    const bool will_write = options.on_error == OnError::skip || bad_rows == 0;
    std::optional<ForeignKeysOff> foreign_keys;  // destroyed after tx: declared first
    std::optional<WriteTransaction> tx;
    std::uint64_t to_add = 0;
    if (!will_write) {
        // Refused already: report conflicts too, but take no write lock.
        reg.db().sql().exec("BEGIN");
        try {
            check_existing();
        } catch (...) {
            reg.db().sql().exec("ROLLBACK");
            throw;
        }
        reg.db().sql().exec("ROLLBACK");
        count_late();
    } else {
        // A bigger page cache for this connection: the indexes' hot pages stay in memory.
        reg.db().sql().exec("PRAGMA cache_size = -65536");
        // Foreign keys: every key a row refers to comes from the Directory and
        // is checked again below, inside the transaction; su_need refers to
        // the rows written here (checked by their count and keys). SQLite's
        // own checks would seek once per row and need: off for this write
        // (outside a transaction, as SQLite requires), on again afterwards.
        foreign_keys.emplace(reg.db().sql());
        tx.emplace(reg.db());
        check_references(reg.db().sql().getHandle(), table);
        register_empty =
            reg.db().sql().execAndGet("SELECT EXISTS (SELECT 1 FROM service_user)").getInt() == 0;
        check_existing();
        count_late();
        for (const Row& r : table.rows)
            if (r.state == kGood) ++to_add;
        if (options.on_error == OnError::abort && late_bad > 0) to_add = 0;
    }

    summary.rejected = bad_rows + late_bad;
    if (options.on_error == OnError::abort && summary.rejected > 0) {
        summary.refusal = codes == (1u << static_cast<unsigned>(Exit::conflict)) ? Exit::conflict
                          : codes == (1u << static_cast<unsigned>(Exit::denied)) ? Exit::denied
                                                                                 : Exit::invalid;
        to_add = 0;
    }

    mark("existing");
    if (tx && to_add > 0) {
        std::string detail = fmt::format("{} added from {}", to_add, options.source_name);
        if (summary.skipped || summary.rejected)
            detail += fmt::format(" ({} skipped, {} rejected)", summary.skipped, summary.rejected);
        const Key event = reg.record_event(actor, "su.import", std::nullopt, detail);
        const std::string now = utc_timestamp();
        sqlite3* db = reg.db().sql().getHandle();
        progress.phase(ImportProgress::Phase::writing, to_add, 0);
        WriteSource source;
        source.table = &table;
        source.order = &order;
        source.today = pack_date(shared.today.iso());
        source.progress = [&](std::uint64_t rows) { progress.update(rows, 0); };
        WriteSources sources(db, source);
        // AUTOINCREMENT: each new rowid is above both the largest rowid and the
        // sequence, so the new rows get base+1, base+2, ... (checked below).
        std::int64_t base = 0;
        {
            Statement q(
                db,
                "SELECT max(coalesce((SELECT max(id) FROM service_user), 0), "
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'service_user'), 0))");
            q.step();
            base = q.int64(0);
        }
        {
            Statement insert(
                db,
                "INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, "
                "age_band, gender, ethnicity, created_at, updated_at, created_event, "
                "started_on) SELECT uid, service_id, keyworker_id, date_of_birth, age_band, "
                "gender, ethnicity, ?1, ?1, ?2, started_on FROM caseload_import_users");
            insert.bind_static(1, now);
            insert.bind(2, event);
            insert.exec();
        }
        const auto written = static_cast<std::uint64_t>(sqlite3_changes64(db));
        if (written != to_add ||
            sqlite3_last_insert_rowid(db) != base + static_cast<std::int64_t>(to_add))
            throw Error(Exit::failure,
                        fmt::format("internal: the import wrote {} rows (last key {}), expected {} "
                                    "after key {}; nothing was written",
                                    written, sqlite3_last_insert_rowid(db), to_add, base),
                        "this is a bug; please report it");
        std::uint64_t need_rows = 0;
        for (const SortKey& k : order)
            if (table.rows[k.row].state == kGood) need_rows += table.rows[k.row].needs_count;
        if (need_rows > 0) {
            source.base = base;
            Statement insert(db,
                             "INSERT INTO su_need (su_id, need_id) SELECT su_id, need_id FROM "
                             "caseload_import_needs");
            insert.exec();
            if (static_cast<std::uint64_t>(sqlite3_changes64(db)) != need_rows)
                throw Error(
                    Exit::failure,
                    "internal: the import wrote the wrong number of needs; nothing was written",
                    "this is a bug; please report it");
        }
        summary.added = written;
        mark("insert");
        for (std::uint32_t i : to_generate)
            if (table.rows[i].state == kGood) ++summary.generated;
    }
    mark("write");

    // -- 4. What happened: late problems, rejects, generated IDs; all of it
    // on disk (or on the way out) before the commit.
    std::sort(conflicts.begin(), conflicts.end(),
              [](const Conflict& a, const Conflict& b) { return a.row < b.row; });
    std::sort(late.begin(), late.end(), [&](std::uint32_t a, std::uint32_t b) {
        return table.rows[a].line < table.rows[b].line;
    });
    late.erase(std::unique(late.begin(), late.end()), late.end());
    auto late_reason = [&](std::uint32_t i) -> std::string {
        const Row& r = table.rows[i];
        switch (r.state) {
            case kDuplicate: {
                // The first line with this ID.
                auto it = table.find(order, table.id(r));
                const Row& first = table.rows[it->row];
                std::string_view a = table.id(first), b = table.id(r);
                return fmt::format("'{}' is already on line {} of this file{}", b, first.line,
                                   a != b ? fmt::format(" (as '{}'; IDs ignore case)", a) : "");
            }
            case kUnconfirmed:
                return fmt::format(
                    "'{}' {}was not confirmed as anonymous (give --confirm-anonymous, or yes in "
                    "its confirmed column)",
                    table.id(r), r.flags & kWarned ? "has guard warnings and " : "");
            default: {
                auto c = std::lower_bound(
                    conflicts.begin(), conflicts.end(), i,
                    [](const Conflict& x, std::uint32_t row) { return x.row < row; });
                if (c == conflicts.end() || c->row != i) return "refused";
                std::string as =
                    c->other_case ? fmt::format(" (as '{}'; IDs ignore case)", stored_ids[i]) : "";
                if (r.state == kInUse)
                    return fmt::format(
                        "the ID '{}' is already in use{} ({})", table.id(r), as,
                        c->differ == 0 ? "with the same data: add --skip-existing to skip such rows"
                                       : "choose another ID, or add --skip-existing to skip rows "
                                         "that are already there with the same data");
                std::vector<std::string> names;
                for (std::size_t col = 0; col < kColumnCount; ++col)
                    if (c->differ & (1u << col)) names.emplace_back(kImportColumns[col]);
                return fmt::format("the ID '{}' is already in use{} with different data{}",
                                   table.id(r), as,
                                   c->visible ? fmt::format(" ({} differ{})", join(names, ", "),
                                                            names.size() == 1 ? "s" : "")
                                              : "");
            }
        }
    };
    problem_count += late.size();
    {
        // Merge with the first problems of the checking phase, by line.
        std::vector<Shown> all = std::move(shown);
        for (std::uint32_t i : late) {
            if (all.size() >= options.max_problems_shown * 2) break;
            all.push_back({table.rows[i].line, ""});
            all.back().text = problem_line(table.rows[i].line, "id", late_reason(i));
        }
        std::stable_sort(all.begin(), all.end(),
                         [](const Shown& a, const Shown& b) { return a.line < b.line; });
        if (all.size() > options.max_problems_shown) all.resize(options.max_problems_shown);
        for (const auto& p : all)
            if (hooks.problem) hooks.problem(p.text);
        summary.problems_shown = all.size();
    }
    summary.problems = problem_count;
    if (rejects) {
        std::string text;
        std::uint64_t count = 0;
        for (std::uint32_t i : late) {
            const Row& r = table.rows[i];
            std::vector<std::string> cells;
            auto cell = [&](Column c) -> std::string {
                char buffer[16];
                switch (c) {
                    case kId:
                        return std::string(table.id(r));
                    case kService: {
                        const Service* s = dir.service_by_key(r.service);
                        return s ? s->code : "";
                    }
                    case kKeyworker: {
                        const StaffMember* m = dir.staff_by_key(r.keyworker);
                        return m ? m->username : "";
                    }
                    case kDob:
                        return r.dob ? std::string(buffer, format_date(r.dob, buffer)) : "";
                    case kStartedOn:
                        return r.started ? std::string(buffer, format_date(r.started, buffer)) : "";
                    case kAgeBand:
                        return std::string(option_code(age_band_options(), r.age_band));
                    case kGender:
                        return std::string(option_code(gender_options(), r.gender));
                    case kEthnicity:
                        return std::string(option_code(ethnicity_options(), r.ethnicity));
                    case kNeeds: {
                        std::vector<std::string> codes_of;
                        for (std::uint32_t n = 0; n < r.needs_count; ++n) {
                            Key key = table.needs[r.needs_offset + n];
                            for (const auto& star : dir.stars)
                                for (std::size_t j = 0; j < star.need_keys.size(); ++j)
                                    if (star.need_keys[j] == key)
                                        codes_of.push_back(star.star.needs[j].code);
                        }
                        return join(codes_of, ";");
                    }
                    case kRef:
                        return std::string(table.ref(r));
                    case kConfirmed:
                        return r.flags & kConfirmedYes ? "yes" : "";
                    default:
                        return "";
                }
            };
            cells.push_back(std::to_string(Table::origin(r)));
            if (options.format == ImportFormat::csv) {
                for (std::size_t f : shared.reject_fields) cells.push_back(cell(shared.header[f]));
            } else {
                for (std::size_t c = 0; c < kLine; ++c)
                    cells.push_back(cell(static_cast<Column>(c)));
            }
            cells.push_back("id: " + late_reason(i));
            csv::append_record(text, cells);
            ++count;
            if (text.size() > (std::size_t{1} << 20)) {
                rejects->rows(text, count);
                text.clear();
                count = 0;
            }
        }
        if (count) rejects->rows(text, count);
        summary.rejects_written = rejects->count() > 0;
        rejects->finish();
    }
    const bool commit = tx && summary.added > 0 && !options.dry_run;
    if (commit)
        for (std::uint32_t i : to_generate) {
            const Row& r = table.rows[i];
            if (r.state == kGood)
                summary.generated_ids.push_back(
                    {Table::origin(r), std::string(table.ref(r)), std::string(table.id(r))});
        }
    summary.seconds = seconds_since(started);
    if (commit) {
        // The only copy of the generated IDs goes out first: when that
        // fails, the hook throws and nothing is committed.
        if (hooks.before_commit) hooks.before_commit(summary);
        tx->commit();
        summary.committed = true;
    }
    tx.reset();  // rolls back when not committed
    foreign_keys.reset();
    mark("commit");
    if (rejects) rejects->publish();
    summary.seconds = seconds_since(started);
    return summary;
}

}  // namespace caseload
