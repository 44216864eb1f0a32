// The SQLite store's report counts (caseload/store/reports.hpp): the
// population as SQL conditions, and the counts streamed through SQLite's C
// API (a million rows without a wrapper object per column).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>

#include "caseload/disclosure.hpp"
#include "caseload/store/reports.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

// The lower age of each band after the first (see age_band_for_age).
constexpr int kBandStarts[] = {18, 25, 35, 45, 55, 65, 75};

std::string key_list(const std::vector<Key>& keys) {
    std::vector<std::string> parts;
    for (Key k : keys) parts.push_back(std::to_string(k));
    return join(parts, ",");
}

std::string date_text(int year, int month, int day) {
    // Not necessarily a real date (29 February of a common year): only
    // compared as text with ISO dates, which orders by (year, month, day).
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

// The SQL text of the period label of an ISO date column.
std::string period_sql(Dimension unit, const std::string& column) {
    if (unit == Dimension::month) return fmt::format("substr({}, 1, 7)", column);
    if (unit == Dimension::year) return fmt::format("substr({}, 1, 4)", column);
    return fmt::format(
        "(substr({0}, 1, 4) || '-Q' || ((CAST(substr({0}, 6, 2) AS INTEGER) + 2) / 3))", column);
}

std::string period_column(PeriodDate of) {
    return of == PeriodDate::left ? "su.left_on" : "su.started_on";
}

std::string dimension_sql(Dimension d, const Date& today, PeriodDate of) {
    switch (d) {
        case Dimension::month:
        case Dimension::quarter:
        case Dimension::year:
            return period_sql(d, period_column(of));
        case Dimension::service:
            return "su.service_id";
        case Dimension::keyworker:
            return "su.keyworker_id";
        case Dimension::age_band:
            return age_band_sql(today);
        case Dimension::gender:
            return "su.gender";
        case Dimension::ethnicity:
            return "su.ethnicity";
        case Dimension::need:
            return "x.need_id";
        case Dimension::status:
            return "su.status";
    }
    return "NULL";
}

// The dates of a population as SQL conditions (ISO dates compare as text).
void add_period_sql(const ReportPeriod& period, std::vector<std::string>& where) {
    const std::string to = period.to.iso();
    const std::optional<std::string> from =
        period.from ? std::optional<std::string>(period.from->iso()) : std::nullopt;
    switch (period.filter) {
        case DateFilter::none:
            return;
        case DateFilter::active_during:
        case DateFilter::flow:
            where.push_back(fmt::format("su.started_on <= '{}'", to));
            if (from)
                where.push_back(fmt::format("(su.left_on IS NULL OR su.left_on >= '{}')", *from));
            return;
        case DateFilter::started_in:
        case DateFilter::left_in: {
            const std::string column =
                period.filter == DateFilter::left_in ? "su.left_on" : "su.started_on";
            where.push_back(fmt::format("{} <= '{}'", column, to));
            if (from) where.push_back(fmt::format("{} >= '{}'", column, *from));
            return;
        }
    }
}

// What a query does with the population's left-out people: ignores them
// (counts everyone, for a count that then takes theirs away), or counts only
// them (what is taken away). Counting everyone and taking a handful away
// costs far less than `NOT IN` on every row, which also keeps SQLite off the
// covering indexes.
enum class LeftOut { ignored, only };

std::string where_sql(const ReportPopulation& p, LeftOut left_out) {
    std::vector<std::string> where;
    // A period counts people by their dates, whatever their status now.
    if (p.period.filter == DateFilter::none && !p.include_left)
        where.emplace_back("su.status = 'active'");
    add_period_sql(p.period, where);
    if (p.service) where.push_back(fmt::format("su.service_id = {}", *p.service));
    if (p.keyworker) where.push_back(fmt::format("su.keyworker_id = {}", *p.keyworker));
    if (!p.need_keys.empty())
        where.push_back(fmt::format("su.id IN (SELECT su_id FROM su_need WHERE need_id IN ({}))",
                                    key_list(p.need_keys)));
    if (!p.star_services.empty())
        where.push_back(fmt::format("su.service_id IN ({})", key_list(p.star_services)));
    if (left_out == LeftOut::only)
        where.push_back(fmt::format("su.id IN ({})", key_list(p.left_out)));
    if (!p.whole_organisation) {
        // As may_see (rules.cpp): the services they manage, and their own
        // caseload in the services where they work.
        std::vector<std::string> any;
        if (!p.managed_services.empty())
            any.push_back(fmt::format("su.service_id IN ({})", key_list(p.managed_services)));
        if (!p.worker_services.empty())
            any.push_back(fmt::format("(su.keyworker_id = {} AND su.service_id IN ({}))",
                                      p.keyworker_self, key_list(p.worker_services)));
        where.push_back(any.empty() ? "0" : "(" + join(any, " OR ") + ")");
    }
    return where.empty() ? "" : " WHERE " + join(where, " AND ");
}

// A prepared statement on the raw handle: stepping a million rows through
// SQLite's C API directly, without a wrapper object per column.
class RawStatement {
  public:
    RawStatement(sqlite3* db, const std::string& sql) : db_(db) {
        int rc =
            sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
        if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
    }
    ~RawStatement() { sqlite3_finalize(stmt_); }
    RawStatement(const RawStatement&) = delete;
    RawStatement& operator=(const RawStatement&) = delete;
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw SQLite::Exception(db_, rc);
    }
    sqlite3_stmt* get() const { return stmt_; }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Counts rows by the values of the first columns of a statement: keys
// (service, keyworker, need) as they are; texts interned to small numbers.
class Grouping {
  public:
    static constexpr sqlite3_int64 kNull = -1;

    explicit Grouping(const std::vector<Dimension>& by)
        : by_(by), texts_(by.size()), ids_(by.size()) {}

    void add(sqlite3_stmt* row, long long count) {
        Values key{kNull, kNull};
        for (std::size_t i = 0; i < by_.size(); ++i) key[i] = value(row, i);
        if (last_ && last_key_ == key) {
            *last_ += count;
            return;
        }
        last_key_ = key;
        last_ = &counts_[key];
        *last_ += count;
    }

    // The counts with codes for values; NULL is 'unknown' for the age band,
    // else 'not-recorded'. A need keeps its Star: two Stars' needs with one
    // code stay apart.
    std::vector<SegmentCount> segments(const Directory& dir) const {
        std::unordered_map<Key, std::string> services, staff, needs;
        std::unordered_map<Key, Key> star_of_need;
        for (const auto& s : dir.services) services.emplace(s.key, s.code);
        for (const auto& m : dir.staff) staff.emplace(m.key, m.username);
        for (const auto& star : dir.stars)
            for (std::size_t i = 0; i < star.need_keys.size() && i < star.star.needs.size(); ++i) {
                needs.emplace(star.need_keys[i], star.star.needs[i].code);
                star_of_need.emplace(star.need_keys[i], star.key);
            }
        auto name_of = [](const std::unordered_map<Key, std::string>& names, Key key) {
            auto it = names.find(key);
            return it == names.end() ? fmt::format("#{}", key) : it->second;
        };
        std::map<std::pair<std::vector<std::string>, Key>, long long> merged;
        for (const auto& [key, count] : counts_) {
            if (count == 0) continue;  // only left-out people, taken away
            std::vector<std::string> values;
            Key star = 0;
            for (std::size_t i = 0; i < by_.size(); ++i) {
                if (key[i] == kNull) {
                    values.emplace_back(by_[i] == Dimension::age_band ? "unknown" : kNotRecorded);
                    continue;
                }
                switch (by_[i]) {
                    case Dimension::service:
                        values.push_back(name_of(services, key[i]));
                        break;
                    case Dimension::keyworker:
                        values.push_back(name_of(staff, key[i]));
                        break;
                    case Dimension::need:
                        values.push_back(name_of(needs, key[i]));
                        if (auto it = star_of_need.find(key[i]); it != star_of_need.end())
                            star = it->second;
                        break;
                    default:
                        values.push_back(texts_[i][static_cast<std::size_t>(key[i])]);
                        break;
                }
            }
            merged[{std::move(values), star}] += count;
        }
        std::vector<SegmentCount> out;
        for (auto& [key, count] : merged) out.push_back({key.first, count, key.second});
        return out;
    }

  private:
    using Values = std::array<sqlite3_int64, kMaxReportDimensions>;
    struct Hash {
        std::size_t operator()(const Values& v) const {
            return std::hash<std::uint64_t>()(static_cast<std::uint64_t>(v[0]) * 1000003u +
                                              static_cast<std::uint64_t>(v[1]));
        }
    };

    sqlite3_int64 value(sqlite3_stmt* row, std::size_t i) {
        const int column = static_cast<int>(i);
        if (sqlite3_column_type(row, column) == SQLITE_NULL) return kNull;
        switch (by_[i]) {
            case Dimension::service:
            case Dimension::keyworker:
            case Dimension::need:
                return sqlite3_column_int64(row, column);
            default:
                break;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, column));
        buffer_.assign(text ? text : "",
                       static_cast<std::size_t>(sqlite3_column_bytes(row, column)));
        auto [it, inserted] = ids_[i].try_emplace(buffer_, texts_[i].size());
        if (inserted) texts_[i].push_back(buffer_);
        return static_cast<sqlite3_int64>(it->second);
    }

    std::vector<Dimension> by_;
    std::vector<std::vector<std::string>> texts_;                    // per column: id -> text
    std::vector<std::unordered_map<std::string, std::size_t>> ids_;  // per column: text -> id
    std::string buffer_;
    std::unordered_map<Values, long long, Hash> counts_;
    Values last_key_{kNull, kNull};
    long long* last_ = nullptr;
};

}  // namespace

