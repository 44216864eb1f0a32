// The import (stages.hpp): memory bounded at any size, and the check beside
// the write instead of before it.
//
//   pass 1  reads the input once and keeps of each row a key (the first
//           16 bytes of its case-folded ID, a hash of the rest, its line)
//           and its bytes. The keys are sorted in runs (on the other core);
//           past 48 MB held, the runs go to a temporary file, each row as
//           its key and its bytes in key order; the runs are merged as pass 2
//           reads them, so no row is read from the input twice. A regular
//           file that changed by the end is refused (UnchangedInput).
//           With --generate-ids, the rows with an empty ID are set aside (to
//           a temporary file) and every other ID goes into a Bloom filter
//           (IdFilter, 32 MB). After the pass, each row set aside gets an ID
//           the filter does not hold and the register has not (a false hit
//           of the filter costs a try, never a duplicate), in line order:
//           its key joins the runs, so it is written in ID order too, and
//           its line, ref and ID go to the ID map (a temporary file), which
//           the hooks read, less the rows refused, after the write.
//   confirm a person at a terminal who can be asked to confirm IDs as
//           anonymous (hooks.confirm): a pass that only checks, as pass 2
//           does, counts the IDs nobody confirmed, shows the notes and asks
//           once, before the write lock is taken; the runs are then read
//           again for pass 2.
//   pass 2  a checker thread takes the rows from the runs in key order (the global
//           case-folded ID order, so every insert into the ID indexes
//           appends), checks them (the same RowChecker as check.cpp) and
//           hands them, a batch at a time, to the write, which pulls them
//           through the store's feed. Duplicates within the file are
//           adjacent (the lowest line first); rows in the register are
//           looked up as they pass. Under --on-error abort the first
//           refused row stops the writing (the checking goes on, to report
//           every problem) and the transaction is rolled back.
// Problems, notes and rejects are gathered with their lines and put in line
// order at the end.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <queue>
#include <thread>

#include "caseload/idgen.hpp"
#include "caseload/records.hpp"
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
    std::uint32_t length = 0;         // the row's bytes in the input
    std::uint64_t offset = 0;
    std::uint64_t line = 0;
    std::uint64_t generated = 0;  // a generated ID: 1 + where its entry is in the ID map
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

// A temporary file written front to back through a buffer, then read at
// offsets or front to back: the rows whose ID is to be generated, the ID map.
class RecordFile {
  public:
    explicit RecordFile(const char* what) : file_(what) {}
    void put(const void* data, std::size_t n) {
        out_.append(static_cast<const char*>(data), n);
        if (out_.size() >= kBuffer) flush();
    }
    std::uint64_t size() const { return file_.size() + out_.size(); }
    // Everything put on disk, for reading.
    void flush() {
        file_.append(out_.data(), out_.size());
        out_.clear();
    }
    void read(std::uint64_t offset, void* into, std::size_t n) const {
        file_.read(offset, static_cast<char*>(into), n);
    }

    // Front to back, a buffer at a time.
    class Reader {
      public:
        explicit Reader(const RecordFile& f) : file_(f) {}
        // The next n bytes; false at the end.
        bool get(void* into, std::size_t n) {
            if (at_ + n > buffer_.size()) {
                buffer_.erase(0, at_);
                at_ = 0;
                const std::uint64_t left = file_.file_.size() - read_;
                const std::size_t more =
                    static_cast<std::size_t>(std::min<std::uint64_t>(left, std::max(kBuffer, n)));
                const std::size_t have = buffer_.size();
                buffer_.resize(have + more);
                file_.read(read_, buffer_.data() + have, more);
                read_ += more;
                if (n > buffer_.size()) return false;
            }
            std::memcpy(into, buffer_.data() + at_, n);
            at_ += n;
            return true;
        }

      private:
        const RecordFile& file_;
        std::string buffer_;
        std::size_t at_ = 0;
        std::uint64_t read_ = 0;
    };

  private:
    static constexpr std::size_t kBuffer = std::size_t{1} << 20;
    TempFile file_;
    std::string out_;
};

// A row whose ID is to be generated, as pass 1 finds it (then its `ref`
// cell, then its bytes).
struct PendingRow {
    std::uint64_t line = 0, shown_line = 0;  // shown_line: the `line` cell, else line
    std::uint32_t length = 0;
    std::uint32_t ref_length = 0;
    std::int64_t service = 0;  // its service's key (the ID's prefix); 0 when none
};

