// Reports: dimensions, ordering, percentages, --compare, suppression, age
// bands in SQL, and the actor's scope over a real (temporary) register.
#include <doctest/doctest.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <filesystem>
#include <map>

#include "caseload/disclosure.hpp"
#include "caseload/error.hpp"
#include "caseload/register.hpp"
#include "caseload/report.hpp"
#include "unit_support.hpp"

using namespace caseload;

namespace {

ReportRequest by(std::vector<Dimension> dims) {
    ReportRequest r;
    r.by = std::move(dims);
    return r;
}

Tally tally(std::vector<SegmentCount> segments, long long people = -1) {
    Tally t;
    long long sum = 0;
    for (const auto& s : segments) sum += s.count;
    t.segments = std::move(segments);
    t.people = people < 0 ? sum : people;
    return t;
}

std::vector<std::string> first_values(const Report& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) out.push_back(row.values.at(0));
    return out;
}

const ReportRow& row_of(const Report& r, const std::vector<std::string>& values) {
    for (const auto& row : r.rows)
        if (row.values == values) return row;
    FAIL("no row");
    return r.rows.front();
}

}  // namespace

TEST_CASE("report: dimension names") {
    CHECK(parse_dimension("age-band") == Dimension::age_band);
    CHECK(parse_dimension("AGE_BAND") == Dimension::age_band);
    CHECK(parse_dimension(" keyworker ") == Dimension::keyworker);
    CHECK(parse_dimension("needs") == Dimension::need);
    CHECK_FALSE(parse_dimension("sex").has_value());
    CHECK(all_dimensions().size() == 10);
    for (Dimension d : all_dimensions()) {
        CHECK(parse_dimension(dimension_name(d)) == d);
        CHECK(parse_dimension(dimension_field(d)) == d);
    }
    try {
        parse_dimension_or_throw("gendr");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::usage);
        CHECK(std::string(e.what()).find("service, keyworker, age-band, gender, ethnicity, need, "
                                         "status") != std::string::npos);
        CHECK(e.hint() == "did you mean '--by gender'?");
    }
}

TEST_CASE("report: at most two dimensions, each once") {
    CHECK_NOTHROW(check_dimensions({}));
    CHECK_NOTHROW(check_dimensions({Dimension::service, Dimension::gender}));
    CHECK(unit::exit_of([] {
              check_dimensions({Dimension::service, Dimension::gender, Dimension::need});
          }) == Exit::usage);
    CHECK(unit::exit_of([] {
              check_dimensions({Dimension::need, Dimension::need});
          }) == Exit::usage);
}

TEST_CASE("report: percentages round half up in tenths") {
    CHECK(percent_tenths(1, 3) == 333);
    CHECK(percent_tenths(2, 3) == 667);
    CHECK(percent_tenths(1, 8) == 125);
    CHECK(percent_tenths(1, 16) == 63);  // 6.25 -> 6.3
    CHECK(percent_tenths(5, 5) == 1000);
    CHECK(percent_tenths(0, 7) == 0);
    CHECK(percent_tenths(3, 0) == 0);
    CHECK(percent_tenths(999999, 1000000) == 1000);
}

TEST_CASE("report: rows in each dimension's natural order") {
    auto r = assemble_report(
        by({Dimension::gender}),
        tally({{{"not-recorded"}, 1}, {{"prefer-not-to-say"}, 2}, {{"male"}, 3}, {{"female"}, 4}}),
        std::nullopt);
    CHECK(first_values(r) ==
          std::vector<std::string>{"female", "male", "prefer-not-to-say", "not-recorded"});
    CHECK(r.total == 10);
    CHECK(row_of(r, {"female"}).percent_tenths == 400);

    r = assemble_report(
        by({Dimension::age_band}),
        tally({{{"unknown"}, 1}, {{"75-plus"}, 1}, {{"18-24"}, 1}, {{"under-18"}, 1}}),
        std::nullopt);
    CHECK(first_values(r) == std::vector<std::string>{"under-18", "18-24", "75-plus", "unknown"});

    r = assemble_report(by({Dimension::keyworker}),
                        tally({{{"wyn"}, 9}, {{"abe"}, 1}, {{"wes"}, 5}}), std::nullopt);
    CHECK(first_values(r) == std::vector<std::string>{"abe", "wes", "wyn"});

    r = assemble_report(
        by({Dimension::status, Dimension::service}),
        tally({{{"left", "HOM"}, 1}, {{"active", "REC"}, 1}, {{"active", "HOM"}, 1}}),
        std::nullopt);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[0].values == std::vector<std::string>{"active", "HOM"});
    CHECK(r.rows[1].values == std::vector<std::string>{"active", "REC"});
    CHECK(r.rows[2].values == std::vector<std::string>{"left", "HOM"});

    CHECK(report_value_less(Dimension::ethnicity, "asian-bangladeshi", "white-british"));
    CHECK(report_value_less(Dimension::ethnicity, "prefer-not-to-say", "not-recorded"));
    CHECK(report_value_less(Dimension::need, "money", "not-recorded"));
}

