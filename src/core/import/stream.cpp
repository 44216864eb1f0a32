// The streaming import (stages.hpp): memory bounded at any size, and the
// check beside the write instead of before it.
//
//   pass 1  reads the input once (a pipe is copied to an unlinked temporary
//           file as it is read; a regular file is read again where it is,
//           and refused at the end if it changed) and keeps of each row only a key: the first 16
//           bytes of its case-folded ID (a hash of the rest), its line, and where its bytes are.
//           The keys are sorted in runs (on the other core); past 1M keys they are spilled to a
//           second temporary file; the runs are merged as pass 2 reads them.
//   pass 2  a checker thread reads the rows back in key order (the global
//           case-folded ID order, so every insert into the ID indexes
//           appends), checks them (the same RowChecker as check.cpp) and
//           hands them, a batch at a time, to the write, which pulls them
//           through the store's feed. Duplicates within the file are
//           adjacent (the lowest line first); rows in the register are
//           looked up as they pass. Under --on-error abort the first
//           refused row stops the writing (the checking goes on, to report
//           every problem) and the transaction is rolled back.
// Problems, notes and rejects are gathered with their lines and put in line
// order at the end. Not streamed (import.cpp runs the whole-file pipeline
// instead): --generate-ids, and a person at a terminal who can be asked to
// confirm IDs as anonymous (one question after every row is checked).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>

#include "caseload/rules.hpp"
#include "caseload/store/import_feed.hpp"
#include "caseload/temp_file.hpp"
#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

