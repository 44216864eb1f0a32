#include "caseload/report.hpp"

#include <fmt/format.h>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>

#include "caseload/error.hpp"
#include "caseload/options.hpp"
#include "caseload/register.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

constexpr std::array kDimensions = {Dimension::service, Dimension::keyworker, Dimension::age_band,
                                    Dimension::gender,  Dimension::ethnicity, Dimension::need,
                                    Dimension::status};

constexpr std::string_view kStatuses[] = {"active", "left"};

// The lower age of each band after the first (see age_band_for_age).
constexpr int kBandStarts[] = {18, 25, 35, 45, 55, 65, 75};

std::string dimension_list() {
    std::vector<std::string> names;
    for (Dimension d : kDimensions) names.emplace_back(dimension_name(d));
    return join(names, ", ");
}

std::string key_list(const std::vector<Key>& keys) {
    std::vector<std::string> parts;
    for (Key k : keys) parts.push_back(std::to_string(k));
    return join(parts, ",");
}

// (group, position, text): listed values first in list order, then values
// not in the list by text, then "not recorded".
std::tuple<int, std::size_t, std::string_view> rank(Dimension d, std::string_view value) {
    if (value == kNotRecorded) return {2, 0, value};
    const OptionList* list = nullptr;
    switch (d) {
        case Dimension::age_band:
            list = &age_band_options();
            break;
        case Dimension::gender:
            list = &gender_options();
            break;
        case Dimension::ethnicity:
            list = &ethnicity_options();
            break;
        case Dimension::status:
            for (std::size_t i = 0; i < std::size(kStatuses); ++i)
                if (kStatuses[i] == value) return {0, i, {}};
            return {1, 0, value};
        case Dimension::service:
        case Dimension::keyworker:
        case Dimension::need:
            return {0, 0, value};
    }
    if (list)
        for (std::size_t i = 0; i < list->values.size(); ++i)
            if (list->values[i].code == value) return {0, i, {}};
    return {1, 0, value};
}

