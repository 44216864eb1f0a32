#include "caseload/disclosure.hpp"

#include <algorithm>
#include <map>

#include "caseload/error.hpp"
#include "caseload/register.hpp"
#include "caseload/store/reports.hpp"

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

long long secret_rank(const DisclosureKey& key, Key id, long long offset) {
    constexpr unsigned long long kPrime = 2147483647;  // 2^31 - 1
    const unsigned long long i = static_cast<unsigned long long>(id) % kPrime;
    return static_cast<long long>((i * static_cast<unsigned long long>(key.multiplier) +
                                   static_cast<unsigned long long>(offset)) %
                                  kPrime);
}

std::vector<Key> choose_left_out(const DisclosureKey& key,
                                 const std::vector<std::pair<Key, Key>>& person_services) {
    std::map<Key, std::pair<long long, Key>> first;  // service -> (rank, person)
    for (const auto& [person, service] : person_services) {
        const long long rank = secret_rank(key, person, key.person_offset);
        auto [it, added] = first.try_emplace(service, rank, person);
        if (!added && std::pair(rank, person) < it->second) it->second = {rank, person};
    }
    std::vector<Key> out;
    for (const auto& [service, chosen] : first)
        if (secret_rank(key, service, key.service_offset) % 2 == 1) out.push_back(chosen.second);
    return out;
}

namespace {

constexpr long long kSecretPrime = 2147483647;  // 2^31 - 1, as secret_rank

// The secret as migration 7 draws it: integers below the prime, the
// multiplier not 0. Anything else was changed by hand.
bool well_formed(const store::DisclosureKeyRow& row) {
    auto below_prime = [](long long v) { return v >= 0 && v < kSecretPrime; };
    return row.whole && row.multiplier != 0 && below_prime(row.multiplier) &&
           below_prime(row.person_offset) && below_prime(row.service_offset);
}

}  // namespace

std::vector<Key> people_left_out(Register& reg) {
    const auto row = store::read_disclosure_key(reg.db());
    if (!row)  // made by migration 7; gone only if removed by hand
        throw Error(Exit::invalid,
                    "the register has lost the secret that protected reports need "
                    "(the disclosure_key table is empty)",
                    "restore the register from a backup; without the secret, reports under "
                    "--suppress-below would change");
    if (!well_formed(*row))
        throw Error(Exit::invalid,
                    "the secret that protected reports need is damaged (the disclosure_key "
                    "table does not hold three integers below 2147483647, the first not 0)",
                    "restore the register from a backup; with another secret, reports under "
                    "--suppress-below would change");
    const DisclosureKey key{row->multiplier, row->person_offset, row->service_offset};
    // The services whose bit is set, then their first person: as
    // choose_left_out, without reading every person.
    std::vector<Key> services;
    for (const auto& s : reg.directory().services)
        if (secret_rank(key, s.key, key.service_offset) % 2 == 1) services.push_back(s.key);
    std::sort(services.begin(), services.end());
    return store::first_ranked_people(reg.db(), key, services);
}

}  // namespace caseload