namespace {

// A row's place in the order of the IDs, and where its bytes are.
struct ScanKey {
    std::uint64_t high = 0, low = 0;  // the first 16 bytes of the case-folded ID, big-endian
    std::uint32_t tail = 0;           // IDs longer than 16 bytes: a hash of the rest, odd
    std::uint32_t length = 0;         // the row's bytes in the copy of the input
    std::uint64_t offset = 0;
    std::uint64_t line = 0;
};

bool operator<(const ScanKey& a, const ScanKey& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    if (a.tail != b.tail) return a.tail < b.tail;
    return a.line < b.line;
}

// The ID's key. Equal IDs (any case) get equal keys; the order is SQLite's
// NOCASE order but among long IDs with the same first 16 bytes (by hash:
// they still append but for those few).
ScanKey key_of(std::string_view id) {
    ScanKey k;
    std::uint32_t hash = 2166136261u;
    for (std::size_t i = 0; i < id.size(); ++i) {
        char ch = id[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        const auto c = static_cast<unsigned char>(ch);
        if (i < 16)
            (i < 8 ? k.high : k.low) |= std::uint64_t{c} << (8 * (7 - i % 8));
        else
            hash = (hash ^ c) * 16777619u;
    }
    k.tail = id.size() > 16 ? hash | 1u : 0;
    return k;
}

// The keys of pass 1, in sorted runs merged as they are read. Each run is
// sorted on another thread while the scan goes on (the other core is idle
// then); past memory_keys_ held, the sorted runs go to a temporary file.
class SortedRuns {
  public:
    // 10 MB a run, 40 MB held. CASELOAD_IMPORT_RUN_KEYS (a testing aid)
    // makes runs that small, and spills past four of them.
    SortedRuns() {
        if (const char* env = std::getenv("CASELOAD_IMPORT_RUN_KEYS"); env && *env) {
            run_keys_ = std::clamp<std::size_t>(std::strtoul(env, nullptr, 10), 2, run_keys_);
            memory_keys_ = 4 * run_keys_;
        }
    }
    ~SortedRuns() {
        if (sorter_.joinable()) sorter_.join();
    }
    SortedRuns(const SortedRuns&) = delete;
    SortedRuns& operator=(const SortedRuns&) = delete;

    void add(const ScanKey& k) {
        if (filling_.capacity() == 0) filling_.reserve(run_keys_);
        filling_.push_back(k);
        if (filling_.size() == run_keys_) hand_over();
    }
    // Every run sorted; reading may begin.
    void finish() {
        if (!filling_.empty()) hand_over();
        wait();
        std::vector<ScanKey>().swap(filling_);
        for (std::size_t i = 0; i < runs_.size(); ++i)
            if (refill(runs_[i])) heap_.push({runs_[i].keys[0], i});
    }
    // The next key in order; false after the last.
    bool next(ScanKey& k) {
        if (heap_.empty()) return false;
        const std::size_t i = heap_.top().second;
        heap_.pop();
        Run& run = runs_[i];
        k = run.keys[run.pos++];
        if (refill(run)) heap_.push({run.keys[run.pos], i});
        return true;
    }

  private:
    struct Run {
        std::vector<ScanKey> keys;  // all of them, or (spilled) the next few
        std::size_t pos = 0;
        std::uint64_t offset = 0, left = 0;  // spilled: where the keys not yet in `keys` are
    };
    using Head = std::pair<ScanKey, std::size_t>;
    struct After {
        bool operator()(const Head& a, const Head& b) const { return b.first < a.first; }
    };

    // The run just filled to the sorting thread (once the one before is done).
    void hand_over() {
        wait();
        runs_.emplace_back();
        runs_.back().keys = std::move(filling_);
        filling_ = {};
        held_ += runs_.back().keys.size();
        const bool spill_all = held_ > memory_keys_;
        if (spill_all) held_ = 0;
        Run* run = &runs_.back();
        sorter_ = std::thread([this, run, spill_all] {
            try {
                std::sort(run->keys.begin(), run->keys.end());
                if (spill_all)
                    for (Run& r : runs_) spill(r);
            } catch (...) {
                error_ = std::current_exception();
            }
        });
    }
    void wait() {
        if (sorter_.joinable()) sorter_.join();
        if (error_) std::rethrow_exception(error_);
    }
    void spill(Run& r) {
        if (r.keys.empty()) return;
        if (!file_) file_ = std::make_unique<TempFile>("sorted IDs");
        r.offset = file_->size();
        r.left = r.keys.size();
        file_->append(reinterpret_cast<const char*>(r.keys.data()),
                      r.keys.size() * sizeof(ScanKey));
        std::vector<ScanKey>().swap(r.keys);
    }
    // Keys left to read in `r` (more read from the file when needed).
    bool refill(Run& r) {
        if (r.pos < r.keys.size()) return true;
        constexpr std::uint64_t kBufferKeys = 4096;
        const std::uint64_t n = std::min(r.left, kBufferKeys);
        r.keys.resize(n);
        r.pos = 0;
        if (n == 0) return false;
        file_->read(r.offset, reinterpret_cast<char*>(r.keys.data()), n * sizeof(ScanKey));
        r.offset += n * sizeof(ScanKey);
        r.left -= n;
        return true;
    }

    std::size_t run_keys_ = std::size_t{1} << 18;
    std::size_t memory_keys_ = std::size_t{1} << 20;
    std::vector<ScanKey> filling_;
    std::deque<Run> runs_;  // a deque: the sorting thread holds a pointer to the last
    std::size_t held_ = 0;  // keys in memory
    std::unique_ptr<TempFile> file_;
    std::thread sorter_;
    std::exception_ptr error_;
    std::priority_queue<Head, std::vector<Head>, After> heap_;
};

// Pass 1: every row's key, the input copied to `copy` as it is read.
std::uint64_t scan(Input& in, const CheckContext& context, SortedRuns& runs, Progress& progress) {
    std::size_t id_field = SIZE_MAX;
    for (std::size_t f = 0; f < context.layout.header.size(); ++f)
        if (context.layout.header[f] == kId) id_field = f;
    static const std::vector<std::string_view> kLists = {"needs"};
    std::vector<jsonl::ObjectProblem> problems;
    Batch batch;
    std::uint64_t begin = 0, end = 0, rows = 0;
    while (in.next_record(batch, begin, end)) {
        std::string_view id;
        std::uint64_t line = 0;
        std::vector<std::pair<std::string, std::string>> fields;
        if (!batch.records.empty()) {
            line = batch.records.line(0);
            if (id_field < batch.records.fields(0)) id = trim(batch.records.field(0, id_field));
        } else {
            line = batch.lines[0];
            problems.clear();
            fields = jsonl::parse_object(batch.text, kLists, problems);
            for (const auto& [name, value] : fields)
                if (column_of(name) == kId) id = trim(value);
        }
        ScanKey k = key_of(id);
        k.offset = begin;
        k.length = static_cast<std::uint32_t>(end - begin);
        k.line = line;
        runs.add(k);
        if ((++rows & 1023) == 0) progress.update(rows, end);
    }
    runs.finish();
    return rows;
}

// Pass 2's checker thread: the rows read back in key order, checked, handed
// over a batch at a time through a few slots.
class CheckedStream {
  public:
    CheckedStream(SortedRuns& runs, const InputBytes& input, const CheckContext& context)
        : runs_(runs), input_(input), context_(context), thread_([this] { work(); }) {}
    ~CheckedStream() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    CheckedStream(const CheckedStream&) = delete;
    CheckedStream& operator=(const CheckedStream&) = delete;

    double waited = 0;  // seconds the write waited for the check (CASELOAD_IMPORT_TIMING)

    // The next checked batch, swapped into `out`; false at the end. Throws
    // what the checker threw.
    bool next(BatchResult& out) {
        std::unique_lock lock(mutex_);
        if (taken_ == made_ && !finished_) {
            const auto from = Clock::now();
            changed_.wait(lock, [&] { return taken_ < made_ || finished_; });
            waited += std::chrono::duration<double>(Clock::now() - from).count();
        }
        if (taken_ == made_) {
            if (error_) std::rethrow_exception(error_);
            return false;
        }
        std::swap(out, slots_[taken_ % kSlots].result);
        ++taken_;
        changed_.notify_all();
        return true;
    }

  private:
    static constexpr std::size_t kSlots = 4, kBatchRows = 4096;
    struct Slot {
        Batch batch;
        BatchResult result;
    };

    void work() {
        try {
            BatchChecker checker(context_);
            std::vector<ScanKey> keys;
            for (;;) {
                keys.clear();
                ScanKey k;
                while (keys.size() < kBatchRows && runs_.next(k)) keys.push_back(k);
                if (keys.empty()) break;
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait(lock, [&] { return made_ - taken_ < kSlots || stop_; });
                    if (stop_) break;
                }
                Slot& slot = slots_[made_ % kSlots];  // this thread's until made_ moves on
                read_rows(keys, slot.batch);
                slot.result.keep_all = true;
                checker.run(slot.batch, slot.result);
                {
                    std::lock_guard lock(mutex_);
                    ++made_;
                }
                changed_.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            finished_ = true;
        }
        changed_.notify_all();
    }

    // The rows of `keys` read again from the input, parsed again as pass 1 did.
    void read_rows(const std::vector<ScanKey>& keys, Batch& batch) {
        text_.clear();
        for (const ScanKey& k : keys) {
            const std::size_t at = text_.size();
            text_.resize(at + k.length);
            input_.read(k.offset, text_.data() + at, k.length);
            // The first row of a JSON-lines file keeps its byte-order mark.
            if (k.offset == 0 && text_.compare(at, 3, "\xEF\xBB\xBF") == 0) text_.erase(at, 3);
            if (text_.empty() || text_.back() != '\n') text_ += '\n';
        }
        batch.clear();
        std::size_t count = 0;
        if (context_.options.format == ImportFormat::csv) {
            csv::Reader reader(csv::string_reader(text_), context_.options.limits);
            while (reader.next(batch.records)) ++count;
            for (const ScanKey& k : keys) batch.record_lines.push_back(k.line);
        } else {
            jsonl::LineReader reader(csv::string_reader(text_), context_.options.limits);
            std::uint64_t number = 0;
            while (reader.next(line_, number)) {
                batch.text += line_;
                batch.ends.push_back(static_cast<std::uint32_t>(batch.text.size()));
                batch.lines.push_back(keys[std::min(count, keys.size() - 1)].line);
                ++count;
            }
        }
        if (count != keys.size())
            throw Error(
                Exit::failure,
                fmt::format("internal: {} rows read back where {} were read", count, keys.size()),
                "this is a bug; please report it");
    }

    SortedRuns& runs_;
    const InputBytes& input_;
    const CheckContext& context_;
    std::string text_, line_;
    Slot slots_[kSlots];
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t made_ = 0, taken_ = 0;
    bool stop_ = false, finished_ = false;
    std::exception_ptr error_;
    std::thread thread_;  // last: starts once the rest is made
};

// Lines kept in line order, at most `most` of them (the first ones by line).
class FirstLines {
  public:
    explicit FirstLines(std::size_t most) : most_(most) {}
    void add(Shown s) {
        items_.push_back(std::move(s));
        if (most_ < SIZE_MAX / 4 && items_.size() >= 2 * most_ + 1024) trim();
    }
    std::vector<Shown>& sorted() {
        trim();
        return items_;
    }

  private:
    void trim() {
        std::stable_sort(items_.begin(), items_.end(),
                         [](const Shown& a, const Shown& b) { return a.line < b.line; });
        if (items_.size() > most_) items_.resize(most_);
    }
    std::size_t most_;
    std::vector<Shown> items_;
};

// What the write pulls: checked batches as chunks of rows, their state set
// (duplicates, IDs not confirmed, rows in the register). Runs on the writing
// thread, inside the insert.
class StreamFeed {
  public:
    StreamFeed(CheckedStream& stream, const CheckContext& context, store::ImportLookup& lookup,
               bool register_empty)
        : shown_(context.options.max_problems_shown),
          notes_(context.options.max_notes_shown),
          stream_(stream),
          context_(context),
          options_(context.options),
          lookup_(lookup),
          register_empty_(register_empty) {}

    // The next chunk to write; nullptr at the end. Once a row is refused
    // under --on-error abort, every batch is still taken (for its problems)
    // but none is written.
    const Table* next() {
        while (stream_.next(batch_)) {
            take(batch_);
            if (!stopped()) return &table_;
        }
        return nullptr;
    }
    bool stopped() const { return options_.on_error == OnError::abort && bad_rows + late_bad > 0; }

    std::uint64_t rows = 0, bad_rows = 0, late_bad = 0, problems = 0, note_count = 0;
    std::uint64_t skipped = 0, unconfirmed = 0;
    unsigned codes = 0;
    FirstLines shown_, notes_;
    std::vector<std::pair<std::uint64_t, std::string>> check_rejects, late_rejects;

  private:
    void take(BatchResult& b) {
        rows += b.data_rows;
        bad_rows += b.bad_rows;
        codes |= b.codes;
        problems += b.problem_count;
        note_count += b.note_count;
        for (auto& p : b.problems) shown_.add(std::move(p));
        for (auto& n : b.notes) notes_.add(std::move(n));
        std::size_t from = 0;
        for (const auto& [line, to] : b.reject_ends) {
            check_rejects.emplace_back(line, b.rejects_text.substr(from, to - from));
            from = to;
        }
        table_.rows.clear();
        table_.ids.clear();
        table_.refs.clear();
        table_.needs.clear();
        table_.append(b);
        for (Row& r : table_.rows) settle(r);
    }

    void settle(Row& r) {
        const std::string_view id = table_.id(r);
        if (have_first_ && Table::compare_ids(id, first_id_) == 0) {
            // The first line with this ID (they come in line order) wins.
            if (options_.skip_existing && same_data(r)) {
                r.state = kSkipped;
                ++skipped;
            } else {
                r.state = kDuplicate;
                refuse(r, duplicate_reason(id, first_.line, first_id_));
            }
            return;
        }
        have_first_ = true;
        first_ = r;
        first_id_.assign(id);
        first_needs_.assign(table_.needs.begin() + r.needs_offset,
                            table_.needs.begin() + r.needs_offset + r.needs_count);
        if (r.flags & kNeedsConfirm) {
            r.state = kUnconfirmed;
            ++unconfirmed;
            refuse(r, unconfirmed_reason(id, (r.flags & kWarned) != 0));
            return;
        }
        if (register_empty_) return;
        auto e = lookup_.find(id);
        if (!e) return;
        const std::uint16_t differ = differences(table_, r, *e);
        if (differ == 0 && options_.skip_existing) {
            r.state = kSkipped;
            ++skipped;
            return;
        }
        r.state = options_.skip_existing ? kDifferent : kInUse;
        const Conflict c{0, differ, may_see(context_.actor, e->row.service, e->row.keyworker),
                         e->id != id};
        refuse(r, conflict_reason(static_cast<RowState>(r.state), id, c, e->id));
    }

    bool same_data(const Row& r) const {
        const Row& a = first_;
        return a.service == r.service && a.keyworker == r.keyworker && a.dob == r.dob &&
               a.started == r.started && a.age_band == r.age_band && a.gender == r.gender &&
               a.ethnicity == r.ethnicity && a.needs_count == r.needs_count &&
               std::equal(first_needs_.begin(), first_needs_.end(),
                          table_.needs.begin() + r.needs_offset);
    }

    void refuse(const Row& r, const std::string& reason) {
        ++late_bad;
        ++problems;
        const bool conflict = r.state == kInUse || r.state == kDifferent;
        codes |= 1u << static_cast<unsigned>(conflict ? Exit::conflict : Exit::invalid);
        shown_.add({r.line, problem_line(r.line, "id", reason)});
        if (context_.rejects) {
            std::string text;
            append_late_reject(text, table_, r, context_, reason);
            late_rejects.emplace_back(r.line, std::move(text));
        }
    }

    CheckedStream& stream_;
    const CheckContext& context_;
    const ImportOptions& options_;
    store::ImportLookup& lookup_;
    const bool register_empty_;
    BatchResult batch_;
    Table table_;
    bool have_first_ = false;
    Row first_;
    std::string first_id_;
    std::vector<std::uint32_t> first_needs_;
};

// The rejects, the check's and then the later ones, each in line order.
void write_rejects(StreamFeed& feed, RejectsFile& rejects, ImportSummary& summary) {
    for (auto* list : {&feed.check_rejects, &feed.late_rejects}) {
        std::stable_sort(list->begin(), list->end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [line, reject] : *list) rejects.row(reject);
    }
    summary.rejects_written = rejects.count() > 0;
    rejects.finish();
}

// The counts, the refusal, the notes and the problem lines, once every row has passed.
void report(StreamFeed& feed, std::uint64_t written, const ImportOptions& options,
            const ImportHooks& hooks, ImportSummary& summary) {
    summary.rows = feed.rows;
    summary.skipped = feed.skipped;
    summary.unconfirmed = feed.unconfirmed;
    summary.rejected = feed.bad_rows + feed.late_bad;
    summary.added = written;
    if (options.on_error == OnError::abort && summary.rejected > 0) {
        const unsigned codes = feed.codes;
        summary.refusal = codes == (1u << static_cast<unsigned>(Exit::conflict)) ? Exit::conflict
                          : codes == (1u << static_cast<unsigned>(Exit::denied)) ? Exit::denied
                                                                                 : Exit::invalid;
        summary.added = 0;
    }
    const auto& notes = feed.notes_.sorted();
    for (const auto& n : notes)
        if (hooks.note) hooks.note(n.text);
    summary.notes = feed.note_count;
    if (feed.note_count > notes.size() && hooks.note)
        hooks.note(
            fmt::format("... and {} more IDs with warnings",
                        with_thousands(static_cast<long long>(feed.note_count - notes.size()))));
    const auto& shown = feed.shown_.sorted();
    for (const auto& p : shown)
        if (hooks.problem) hooks.problem(p.text);
    summary.problems_shown = shown.size();
    summary.problems = feed.problems;
}

}  // namespace

bool can_stream(const ImportOptions& options, const ImportHooks& hooks) {
    if (const char* env = std::getenv("CASELOAD_IMPORT_STREAM"); env && std::strcmp(env, "0") == 0)
        return false;
    return !options.generate_ids && !hooks.confirm;
}

ImportSummary import_streaming(Register& reg, const Actor& actor, csv::ReadFn input,
                               std::uint64_t input_size, const ImportOptions& options,
                               const ImportHooks& hooks) {
    const auto started = Clock::now();
    PhaseTimer timer;
    ImportSummary summary;
    Progress progress(hooks);
    const Guard guard = reg.guard();
    std::unique_ptr<RejectsFile> rejects;
    if (options.rejects_path)
        rejects = std::make_unique<RejectsFile>(*options.rejects_path, options.input_path,
                                                options.overwrite_rejects);

    // -- Pass 1: the header, then every row's key; a pipe copied aside.
    InputBytes bytes(options.input_fd, options.source_name);
    Input in(
        [&bytes, read = std::move(input)](char* into, std::size_t capacity) {
            const std::size_t n = read(into, capacity);
            bytes.append(into, n);
            return n;
        },
        options);
    if (rejects) rejects->header(in.layout().reject_header);
    const CheckContext context{reg.directory(),
                               actor.member,
                               guard,
                               today(),
                               options,
                               false,
                               options.rejects_path.has_value(),
                               in.layout()};
    progress.phase(ImportProgress::Phase::checking, 0, input_size);
    SortedRuns runs;
    const std::uint64_t scanned = scan(in, context, runs, progress);
    timer.mark("scan");

    // -- Pass 2: check beside the write, in the order of the IDs.
    auto write = std::make_unique<store::ImportWrite>(reg.db());
    store::ImportLookup lookup(reg.db());
    const Key event = reg.record_event(actor, "su.import", std::nullopt, "");
    timer.mark("existing");  // the write lock taken (tests/e2e/import.sh kills the import here)
    progress.phase(ImportProgress::Phase::writing, scanned, 0);
    CheckedStream stream(runs, bytes, context);
    StreamFeed rows(stream, context, lookup, lookup.register_empty());
    store::ImportFeed feed;
    std::exception_ptr error;  // nothing may be thrown through SQLite
    feed.next = [&]() -> const Table* {
        try {
            return error ? nullptr : rows.next();
        } catch (...) {
            error = std::current_exception();
            return nullptr;
        }
    };
    feed.today = pack_date(context.today.iso());
    feed.progress = [&](std::uint64_t n) { progress.update(n, 0); };
    const std::uint64_t written = write->insert(feed, event, utc_timestamp());
    if (error) std::rethrow_exception(error);
    bytes.check_unchanged();  // every row read again as it was first read
    timer.mark("insert");
    timer.note("insert waited for the check", stream.waited);

    // -- Report, then the commit.
    report(rows, written, options, hooks, summary);
    if (rejects) write_rejects(rows, *rejects, summary);
    const bool commit = summary.added > 0 && !options.dry_run;
    if (commit)
        write->set_event_detail(event, import_event_detail(summary.added, options, summary));
    commit_or_roll_back(std::move(write), commit, hooks, rejects.get(), timer, started, summary);
    return summary;
}

}  // namespace caseload::importer
