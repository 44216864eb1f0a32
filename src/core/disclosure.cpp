#include "caseload/disclosure.hpp"

namespace caseload {

long long effective_threshold(long long requested) {
    if (requested <= kMinimumThreshold) return kMinimumThreshold;
    long long remainder = (requested - 3) % 5;
    return remainder == 0 ? requested : requested + (5 - remainder);
}

long long round_to_five(long long count) {
    return (count + 2) / 5 * 5;
}

std::optional<long long> protect_count(long long count, long long threshold) {
    if (threshold <= 0) return count;
    if (count < threshold) return std::nullopt;
    return round_to_five(count);
}

std::optional<long long> protected_percent_tenths(long long count, long long base,
                                                  long long threshold) {
    auto shown_count = protect_count(count, threshold);
    auto shown_base = protect_count(base, threshold);
    if (!shown_count || !shown_base) return std::nullopt;
    if (*shown_base <= 0) return 0;
    // round(count * 1000 / base), half up, exact (as percent_tenths).
    return (*shown_count * 2000 + *shown_base) / (2 * *shown_base);
}

}  // namespace caseload
