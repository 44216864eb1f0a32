#include "caseload/report.hpp"
#include "caseload/staff_scope.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "caseload/benchmark.hpp"
#include "caseload/disclosure.hpp"
#include "caseload/error.hpp"
#include "caseload/options.hpp"
#include "caseload/register.hpp"
#include "caseload/store/reports.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

constexpr std::array kDimensions = {Dimension::service, Dimension::keyworker, Dimension::age_band,
                                    Dimension::gender,  Dimension::ethnicity, Dimension::need,
                                    Dimension::status,  Dimension::month,     Dimension::quarter,
                                    Dimension::year};

// More periods than this in one report is a mistake (100 years of months).
constexpr std::size_t kMaxPeriods = 1200;

constexpr std::string_view kStatuses[] = {"active", "left"};

std::string dimension_list() {
    std::vector<std::string> names;
    for (Dimension d : kDimensions) names.emplace_back(dimension_name(d));
    return join(names, ", ");
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
        case Dimension::month:
        case Dimension::quarter:
        case Dimension::year:
            return {0, 0, value};  // codes, and periods as text: in time order
    }
    if (list)
        for (std::size_t i = 0; i < list->values.size(); ++i)
            if (list->values[i].code == value) return {0, i, {}};
    return {1, 0, value};
}

// Every combination of the dimensions' listed values, count 0 where none
// was found. A dimension with no list takes the values found (with two
// dimensions: each found value of it against every listed value of the other).
void add_empty_segments(const std::vector<std::vector<std::string>>& domains,
                        std::map<std::vector<std::string>, long long>& counts) {
    const std::size_t dims = domains.size();
    if (dims == 0 ||
        std::all_of(domains.begin(), domains.end(), [](const auto& d) { return d.empty(); }))
        return;
    std::vector<std::vector<std::string>> values(dims);
    for (std::size_t i = 0; i < dims; ++i) {
        values[i] = domains[i];
        if (!values[i].empty()) continue;
        for (const auto& [key, count] : counts)
            if (std::find(values[i].begin(), values[i].end(), key[i]) == values[i].end())
                values[i].push_back(key[i]);
    }
    if (dims == 1) {
        for (const auto& v : values[0]) counts.try_emplace({v}, 0);
        return;
    }
    for (const auto& a : values[0])
        for (const auto& b : values[1]) counts.try_emplace({a, b}, 0);
}

// Two dimensions: the people per value of the first (`groups`, or the sum of
// its rows when a person counts once), and each row's share of them. From
// the true counts (`true_counts`, parallel to the rows), every figure
// protected as the rows are (disclosure.hpp).
void add_subtotals(Report& report, const std::vector<long long>& true_counts, long long total,
                   const std::vector<SegmentCount>& groups) {
    if (report.request.by.size() != 2) return;
    std::map<std::string, long long> people;
    if (!groups.empty())
        for (const auto& g : groups) people[g.values.at(0)] += g.count;
    else
        for (std::size_t i = 0; i < report.rows.size(); ++i)
            people[report.rows[i].values[0]] += true_counts[i];
    const long long n = report.threshold;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        ReportRow& row = report.rows[i];
        const std::string& first = row.values[0];
        if (report.subtotals.empty() || report.subtotals.back().values[0] != first) {
            ReportRow subtotal;
            subtotal.values = {first};
            auto count = protect_count(people[first], n);
            auto percent = protected_percent_tenths(people[first], total, n);
            subtotal.suppressed = !count || !percent;
            subtotal.count = count.value_or(0);
            subtotal.percent_tenths = percent.value_or(0);
            report.subtotals.push_back(std::move(subtotal));
        }
        if (!row.suppressed && !report.subtotals.back().suppressed)
            row.row_percent_tenths = protected_percent_tenths(true_counts[i], people[first], n);
    }
}

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
        case Dimension::month:
            return "month";
        case Dimension::quarter:
            return "quarter";
        case Dimension::year:
            return "year";
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

bool is_period(Dimension d) {
    return d == Dimension::month || d == Dimension::quarter || d == Dimension::year;
}

std::string period_label(Dimension unit, const Date& d) {
    if (unit == Dimension::month) return fmt::format("{:04}-{:02}", d.year, d.month);
    if (unit == Dimension::quarter) return fmt::format("{:04}-Q{}", d.year, (d.month + 2) / 3);
    return fmt::format("{:04}", d.year);
}