TEST_CASE("report: no dimension gives one row of everyone") {
    auto r = assemble_report(by({}), tally({{{}, 42}}), std::nullopt);
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].values.empty());
    CHECK(r.rows[0].count == 42);
    CHECK(r.rows[0].percent_tenths == 1000);
}

TEST_CASE("report: by need, a person counts once under each need") {
    auto r = assemble_report(by({Dimension::need}),
                             tally({{{"money"}, 3}, {{"housing"}, 2}, {{"not-recorded"}, 1}}, 4),
                             std::nullopt);
    CHECK(r.overlapping);
    CHECK(r.total == 4);
    CHECK(row_of(r, {"money"}).percent_tenths == 750);
    CHECK(row_of(r, {"housing"}).percent_tenths == 500);
    CHECK(first_values(r) == std::vector<std::string>{"housing", "money", "not-recorded"});
}

TEST_CASE("report: --compare gives the organisation's share and the difference") {
    ReportRequest req = by({Dimension::gender});
    req.compare = true;
    Tally scope =
        tally({{{"female"}, 41}, {{"male"}, 74}, {{"non-binary"}, 3}, {{"prefer-not-to-say"}, 2}});
    Tally org = tally(
        {{{"female"}, 470}, {{"male"}, 495}, {{"non-binary"}, 19}, {{"prefer-not-to-say"}, 16}});
    auto r = assemble_report(req, scope, org);
    const auto& female = row_of(r, {"female"});
    CHECK(female.percent_tenths == 342);
    CHECK(female.organisation_percent_tenths == 470);
    CHECK(female.difference_tenths == -128);
    const auto& male = row_of(r, {"male"});
    CHECK(male.percent_tenths == 617);
    CHECK(male.organisation_percent_tenths == 495);
    CHECK(male.difference_tenths == 122);
    for (const auto& row : r.rows)
        CHECK(*row.difference_tenths == row.percent_tenths - *row.organisation_percent_tenths);

    // A fixed-list segment the organisation has and the scope lacks: count 0.
    org.segments.push_back({{"self-described"}, 5});
    org.people += 5;
    r = assemble_report(req, scope, org);
    const auto& self = row_of(r, {"self-described"});
    CHECK(self.count == 0);
    CHECK(self.percent_tenths == 0);
    CHECK(self.organisation_percent_tenths == 5);
    CHECK(self.difference_tenths == -5);

    // Not so for keyworkers: names outside the scope never appear.
    ReportRequest kw = by({Dimension::keyworker});
    kw.compare = true;
    r = assemble_report(kw, tally({{{"wes"}, 3}}), tally({{{"wes"}, 3}, {{"rex"}, 7}}));
    CHECK(first_values(r) == std::vector<std::string>{"wes"});
    CHECK(r.rows[0].organisation_percent_tenths == 300);
    CHECK(r.rows[0].difference_tenths == 700);
}