// An entry of the ID map, in line order (then the ID and the ref).
struct MapEntry {
    std::uint64_t line = 0, shown_line = 0;
    std::uint32_t id_length = 0, ref_length = 0;
};

// A Bloom filter of case-folded IDs: the file's own IDs and those generated
// so far. An ID it may hold is not used (generate_id makes another), so a
// false hit costs a try, never a duplicate. 32 MB, whatever the file's size
// (at 3M IDs, a few tries in a million are lost).
class IdFilter {
  public:
    // calloc: pages the filter never touches take no memory (a small file).
    IdFilter() : memory_(std::calloc(kBits / 64 + 8, 8)) {
        if (!memory_) throw std::bad_alloc();
        const auto at = reinterpret_cast<std::uintptr_t>(memory_);
        bits_ =
            reinterpret_cast<std::uint64_t*>((at + 63) & ~std::uintptr_t{63});  // blocks on lines
    }
    ~IdFilter() { std::free(memory_); }
    IdFilter(const IdFilter&) = delete;
    IdFilter& operator=(const IdFilter&) = delete;

    void add(std::string_view id) {
        const auto [block, bits] = place(id);
        for (std::size_t w = 0; w < 8; ++w) block[w] |= bits[w];
    }
    bool may_hold(std::string_view id) const {
        const auto [block, bits] = place(id);
        for (std::size_t w = 0; w < 8; ++w)
            if ((block[w] & bits[w]) != bits[w]) return false;
        return true;
    }

  private:
    // The bits of an ID all lie in one block of 512 bits (a cache line), so
    // a look-up costs one miss, not kHashes.
    static constexpr std::uint64_t kBits = std::uint64_t{1} << 28, kHashes = 4;
    static constexpr std::uint64_t kBlocks = kBits / 512;
    std::pair<std::uint64_t*, std::array<std::uint64_t, 8>> place(std::string_view id) const {
        std::uint64_t h = 14695981039346656037ull;  // FNV-1a of the case-folded ID
        for (char ch : id) {
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
        }
        std::uint64_t g = h + 0x9E3779B97F4A7C15ull;  // splitmix64: bits spread evenly
        g = (g ^ (g >> 30)) * 0xBF58476D1CE4E5B9ull;
        g = (g ^ (g >> 27)) * 0x94D049BB133111EBull;
        g ^= g >> 31;
        std::array<std::uint64_t, 8> bits{};
        for (std::uint64_t i = 0; i < kHashes; ++i) {
            const std::uint64_t bit = (g >> (9 * i)) & 511;  // 9 bits each: 36 of g's 64
            bits[bit >> 6] |= std::uint64_t{1} << (bit & 63);
        }
        return {bits_ + 8 * ((g >> 36) % kBlocks), bits};  // the 28 bits left pick the block
    }
    void* memory_;
    std::uint64_t* bits_;
};

// The keys of pass 1 with their rows' bytes, in sorted runs merged as they
// are read. Pass 2 then reads each row from memory or, for a run spilled to
// the temporary file, in order from there, a buffer at a time: not by one
// read of the input per row (a system call and a cold page each, about a
// third of the checker's time at 1M rows). Each run is sorted on another
// thread while the scan goes on (the other core is idle then); once the
// runs held pass memory_bytes_, the sorted ones go to a temporary file, each
// row as its key followed by its bytes.
class SortedRuns {
  public:
    // 2^18 keys or 24 MB of rows a run (about 32 MB with their keys), 48 MB held before
    // spilling, and the last run never spilled (the wait would come before
    // pass 2). CASELOAD_IMPORT_RUN_KEYS (a testing aid) makes runs that small,
    // and spills past the keys of four of them.
    // `input_bytes`: the input's size when known (else 0). An input larger
    // than memory_bytes_ has each run spilled as soon as it is sorted (the
    // writing spread over the scan); else runs are spilled only once those
    // held pass memory_bytes_.
    explicit SortedRuns(std::uint64_t input_bytes) {
        if (const char* env = std::getenv("CASELOAD_IMPORT_RUN_KEYS"); env && *env) {
            run_keys_ = std::clamp<std::size_t>(std::strtoul(env, nullptr, 10), 2, run_keys_);
            memory_bytes_ = 4 * run_keys_ * sizeof(ScanKey);
        }
        spill_each_ = input_bytes > memory_bytes_;
    }

    double waited = 0;  // seconds the scan waited for the sorting thread (CASELOAD_IMPORT_TIMING)

    ~SortedRuns() {
        if (sorter_.joinable()) sorter_.join();
    }
    SortedRuns(const SortedRuns&) = delete;
    SortedRuns& operator=(const SortedRuns&) = delete;