Date period_start(Dimension unit, const Date& d) {
    if (unit == Dimension::month) return {d.year, d.month, 1};
    if (unit == Dimension::quarter) return {d.year, (d.month - 1) / 3 * 3 + 1, 1};
    return {d.year, 1, 1};
}

Date next_period_start(Dimension unit, const Date& start) {
    const int months = unit == Dimension::month ? 1 : unit == Dimension::quarter ? 3 : 12;
    const int index = start.year * 12 + (start.month - 1) + months;
    return {index / 12, index % 12 + 1, 1};
}

std::optional<Date> period_label_start(Dimension unit, std::string_view label) {
    auto number = [&](std::size_t from, std::size_t count, int& value) {
        if (label.size() < from + count) return false;
        value = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (label[i] < '0' || label[i] > '9') return false;
            value = value * 10 + (label[i] - '0');
        }
        return true;
    };
    int year = 0, part = 0;
    if (!number(0, 4, year) || year < 1) return std::nullopt;
    if (unit == Dimension::year && label.size() == 4) return Date{year, 1, 1};
    if (unit == Dimension::month && label.size() == 7 && label[4] == '-' && number(5, 2, part) &&
        part >= 1 && part <= 12)
        return Date{year, part, 1};
    if (unit == Dimension::quarter && label.size() == 7 && label.substr(4, 2) == "-Q" &&
        number(6, 1, part) && part >= 1 && part <= 4)
        return Date{year, (part - 1) * 3 + 1, 1};
    return std::nullopt;
}

std::vector<PeriodSpan> periods_between(Dimension unit, const Date& from, const Date& to) {
    std::vector<PeriodSpan> spans;
    for (Date start = period_start(unit, from); start <= to;
         start = next_period_start(unit, start)) {
        if (spans.size() == kMaxPeriods)
            throw Error(Exit::usage,
                        fmt::format("{} to {} is more than {} periods of a {}", from.iso(),
                                    to.iso(), kMaxPeriods, dimension_name(unit)),
                        "give a later --since, or a longer period (--by quarter or --by year)");
        const Date next = next_period_start(unit, start);
        spans.push_back(
            {period_label(unit, start), std::max(start, from), std::min(add_days(next, -1), to)});
    }
    return spans;
}

