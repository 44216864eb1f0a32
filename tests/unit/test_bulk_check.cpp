// The parallel bulk check (caseload/bulk_check.hpp), used by id check - and su import.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "caseload/bulk_check.hpp"

using caseload::BulkCheck;

namespace {

struct Numbers {
    std::vector<int> in;
    long sum = 0;
    unsigned worker = 0;
};

// Chunks of `size` numbers counting up from 0, `chunks` of them.
auto counting(int chunks, int size) {
    return [chunks, size, next = 0](Numbers& n) mutable {
        if (next / size >= chunks) return false;
        n.in.clear();
        for (int i = 0; i < size; ++i) n.in.push_back(next++);
        return true;
    };
}

}  // namespace

TEST_CASE("bulk check: results come back in input order, whatever the threads") {
    for (unsigned threads : {0u, 1u, 3u, 8u}) {
        CAPTURE(threads);
        std::vector<unsigned> seen_workers(threads ? threads : 1, 0);
        BulkCheck<Numbers> pool(threads, [&](Numbers& n, unsigned worker) {
            n.sum = 0;
            for (int v : n.in) n.sum += v;
            n.worker = worker;
        });
        std::vector<long> sums;
        pool.run(counting(500, 7), [&](Numbers& n) {
            REQUIRE(n.worker < seen_workers.size());
            sums.push_back(n.sum);
        });
        REQUIRE(sums.size() == 500);
        for (int c = 0; c < 500; ++c) CHECK(sums[c] == 7L * (7 * c) + 21);
    }
}

TEST_CASE("bulk check: a check that throws stops the run at that chunk's turn") {
    BulkCheck<Numbers> pool(3, [](Numbers& n, unsigned) {
        if (n.in.front() == 70) throw std::runtime_error("chunk 10");
        n.sum = n.in.front();
    });
    std::vector<long> done;
    CHECK_THROWS_WITH(pool.run(counting(100, 7), [&](Numbers& n) { done.push_back(n.sum); }),
                      "chunk 10");
    REQUIRE(done.size() == 10);  // every chunk before it, in order
    for (int c = 0; c < 10; ++c) CHECK(done[c] == 7 * c);
}

TEST_CASE("bulk check: CASELOAD_THREADS sets the threads; `most` bounds the cores") {
    ::setenv("CASELOAD_THREADS", "3", 1);
    CHECK(caseload::bulk_check_threads(8) == 3);
    ::unsetenv("CASELOAD_THREADS");
    CHECK(caseload::bulk_check_threads(1) == 1);
    CHECK(caseload::bulk_check_threads(8) >= 1);
    CHECK(caseload::bulk_check_threads(8) <= 8);
}