std::string age_band_sql(const Date& today) {
    // age >= A  <=>  date_of_birth <= (today.year - A, today.month, today.day),
    // compared as ISO text: the same as age_on() without a per-row function.
    std::string sql = "(CASE WHEN su.date_of_birth IS NULL THEN coalesce(su.age_band, 'unknown')";
    for (int start : kBandStarts)
        sql += fmt::format(" WHEN su.date_of_birth > '{}' THEN '{}'",
                           date_text(today.year - start, today.month, today.day),
                           age_band_for_age(start - 1));
    sql +=
        fmt::format(" ELSE '{}' END)", age_band_for_age(kBandStarts[std::size(kBandStarts) - 1]));
    return sql;
}

namespace {

// The value of column 0 of a row as a report shows it (see Grouping::segments).
std::string value_name(const Directory& dir, Dimension d, sqlite3_stmt* row) {
    if (sqlite3_column_type(row, 0) == SQLITE_NULL)
        return std::string(d == Dimension::age_band ? "unknown" : kNotRecorded);
    const Key key = sqlite3_column_int64(row, 0);
    if (d == Dimension::service)
        if (const Service* s = dir.service_by_key(key)) return s->code;
    if (d == Dimension::keyworker)
        if (const StaffMember* m = dir.staff_by_key(key)) return m->username;
    if (d == Dimension::need)
        for (const auto& star : dir.stars)
            for (std::size_t i = 0; i < star.need_keys.size() && i < star.star.needs.size(); ++i)
                if (star.need_keys[i] == key) return star.star.needs[i].code;
    if (d == Dimension::service || d == Dimension::keyworker || d == Dimension::need)
        return fmt::format("#{}", key);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
    return text ? text : "";
}

// The Star of a need (0 when the key is not a need of a Star).
Key star_of_need(const Directory& dir, Key need) {
    for (const auto& star : dir.stars)
        if (std::find(star.need_keys.begin(), star.need_keys.end(), need) != star.need_keys.end())
            return star.key;
    return 0;
}

}  // namespace