ReportPeriod resolve_period(const ReportRequest& request, const Date& today) {
    if (request.since && request.until && *request.since > *request.until)
        throw Error(Exit::usage,
                    fmt::format("--since {} is after --until {}", request.since->iso(),
                                request.until->iso()),
                    "the period runs from --since to --until, both days included");
    if (request.since && !request.until && *request.since > today)
        throw Error(Exit::usage,
                    fmt::format("--since {} is in the future (today is {})", request.since->iso(),
                                today.iso()),
                    "give a day in the past, or --until as well");
    ReportPeriod period;
    period.from = request.since;
    period.to = request.until.value_or(today);
    const auto periods = std::count_if(request.by.begin(), request.by.end(), is_period);
    if (periods > 1)
        throw Error(Exit::usage, "give one period: --by month, quarter or year",
                    "a second dimension may be any other, e.g. --by quarter --by service");
    if (request.flow) {
        if (request.period_of == PeriodDate::left)
            throw Error(Exit::usage, "--of does not apply to --flow",
                        "a flow counts both who started and who left in each period");
        if (request.by.size() == 2 && periods == 0)
            throw Error(Exit::usage, "--flow takes a period and at most one other dimension",
                        "e.g. --flow --by quarter --by service");
        period.filter = DateFilter::flow;
    } else if (periods > 0) {
        period.filter =
            request.period_of == PeriodDate::left ? DateFilter::left_in : DateFilter::started_in;
    } else {
        if (request.period_of == PeriodDate::left)
            throw Error(Exit::usage, "--of needs --by month, quarter or year",
                        "e.g. --by month --of left counts who left each month");
        period.filter =
            request.since || request.until ? DateFilter::active_during : DateFilter::none;
    }
    return period;
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

namespace {

// A row before publishing: its true count and the people it is a share of.
struct CountedRow {
    std::vector<std::string> values;
    long long count = 0;
    long long base = 0;
    Key star = 0;
};

// The scope's segments in natural order, with the segments of the fixed
// lists that the benchmark has and the scope lacks (count 0): a manager sees
// where their service has nobody and the benchmark has.
std::vector<CountedRow> counted_rows(const ReportRequest& request, const Tally& scope,
                                     const Tally* benchmark) {
    const auto& by = request.by;
    std::map<std::vector<std::string>, CountedRow> rows;
    if (by.empty()) {
        rows[{}] = {{}, scope.people, scope.people, 0};
    } else {
        for (const auto& s : scope.segments) {
            CountedRow& row = rows[s.values];
            row.values = s.values;
            row.count += s.count;
            row.star = s.star;
            auto star_people = scope.people_by_star.find(s.star);
            row.base = !scope.needs_by_star || s.star == 0         ? scope.people
                       : star_people != scope.people_by_star.end() ? star_people->second
                                                                   : 0;
        }
    }
    bool all_fixed = !by.empty() && std::all_of(by.begin(), by.end(), is_fixed_list);
    if (benchmark && all_fixed)
        for (const auto& s : benchmark->segments)
            if (s.count > 0 && !rows.count(s.values))
                rows[s.values] = {s.values, 0, scope.people, 0};
    if (!request.hide_empty) {
        // Complete tables: every listed value, count 0 where nobody is.
        std::map<std::vector<std::string>, long long> counts;
        for (const auto& [values, row] : rows) counts[values] = row.count;
        add_empty_segments(scope.domains, counts);
        for (const auto& [values, count] : counts)
            if (!rows.count(values)) rows[values] = {values, 0, scope.people, 0};
    }

    std::vector<CountedRow> out;
    for (auto& [values, row] : rows) out.push_back(std::move(row));
    std::stable_sort(out.begin(), out.end(), [&](const CountedRow& a, const CountedRow& b) {
        for (std::size_t i = 0; i < by.size(); ++i) {
            if (report_value_less(by[i], a.values[i], b.values[i])) return true;
            if (report_value_less(by[i], b.values[i], a.values[i])) return false;
        }
        return false;
    });
    return out;
}

}  // namespace

Report assemble_compared_report(const ReportRequest& request, Tally scope,
                                const std::optional<Benchmark>& benchmark) {
    Report report;
    report.request = request;
    report.overlapping =
        std::find(request.by.begin(), request.by.end(), Dimension::need) != request.by.end();
    report.needs_by_star = scope.needs_by_star;
    // Every figure goes through protect_count (disclosure.hpp): as it is
    // without --suppress-below, else hidden or rounded.
    const long long n =
        request.suppress_below > 0 ? effective_threshold(request.suppress_below) : 0;
    report.threshold = n;
    const auto total = protect_count(scope.people, n);
    report.total_suppressed = !total;
    report.total = total.value_or(0);

    const Tally* bench =
        request.compare && benchmark && benchmark->tally ? &*benchmark->tally : nullptr;
    std::map<std::vector<std::string>, long long> bench_counts;
    if (bench) {
        if (request.by.empty())
            bench_counts[{}] = bench->people;
        else
            for (const auto& s : bench->segments) bench_counts[s.values] += s.count;
    }
    const auto bench_people = bench ? protect_count(bench->people, n) : std::nullopt;
    if (request.compare && benchmark) {
        report.benchmark = *benchmark;
        report.benchmark->tally.reset();  // only its percentages leave the core
        report.benchmark->people = bench_people.value_or(0);
        report.benchmark->people_suppressed = bench && !bench_people;
    }

    std::vector<long long> true_counts;  // for the subtotals
    for (auto& counted : counted_rows(request, scope, bench)) {
        true_counts.push_back(counted.count);
        ReportRow row;
        row.values = std::move(counted.values);
        row.star = counted.star;
        auto count = protect_count(counted.count, n);
        auto percent = protected_percent_tenths(counted.count, counted.base, n);
        row.suppressed = !count || !percent;
        row.count = row.suppressed ? 0 : *count;
        row.percent_tenths = row.suppressed ? 0 : *percent;
        if (bench && !row.suppressed && bench_people) {
            auto it = bench_counts.find(row.values);
            long long bench_count = it == bench_counts.end() ? 0 : it->second;
            if (auto share = protected_percent_tenths(bench_count, bench->people, n)) {
                row.organisation_percent_tenths = *share;
                row.difference_tenths = row.percent_tenths - *share;
            }
        }
        report.rows.push_back(std::move(row));
    }
    add_subtotals(report, true_counts, scope.people, scope.groups);
    return report;
}

Report assemble_report(const ReportRequest& request, Tally scope,
                       const std::optional<Tally>& organisation) {
    std::optional<Benchmark> benchmark;
    if (organisation) benchmark = Benchmark{"", false, 0, organisation};
    return assemble_compared_report(request, std::move(scope), benchmark);
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
            if (!manages_staff(who, *k))
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

ReportPopulation star_population(const Directory& dir, const ReportPopulation& scope, Key star) {
    ReportPopulation population;
    population.whole_organisation = true;
    population.need_keys = scope.need_keys;
    population.include_left = scope.include_left;
    population.period = scope.period;
    population.period_of = scope.period_of;
    population.left_out = scope.left_out;
    for (const auto& s : dir.services)
        if (s.star_key == star) population.star_services.push_back(s.key);
    if (population.star_services.empty()) population.star_services.push_back(0);  // nobody
    return population;
}

namespace {

// The services a population may cover, from its scope and filters alone.
std::vector<Key> candidate_services(const Directory& dir, const ReportPopulation& population) {
    std::vector<Key> services;
    if (population.service)
        services.push_back(*population.service);
    else if (!population.star_services.empty())
        services = population.star_services;
    else if (!population.whole_organisation) {
        services = population.managed_services;
        services.insert(services.end(), population.worker_services.begin(),
                        population.worker_services.end());
    } else {
        for (const auto& s : dir.services) services.push_back(s.key);
    }
    return services;
}

std::vector<Key> candidate_stars(const Directory& dir, const ReportPopulation& population) {
    std::vector<Key> stars;
    for (Key service : candidate_services(dir, population))
        if (const Service* s = dir.service_by_key(service))
            if (std::find(stars.begin(), stars.end(), s->star_key) == stars.end())
                stars.push_back(s->star_key);
    std::sort(stars.begin(), stars.end());
    return stars;
}

}  // namespace

std::vector<Key> stars_of(Register& reg, const ReportPopulation& population) {
    const Directory& dir = reg.directory();
    // One Star among the services it may cover is the answer without
    // reading the people.
    std::vector<Key> stars = candidate_stars(dir, population);
    if (stars.size() <= 1) return stars;
    stars.clear();
    for (Key service : store::services_with_people(reg.db(), population))
        if (const Service* s = dir.service_by_key(service))
            if (std::find(stars.begin(), stars.end(), s->star_key) == stars.end())
                stars.push_back(s->star_key);
    std::sort(stars.begin(), stars.end());
    return stars;
}

void add_domains(const Directory& dir, const std::vector<Dimension>& by,
                 const ReportPopulation& population, Tally& tally);

Tally count_segments(Register& reg, const std::vector<Dimension>& by,
                     const ReportPopulation& population, const Date& today) {
    check_dimensions(by);
    const Directory& dir = reg.directory();
    const bool with_need = std::find(by.begin(), by.end(), Dimension::need) != by.end();
    if (by.empty()) {
        Tally tally;
        tally.people = store::count_people(reg.db(), population);
        tally.segments.push_back({{}, tally.people});
        return tally;
    }
    Tally tally = store::count_population(reg.db(), dir, by, population, today);
    tally.needs_by_star = with_need && candidate_stars(dir, population).size() > 1;
    if (tally.needs_by_star)  // needs of several Stars: star/code
        for (auto& segment : tally.segments)
            for (std::size_t i = 0; i < by.size(); ++i)
                if (by[i] == Dimension::need && segment.star != 0)
                    if (const StoredStar* star = dir.star_by_key(segment.star))
                        segment.values[i] = star->star.code + "/" + segment.values[i];
    add_domains(dir, by, population, tally);
    return tally;
}

std::vector<std::string> dimension_domain(const Directory& dir, Dimension d,
                                          const ReportPopulation& population) {
    std::vector<std::string> out;
    auto codes_of = [&](const OptionList& list) {
        for (const auto& o : list.values) out.emplace_back(o.code);
    };
    switch (d) {
        case Dimension::age_band:
            codes_of(age_band_options());
            break;
        case Dimension::gender:
            codes_of(gender_options());
            break;
        case Dimension::ethnicity:
            codes_of(ethnicity_options());
            break;
        case Dimension::status:
            out.emplace_back(kStatuses[0]);
            if (population.include_left || population.period.filter != DateFilter::none)
                out.emplace_back(kStatuses[1]);
            break;
        case Dimension::need: {
            // The needs of the Stars of the services in scope, by code; of
            // several Stars, as star/code (count_segments names them so).
            const std::vector<Key> stars = candidate_stars(dir, population);
            std::set<std::string> codes;
            for (Key k : stars)
                if (const StoredStar* star = dir.star_by_key(k))
                    for (const auto& need : star->star.needs)
                        codes.insert(stars.size() > 1 ? star->star.code + "/" + need.code
                                                      : need.code);
            out.assign(codes.begin(), codes.end());
            break;
        }
        default:
            break;
    }
    return out;
}

void add_domains(const Directory& dir, const std::vector<Dimension>& by,
                 const ReportPopulation& population, Tally& tally) {
    tally.domains.clear();
    for (std::size_t i = 0; i < by.size(); ++i) {
        if (!is_period(by[i])) {
            tally.domains.push_back(dimension_domain(dir, by[i], population));
            continue;
        }
        // Every period from --since (else the first found) to --until.
        std::optional<Date> from = population.period.from;
        for (const auto& s : tally.segments)
            if (auto start = period_label_start(by[i], s.values[i]))
                if (!from || *start < *from) from = start;
        std::vector<std::string> labels;
        if (from)
            for (const auto& span : periods_between(by[i], *from, population.period.to))
                labels.push_back(span.label);
        tally.domains.push_back(std::move(labels));
    }
}

std::vector<FlowRow> assemble_flow(const std::vector<PeriodSpan>& periods,
                                   const std::vector<std::string>& values,
                                   const std::vector<FlowCount>& counts) {
    const std::size_t n = periods.size();
    std::vector<FlowRow> rows;
    // Per value: where each date falls among the periods, as difference arrays.
    struct Lines {
        std::vector<long long> start, end, started, left;  // start/end: n + 1 for the ranges
    };
    std::map<std::string, Lines> by_value;
    for (const auto& v : values) by_value[v] = {};
    // The index of the period holding `date`: -1 before the first, n after the last.
    auto index_of = [&](const std::string& date) -> long {
        long lo = 0, hi = static_cast<long>(n);
        if (n == 0 || date < periods.front().from.iso()) return -1;
        while (lo < hi) {  // the first period whose end is on or after date
            long mid = (lo + hi) / 2;
            if (periods[static_cast<std::size_t>(mid)].to.iso() < date)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    };
    auto add_range = [&](std::vector<long long>& diff, long from, long to, long long count) {
        from = std::max(from, 0L);
        to = std::min(to, static_cast<long>(n) - 1);
        if (from > to) return;
        diff[static_cast<std::size_t>(from)] += count;
        diff[static_cast<std::size_t>(to) + 1] -= count;
    };
    for (const auto& c : counts) {
        Lines& lines = by_value[c.value];
        if (lines.start.empty())
            lines.start = lines.end = lines.started = lines.left = std::vector<long long>(n + 1, 0);
        if (c.started_on.empty()) continue;
        const long s = index_of(c.started_on);
        const long l = c.left_on.empty() ? static_cast<long>(n) : index_of(c.left_on);
        // Active at the start of period i: started in a period before i, left in i or later.
        add_range(lines.start, s + 1, l, c.count);
        // Active at the end of period i: started in i or before, left after i.
        add_range(lines.end, s, l - 1, c.count);
        if (s >= 0 && s < static_cast<long>(n))
            lines.started[static_cast<std::size_t>(s)] += c.count;
        if (!c.left_on.empty() && l >= 0 && l < static_cast<long>(n))
            lines.left[static_cast<std::size_t>(l)] += c.count;
    }
    // Period by period, each value within: the rows read as the table does.
    std::vector<long long> active_start(values.size(), 0), active_end(values.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < values.size(); ++k) {
            Lines& lines = by_value[values[k]];
            if (lines.start.empty())
                lines.start = lines.end = lines.started = lines.left =
                    std::vector<long long>(n + 1, 0);
            active_start[k] += lines.start[i];
            active_end[k] += lines.end[i];
            FlowRow row;
            row.values = {periods[i].label};
            if (!values[k].empty() || values.size() > 1) row.values.push_back(values[k]);
            row.active_at_start = active_start[k];
            row.started = lines.started[i];
            row.left = lines.left[i];
            row.active_at_end = active_end[k];
            rows.push_back(std::move(row));
        }
    return rows;
}

namespace {

// Needs of several Stars are named star/code, as count_segments and
// dimension_domain name them: two Stars' needs with one code stay apart.
void name_needs_by_star(const Directory& dir, const ReportPopulation& population,
                        std::vector<FlowCount>& counts) {
    if (candidate_stars(dir, population).size() <= 1) return;
    for (auto& c : counts)
        if (c.star != 0)
            if (const StoredStar* star = dir.star_by_key(c.star))
                c.value = star->star.code + "/" + c.value;
}

// --flow: the people of the population grouped by their dates (and the
// other dimension), then spread over the periods.
std::vector<FlowRow> count_flow(Register& reg, const ReportRequest& request,
                                const ReportPopulation& population, const Date& today,
                                ReportPeriod& period) {
    std::optional<Dimension> unit, other;
    for (Dimension d : request.by) (is_period(d) ? unit : other) = d;
    if (!period.from) {
        // From the first start there is.
        if (auto first = store::first_started_on(reg.db(), population))
            period.from = parse_date(*first);
        if (!period.from) period.from = period.to;
    }
    std::vector<PeriodSpan> spans;
    if (unit)
        spans = periods_between(*unit, *period.from, period.to);
    else
        spans.push_back({fmt::format("{} to {}", period.from->iso(), period.to.iso()), *period.from,
                         period.to});

    std::vector<FlowCount> counts;
    std::vector<std::string> values;
    if (other) {
        // The other dimension's values by name: count it as a report does,
        // once per pair of dates.
        counts = store::count_by_dates(reg.db(), reg.directory(), other, population, today);
        name_needs_by_star(reg.directory(), population, counts);
        values = dimension_domain(reg.directory(), *other, population);
        for (const auto& c : counts)
            if (std::find(values.begin(), values.end(), c.value) == values.end())
                values.push_back(c.value);
        std::stable_sort(values.begin(), values.end(), [&](const auto& a, const auto& b) {
            return report_value_less(*other, a, b);
        });
        if (request.hide_empty)
            std::erase_if(values, [&](const std::string& v) {
                return std::none_of(counts.begin(), counts.end(),
                                    [&](const FlowCount& c) { return c.value == v; });
            });
    } else {
        counts = store::count_by_dates(reg.db(), reg.directory(), std::nullopt, population, today);
        values.emplace_back();
    }
    return assemble_flow(spans, values, counts);
}

// Who a report counts, in words: the actor's scope and the filters.
std::string describe_scope(const Directory& dir, const ReportPopulation& p,
                           const ReportRequest& request) {
    std::vector<std::string> parts;
    if (p.whole_organisation) {
        parts.emplace_back("the whole organisation");
    } else {
        std::vector<std::string> managed;
        for (Key k : p.managed_services)
            if (const Service* s = dir.service_by_key(k)) managed.push_back(s->code);
        if (!managed.empty())
            parts.push_back("the services you manage (" + join(managed, ", ") + ")");
        if (!p.worker_services.empty()) parts.emplace_back("your own caseload");
    }
    std::string text = join(parts, " and ");
    std::vector<std::string> filters;  // a lead's filters say it all
    if (p.service)
        if (const Service* s = dir.service_by_key(*p.service))
            filters.push_back(fmt::format("service {} ({})", s->code, s->name));
    if (p.keyworker) filters.push_back("keyworker " + ascii_lower(trim(*request.keyworker)));
    if (request.need) filters.push_back("need " + ascii_lower(trim(*request.need)));
    if (filters.empty()) return text;
    return p.whole_organisation ? join(filters, ", ") : text + ": " + join(filters, ", ");
}

// The total of a flow (from the true counts of `people`: the flow's own
// rows, or its people once each), then every figure protected.
void protect_flow(Report& report, const std::vector<FlowRow>& people) {
    FlowRow& total = report.flow_total;
    total.values = {"total"};
    const auto& flow = people;
    for (const auto& row : flow) {
        if (row.values[0] == flow.front().values[0]) total.active_at_start += row.active_at_start;
        if (row.values[0] == flow.back().values[0]) total.active_at_end += row.active_at_end;
        total.started += row.started;
        total.left += row.left;
    }
    auto protect = [&](FlowRow& row) {
        const std::pair<long long*, unsigned> figures[] = {{&row.active_at_start, kFlowStart},
                                                           {&row.started, kFlowStarted},
                                                           {&row.left, kFlowLeft},
                                                           {&row.active_at_end, kFlowEnd}};
        for (auto [value, bit] : figures) {
            auto shown = protect_count(*value, report.threshold);
            if (!shown) row.hidden |= bit;
            *value = shown.value_or(0);
        }
    };
    for (auto& row : report.flow) protect(row);
    protect(total);
}

// The one Star of the report's people (0: nobody); refuses several.
Key star_of_report(Register& reg, const ReportPopulation& scope) {
    const Directory& dir = reg.directory();
    std::vector<Key> stars = stars_of(reg, scope);
    if (stars.size() > 1) {
        std::vector<std::string> names;
        for (Key key : stars)
            if (const StoredStar* star = dir.star_by_key(key)) {
                std::vector<std::string> services;
                for (const auto& s : dir.services)
                    if (s.star_key == key) services.push_back(s.code);
                names.push_back(fmt::format("{} ({})", star->star.code, join(services, ", ")));
            }
        throw Error(Exit::usage,
                    fmt::format("--compare compares with the people on one Star, and this "
                                "report's people are on {}: {}",
                                stars.size(), join(names, "; ")),
                    "narrow it to one Star with --service CODE, e.g. 'caseload report --by "
                    "gender --service CODE --compare'");
    }
    return stars.empty() ? 0 : stars.front();
}

// The benchmark of --compare: the people on the Star of the report's
// people, or other organisations' files for that Star.
Benchmark star_benchmark(Register& reg, const ReportRequest& request, const ReportPopulation& scope,
                         const Tally& counted, const Date& today) {
    const Directory& dir = reg.directory();
    Key star_key = star_of_report(reg, scope);
    const StoredStar* star = dir.star_by_key(star_key);
    if (!star) return Benchmark{};  // nobody to compare
    if (request.compare_benchmark) return pooled_benchmark(reg, star->star.code, request);
    Benchmark benchmark;
    benchmark.star = star->star.code;
    ReportPopulation population = star_population(dir, scope, star_key);
    Tally tally = count_segments(reg, request.by, population, today);
    // Everyone on the Star is in the report: comparing would show 0.0.
    benchmark.is_self = tally.people == counted.people;
    if (!benchmark.is_self) benchmark.tally = std::move(tally);
    return benchmark;
}

}  // namespace

Report run_report(Register& reg, const StaffMember& who, const ReportRequest& request,
                  const Date& today) {
    check_dimensions(request.by);
    const ReportPeriod period = resolve_period(request, today);
    ReportPopulation scope = report_population(reg.directory(), who, request);
    scope.period = period;
    scope.period_of = request.period_of;
    store::ReadSnapshot snapshot(reg.db());
    // Every protected figure, benchmark included, counts the same people.
    if (request.suppress_below > 0) scope.left_out = people_left_out(reg);
    if (request.flow) {
        Report report;
        report.request = request;
        report.period = period;
        report.flow = count_flow(reg, request, scope, today, report.period);
        report.threshold =
            request.suppress_below > 0 ? effective_threshold(request.suppress_below) : 0;
        if (std::find(request.by.begin(), request.by.end(), Dimension::need) != request.by.end()) {
            // A person with two needs is in two rows, but once in the total.
            ReportRequest once = request;
            std::erase(once.by, Dimension::need);
            ReportPeriod period = report.period;
            protect_flow(report, count_flow(reg, once, scope, today, period));
        } else {
            protect_flow(report, report.flow);
        }
        report.organisation = reg.directory().organisation.name;
        report.scope = describe_scope(reg.directory(), scope, request);
        return report;
    }
    Tally counted = count_segments(reg, request.by, scope, today);
    if (request.by.size() == 2 && request.by[1] == Dimension::need)
        counted.groups = count_segments(reg, {request.by[0]}, scope, today).segments;
    std::optional<Benchmark> benchmark;
    if (request.compare) benchmark = star_benchmark(reg, request, scope, counted, today);
    Report report = assemble_compared_report(request, std::move(counted), benchmark);
    report.period = period;
    report.organisation = reg.directory().organisation.name;
    report.scope = describe_scope(reg.directory(), scope, request);
    return report;
}

}  // namespace caseload