TEST_CASE("disclosure: who is left out of protected counts") {
    // (person key, service key): services 1 (three people), 2 (two), 3 (one).
    const std::vector<std::pair<Key, Key>> people = {{10, 1}, {11, 1}, {12, 1},
                                                     {20, 2}, {21, 2}, {30, 3}};
    // rank = key * 2 + offset mod 2^31 - 1: even service ranks leave nobody
    // out, odd ones the person of smallest rank.
    CHECK(choose_left_out({2, 0, 0}, people).empty());
    CHECK(choose_left_out({2, 0, 1}, people) == std::vector<Key>{10, 20, 30});
    // A multiplier that reverses the order of 10, 11, 12: the smallest rank wins.
    const DisclosureKey reversing{2147483646, 0, 2};  // -1 mod p: rank = p - key
    CHECK(secret_rank(reversing, 12, 0) < secret_rank(reversing, 10, 0));
    // Service ranks (2 - s mod p): 1 (odd: one left out), 2 (0) and 3 (p - 1): nobody.
    CHECK(choose_left_out(reversing, people) == std::vector<Key>{12});
    // Each service is decided by the secret alone, whoever else is there.
    CHECK(choose_left_out({2, 0, 1}, {{30, 3}}) == std::vector<Key>{30});
    CHECK(choose_left_out({2, 0, 1}, {}).empty());
    // Ranks stay below 2^31 - 1 for any key, however large.
    CHECK(secret_rank({2147483646, 2147483646, 0}, 9'000'000'000LL, 2147483646) < 2147483647);
}

TEST_CASE("disclosure: the threshold and the rounding") {
    CHECK(effective_threshold(1) == 8);
    CHECK(effective_threshold(3) == 8);
    CHECK(effective_threshold(4) == 8);
    CHECK(effective_threshold(8) == 8);
    CHECK(effective_threshold(9) == 13);
    CHECK(effective_threshold(10) == 13);
    CHECK(round_to_five(0) == 0);
    CHECK(round_to_five(2) == 0);
    CHECK(round_to_five(3) == 5);
    CHECK(round_to_five(12) == 10);
    CHECK(round_to_five(13) == 15);
    CHECK(round_to_five(1297) == 1295);
    CHECK(round_to_five(1298) == 1300);
    CHECK_FALSE(protect_count(12, 13).has_value());
    CHECK(protect_count(13, 13) == 15);  // the smallest shown: 13 .. 17, none hidden
    CHECK(protect_count(7, 0) == 7);     // no threshold: as it is
    CHECK(protected_percent_tenths(40, 80, 8) == 500);
    CHECK(protected_percent_tenths(9, 80, 8) == 125);  // 10 of 80
    CHECK_FALSE(protected_percent_tenths(9, 7, 8).has_value());
}

TEST_CASE("report: --suppress-below hides small counts and rounds the rest") {
    ReportRequest req = by({Dimension::gender});
    req.suppress_below = 5;  // raised to 8
    auto r = assemble_report(
        req,
        tally({{{"female"}, 41}, {{"male"}, 29}, {{"non-binary"}, 2}, {{"self-described"}, 8}}),
        std::nullopt);
    CHECK(r.threshold == 8);
    CHECK(row_of(r, {"non-binary"}).suppressed);
    CHECK(row_of(r, {"non-binary"}).count == 0);
    CHECK(row_of(r, {"self-described"}).count == 10);
    CHECK(row_of(r, {"female"}).count == 40);
    CHECK(row_of(r, {"male"}).count == 30);
    CHECK(r.total == 80);
    CHECK_FALSE(r.total_suppressed);
    // Percentages from the rounded figures: 40 of 80.
    CHECK(row_of(r, {"female"}).percent_tenths == 500);

    // A small total hides everything.
    r = assemble_report(req, tally({{{"female"}, 2}, {{"male"}, 1}}), std::nullopt);
    CHECK(r.total_suppressed);
    CHECK(row_of(r, {"female"}).suppressed);
    CHECK(row_of(r, {"male"}).suppressed);

    // With --compare: hidden rows lose every percentage, and a benchmark
    // count under the threshold is hidden; a zero row of the benchmark too.
    ReportRequest cmp = by({Dimension::gender});
    cmp.compare = true;
    cmp.suppress_below = 8;
    r = assemble_report(
        cmp,
        tally({{{"female"}, 40}, {{"male"}, 30}, {{"non-binary"}, 2}, {{"self-described"}, 9}}),
        tally({{{"female"}, 400},
               {{"male"}, 300},
               {{"non-binary"}, 20},
               {{"self-described"}, 3},
               {{"prefer-not-to-say"}, 50}}));
    const auto& nb = row_of(r, {"non-binary"});
    CHECK(nb.suppressed);
    CHECK_FALSE(nb.organisation_percent_tenths.has_value());
    CHECK_FALSE(nb.difference_tenths.has_value());
    const auto& sd = row_of(r, {"self-described"});
    CHECK_FALSE(sd.suppressed);
    CHECK_FALSE(sd.organisation_percent_tenths.has_value());
    CHECK(row_of(r, {"prefer-not-to-say"}).suppressed);               // 0 here
    CHECK(row_of(r, {"female"}).organisation_percent_tenths == 516);  // 400 of 775 (rounded)
}

TEST_CASE("report: the differencing attack of issue 14 no longer pins a hidden count") {
    // keyworker x age band hides wes/75-plus; keyworker gives wes's total.
    // Once, total minus the shown cells gave the hidden count exactly.
    std::vector<SegmentCount> cells = {{{"wes", "18-24"}, 301},
                                       {{"wes", "25-34"}, 412},
                                       {{"wes", "35-44"}, 333},
                                       {{"wes", "45-54"}, 241},
                                       {{"wes", "75-plus"}, 8}};
    ReportRequest two = by({Dimension::keyworker, Dimension::age_band});
    two.suppress_below = 10;
    auto r2 = assemble_report(two, tally(cells), std::nullopt);
    ReportRequest one = by({Dimension::keyworker});
    one.suppress_below = 10;
    auto r1 = assemble_report(one, tally({{{"wes"}, 1295}}), std::nullopt);
    CHECK(row_of(r2, {"wes", "75-plus"}).suppressed);
    long long shown_sum = 0, shown_cells = 0;
    for (const auto& row : r2.rows)
        if (!row.suppressed) {
            shown_sum += row.count;
            ++shown_cells;
        }
    // Each shown figure F stands for F - 2 .. F + 2.
    long long wes = row_of(r1, {"wes"}).count;
    long long lowest = std::max(1LL, wes - 2 - (shown_sum + 2 * shown_cells));
    long long highest = std::min(r2.threshold - 1, wes + 2 - (shown_sum - 2 * shown_cells));
    CHECK(highest - lowest + 1 >= 2);
    CHECK(lowest <= 8);
    CHECK(8 <= highest);
}

TEST_CASE("report: age bands in SQL agree with age_on") {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE service_user (id INTEGER PRIMARY KEY, date_of_birth TEXT, age_band TEXT)");
    // Every day of a span of years around each band boundary, leap days included.
    SQLite::Statement insert(db, "INSERT INTO service_user (date_of_birth) VALUES (?)");
    db.exec("BEGIN");
    std::vector<Date> dobs;
    for (int year = 1920; year <= 2028; ++year)
        for (int month = 1; month <= 12; ++month)
            for (int day = 1; day <= 31; ++day)
                if (is_valid_date(year, month, day) &&
                    (day % 7 == 1 || (month == 2 && day >= 27) || (month == 3 && day == 1)))
                    dobs.push_back({year, month, day});
    for (const auto& d : dobs) {
        insert.reset();
        insert.bind(1, d.iso());
        insert.exec();
    }
    db.exec(
        "INSERT INTO service_user (date_of_birth, age_band) VALUES (NULL, '35-44'), (NULL, NULL)");
    db.exec("COMMIT");
    for (Date today : {Date{2026, 11, 26}, Date{2028, 2, 29}, Date{2027, 2, 28}, Date{2027, 3, 1},
                       Date{2026, 1, 1}, Date{2028, 12, 31}}) {
        SQLite::Statement q(db, "SELECT su.date_of_birth, " + age_band_sql(today) +
                                    " FROM service_user su ORDER BY su.id");
        std::size_t i = 0, mismatches = 0;
        while (q.executeStep()) {
            if (i < dobs.size()) {
                if (dobs[i] <= today &&
                    q.getColumn(1).getString() != age_band_for_age(age_on(dobs[i], today)))
                    ++mismatches;
            } else if (i == dobs.size()) {
                CHECK(q.getColumn(1).getString() == "35-44");
            } else {
                CHECK(q.getColumn(1).getString() == "unknown");
            }
            ++i;
        }
        CHECK(i == dobs.size() + 2);
        CHECK_MESSAGE(mismatches == 0, "today ", today.iso());
    }
}

namespace {

// A temporary register with two services (HOM, REC), each its own Star:
//   boss lead; mia manager of HOM; wes, wyn workers of HOM; rex worker of REC.
struct ScratchRegister {
    std::filesystem::path dir;
    std::unique_ptr<Register> reg;

    ScratchRegister() {
        dir = std::filesystem::temp_directory_path() /
              ("caseload-report-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        Database db = Database::create((dir / "r.db").string(), 5);
        db.sql().exec(R"sql(
INSERT INTO organisation VALUES (1, 'Test', NULL, NULL, '2026-01-01');
INSERT INTO star VALUES (1, 'homelessness', 'Homelessness Star', 1), (2, 'recovery', 'Recovery Star', 1);
INSERT INTO star_need VALUES (11, 1, 'money', 'Money', 1), (12, 1, 'rough-sleeping', 'Rough sleeping', 2),
                             (21, 2, 'drug-use', 'Drug use', 1), (22, 2, 'money', 'Money', 2);
INSERT INTO service VALUES (100, 'HOM', 'Hostel', 1, '2026-01-01'), (200, 'REC', 'Recovery', 2, '2026-01-01');
INSERT INTO staff VALUES (1, 'boss', 'Boss', 'boss-login', 1, 1, '2026-01-01'),
                         (2, 'mia', 'Mia', NULL, 0, 1, '2026-01-01'),
                         (3, 'wes', 'Wes', NULL, 0, 1, '2026-01-01'),
                         (4, 'wyn', 'Wyn', NULL, 0, 1, '2026-01-01'),
                         (5, 'rex', 'Rex', NULL, 0, 1, '2026-01-01');
INSERT INTO staff_role VALUES (2, 100, 'manager'), (3, 100, 'worker'), (4, 100, 'worker'), (5, 200, 'worker');
INSERT INTO service_user (id, uid, service_id, keyworker_id, date_of_birth, age_band, gender, status, created_at, updated_at) VALUES
  (1, 'A1', 100, 3, '1990-06-01', NULL, 'female', 'active', 'x', 'x'),
  (2, 'A2', 100, 3, NULL, '18-24', 'male', 'active', 'x', 'x'),
  (3, 'A3', 100, 4, NULL, NULL, NULL, 'active', 'x', 'x'),
  (4, 'A4', 100, 4, '2010-01-01', NULL, 'female', 'left', 'x', 'x'),
  (5, 'A5', 200, 5, NULL, '45-54', 'male', 'active', 'x', 'x'),
  (6, 'A6', 200, 5, NULL, NULL, 'male', 'active', 'x', 'x');
INSERT INTO su_need VALUES (1, 11), (1, 12), (2, 12), (5, 21), (5, 22), (6, 22), (4, 11);
)sql");
        reg = std::make_unique<Register>(std::move(db));
    }
    ~ScratchRegister() {
        reg.reset();
        std::filesystem::remove_all(dir);
    }
    const StaffMember& staff(std::string_view username) {
        return *reg->directory().staff_by_username(username);
    }
    Report report(std::string_view who, ReportRequest request) {
        return run_report(*reg, staff(who), request, Date{2026, 11, 26});
    }
};

// The rows with somebody (complete tables also list the values counting 0).
std::map<std::vector<std::string>, long long> counts_of(const Report& r) {
    std::map<std::vector<std::string>, long long> out;
    for (const auto& row : r.rows)
        if (row.count > 0) out[row.values] = row.count;  // not the listed values with 0
    return out;
}

using Counts = std::map<std::vector<std::string>, long long>;

}  // namespace

TEST_CASE("report: counting a register follows the actor's scope") {
    ScratchRegister s;
    // Lead: everything active.
    auto r = s.report("boss", by({Dimension::service}));
    CHECK(r.total == 5);
    CHECK(counts_of(r) == Counts{{{"HOM"}, 3}, {{"REC"}, 2}});
    // Manager of HOM: HOM only.
    r = s.report("mia", by({Dimension::keyworker}));
    CHECK(counts_of(r) == Counts{{{"wes"}, 2}, {{"wyn"}, 1}});
    // Worker: own caseload.
    r = s.report("wes", by({Dimension::gender}));
    CHECK(counts_of(r) == Counts{{{"female"}, 1}, {{"male"}, 1}});
    CHECK(s.report("rex", by({})).total == 2);

    // Age bands: from the date of birth, else the band, else unknown.
    r = s.report("boss", by({Dimension::age_band}));
    CHECK(counts_of(r) == Counts{{{"18-24"}, 1}, {{"35-44"}, 1}, {{"45-54"}, 1}, {{"unknown"}, 2}});
    // Missing gender: not-recorded.
    r = s.report("boss", by({Dimension::gender}));
    CHECK(counts_of(r) == Counts{{{"female"}, 1}, {{"male"}, 3}, {{"not-recorded"}, 1}});
    CHECK(r.rows.size() == 6);  // every gender of the list, and not-recorded

    // Needs: once under each; no need: not-recorded. Needs of two Stars are
    // star/code (both have "money"), each a share of its Star's people.
    r = s.report("boss", by({Dimension::need}));
    CHECK(r.total == 5);
    CHECK(r.needs_by_star);
    CHECK(counts_of(r) == Counts{{{"homelessness/money"}, 1},
                                 {{"homelessness/rough-sleeping"}, 2},
                                 {{"not-recorded"}, 1},
                                 {{"recovery/drug-use"}, 1},
                                 {{"recovery/money"}, 2}});
    CHECK(row_of(r, {"homelessness/money"}).percent_tenths == 333);  // 1 of HOM's 3
    CHECK(row_of(r, {"recovery/money"}).percent_tenths == 1000);     // 2 of REC's 2
    // One Star's people: plain codes.
    r = s.report("mia", by({Dimension::need}));
    CHECK_FALSE(r.needs_by_star);
    CHECK(counts_of(r) == Counts{{{"money"}, 1}, {{"not-recorded"}, 1}, {{"rough-sleeping"}, 2}});

    // Left people with --include-left; status then tells them apart.
    ReportRequest left = by({Dimension::status, Dimension::service});
    left.include_left = true;
    r = s.report("boss", left);
    CHECK(counts_of(r) ==
          Counts{{{"active", "HOM"}, 3}, {{"active", "REC"}, 2}, {{"left", "HOM"}, 1}});
    r = s.report("wyn", left);
    CHECK(counts_of(r) == Counts{{{"active", "HOM"}, 1}, {{"left", "HOM"}, 1}});

    // The --need filter: people with the need, any Star.
    ReportRequest money = by({Dimension::service});
    money.need = "MONEY";
    r = s.report("boss", money);
    CHECK(counts_of(r) == Counts{{{"HOM"}, 1}, {{"REC"}, 2}});
}

TEST_CASE("disclosure: first_ranked_people finds each service's first person by its rank") {
    // Services of 1,500, 1,000, 600 and 3 people, and one of nobody, mixed
    // by key. Walking 2^25 ranks meets the three big ones (a service of s
    // people is missed with probability exp(-s * 2^25 / 2^31)); the small
    // one is read. Walking 1 rank reads every service. Both must agree with
    // the choice over every person.
    ScratchRegister s;
    s.reg->db().sql().exec(R"sql(
INSERT INTO service VALUES (300, 'BIG', 'Big', 1, '2026-01-01'), (301, 'MID', 'Mid', 1, '2026-01-01'),
  (302, 'SML', 'Small', 1, '2026-01-01'), (303, 'TNY', 'Tiny', 1, '2026-01-01'),
  (304, 'NON', 'Nobody', 1, '2026-01-01');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3103)
INSERT INTO service_user (id, uid, service_id, keyworker_id, status, created_at, updated_at)
  SELECT 100 + (i * 7919) % 3103, 'P' || i,
         CASE WHEN i <= 1500 THEN 300 WHEN i <= 2500 THEN 301 WHEN i <= 3100 THEN 302 ELSE 303 END,
         3, 'active', 'x', 'x' FROM n;
)sql");
    std::vector<std::pair<Key, Key>> people;  // (person, service)
    {
        SQLite::Statement q(s.reg->db().sql(),
                            "SELECT id, service_id FROM service_user WHERE service_id >= 300");
        while (q.executeStep())
            people.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
    }
    REQUIRE(people.size() == 3103);
    const std::vector<Key> services = {300, 301, 302, 303, 304};
    for (const DisclosureKey key :
         {DisclosureKey{2, 0, 0}, DisclosureKey{48271, 91, 0}, DisclosureKey{1103515245, 12345, 0},
          DisclosureKey{2147483646, 2147483000, 0}}) {
        std::map<Key, std::pair<long long, Key>> first;
        for (const auto& [person, service] : people) {
            const std::pair rank(secret_rank(key, person, key.person_offset), person);
            auto [it, added] = first.try_emplace(service, rank);
            if (!added && rank < it->second) it->second = rank;
        }
        std::vector<Key> expected;
        for (Key service : services)
            if (first.count(service)) expected.push_back(first.at(service).second);
        REQUIRE(expected.size() == 4);
        CHECK(first_ranked_people(s.reg->db(), key, services, 1ULL << 25) == expected);
        CHECK(first_ranked_people(s.reg->db(), key, services, 1) == expected);
        CHECK(first_ranked_people(s.reg->db(), key, services) == expected);
    }
}

TEST_CASE("report: filters outside the scope are refused, unknown ones not found") {
    ScratchRegister s;
    ReportRequest r = by({Dimension::gender});
    r.service = "REC";
    CHECK(unit::exit_of([&] { s.report("wes", r); }) == Exit::denied);
    CHECK(unit::exit_of([&] { s.report("mia", r); }) == Exit::denied);
    CHECK(unit::exit_of([&] { s.report("rex", r); }) == Exit::ok);
    CHECK(unit::exit_of([&] { s.report("boss", r); }) == Exit::ok);
    r.service = "NOPE";
    CHECK(unit::exit_of([&] { s.report("boss", r); }) == Exit::not_found);
    r.service.reset();
    r.keyworker = "wyn";
    CHECK(unit::exit_of([&] { s.report("wes", r); }) == Exit::denied);
    CHECK(unit::exit_of([&] { s.report("rex", r); }) == Exit::denied);
    CHECK(unit::exit_of([&] { s.report("mia", r); }) == Exit::ok);
    CHECK(unit::exit_of([&] { s.report("wyn", r); }) == Exit::ok);
    r.keyworker = "nobody";
    CHECK(unit::exit_of([&] { s.report("boss", r); }) == Exit::not_found);
    r.keyworker.reset();
    r.need = "flying";
    CHECK(unit::exit_of([&] { s.report("boss", r); }) == Exit::not_found);

    // A worker naming their own service sees their own caseload in it only.
    ReportRequest own = by({});
    own.service = "HOM";
    CHECK(s.report("wes", own).total == 2);
    CHECK(s.report("mia", own).total == 3);
}

TEST_CASE("report: --compare benchmarks against the people on the same Star") {
    ScratchRegister s;
    // A second service on the homelessness Star, so that HOM has a benchmark.
    s.reg->db().sql().exec(R"sql(
INSERT INTO service VALUES (300, 'HB', 'Hostel B', 1, '2026-01-01');
INSERT INTO service_user (id, uid, service_id, keyworker_id, gender, status, created_at, updated_at) VALUES
  (7, 'B1', 300, 1, 'female', 'active', 'x', 'x'), (8, 'B2', 300, 1, 'female', 'active', 'x', 'x');
INSERT INTO su_need VALUES (7, 11);
)sql");
    s.reg->reload();
    ReportRequest r = by({Dimension::gender});
    r.compare = true;
    // wes: female 1, male 1; homelessness Star: 3 female, 1 male, 1 not recorded.
    auto rep = s.report("wes", r);
    REQUIRE(rep.benchmark.has_value());
    CHECK(rep.benchmark->star == "homelessness");
    CHECK_FALSE(rep.benchmark->is_self);
    CHECK(rep.benchmark->people == 5);
    const auto& female = row_of(rep, {"female"});
    CHECK(female.percent_tenths == 500);
    CHECK(female.organisation_percent_tenths == 600);
    CHECK(female.difference_tenths == -100);
    const auto& none = row_of(rep, {"not-recorded"});  // in the benchmark only
    CHECK(none.count == 0);
    CHECK(none.organisation_percent_tenths == 200);
    // REC's people never count in HOM's benchmark (they are on another Star).
    CHECK(row_of(rep, {"male"}).organisation_percent_tenths == 200);
    // --service narrows the scope, not the benchmark.
    r.service = "HOM";
    rep = s.report("boss", r);
    CHECK(row_of(rep, {"male"}).percent_tenths == 333);
    CHECK(row_of(rep, {"male"}).organisation_percent_tenths == 200);
    // --need narrows both: HOM with money: A1; the Star: A1, B1.
    r.service.reset();
    r.need = "money";
    rep = s.report("mia", r);
    CHECK(row_of(rep, {"female"}).percent_tenths == 1000);
    CHECK(row_of(rep, {"female"}).organisation_percent_tenths == 1000);
    CHECK(rep.benchmark->people == 2);
    // The benchmark is only yourself: REC is alone on its Star.
    r.need.reset();
    r.service = "REC";
    rep = s.report("boss", r);
    CHECK(rep.benchmark->is_self);
    CHECK_FALSE(row_of(rep, {"male"}).organisation_percent_tenths.has_value());
    CHECK_FALSE(row_of(rep, {"male"}).difference_tenths.has_value());
    // A lead's whole organisation spans two Stars: refused.
    r.service.reset();
    CHECK(unit::exit_of([&] { s.report("boss", r); }) == Exit::usage);
    // By need, each need keyed by its Star: HOM's "money" is not REC's.
    ReportRequest needs = by({Dimension::need});
    needs.compare = true;
    rep = s.report("mia", needs);
    CHECK(row_of(rep, {"money"}).organisation_percent_tenths == 400);  // A1, B1 of 5
}

// ---------------------------------------------------------------------------
// Issue 15: periods, flows, complete tables, subtotals.

TEST_CASE("report: period labels and spans") {
    CHECK(period_label(Dimension::month, {2026, 3, 31}) == "2026-03");
    CHECK(period_label(Dimension::quarter, {2026, 3, 31}) == "2026-Q1");
    CHECK(period_label(Dimension::quarter, {2026, 4, 1}) == "2026-Q2");
    CHECK(period_label(Dimension::quarter, {2026, 12, 31}) == "2026-Q4");
    CHECK(period_label(Dimension::year, {2026, 7, 1}) == "2026");
    CHECK(period_start(Dimension::quarter, {2026, 8, 15}) == Date{2026, 7, 1});
    CHECK(next_period_start(Dimension::quarter, {2026, 10, 1}) == Date{2027, 1, 1});
    CHECK(next_period_start(Dimension::month, {2026, 12, 1}) == Date{2027, 1, 1});
    CHECK(period_label_start(Dimension::quarter, "2026-Q3") == Date{2026, 7, 1});
    CHECK(period_label_start(Dimension::month, "2026-13") == std::nullopt);
    CHECK(period_label_start(Dimension::year, "not-recorded") == std::nullopt);

    auto spans = periods_between(Dimension::quarter, {2026, 2, 15}, {2026, 8, 10});
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].label == "2026-Q1");
    CHECK(spans[0].from == Date{2026, 2, 15});  // clipped to --since
    CHECK(spans[0].to == Date{2026, 3, 31});
    CHECK(spans[1].from == Date{2026, 4, 1});
    CHECK(spans[1].to == Date{2026, 6, 30});
    CHECK(spans[2].to == Date{2026, 8, 10});  // clipped to --until
    CHECK(periods_between(Dimension::month, {2024, 2, 1}, {2024, 2, 29}).back().to ==
          Date{2024, 2, 29});
    CHECK_THROWS_AS(periods_between(Dimension::month, {1900, 1, 1}, {2026, 1, 1}), Error);
    CHECK(add_days({2024, 2, 28}, 1) == Date{2024, 2, 29});
    CHECK(add_days({2026, 1, 1}, -1) == Date{2025, 12, 31});
}