    // A key and its row's bytes (k.offset and k.length are set here: where
    // the bytes are in the run).
    void add(ScanKey k, std::string_view row) {
        if (filling_.keys.capacity() == 0) filling_.keys.reserve(run_keys_);
        if (filling_.text.capacity() == 0) filling_.text.reserve(run_keys_ * 64);
        k.offset = filling_.text.size();
        k.length = static_cast<std::uint32_t>(row.size());
        filling_.text.append(row);
        filling_.keys.push_back(k);
        // A run ends at its count of keys or, for wide rows, its bytes:
        // memory is bounded by the bytes held, whatever a row's width.
        if (filling_.keys.size() == run_keys_ || filling_.text.size() >= kRunTextBytes)
            hand_over(false);
    }
    // Every run sorted; reading may begin.
    void finish() {
        if (!filling_.keys.empty()) hand_over(true);
        wait();
        filling_ = {};
        std::vector<ScanKey>().swap(spare_keys_);
        std::string().swap(spare_text_);
        for (std::size_t i = 0; i < runs_.size(); ++i)
            if (refill(runs_[i])) heap_.push({head(runs_[i]), i});
    }
    // Back to the first key, to read them all again (the confirm question's pass).
    void rewind() {
        heap_ = {};
        for (std::size_t i = 0; i < runs_.size(); ++i) {
            Run& r = runs_[i];
            r.pos = 0;
            if (r.spilled) {
                r.buffer.clear();
                r.at = 0;
                r.offset = r.first;
            }
            if (refill(r)) heap_.push({head(r), i});
        }
    }
    // The next key in order, its row's bytes appended to `row`; false after the last.
    bool next(ScanKey& k, std::string& row) {
        if (heap_.empty()) return false;
        const std::size_t i = heap_.top().second;
        heap_.pop();
        Run& run = runs_[i];
        k = head(run);
        if (run.spilled) {
            row.append(run.buffer, run.at + sizeof(ScanKey), k.length);
            run.at += sizeof(ScanKey) + k.length;
        } else {
            row.append(run.text, k.offset, k.length);
            ++run.pos;
        }
        if (refill(run)) heap_.push({head(run), i});
        return true;
    }

  private:
    struct Run {
        std::vector<ScanKey> keys;  // in memory: sorted (offset: where the row is in text)
        std::string text;
        std::size_t pos = 0;
        bool spilled = false;
        std::uint64_t first = 0, end = 0;  // spilled: where its rows are in the file
        std::uint64_t offset = 0;          // spilled: the next byte not yet in buffer
        std::string buffer;                // spilled: rows read, the next one at `at`
        std::size_t at = 0;
        std::size_t bytes() const { return keys.size() * sizeof(ScanKey) + text.size(); }
    };
    using Head = std::pair<ScanKey, std::size_t>;
    struct After {
        bool operator()(const Head& a, const Head& b) const { return b.first < a.first; }
    };

