#pragma once
// The store's counts for reports: one population (ReportPopulation, resolved
// by the domain) counted by up to two dimensions. See caseload/store.hpp.
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "caseload/database.hpp"
#include "caseload/disclosure.hpp"
#include "caseload/report.hpp"

namespace caseload::store {

// A read transaction: every count of a report sees one snapshot.
class ReadSnapshot {
  public:
    explicit ReadSnapshot(Database& db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  private:
    Database& db_;
};

// The secret of protected reports (migration 7), if the register still has
// it. `whole` is false when the row is there but damaged: a column gone, or
// a value that is not an integer.
struct DisclosureKeyRow {
    long long multiplier = 1;
    long long person_offset = 0;
    long long service_offset = 0;
    bool whole = true;
};
std::optional<DisclosureKeyRow> read_disclosure_key(Database& db);

// The largest service-user key there is (0 when there is nobody).
Key last_person_key(Database& db);

// The service of each of `people` that exists: person -> service (one query).
std::unordered_map<Key, Key> services_of_people(Database& db, const std::vector<Key>& people);

// Every person of a service, by migration 8's index on service_id.
std::vector<Key> people_of_service(Database& db, Key service);

// The services of the people in a population (one query).
std::vector<Key> services_with_people(Database& db, const ReportPopulation& population);

// The people of a population.
long long count_people(Database& db, const ReportPopulation& population);

// The population counted by `by` (one or two dimensions): people, segments
// (values as codes, from the Directory; a need keeps its Star) and, by need,
// the people on each Star. Domains and Star prefixes are the caller's.
Tally count_population(Database& db, const Directory& dir, const std::vector<Dimension>& by,
                       const ReportPopulation& population, const Date& today);

// The first start date (ISO) in a population, if anyone started.
std::optional<std::string> first_started_on(Database& db, const ReportPopulation& population);

// --flow: people counted by their dates, and by `other`'s value (as a report
// shows it) when given.
std::vector<FlowCount> count_by_dates(Database& db, const Directory& dir,
                                      std::optional<Dimension> other,
                                      const ReportPopulation& population, const Date& today);

}  // namespace caseload::store
