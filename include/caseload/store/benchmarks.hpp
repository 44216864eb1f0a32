#pragma once
// The store's benchmark files (other organisations' reports, for
// 'report --compare benchmark'). See caseload/store.hpp.
#include <optional>
#include <string>
#include <vector>

#include "caseload/benchmark.hpp"
#include "caseload/database.hpp"

namespace caseload::store {

// The id of the stored file of this organisation for this Star, if any.
std::optional<Key> find_benchmark_id(Database& db, const std::string& organisation,
                                     const std::string& star);
// Stores b (its id is ignored) added by `added_by`; returns the new id.
Key insert_benchmark(Database& db, const StoredBenchmark& b, Key added_by);
// The stored files, of one Star or all, by Star then organisation.
std::vector<StoredBenchmark> list_benchmarks(Database& db, const std::optional<std::string>& star);
std::optional<StoredBenchmark> find_benchmark(Database& db, Key id);
void delete_benchmark(Database& db, Key id);

}  // namespace caseload::store