    // The run just filled to the sorting thread (once the one before is done).
    void hand_over(bool last) {
        const auto from = Clock::now();
        wait();
        waited += std::chrono::duration<double>(Clock::now() - from).count();
        runs_.push_back(std::move(filling_));
        filling_ = {};
        // The buffers of runs spilled or rearranged are used again (fresh
        // memory costs a page fault a page), with room for as many bytes.
        if (!last) {
            filling_.keys.swap(spare_keys_);
            filling_.keys.clear();
            filling_.keys.reserve(run_keys_);
            filling_.text.swap(spare_text_);
            filling_.text.clear();
            filling_.text.reserve(runs_.back().text.size() + runs_.back().text.size() / 8);
        }
        held_ += runs_.back().bytes();
        const bool spill_one = !last && spill_each_;
        const bool spill_all = !last && !spill_each_ && held_ > memory_bytes_;
        if (spill_one || spill_all) held_ = 0;
        Run* run = &runs_.back();
        sorter_ = std::thread([this, run, spill_one, spill_all] {
            try {
                std::sort(run->keys.begin(), run->keys.end());
                if (spill_one)
                    spill(*run);
                else if (spill_all)
                    for (Run& r : runs_) spill(r);
                else
                    put_in_order(*run);
            } catch (...) {
                error_ = std::current_exception();
            }
        });
    }
    void wait() {
        if (sorter_.joinable()) sorter_.join();
        if (error_) std::rethrow_exception(error_);
    }
    // The run's bytes rearranged in key order, so that pass 2 reads them
    // front to back (here the other core is idle; in pass 2 it checks).
    void put_in_order(Run& r) {
        std::string text;
        text.swap(spare_text_);
        text.clear();
        text.reserve(r.text.size());
        for (ScanKey& k : r.keys) {
            const std::uint64_t at = text.size();
            text.append(r.text, k.offset, k.length);
            k.offset = at;
        }
        r.text.swap(text);
        spare_text_.swap(text);
    }
    // The run's rows in key order to the file, each as its key and its bytes.
    void spill(Run& r) {
        if (r.spilled || r.keys.empty()) return;
        if (!file_) file_ = std::make_unique<TempFile>("sorted rows");
        r.first = r.offset = file_->size();
        std::string out;
        for (const ScanKey& k : r.keys) {
            out.append(reinterpret_cast<const char*>(&k), sizeof k);
            out.append(r.text, k.offset, k.length);
            if (out.size() >= kBufferBytes) {
                file_->append(out.data(), out.size());
                out.clear();
            }
        }
        file_->append(out.data(), out.size());
        r.end = file_->size();
        r.spilled = true;
        // One set of buffers is kept for the next run; the rest are freed.
        if (spare_keys_.capacity() < r.keys.capacity()) spare_keys_.swap(r.keys);
        if (spare_text_.capacity() < r.text.capacity()) spare_text_.swap(r.text);
        std::vector<ScanKey>().swap(r.keys);
        std::string().swap(r.text);
    }
    // The key of the run's next row.
    static ScanKey head(const Run& r) {
        if (!r.spilled) return r.keys[r.pos];
        ScanKey k;
        std::memcpy(&k, r.buffer.data() + r.at, sizeof k);
        return k;
    }
    // Rows left to read in `r` (a spilled run's next row read whole into its buffer).
    bool refill(Run& r) {
        if (!r.spilled) return r.pos < r.keys.size();  // its keys stay, for rewind()
        if (more(r, sizeof(ScanKey)) && more(r, sizeof(ScanKey) + head(r).length)) return true;
        if (r.at == r.buffer.size()) return false;
        throw Error(Exit::failure, "internal: a temporary file of sorted rows ended early",
                    "this is a bug; please report it");
    }
    // At least n bytes in r.buffer from r.at, read from the file when needed;
    // false when the run has fewer left.
    bool more(Run& r, std::size_t n) {
        if (r.buffer.size() - r.at >= n) return true;
        r.buffer.erase(0, r.at);
        r.at = 0;
        const std::uint64_t left = r.end - r.offset;
        const std::size_t have = r.buffer.size();
        const auto add =
            static_cast<std::size_t>(std::min<std::uint64_t>(left, std::max(kReadBytes, n - have)));
        if (add == 0) return false;
        r.buffer.resize(have + add);
        file_->read(r.offset, r.buffer.data() + have, add);
        r.offset += add;
        return r.buffer.size() >= n;
    }

    static constexpr std::size_t kBufferBytes = std::size_t{1} << 20, kReadBytes = 256 << 10;
    static constexpr std::size_t kRunTextBytes = std::size_t{24} << 20;
    std::size_t run_keys_ = std::size_t{1} << 18;
    std::size_t memory_bytes_ = std::size_t{48} << 20;
    bool spill_each_ = false;
    Run filling_;
    std::vector<ScanKey> spare_keys_;  // touched only by the sorting thread or, once
    std::string spare_text_;           // it is done, by hand_over
    std::deque<Run> runs_;             // a deque: the sorting thread holds a pointer to the last
    std::size_t held_ = 0;             // bytes of the runs in memory
    std::unique_ptr<TempFile> file_;
    std::thread sorter_;
    std::exception_ptr error_;
    std::priority_queue<Head, std::vector<Head>, After> heap_;
};

// What --generate-ids needs of pass 1: the rows with an empty ID set aside,
// every other ID in the filter.
struct Generating {
    IdFilter filter;
    RecordFile pending{"rows to generate IDs for"};
    std::uint64_t rows = 0;
};

// The service a row names (or the actor's only one): the prefix of the ID
// generated for it. 0 when none (the check refuses the row).
std::int64_t service_of(std::string_view cell, const CheckContext& context) {
    if (!cell.empty()) {
        const Service* s = context.dir.service_by_code(cell);
        return s ? s->key : 0;
    }
    const auto mine = context.actor.services();
    return mine.size() == 1 ? mine.front() : 0;
}