std::string date_text(int year, int month, int day) {
    // Not necessarily a real date (29 February of a common year): only
    // compared as text with ISO dates, which orders by (year, month, day).
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::string dimension_sql(Dimension d, const Date& today) {
    switch (d) {
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

std::string where_sql(const ReportPopulation& p) {
    std::vector<std::string> where;
    if (!p.include_left) where.emplace_back("su.status = 'active'");
    if (p.service) where.push_back(fmt::format("su.service_id = {}", *p.service));
    if (p.keyworker) where.push_back(fmt::format("su.keyworker_id = {}", *p.keyworker));
    if (!p.need_keys.empty())
        where.push_back(fmt::format("su.id IN (SELECT su_id FROM su_need WHERE need_id IN ({}))",
                                    key_list(p.need_keys)));
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

// Ends a read transaction (both counts of a report see one snapshot).
class ReadSnapshot {
  public:
    explicit ReadSnapshot(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
    ~ReadSnapshot() {
        try {
            db_.exec("COMMIT");
        } catch (...) {
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  private:
    SQLite::Database& db_;
};

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
    // else 'not-recorded'. Needs of two Stars with one code are merged.
    std::vector<SegmentCount> segments(const Directory& dir) const {
        std::unordered_map<Key, std::string> services, staff, needs;
        for (const auto& s : dir.services) services.emplace(s.key, s.code);
        for (const auto& m : dir.staff) staff.emplace(m.key, m.username);
        for (const auto& star : dir.stars)
            for (std::size_t i = 0; i < star.need_keys.size() && i < star.star.needs.size(); ++i)
                needs.emplace(star.need_keys[i], star.star.needs[i].code);
        auto name_of = [](const std::unordered_map<Key, std::string>& names, Key key) {
            auto it = names.find(key);
            return it == names.end() ? fmt::format("#{}", key) : it->second;
        };
        std::map<std::vector<std::string>, long long> merged;
        for (const auto& [key, count] : counts_) {
            std::vector<std::string> values;
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
                        break;
                    default:
                        values.push_back(texts_[i][static_cast<std::size_t>(key[i])]);
                        break;
                }
            }
            merged[std::move(values)] += count;
        }
        std::vector<SegmentCount> out;
        for (auto& [values, count] : merged) out.push_back({values, count});
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

std::span<const Dimension> all_dimensions() {
    return kDimensions;
}

std::string_view dimension_name(Dimension d) {
    switch (d) {
        case Dimension::service:
            return "service";
        case Dimension::keyworker:
            return "keyworker";
        case Dimension::age_band:
            return "age-band";
        case Dimension::gender:
            return "gender";
        case Dimension::ethnicity:
            return "ethnicity";
        case Dimension::need:
            return "need";
        case Dimension::status:
            return "status";
    }
    return "?";
}

std::string_view dimension_field(Dimension d) {
    return d == Dimension::age_band ? "age_band" : dimension_name(d);
}

std::optional<Dimension> parse_dimension(std::string_view text) {
    std::string folded = ascii_lower(trim(text));
    for (Dimension d : kDimensions)
        if (folded == dimension_name(d) || folded == dimension_field(d)) return d;
    if (folded == "needs") return Dimension::need;
    return std::nullopt;
}

Dimension parse_dimension_or_throw(std::string_view text) {
    if (auto d = parse_dimension(text)) return *d;
    std::vector<std::string> names;
    for (Dimension d : kDimensions) names.emplace_back(dimension_name(d));
    auto close = nearest(ascii_lower(trim(text)), names, 2, 1);
    throw Error(Exit::usage,
                fmt::format("'{}' is not a report dimension; use one of: {}", printable(text),
                            dimension_list()),
                close.empty() ? "give --by once or twice, e.g. --by service --by gender"
                              : fmt::format("did you mean '--by {}'?", close.front()));
}

bool is_fixed_list(Dimension d) {
    return d == Dimension::age_band || d == Dimension::gender || d == Dimension::ethnicity ||
           d == Dimension::status;
}

void check_dimensions(const std::vector<Dimension>& by) {
    if (by.size() > kMaxReportDimensions)
        throw Error(Exit::usage,
                    fmt::format("a report has at most {} dimensions; {} --by were given",
                                kMaxReportDimensions, by.size()),
                    "segment by one or two of: " + dimension_list());
    for (std::size_t i = 0; i < by.size(); ++i)
        for (std::size_t j = i + 1; j < by.size(); ++j)
            if (by[i] == by[j])
                throw Error(Exit::usage,
                            fmt::format("--by {} was given twice", dimension_name(by[i])),
                            "give two different dimensions, e.g. --by service --by gender");
}

long long percent_tenths(long long count, long long people) {
    if (people <= 0) return 0;
    // round(count * 1000 / people), half up, exact.
    return (count * 2000 + people) / (2 * people);
}

bool report_value_less(Dimension d, std::string_view a, std::string_view b) {
    return rank(d, a) < rank(d, b);
}

Report assemble_report(const ReportRequest& request, Tally scope,
                       const std::optional<Tally>& organisation) {
    Report report;
    report.request = request;
    report.total = scope.people;
    report.overlapping =
        std::find(request.by.begin(), request.by.end(), Dimension::need) != request.by.end();
    const auto& by = request.by;

    std::map<std::vector<std::string>, long long> counts;
    std::map<std::vector<std::string>, long long> org_counts;
    if (by.empty()) {
        counts[{}] = scope.people;
        if (organisation) org_counts[{}] = organisation->people;
    } else {
        for (auto& s : scope.segments) counts[s.values] += s.count;
        if (organisation)
            for (const auto& s : organisation->segments) org_counts[s.values] += s.count;
    }
    // The benchmark's segments of the fixed lists that the scope lacks: a
    // manager sees where their service has nobody and the organisation has.
    bool all_fixed = !by.empty() && std::all_of(by.begin(), by.end(), is_fixed_list);
    if (request.compare && organisation && all_fixed)
        for (const auto& [values, count] : org_counts)
            if (count > 0) counts.try_emplace(values, 0);

    for (auto& [values, count] : counts) {
        ReportRow row;
        row.values = values;
        row.count = count;
        row.percent_tenths = percent_tenths(count, scope.people);
        report.rows.push_back(std::move(row));
    }
    std::stable_sort(report.rows.begin(), report.rows.end(),
                     [&](const ReportRow& a, const ReportRow& b) {
                         for (std::size_t i = 0; i < by.size(); ++i) {
                             if (report_value_less(by[i], a.values[i], b.values[i])) return true;
                             if (report_value_less(by[i], b.values[i], a.values[i])) return false;
                         }
                         return false;
                     });

    const long long n = request.suppress_below;
    if (n > 0) {
        report.total_suppressed = report.total < n;
        std::size_t hidden = 0;  // hidden counts of somebody
        for (auto& row : report.rows)
            if (row.count < n) {
                row.suppressed = true;
                if (row.count > 0) ++hidden;
            }
        // Rows that add up to the shown total would give a single hidden
        // count away (total minus the others): hide the next smallest too.
        // (Hidden zeros, the benchmark's rows of --compare, are not counted,
        // so --compare never changes what is hidden.)
        if (hidden == 1 && !report.overlapping && !report.total_suppressed && !by.empty()) {
            ReportRow* smallest = nullptr;
            for (auto& row : report.rows)
                if (!row.suppressed && row.count > 0 && (!smallest || row.count < smallest->count))
                    smallest = &row;
            if (smallest) smallest->suppressed = true;
        }
    }

    if (request.compare && organisation) {
        for (auto& row : report.rows) {
            if (row.suppressed) continue;
            auto it = org_counts.find(row.values);
            long long org_count = it == org_counts.end() ? 0 : it->second;
            if (n > 0 && org_count < n) continue;  // a benchmark resting on few people
            row.organisation_percent_tenths = percent_tenths(org_count, organisation->people);
            row.difference_tenths = row.percent_tenths - *row.organisation_percent_tenths;
        }
    }
    return report;
}

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

ReportPopulation report_population(const Directory& dir, const StaffMember& who,
                                   const ReportRequest& request) {
    if (!who.active)
        throw Error(Exit::denied, fmt::format("staff member '{}' is deactivated", who.username),
                    "ask a lead to reactivate you");
    ReportPopulation p;
    p.include_left = request.include_left;
    p.whole_organisation = who.lead;
    p.keyworker_self = who.key;
    if (!who.lead)
        for (const auto& [service, role] : who.roles) {
            if (role.manager) p.managed_services.push_back(service);
            if (role.worker) p.worker_services.push_back(service);
        }
    const std::string scope_hint =
        "your reports cover your own caseload and the services you manage; a lead sees all";

    if (request.service) {
        const Service* s = dir.service_by_code(trim(*request.service));
        if (!s) {
            std::vector<std::string> codes;
            for (const auto& x : dir.services) codes.push_back(x.code);
            throw Error(Exit::not_found,
                        fmt::format("there is no service '{}'", printable(*request.service)),
                        codes.empty() ? "see 'caseload service list'"
                                      : fmt::format("services: {}", join(codes, ", ")));
        }
        if (!who.lead && !who.is_manager_of(s->key) && !who.is_worker_of(s->key))
            throw Error(Exit::denied,
                        fmt::format("you may not report on {}: you are not staff of it", s->code),
                        scope_hint);
        p.service = s->key;
    }
    if (request.keyworker) {
        const StaffMember* k = dir.staff_by_username(trim(*request.keyworker));
        if (!k)
            throw Error(Exit::not_found,
                        fmt::format("there is no staff member '{}'", printable(*request.keyworker)),
                        "see 'caseload staff list'");
        if (!who.lead && k->key != who.key) {
            bool in_managed = false;
            for (const auto& [service, role] : k->roles)
                if ((role.worker || role.manager) && who.is_manager_of(service)) in_managed = true;
            if (!in_managed)
                throw Error(Exit::denied,
                            fmt::format("you may not report on {}'s caseload: {} is not staff of a "
                                        "service you manage",
                                        k->username, k->username),
                            scope_hint);
        }
        p.keyworker = k->key;
    }
    if (request.need) {
        std::string code = ascii_lower(trim(*request.need));
        for (const auto& star : dir.stars)
            for (std::size_t i = 0; i < star.star.needs.size(); ++i)
                if (star.star.needs[i].code == code) p.need_keys.push_back(star.need_keys[i]);
        if (p.need_keys.empty())
            throw Error(Exit::not_found,
                        fmt::format("no Star has a need '{}'", printable(*request.need)),
                        "see 'caseload star show STAR' for the needs of a Star");
    }
    return p;
}

ReportPopulation organisation_population(const ReportPopulation& scope) {
    ReportPopulation org;
    org.whole_organisation = true;
    org.need_keys = scope.need_keys;
    org.include_left = scope.include_left;
    return org;
}

Tally count_segments(Register& reg, const std::vector<Dimension>& by,
                     const ReportPopulation& population, const Date& today) {
    check_dimensions(by);
    const Directory& dir = reg.directory();
    SQLite::Database& db = reg.db().sql();
    const bool with_need = std::find(by.begin(), by.end(), Dimension::need) != by.end();
    const std::string where = where_sql(population);
    Tally tally;

    if (by.empty()) {
        SQLite::Statement q(db, "SELECT count(*) FROM service_user su" + where);
        q.executeStep();
        tally.people = q.getColumn(0).getInt64();
        tally.segments.push_back({{}, tally.people});
        return tally;
    }

    std::vector<std::string> columns;
    for (Dimension d : by) columns.push_back(dimension_sql(d, today));
    Grouping groups(by);

    if (by.size() == 1 && (by[0] == Dimension::service || by[0] == Dimension::keyworker)) {
        // One key with an index (service_id, status) or (keyworker_id,
        // status): SQLite groups along the covering index, without sorting.
        RawStatement q(db.getHandle(), "SELECT " + columns[0] + ", count(*) FROM service_user su" +
                                           where + " GROUP BY 1");
        while (q.step()) {
            long long count = sqlite3_column_int64(q.get(), 1);
            groups.add(q.get(), count);
            tally.people += count;
        }
    } else if (!with_need) {
        // Anything else would make SQLite sort every row for its GROUP BY;
        // counting the few distinct values in a hash table as the rows
        // stream by is several times faster.
        RawStatement q(db.getHandle(),
                       "SELECT " + join(columns, ", ") + " FROM service_user su" + where);
        while (q.step()) {
            groups.add(q.get(), 1);
            ++tally.people;
        }
    } else {
        // By need: one row per need of each person (a person with no need:
        // one row with NULL); the rows of a person are adjacent by id.
        RawStatement q(db.getHandle(), "SELECT " + join(columns, ", ") +
                                           ", su.id FROM service_user su LEFT JOIN su_need x ON "
                                           "x.su_id = su.id" +
                                           where + " ORDER BY su.id");
        const int id_column = static_cast<int>(by.size());
        sqlite3_int64 last = 0;
        bool any = false;
        while (q.step()) {
            groups.add(q.get(), 1);
            sqlite3_int64 id = sqlite3_column_int64(q.get(), id_column);
            if (!any || id != last) ++tally.people;
            last = id;
            any = true;
        }
    }
    tally.segments = groups.segments(dir);
    return tally;
}

Report run_report(Register& reg, const StaffMember& who, const ReportRequest& request,
                  const Date& today) {
    check_dimensions(request.by);
    ReportPopulation scope = report_population(reg.directory(), who, request);
    ReadSnapshot snapshot(reg.db().sql());
    Tally counted = count_segments(reg, request.by, scope, today);
    std::optional<Tally> organisation;
    if (request.compare) {
        if (scope.whole_organisation && !scope.service && !scope.keyworker)
            organisation = counted;  // the scope is the organisation
        else
            organisation = count_segments(reg, request.by, organisation_population(scope), today);
    }
    return assemble_report(request, std::move(counted), organisation);
}

}  // namespace caseload
