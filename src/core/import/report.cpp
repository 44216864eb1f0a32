// The report stage of an import (stages.hpp): problem lines and notes for
// the hooks, the rejects file, progress and the time of each phase.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

// ---------------------------------------------------------------------------
// The rejects file

RejectsFile::RejectsFile(const std::string& path, const std::optional<std::string>& input_path,
                         bool overwrite)
    : path_(path) {
    struct stat target {};
    const bool exists = ::lstat(path.c_str(), &target) == 0;
    if (exists && input_path && *input_path != "-") {
        struct stat input {};
        if (::stat(input_path->c_str(), &input) == 0 && input.st_dev == target.st_dev &&
            input.st_ino == target.st_ino)
            throw Error(Exit::usage,
                        fmt::format("--rejects {} is the input file itself", printable(path, 200)),
                        "give the rejects another name, e.g. --rejects rejects.csv");
    }
    if (exists && !overwrite) throw_exists();
    if (exists && S_ISDIR(target.st_mode))
        throw Error(Exit::usage, fmt::format("--rejects {} is a directory", printable(path, 200)),
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

RejectsFile::~RejectsFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
}

void RejectsFile::header(const std::vector<std::string>& names) {
    std::string line;
    csv::append_record(line, names);
    write(line);
}

void RejectsFile::row(std::string_view line) {
    buffer_ += line;
    ++rows_;
    if (buffer_.size() > (std::size_t{1} << 20)) {
        write(buffer_);
        buffer_.clear();
    }
}

void RejectsFile::finish() {
    if (fd_ < 0) return;
    write(buffer_);
    buffer_.clear();
    if (rows_ > 0 && ::fsync(fd_) != 0) fail();
    if (::close(fd_) != 0) {
        fd_ = -1;
        fail();
    }
    fd_ = -1;
}

void RejectsFile::publish() {
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
                        fmt::format("could not name the rejects file {}: {}", printable(path_, 200),
                                    std::strerror(e)),
                        fmt::format("the rejected rows are in {}", printable(kept, 200)));
        }
        if (!overwrite_) ::unlink(temp_.c_str());
    } else {
        ::unlink(temp_.c_str());
    }
    temp_.clear();
    remove_on_signal_.reset();
}

void RejectsFile::write(std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd_, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail();
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

void RejectsFile::throw_exists() const {
    throw Error(Exit::conflict,
                fmt::format("the rejects file {} already exists", printable(path_, 200)),
                "a rejects file never overwrites a file: choose a new name, or add --force "
                "to replace it");
}

void RejectsFile::fail() {
    throw Error(Exit::failure,
                fmt::format("cannot write the rejects file {}: {}", printable(path_, 200),
                            std::strerror(errno)),
                "free some space or choose another path; the register was not changed");
}

// ---------------------------------------------------------------------------
// Problems found after the check

namespace {

// One cell of a row refused after the check, as the input gave it.
std::string late_cell(const Table& table, const Row& r, const Directory& dir, Column c) {
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
                        if (star.need_keys[j] == key) codes_of.push_back(star.star.needs[j].code);
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
}

}  // namespace

std::string duplicate_reason(std::string_view id, std::uint64_t first_line,
                             std::string_view first_id) {
    return fmt::format("'{}' is already on line {} of this file{}", id, first_line,
                       first_id != id ? fmt::format(" (as '{}'; IDs ignore case)", first_id) : "");
}

std::string unconfirmed_reason(std::string_view id, bool warned) {
    return fmt::format(
        "'{}' {}was not confirmed as anonymous (give --confirm-anonymous, or yes in "
        "its confirmed column)",
        id, warned ? "has guard warnings and " : "");
}

std::string conflict_reason(RowState state, std::string_view id, const Conflict& c,
                            std::string_view stored_id) {
    std::string as = c.other_case ? fmt::format(" (as '{}'; IDs ignore case)", stored_id) : "";
    if (state == kInUse)
        return fmt::format("the ID '{}' is already in use{} ({})", id, as,
                           c.differ == 0
                               ? "with the same data: add --skip-existing to skip such rows"
                               : "choose another ID, or add --skip-existing to skip rows "
                                 "that are already there with the same data");
    std::vector<std::string> names;
    for (std::size_t col = 0; col < kColumnCount; ++col)
        if (c.differ & (1u << col)) names.emplace_back(kImportColumns[col]);
    return fmt::format(
        "the ID '{}' is already in use{} with different data{}", id, as,
        c.visible ? fmt::format(" ({} differ{})", join(names, ", "), names.size() == 1 ? "s" : "")
                  : "");
}

void append_late_reject(std::string& text, const Table& table, const Row& r,
                        const CheckContext& context, const std::string& reason) {
    std::vector<std::string> cells;
    cells.push_back(std::to_string(Table::origin(r)));
    if (context.options.format == ImportFormat::csv) {
        for (std::size_t f : context.layout.reject_fields)
            cells.push_back(late_cell(table, r, context.dir, context.layout.header[f]));
    } else {
        for (std::size_t c = 0; c < kLine; ++c)
            cells.push_back(late_cell(table, r, context.dir, static_cast<Column>(c)));
    }
    cells.push_back("id: " + reason);
    csv::append_record(text, cells);
}

// ---------------------------------------------------------------------------
// Progress and timing

void Progress::phase(ImportProgress::Phase p, std::uint64_t total_rows, std::uint64_t total_bytes) {
    state_ = {};
    state_.phase = p;
    state_.total_rows = total_rows;
    state_.total_bytes = total_bytes;
    start_ = Clock::now();
    last_ = start_;
}

void Progress::update(std::uint64_t rows, std::uint64_t bytes) {
    if (!hooks_.progress) return;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    state_.rows = rows;
    state_.bytes = bytes;
    state_.seconds = std::chrono::duration<double>(now - start_).count();
    hooks_.progress(state_);
}

namespace {
double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}
}  // namespace

PhaseTimer::PhaseTimer()
    : on_(std::getenv("CASELOAD_IMPORT_TIMING") != nullptr),
      last_(Clock::now()),
      last_cpu_(cpu_now()) {}

void PhaseTimer::note(const char* what, double seconds) {
    if (on_) fmt::print(stderr, "timing: {} {:.3f} s\n", what, seconds);
}

void PhaseTimer::mark(const char* what) {
    if (!on_) return;
    auto now = Clock::now();
    double cpu = cpu_now();
    fmt::print(stderr, "timing: {:<10} {:6.3f} s wall {:6.3f} s cpu\n", what,
               std::chrono::duration<double>(now - last_).count(), cpu - last_cpu_);
    last_ = now;
    last_cpu_ = cpu;
}

}  // namespace caseload::importer