// A row with an empty ID, for generate_pending_ids.
void set_aside(Generating& g, const CheckContext& context, std::uint64_t line, std::string_view row,
               std::string_view service, std::string_view ref, std::string_view line_cell) {
    PendingRow p;
    p.line = line;
    p.shown_line = line;
    if (!line_cell.empty() && line_cell.size() <= 9 &&
        std::all_of(line_cell.begin(), line_cell.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
        p.shown_line =
            std::max<std::uint64_t>(1, std::strtoull(std::string(line_cell).c_str(), nullptr, 10));
    p.length = static_cast<std::uint32_t>(row.size());
    ref = ref.substr(0, kMaxRefBytes + 1);  // longer: the check refuses the row
    p.ref_length = static_cast<std::uint32_t>(ref.size());
    p.service = service_of(service, context);
    g.pending.put(&p, sizeof p);
    g.pending.put(ref.data(), ref.size());
    g.pending.put(row.data(), row.size());
    ++g.rows;
}

// The input's bytes as pass 1's reader takes them in, kept from the start
// of the row at hand: each row's bytes are taken from here for the runs.
class InputWindow {
  public:
    void append(const char* data, std::size_t n) { bytes_.append(data, n); }
    // The bytes [begin, end) of the input, begin at or after the last release.
    std::string_view get(std::uint64_t begin, std::uint64_t end) const {
        if (begin < start_ || end > start_ + bytes_.size() || begin > end)
            throw Error(Exit::failure,
                        fmt::format("internal: input bytes {} to {} are not at hand", begin, end),
                        "this is a bug; please report it");
        return std::string_view(bytes_).substr(begin - start_, end - begin);
    }
    // Bytes before `offset` are needed no more (dropped a large block at a time).
    void release(std::uint64_t offset) {
        const std::uint64_t done = offset - start_;
        if (done < kDropBytes || done < bytes_.size() / 2) return;
        bytes_.erase(0, done);
        start_ = offset;
    }

  private:
    static constexpr std::uint64_t kDropBytes = 1 << 20;
    std::string bytes_;
    std::uint64_t start_ = 0;  // the offset of bytes_[0]
};

// What pass 1 counts: rows, and the rows whose ID may need the confirm
// question (given, and no yes in a `confirmed` cell).
struct Scanned {
    std::uint64_t rows = 0, unconfirmed = 0;
};

bool says_yes(std::string_view cell) {
    const std::string answer = ascii_lower(cell);
    return answer == "yes" || answer == "y" || answer == "true" || answer == "1";
}

// Pass 1: every row's key, with its bytes (from `window`). With
// --generate-ids, the rows with an empty ID go to `generating` instead.
Scanned scan(Input& in, InputWindow& window, const CheckContext& context, SortedRuns& runs,
             Progress& progress, Generating* generating) {
    std::size_t field[kCellCount];
    std::fill(std::begin(field), std::end(field), SIZE_MAX);
    for (std::size_t f = 0; f < context.layout.header.size(); ++f)
        if (context.layout.header[f] < kCellCount) field[context.layout.header[f]] = f;
    static const std::vector<std::string_view> kLists = {"needs"};
    std::vector<jsonl::ObjectProblem> problems;
    Batch batch;
    std::uint64_t begin = 0, end = 0;
    Scanned scanned;
    while (in.next_record(batch, begin, end)) {
        std::string_view cell[kCellCount];
        std::uint64_t line = 0;
        std::vector<std::pair<std::string, std::string>> fields;
        if (!batch.records.empty()) {
            line = batch.records.line(0);
            for (std::size_t c = 0; c < kCellCount; ++c)
                if (field[c] < batch.records.fields(0))
                    cell[c] = trim(batch.records.field(0, field[c]));
        } else {
            line = batch.lines[0];
            problems.clear();
            fields = jsonl::parse_object(batch.text, kLists, problems);
            for (const auto& [name, value] : fields)
                if (const Column c = column_of(name); c < kCellCount) cell[c] = trim(value);
        }
        const std::string_view id = cell[kId];
        if ((++scanned.rows & 1023) == 0) progress.update(scanned.rows, end);
        std::string_view row = window.get(begin, end);
        // The first row of a JSON-lines file keeps its byte-order mark.
        if (begin == 0 && row.starts_with("\xEF\xBB\xBF")) row.remove_prefix(3);
        window.release(end);
        if (generating) {
            if (id.empty()) {
                set_aside(*generating, context, line, row, cell[kService], cell[kRef], cell[kLine]);
                continue;
            }
            generating->filter.add(id);
        }
        if (!says_yes(cell[kConfirmed])) ++scanned.unconfirmed;
        ScanKey k = key_of(id);
        k.line = line;
        runs.add(k, row);
    }
    return scanned;
}

// The next rows set aside (4,096 at most), with their refs and bytes; false at the end.
struct PendingRows {
    std::vector<PendingRow> rows;
    std::vector<std::string> refs, texts;
};
bool read_pending(RecordFile::Reader& reader, PendingRows& pending) {
    pending.rows.clear();
    pending.refs.clear();
    pending.texts.clear();
    PendingRow p;
    while (pending.rows.size() < 4096 && reader.get(&p, sizeof p)) {
        pending.rows.push_back(p);
        pending.refs.emplace_back(p.ref_length, '\0');
        reader.get(pending.refs.back().data(), p.ref_length);
        pending.texts.emplace_back(p.length, '\0');
        reader.get(pending.texts.back().data(), p.length);
    }
    return !pending.rows.empty();
}

std::string prefix_of(const PendingRow& p, const CheckContext& context) {
    const Service* service = p.service ? context.dir.service_by_key(p.service) : nullptr;
    return service ? service->code : "";
}

// An ID for each row that passes the guard (the costly part, on the other
// core); empty when none does (generate_pending_ids then says why).
std::vector<std::string> candidates(const std::vector<PendingRow>& rows,
                                    const CheckContext& context) {
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const PendingRow& p : rows) {
        try {
            ids.push_back(generate_id(prefix_of(p, context), context.guard, nullptr));
        } catch (const Error&) {
            ids.emplace_back();
        }
    }
    return ids;
}

// After pass 1, before the write lock: an ID for every row set aside, in
// line order, unique in the file (the filter) and in the register; its key
// joins the runs, its entry the ID map. The candidates of the next rows are
// made on another thread meanwhile; one already used is made again here.
void generate_pending_ids(Generating& g, const CheckContext& context, store::ImportLookup& lookup,
                          SortedRuns& runs, RecordFile& map) {
    g.pending.flush();
    const bool register_empty = lookup.register_empty();
    auto in_use = [&](std::string_view id) {
        return g.filter.may_hold(id) || (!register_empty && lookup.id_in_use(id));
    };
    RecordFile::Reader reader(g.pending);
    PendingRows pending, next_pending;
    auto made_for = [&context](const std::vector<PendingRow>& r) {
        return std::async(std::launch::async, [&context, r] { return candidates(r, context); });
    };
    bool more = read_pending(reader, pending);
    std::future<std::vector<std::string>> made;
    if (more) made = made_for(pending.rows);
    while (more) {
        const std::vector<std::string> ids = made.get();
        const bool next = read_pending(reader, next_pending);
        if (next) made = made_for(next_pending.rows);
        for (std::size_t i = 0; i < pending.rows.size(); ++i) {
            const PendingRow& p = pending.rows[i];
            const std::string id = !ids[i].empty() && !in_use(ids[i])
                                       ? ids[i]
                                       : generate_id(prefix_of(p, context), context.guard, in_use);
            require_pattern_allows_generated(context.dir, id);
            g.filter.add(id);
            ScanKey k = key_of(id);
            k.line = p.line;
            k.generated = map.size() + 1;
            runs.add(k, pending.texts[i]);
            const MapEntry e{p.line, p.shown_line, static_cast<std::uint32_t>(id.size()),
                             p.ref_length};
            map.put(&e, sizeof e);
            map.put(id.data(), id.size());
            map.put(pending.refs[i].data(), pending.refs[i].size());
        }
        std::swap(pending, next_pending);
        more = next;
    }
    map.flush();
}

// The generated IDs of the rows written: the ID map less the rows refused.
class MappedIds : public GeneratedIds {
  public:
    MappedIds(std::shared_ptr<RecordFile> map, std::vector<std::uint64_t> refused)
        : map_(std::move(map)), refused_(std::move(refused)) {
        std::sort(refused_.begin(), refused_.end());
    }
    void for_each(const std::function<void(const GeneratedId&)>& fn) const override {
        RecordFile::Reader reader(*map_);
        MapEntry e;
        GeneratedId g;
        while (reader.get(&e, sizeof e)) {
            g.id.resize(e.id_length);
            g.ref.resize(e.ref_length);
            reader.get(g.id.data(), g.id.size());
            reader.get(g.ref.data(), g.ref.size());
            if (std::binary_search(refused_.begin(), refused_.end(), e.line)) continue;
            g.line = e.shown_line;
            fn(g);
        }
    }

  private:
    std::shared_ptr<RecordFile> map_;
    std::vector<std::uint64_t> refused_;
};

// Pass 2's checker thread: the rows taken from the runs in key order,
// checked, handed over a batch at a time through a few slots.
class CheckedStream {
  public:
    // `map`: the ID map, when IDs were generated.
    CheckedStream(SortedRuns& runs, const CheckContext& context, const RecordFile* map)
        : runs_(runs), context_(context), map_(map), thread_([this] { work(); }) {}
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
                text_.clear();
                ScanKey k;
                while (keys.size() < kBatchRows && runs_.next(k, text_)) {
                    if (text_.empty() || text_.back() != '\n') text_ += '\n';
                    keys.push_back(k);
                }
                if (keys.empty()) break;
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait(lock, [&] { return made_ - taken_ < kSlots || stop_; });
                    if (stop_) break;
                }
                Slot& slot = slots_[made_ % kSlots];  // this thread's until made_ moves on
                parse_rows(keys, slot.batch);
                slot.result.keep_all = true;
                checker.run(slot.batch, slot.result);
                if (map_) fill_generated(keys, slot.result);
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

    // The rows of `keys` (their bytes in text_), parsed again as pass 1 did.
    void parse_rows(const std::vector<ScanKey>& keys, Batch& batch) {
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

    // The generated IDs of the good rows of `keys`, from the ID map (the
    // check left them empty).
    void fill_generated(const std::vector<ScanKey>& keys, BatchResult& result) {
        std::size_t j = 0;
        for (Row& r : result.rows) {
            if (!(r.flags & kGenerate)) continue;
            while (j < keys.size() && keys[j].line != r.line) ++j;
            if (j == keys.size() || keys[j].generated == 0)
                throw Error(Exit::failure,
                            fmt::format("internal: no generated ID for line {}", r.line),
                            "this is a bug; please report it");
            MapEntry e;
            map_->read(keys[j].generated - 1, &e, sizeof e);
            r.id_offset = static_cast<std::uint32_t>(result.ids.size());
            r.id_length = static_cast<std::uint8_t>(e.id_length);
            result.ids.resize(result.ids.size() + e.id_length);
            map_->read(keys[j].generated - 1 + sizeof e, result.ids.data() + r.id_offset,
                       e.id_length);
        }
    }

    SortedRuns& runs_;
    const CheckContext& context_;
    const RecordFile* map_;
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
    std::uint64_t skipped = 0, unconfirmed = 0, generated = 0;
    std::vector<std::uint64_t> refused_lines;  // with generated IDs: the check's bad rows
    bool confirmed_by_answer = false;          // yes to the confirm question
    bool notes_shown = false;                  // before the confirm question
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
        if (options_.generate_ids)
            for (const auto& p : b.problems) refused_lines.push_back(p.line);
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
        if ((r.flags & kNeedsConfirm) && !confirmed_by_answer) {
            r.state = kUnconfirmed;
            ++unconfirmed;
            refuse(r, unconfirmed_reason(id, (r.flags & kWarned) != 0));
            return;
        }
        // A generated ID is unique in the file and was not in the register
        // when made (but another import may have taken it since).
        if (register_empty_) {
            generated += (r.flags & kGenerate) != 0;
            return;
        }
        auto e = lookup_.find(id);
        if (!e) {
            generated += (r.flags & kGenerate) != 0;
            return;
        }
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

// The notes (IDs with guard warnings): the first ones, then how many more.
void show_notes(const std::vector<Shown>& notes, std::uint64_t count, const ImportHooks& hooks,
                ImportSummary& summary) {
    for (const auto& n : notes)
        if (hooks.note) hooks.note(n.text);
    summary.notes = count;
    if (count > notes.size() && hooks.note)
        hooks.note(fmt::format("... and {} more IDs with warnings",
                               with_thousands(static_cast<long long>(count - notes.size()))));
}

// The confirm question (a person at a terminal): a pass that only checks,
// in ID order, counts the IDs nobody confirmed (the first row of each ID, as
// the write sees them), shows the notes (guard warnings), then asks once.
// True for yes; true as well when there is nothing to ask.
bool ask_to_confirm(SortedRuns& runs, const CheckContext& context, const RecordFile* map,
                    const ImportHooks& hooks, ImportSummary& summary) {
    std::uint64_t unconfirmed = 0, warned = 0, note_count = 0;
    FirstLines notes(context.options.max_notes_shown);
    {
        CheckedStream stream(runs, context, map);
        BatchResult batch;
        Table table;
        std::string first;
        bool have_first = false;
        while (stream.next(batch)) {
            note_count += batch.note_count;
            for (auto& n : batch.notes) notes.add(std::move(n));
            table.rows.clear();
            table.ids.clear();
            table.refs.clear();
            table.needs.clear();
            table.append(batch);
            for (const Row& r : table.rows) {
                const std::string_view id = table.id(r);
                if (have_first && Table::compare_ids(id, first) == 0) continue;
                have_first = true;
                first.assign(id);
                if (r.flags & kNeedsConfirm) {
                    ++unconfirmed;
                    warned += (r.flags & kWarned) != 0;
                }
            }
        }
    }
    runs.rewind();
    show_notes(notes.sorted(), note_count, hooks, summary);
    return unconfirmed == 0 || hooks.confirm(unconfirmed, warned);
}

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
    if (!feed.notes_shown) show_notes(feed.notes_.sorted(), feed.note_count, hooks, summary);
    const auto& shown = feed.shown_.sorted();
    for (const auto& p : shown)
        if (hooks.problem) hooks.problem(p.text);
    summary.problems_shown = shown.size();
    summary.problems = feed.problems;
}

}  // namespace

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

    // -- Pass 1: the header, then every row's key with its bytes. The input
    // is read once; a regular file is only checked at the end (unchanged).
    const UnchangedInput unchanged(options.input_fd, options.source_name);
    InputWindow window;
    Input in(
        [&window, read = std::move(input)](char* into, std::size_t capacity) {
            const std::size_t n = read(into, capacity);
            window.append(into, n);
            return n;
        },
        options);
    if (rejects) rejects->header(in.layout().reject_header);
    const CheckContext context{reg.directory(),
                               actor.member,
                               guard,
                               today(),
                               options,
                               static_cast<bool>(hooks.confirm),
                               options.rejects_path.has_value(),
                               in.layout()};
    progress.phase(ImportProgress::Phase::checking, 0, input_size);
    SortedRuns runs(input_size);
    std::unique_ptr<Generating> generating;
    if (options.generate_ids) generating = std::make_unique<Generating>();
    const Scanned scanned = scan(in, window, context, runs, progress, generating.get());
    timer.mark("scan");
    timer.note("scan waited for the sorting", runs.waited);

    // -- Generated IDs, before the write lock as su add makes them (the
    // write finds one taken since, as it finds any ID in the register).
    store::ImportLookup lookup(reg.db());
    std::shared_ptr<RecordFile> map;
    if (generating) {
        map = std::make_shared<RecordFile>("generated IDs");
        generate_pending_ids(*generating, context, lookup, runs, *map);
        generating.reset();
        timer.mark("generate");
    }
    runs.finish();
    // -- The confirm question: a pass that only checks, then one question,
    // before the write lock (a person may take their time).
    bool confirmed = false, notes_shown = false;
    if (hooks.confirm && !options.confirm_anonymous && scanned.unconfirmed > 0) {
        confirmed = ask_to_confirm(runs, context, map.get(), hooks, summary);
        notes_shown = true;
        timer.mark("confirm");
    }

    // -- Pass 2: check beside the write, in the order of the IDs.
    auto write = std::make_unique<store::ImportWrite>(reg.db());
    const Key event = reg.record_event(actor, "su.import", std::nullopt, "");
    timer.mark("existing");  // the write lock taken (tests/e2e/import.sh kills the import here)
    progress.phase(ImportProgress::Phase::writing, scanned.rows, 0);
    CheckedStream stream(runs, context, map.get());
    StreamFeed rows(stream, context, lookup, lookup.register_empty());
    rows.confirmed_by_answer = confirmed;
    rows.notes_shown = notes_shown;
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
    unchanged.check_unchanged();  // what was imported is the file as it is
    timer.mark("insert");
    timer.note("insert waited for the check", stream.waited);

    // -- Report, then the commit.
    report(rows, written, options, hooks, summary);
    if (rejects) write_rejects(rows, *rejects, summary);
    const bool commit = summary.added > 0 && !options.dry_run;
    if (summary.added > 0) summary.generated = rows.generated;
    if (commit) {
        write->set_event_detail(event, import_event_detail(summary.added, options, summary));
        if (summary.generated > 0)
            summary.generated_ids =
                std::make_shared<MappedIds>(std::move(map), std::move(rows.refused_lines));
    }
    commit_or_roll_back(std::move(write), commit, hooks, rejects.get(), timer, started, summary);
    return summary;
}

}  // namespace caseload::importer
