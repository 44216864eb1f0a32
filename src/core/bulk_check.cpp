// The threads of a bulk check (caseload/bulk_check.hpp).
#include "caseload/bulk_check.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>

namespace caseload {

unsigned bulk_check_threads(unsigned most) {
    unsigned cores = std::thread::hardware_concurrency();
    cpu_set_t allowed;  // the cores this process may run on (taskset), when known
    if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        cores = static_cast<unsigned>(CPU_COUNT(&allowed));
    unsigned threads = std::clamp(cores, 1u, std::max(most, 1u));
    if (const char* env = std::getenv("CASELOAD_THREADS"); env && *env)
        threads = static_cast<unsigned>(std::clamp(std::strtol(env, nullptr, 10), 1L, 64L));
    rlimit limit{};
    if (threads > 1 && ::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur / (std::size_t{128} << 20) < threads + 1)
        threads = 1;
    return threads;
}

}  // namespace caseload