TEST_CASE("report: resolve_period") {
    const Date today{2026, 12, 15};
    ReportRequest r;
    CHECK(resolve_period(r, today).filter == DateFilter::none);
    CHECK(resolve_period(r, today).to == today);
    r.since = Date{2026, 10, 1};
    CHECK(resolve_period(r, today).filter == DateFilter::active_during);
    r.by = {Dimension::month};
    CHECK(resolve_period(r, today).filter == DateFilter::started_in);
    r.period_of = PeriodDate::left;
    CHECK(resolve_period(r, today).filter == DateFilter::left_in);
    r.flow = true;
    CHECK_THROWS_AS(resolve_period(r, today), Error);  // --of with --flow
    r.period_of = PeriodDate::started;
    CHECK(resolve_period(r, today).filter == DateFilter::flow);
    r.until = Date{2026, 9, 30};
    CHECK_THROWS_AS(resolve_period(r, today), Error);  // since after until
    ReportRequest two = by({Dimension::month, Dimension::year});
    CHECK_THROWS_AS(resolve_period(two, today), Error);
}

TEST_CASE("report: assemble_flow counts each period by the definitions") {
    // Quarters of 2026; people by (start, leave).
    auto spans = periods_between(Dimension::quarter, {2026, 1, 1}, {2026, 12, 31});
    std::vector<FlowCount> counts = {
        {"", "2025-12-31", "2026-01-01", 1},  // left on the first day: active at Q1's start
        {"", "2025-06-01", "2025-12-31", 1},  // gone before
        {"", "2026-03-31", "2026-04-01", 2},  // across the Q1/Q2 boundary
        {"", "2026-09-30", "2026-09-30", 1},  // one day
        {"", "2026-10-01", "", 3},            // still active
    };
    auto rows = assemble_flow(spans, {""}, counts);
    REQUIRE(rows.size() == 4);
    auto figures = [](const FlowRow& r) {
        return std::vector<long long>{r.active_at_start, r.started, r.left, r.active_at_end};
    };
    CHECK(rows[0].values == std::vector<std::string>{"2026-Q1"});
    CHECK(figures(rows[0]) == std::vector<long long>{1, 2, 1, 2});
    CHECK(figures(rows[1]) == std::vector<long long>{2, 0, 2, 0});
    CHECK(figures(rows[2]) == std::vector<long long>{0, 1, 1, 0});
    CHECK(figures(rows[3]) == std::vector<long long>{0, 3, 0, 3});
    // Per value of another dimension, every value listed.
    auto by_value = assemble_flow(spans, {"HOM", "REC"}, {{"HOM", "2026-05-05", "", 1}});
    REQUIRE(by_value.size() == 8);
    CHECK(by_value[1].values == std::vector<std::string>{"2026-Q1", "REC"});
    CHECK(by_value[2].values == std::vector<std::string>{"2026-Q2", "HOM"});
    CHECK(by_value[2].started == 1);
    CHECK(by_value[7].values == std::vector<std::string>{"2026-Q4", "REC"});
    CHECK(by_value[7].active_at_end == 0);
}