namespace store {

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
    db_.sql().exec("BEGIN");
}

ReadSnapshot::~ReadSnapshot() {
    try {
        db_.sql().exec("COMMIT");
    } catch (...) {
    }
}

std::vector<Key> services_with_people(Database& db, const ReportPopulation& population) {
    std::map<Key, long long> people;
    auto count = [&](LeftOut left_out, long long sign) {
        RawStatement q(db.sql().getHandle(), "SELECT su.service_id, count(*) FROM service_user su" +
                                                 where_sql(population, left_out) + " GROUP BY 1");
        while (q.step())
            people[sqlite3_column_int64(q.get(), 0)] += sign * sqlite3_column_int64(q.get(), 1);
    };
    count(LeftOut::ignored, 1);
    if (!population.left_out.empty()) count(LeftOut::only, -1);
    std::vector<Key> services;
    for (const auto& [service, n] : people)
        if (n > 0) services.push_back(service);
    return services;
}

namespace {

long long count_rows(Database& db, const ReportPopulation& population, LeftOut left_out) {
    SQLite::Statement q(db.sql(),
                        "SELECT count(*) FROM service_user su" + where_sql(population, left_out));
    q.executeStep();
    return q.getColumn(0).getInt64();
}

// The people of a population (by `where`) counted by `columns` into `groups`
// and `tally`, each row weighing `sign`: -1 takes the left-out people away.
// `people_by_service` is filled when counting by need.
void add_population(sqlite3* db, const std::vector<Dimension>& by,
                    const std::vector<std::string>& columns, const std::string& where,
                    bool by_dates, long long sign, Grouping& groups, Tally& tally,
                    std::unordered_map<Key, long long>& people_by_service) {
    const bool with_need = std::find(by.begin(), by.end(), Dimension::need) != by.end();
    if (by.size() == 1 && (by[0] == Dimension::service || by[0] == Dimension::keyworker) &&
        !by_dates) {
        // One key with an index (service_id, status, uid) or (keyworker_id,
        // status, uid): SQLite groups along the covering index, without
        // sorting. Not with a period: its dates are not in the index, and a
        // lookup of every row costs more than the hashed scan below.
        RawStatement q(
            db, "SELECT " + columns[0] + ", count(*) FROM service_user su" + where + " GROUP BY 1");
        while (q.step()) {
            long long count = sign * sqlite3_column_int64(q.get(), 1);
            groups.add(q.get(), count);
            tally.people += count;
        }
    } else if (!with_need) {
        // Anything else would make SQLite sort every row for its GROUP BY;
        // counting the few distinct values in a hash table as the rows
        // stream by is several times faster.
        RawStatement q(db, "SELECT " + join(columns, ", ") + " FROM service_user su" + where);
        while (q.step()) {
            groups.add(q.get(), sign);
            tally.people += sign;
        }
    } else {
        // By need: one row per need of each person (a person with no need:
        // one row with NULL); the rows of a person are adjacent by id. The
        // people of each service are counted on the way, for the people on
        // each Star (the denominators of needs of several Stars).
        RawStatement q(db, "SELECT " + join(columns, ", ") +
                               ", su.id, su.service_id FROM service_user su LEFT JOIN "
                               "su_need x ON x.su_id = su.id" +
                               where + " ORDER BY su.id");
        const int id_column = static_cast<int>(by.size());
        sqlite3_int64 last = 0;
        bool any = false;
        while (q.step()) {
            groups.add(q.get(), sign);
            sqlite3_int64 id = sqlite3_column_int64(q.get(), id_column);
            if (!any || id != last) {
                tally.people += sign;
                people_by_service[sqlite3_column_int64(q.get(), id_column + 1)] += sign;
            }
            last = id;
            any = true;
        }
    }
}

}  // namespace

