#pragma once
// One parallel bulk check (spec §9), for `id check -` (lines of IDs, through
// the guard) and `su import` (batches of rows, through the rules of su add):
// the input is cut into chunks on the calling thread, each chunk is checked
// on a worker thread, and the results come back on the calling thread in
// input order. A fixed number of chunks is in flight, so memory stays
// constant, and each chunk's buffers are reused for the next one.
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace caseload {

// How many threads a bulk check uses: the cores this process may run on
// (taskset), at most `most`, or CASELOAD_THREADS (a testing aid: 1 forces
// the single-threaded way). Under a limit of address space (ulimit -v) too
// small for what each thread reserves (its stack, its malloc arena: some
// 72 MiB), one.
unsigned bulk_check_threads(unsigned most);

template <class Chunk>
class BulkCheck {
  public:
    // Checks one chunk on worker `worker` (0 to threads() - 1, so that a
    // caller can keep per-worker state). An exception is kept and thrown
    // from run() when the chunk's turn comes.
    using CheckFn = std::function<void(Chunk& chunk, unsigned worker)>;
    // Reads the next chunk into `chunk` (its buffers kept from an earlier
    // one); false at the end of the input.
    using FillFn = std::function<bool(Chunk& chunk)>;
    // Takes a checked chunk's results, in input order, on the calling thread.
    using DoneFn = std::function<void(Chunk& chunk)>;

    // Starts `threads` workers, or as many as the system allows (maybe none).
    BulkCheck(unsigned threads, CheckFn check) : check_(std::move(check)) {
        try {
            for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
        } catch (const std::system_error&) {
            // Fewer threads than asked (resource limits): the ones there are, or none.
        }
        slots_ = std::vector<Slot>(2 * workers_.size() + 2);
    }
    ~BulkCheck() {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        work_ready_.notify_all();
        for (auto& t : workers_) t.join();
    }
    BulkCheck(const BulkCheck&) = delete;
    BulkCheck& operator=(const BulkCheck&) = delete;

    unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

    // Checks the whole input. Without a worker, on the calling thread.
    void run(const FillFn& fill, const DoneFn& done) {
        if (workers_.empty()) {
            Chunk& chunk = slots_[0].chunk;
            while (fill(chunk)) {
                check_(chunk, 0);
                done(chunk);
            }
            return;
        }
        const std::size_t count = slots_.size();
        std::size_t taken_back = 0;
        bool input_left = true;
        for (;;) {
            while (input_left && submitted_ - taken_back < count) {
                Slot& slot = slots_[submitted_ % count];
                if (!fill(slot.chunk)) {
                    input_left = false;
                    break;
                }
                slot.done = false;
                slot.error = nullptr;
                {
                    std::lock_guard lock(mutex_);
                    ++submitted_;
                }
                work_ready_.notify_one();
            }
            if (taken_back == submitted_) break;
            Slot& slot = slots_[taken_back % count];
            {
                std::unique_lock lock(mutex_);
                chunk_done_.wait(lock, [&] { return slot.done; });
            }
            if (slot.error) std::rethrow_exception(slot.error);
            done(slot.chunk);
            ++taken_back;
        }
    }

  private:
    // A chunk and its state. A cache line or two of its own: workers write
    // their chunks' buffers all the time.
    struct alignas(128) Slot {
        Chunk chunk;
        bool done = false;
        std::exception_ptr error;
    };

    void work(unsigned worker) {
        for (;;) {
            std::size_t seq;
            {
                std::unique_lock lock(mutex_);
                work_ready_.wait(lock, [&] { return closing_ || started_ < submitted_; });
                if (closing_) return;
                seq = started_++;
            }
            Slot& slot = slots_[seq % slots_.size()];
            try {
                check_(slot.chunk, worker);
            } catch (...) {
                slot.error = std::current_exception();
            }
            {
                std::lock_guard lock(mutex_);
                slot.done = true;
            }
            chunk_done_.notify_one();  // only the calling thread waits
        }
    }

    CheckFn check_;
    std::vector<Slot> slots_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable work_ready_, chunk_done_;
    std::size_t submitted_ = 0;  // chunks given to the workers, in order
    std::size_t started_ = 0;    // chunks a worker has started
    bool closing_ = false;
};

}  // namespace caseload