TEST_CASE("report: complete tables, --hide-empty, subtotals and row percentages") {
    ReportRequest req = by({Dimension::gender});
    Tally t = tally({{{"female"}, 3}, {{"not-recorded"}, 1}});
    t.domains = {{"female", "male", "non-binary"}};
    Report r = assemble_report(req, t, std::nullopt);
    CHECK(first_values(r) ==
          std::vector<std::string>{"female", "male", "non-binary", "not-recorded"});
    CHECK(row_of(r, {"male"}).count == 0);
    req.hide_empty = true;
    CHECK(first_values(assemble_report(req, t, std::nullopt)) ==
          std::vector<std::string>{"female", "not-recorded"});

    ReportRequest two = by({Dimension::service, Dimension::gender});
    Tally t2 = tally({{{"HOM", "female"}, 3}, {{"HOM", "male"}, 1}, {{"REC", "male"}, 4}});
    t2.domains = {{}, {"female", "male"}};
    Report r2 = assemble_report(two, t2, std::nullopt);
    REQUIRE(r2.rows.size() == 4);  // REC/female listed with 0
    CHECK(row_of(r2, {"REC", "female"}).count == 0);
    REQUIRE(r2.subtotals.size() == 2);
    CHECK(r2.subtotals[0].values == std::vector<std::string>{"HOM"});
    CHECK(r2.subtotals[0].count == 4);
    CHECK(r2.subtotals[0].percent_tenths == 500);
    CHECK(row_of(r2, {"HOM", "female"}).row_percent_tenths == 750);
    CHECK(row_of(r2, {"REC", "male"}).row_percent_tenths == 1000);
    // People counted under several needs: the subtotal is the people, given.
    ReportRequest needs = by({Dimension::service, Dimension::need});
    Tally t3 = tally({{{"HOM", "money"}, 3}, {{"HOM", "housing"}, 3}}, 4);
    t3.groups = {{{"HOM"}, 4}};
    Report r3 = assemble_report(needs, t3, std::nullopt);
    CHECK(r3.subtotals.at(0).count == 4);
    CHECK(row_of(r3, {"HOM", "money"}).row_percent_tenths == 750);
}
