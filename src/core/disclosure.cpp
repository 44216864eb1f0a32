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

namespace {
// The prime of every secret rank: 2^31 - 1.
constexpr unsigned long long kSecretPrime = 2147483647;
}  // namespace

long long secret_rank(const DisclosureKey& key, Key id, long long offset) {
    const unsigned long long i = static_cast<unsigned long long>(id) % kSecretPrime;
    return static_cast<long long>((i * static_cast<unsigned long long>(key.multiplier) +
                                   static_cast<unsigned long long>(offset)) %
                                  kSecretPrime);
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

// The secret as migration 7 draws it: integers below the prime, the
// multiplier not 0. Anything else was changed by hand.
bool well_formed(const store::DisclosureKeyRow& row) {
    auto below_prime = [](long long v) {
        return v >= 0 && static_cast<unsigned long long>(v) < kSecretPrime;
    };
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
    return first_ranked_people(reg.db(), key, services);
}

namespace {

unsigned long long power_mod(unsigned long long base, unsigned long long exponent) {
    unsigned long long result = 1;
    base %= kSecretPrime;
    for (; exponent; exponent >>= 1) {
        if (exponent & 1) result = result * base % kSecretPrime;
        base = base * base % kSecretPrime;
    }
    return result;
}

// The ranks walked at most: enough to meet every service of a few thousand
// people in a register of millions; fewer in a small register, where reading
// a service's people costs little.
constexpr unsigned long long kMaxRanksWalked = 1ULL << 23;
constexpr unsigned long long kRanksPerKey = 8;
// Keys whose services are asked for in one query.
constexpr std::size_t kLookupBatch = 256;

}  // namespace

std::vector<Key> first_ranked_people(Database& db, const DisclosureKey& key,
                                     const std::vector<Key>& services,
                                     unsigned long long ranks_walked) {
    // Chosen person and rank of each service; rank kSecretPrime: not met yet.
    std::map<Key, std::pair<unsigned long long, Key>> first;
    for (Key service : services) first.emplace(service, std::pair(kSecretPrime, Key{0}));
    const Key last_key = store::last_person_key(db);
    std::size_t unmet = first.size();
    if (last_key > 0 && static_cast<unsigned long long>(last_key) < kSecretPrime) {
        // Rank r is the rank of key (r - offset) / multiplier (mod p): walk
        // the ranks upwards, and the first key met of a service is its
        // person. A service of s people turns up after about p / s ranks,
        // and only ranks whose key exists cost a lookup.
        const unsigned long long inverse =
            power_mod(static_cast<unsigned long long>(key.multiplier), kSecretPrime - 2);
        const unsigned long long offset =
            static_cast<unsigned long long>(key.person_offset) % kSecretPrime;
        const unsigned long long budget =
            ranks_walked ? ranks_walked
                         : std::min(kMaxRanksWalked,
                                    kRanksPerKey * static_cast<unsigned long long>(last_key));
        std::vector<Key> batch;
        std::vector<unsigned long long> batch_ranks;
        auto look_up = [&] {
            const auto found = store::services_of_people(db, batch);  // (person, service)
            for (std::size_t i = 0; i < batch.size(); ++i) {
                auto it = found.find(batch[i]);
                if (it == found.end()) continue;
                auto chosen = first.find(it->second);
                if (chosen == first.end() || chosen->second.first != kSecretPrime) continue;
                chosen->second = {batch_ranks[i], batch[i]};
                --unmet;
            }
            batch.clear();
            batch_ranks.clear();
        };
        for (unsigned long long rank = 0; rank < budget && unmet > 0; ++rank) {
            const unsigned long long person =
                (rank + kSecretPrime - offset) % kSecretPrime * inverse % kSecretPrime;
            if (person == 0 || person > static_cast<unsigned long long>(last_key)) continue;
            batch.push_back(static_cast<Key>(person));
            batch_ranks.push_back(rank);
            if (batch.size() == kLookupBatch) look_up();
        }
        if (!batch.empty()) look_up();
    }
    // The services not met: few people each (or keys past the prime); read them.
    for (auto& [service, chosen] : first) {
        if (chosen.first != kSecretPrime) continue;
        for (Key person : store::people_of_service(db, service)) {
            const std::pair candidate(
                static_cast<unsigned long long>(secret_rank(key, person, key.person_offset)),
                person);
            if (candidate < chosen) chosen = candidate;
        }
    }
    std::vector<Key> people;
    for (Key service : services)
        if (const auto& chosen = first.at(service); chosen.first != kSecretPrime)
            people.push_back(chosen.second);
    return people;
}

}  // namespace caseload