long long count_people(Database& db, const ReportPopulation& population) {
    long long people = count_rows(db, population, LeftOut::ignored);
    if (!population.left_out.empty()) people -= count_rows(db, population, LeftOut::only);
    return people;
}

Tally count_population(Database& database, const Directory& dir, const std::vector<Dimension>& by,
                       const ReportPopulation& population, const Date& today) {
    sqlite3* db = database.sql().getHandle();
    Tally tally;
    std::vector<std::string> columns;
    for (Dimension d : by) columns.push_back(dimension_sql(d, today, population.period_of));
    Grouping groups(by);
    std::unordered_map<Key, long long> people_by_service;
    const bool by_dates = population.period.filter != DateFilter::none;
    add_population(db, by, columns, where_sql(population, LeftOut::ignored), by_dates, 1, groups,
                   tally, people_by_service);
    if (!population.left_out.empty())
        add_population(db, by, columns, where_sql(population, LeftOut::only), by_dates, -1, groups,
                       tally, people_by_service);
    for (const auto& [service, people] : people_by_service)
        if (const Service* s = dir.service_by_key(service))
            if (people != 0) tally.people_by_star[s->star_key] += people;
    tally.segments = groups.segments(dir);
    return tally;
}

std::optional<std::string> first_started_on(Database& db, const ReportPopulation& population) {
    if (population.left_out.empty()) {
        SQLite::Statement q(db.sql(), "SELECT min(su.started_on) FROM service_user su" +
                                          where_sql(population, LeftOut::ignored));
        if (q.executeStep() && !q.getColumn(0).isNull()) return q.getColumn(0).getString();
        return std::nullopt;
    }
    // The first n + 1 starts of everyone hold the first start of all but the
    // n left-out people (see LeftOut): a pass with a small heap, not NOT IN.
    const std::string where = where_sql(population, LeftOut::ignored);
    SQLite::Statement q(db.sql(), fmt::format("SELECT su.id, su.started_on FROM service_user su{}"
                                              "{} su.started_on IS NOT NULL ORDER BY "
                                              "su.started_on LIMIT {}",
                                              where, where.empty() ? " WHERE" : " AND",
                                              population.left_out.size() + 1));
    const auto& left_out = population.left_out;
    while (q.executeStep())
        if (std::find(left_out.begin(), left_out.end(), q.getColumn(0).getInt64()) ==
            left_out.end())
            return q.getColumn(1).getString();
    return std::nullopt;
}

namespace {

// count_by_dates over the rows of `where`.
std::vector<FlowCount> dated_counts(sqlite3* db, const Directory& dir,
                                    std::optional<Dimension> other, const std::string& where,
                                    const Date& today) {
    std::vector<FlowCount> counts;
    if (other) {
        // The other dimension's values by name: count it as a report does,
        // once per pair of dates.
        const std::string column = dimension_sql(*other, today, PeriodDate::started);
        const bool with_need = *other == Dimension::need;
        RawStatement q(db,
                       "SELECT " + column +
                           ", su.started_on, coalesce(su.left_on, ''), count(*) FROM service_user "
                           "su" +
                           (with_need ? " LEFT JOIN su_need x ON x.su_id = su.id" : "") + where +
                           " GROUP BY 1, 2, 3");
        while (q.step()) {
            auto text = [&](int c) {
                const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), c));
                return std::string(t ? t : "");
            };
            const Key star = with_need && sqlite3_column_type(q.get(), 0) != SQLITE_NULL
                                 ? star_of_need(dir, sqlite3_column_int64(q.get(), 0))
                                 : 0;
            counts.push_back({value_name(dir, *other, q.get()), text(1), text(2),
                              sqlite3_column_int64(q.get(), 3), star});
        }
        return counts;
    }
    RawStatement q(db,
                   "SELECT su.started_on, coalesce(su.left_on, ''), count(*) FROM "
                   "service_user su" +
                       where + " GROUP BY 1, 2");
    while (q.step()) {
        const auto* a = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
        const auto* b = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 1));
        counts.push_back({"", a ? a : "", b ? b : "", sqlite3_column_int64(q.get(), 2)});
    }
    return counts;
}

}  // namespace

std::vector<FlowCount> count_by_dates(Database& database, const Directory& dir,
                                      std::optional<Dimension> other,
                                      const ReportPopulation& population, const Date& today) {
    sqlite3* db = database.sql().getHandle();
    std::vector<FlowCount> counts =
        dated_counts(db, dir, other, where_sql(population, LeftOut::ignored), today);
    if (population.left_out.empty()) return counts;
    // Take the left-out people's rows away (see LeftOut).
    using Dates = std::tuple<std::string, std::string, std::string, Key>;
    std::map<Dates, long long> taken;
    for (const FlowCount& c :
         dated_counts(db, dir, other, where_sql(population, LeftOut::only), today))
        taken[{c.value, c.started_on, c.left_on, c.star}] += c.count;
    for (FlowCount& c : counts)
        if (auto it = taken.find({c.value, c.started_on, c.left_on, c.star}); it != taken.end())
            c.count -= it->second;
    std::erase_if(counts, [](const FlowCount& c) { return c.count == 0; });
    return counts;
}

std::optional<DisclosureKeyRow> read_disclosure_key(Database& db) {
    try {
        SQLite::Statement k(
            db.sql(),
            "SELECT multiplier, person_offset, service_offset, "
            "typeof(multiplier) = 'integer' AND typeof(person_offset) = 'integer' "
            "AND typeof(service_offset) = 'integer' FROM disclosure_key WHERE id = 1");
        if (!k.executeStep()) return std::nullopt;
        return DisclosureKeyRow{k.getColumn(0).getInt64(), k.getColumn(1).getInt64(),
                                k.getColumn(2).getInt64(), k.getColumn(3).getInt() == 1};
    } catch (const SQLite::Exception& e) {
        // The table was dropped or made again with other columns (a busy
        // or broken database is another matter).
        if (e.getErrorCode() != SQLITE_ERROR) throw;
        return DisclosureKeyRow{1, 0, 0, false};
    }
}

Key last_person_key(Database& db) {
    SQLite::Statement q(db.sql(), "SELECT coalesce(max(id), 0) FROM service_user");
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::unordered_map<Key, Key> services_of_people(Database& database,
                                                const std::vector<Key>& people) {
    std::unordered_map<Key, Key> services;
    if (people.empty()) return services;
    RawStatement q(
        database.sql().getHandle(),
        "SELECT id, service_id FROM service_user WHERE id IN (" + key_list(people) + ")");
    while (q.step())
        services.emplace(sqlite3_column_int64(q.get(), 0), sqlite3_column_int64(q.get(), 1));
    return services;
}

std::vector<Key> people_of_service(Database& database, Key service) {
    RawStatement q(database.sql().getHandle(),
                   fmt::format("SELECT id FROM service_user WHERE service_id = {}", service));
    std::vector<Key> people;
    while (q.step()) people.push_back(sqlite3_column_int64(q.get(), 0));
    return people;
}

}  // namespace store

}  // namespace caseload
