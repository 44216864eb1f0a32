// The rules of fixing and moving records (issue 4), on a scratch register.
#include <doctest/doctest.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <filesystem>
#include <memory>

#include "caseload/error.hpp"
#include "caseload/records.hpp"
#include "unit_support.hpp"

using namespace caseload;

namespace {

const Date kToday{2026, 11, 26};

// A temporary register: services HOM (homelessness Star) and REC (recovery);
//   boss lead; mia manager of HOM; max manager of REC; wes, wyn workers of
//   HOM; rex worker of REC; old a deactivated worker of HOM.
// Service users: HOM-0001 (wes, needs money), HOM-0002 (wyn), REC-0001 (rex).
struct Scratch {
    std::filesystem::path dir;
    std::unique_ptr<Register> reg;

    Scratch() {
        static int serial = 0;
        dir = std::filesystem::temp_directory_path() /
              ("caseload-records-test-" + std::to_string(::getpid()) + "-" +
               std::to_string(++serial));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        Database db = Database::create((dir / "r.db").string(), 5);
        db.sql().exec(R"sql(
INSERT INTO organisation VALUES (1, 'Test', NULL, NULL, '2026-01-01');
INSERT INTO star VALUES (1, 'homelessness', 'Homelessness Star', 1), (2, 'recovery', 'Recovery Star', 1);
INSERT INTO star_need VALUES (11, 1, 'money', 'Money', 1), (12, 1, 'rough-sleeping', 'Rough sleeping', 2),
                             (13, 1, 'self-care', 'Self-care', 3),
                             (21, 2, 'drug-use', 'Drug use', 1), (22, 2, 'money', 'Money', 2);
INSERT INTO service VALUES (100, 'HOM', 'Hostel', 1, '2026-01-01'), (200, 'REC', 'Recovery', 2, '2026-01-01');
INSERT INTO staff VALUES (1, 'boss', 'Boss', 'boss-login', 1, 1, '2026-01-01'),
                         (2, 'mia', 'Mia', NULL, 0, 1, '2026-01-01'),
                         (3, 'wes', 'Wes', NULL, 0, 1, '2026-01-01'),
                         (4, 'wyn', 'Wyn', NULL, 0, 1, '2026-01-01'),
                         (5, 'rex', 'Rex', NULL, 0, 1, '2026-01-01'),
                         (6, 'max', 'Max', NULL, 0, 1, '2026-01-01'),
                         (7, 'old', 'Old', NULL, 0, 0, '2026-01-01');
INSERT INTO staff_role VALUES (2, 100, 'manager'), (3, 100, 'worker'), (4, 100, 'worker'),
                              (5, 200, 'worker'), (6, 200, 'manager'), (7, 100, 'worker');
INSERT INTO service_user (id, uid, service_id, keyworker_id, age_band, status, created_at, updated_at) VALUES
  (1, 'HOM-0001', 100, 3, '25-34', 'active', 'x', 'x'),
  (2, 'HOM-0002', 100, 4, NULL, 'active', 'x', 'x'),
  (3, 'REC-0001', 200, 5, NULL, 'active', 'x', 'x');
INSERT INTO su_need VALUES (1, 11);
)sql");
        reg = std::make_unique<Register>(std::move(db));
    }
    ~Scratch() {
        reg.reset();
        std::filesystem::remove_all(dir);
    }
    Actor as(std::string_view username) {
        return Actor{*reg->directory().staff_by_username(username), std::nullopt};
    }
    ServiceUser su(std::string_view id) { return *reg->find(id); }
    long long count(const std::string& sql) { return reg->db().sql().execAndGet(sql).getInt64(); }
    long long events(std::string_view action) {
        return count("SELECT count(*) FROM event WHERE action = '" + std::string(action) + "'");
    }
    std::string dump() {
        std::string out;
        for (const char* table : {"service_user", "su_need", "event", "staff"}) {
            SQLite::Statement q(reg->db().sql(), std::string("SELECT * FROM ") + table);
            while (q.executeStep()) {
                for (int i = 0; i < q.getColumnCount(); ++i)
                    out += q.getColumn(i).getString() + "|";
                out += "\n";
            }
        }
        return out;
    }
};

// The exit code of an Error thrown by f, or ok.

}  // namespace

TEST_CASE("records: check_new_id applies the format, the pattern and the guard") {
    Scratch s;
    std::vector<GuardFinding> warnings;
    const Directory& dir = s.reg->directory();
    Guard guard = s.reg->guard();
    CHECK(check_new_id(dir, guard, "  HOM-7001 ", warnings) == "HOM-7001");
    CHECK(warnings.empty());
    CHECK(unit::exit_of([&] { check_new_id(dir, guard, "HOM 7", warnings); }) == Exit::invalid);
    CHECK(unit::message_of([&] {
              check_new_id(dir, guard, "HOM-Room12", warnings);
          }).find("can't be used as an ID") != std::string::npos);
    check_new_id(dir, guard, "HOM-1985", warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].kind == FindingKind::date);

    Directory strict = dir;
    strict.organisation.id_pattern = "HOM-[0-9]{4}";
    CHECK(check_new_id(strict, guard, "HOM-0009", warnings) == "HOM-0009");
    CHECK(unit::message_of([&] {
              check_new_id(strict, guard, "HOM-77A", warnings);
          }).find("does not match your organisation's ID pattern") != std::string::npos);
}

TEST_CASE("records: rename keeps the key, and the event names no ID") {
    Scratch s;
    Actor wes = s.as("wes");
    RenamePlan plan = plan_rename(*s.reg, wes, "hom-0001", std::string("HOM-7001"));
    CHECK(plan.old_id == "HOM-0001");
    CHECK(plan.new_id == "HOM-7001");
    CHECK_FALSE(plan.generated);
    apply_rename(*s.reg, wes, plan);
    CHECK_FALSE(s.reg->find("HOM-0001"));
    ServiceUser su = s.su("HOM-7001");
    CHECK(su.key == 1);
    CHECK(su.needs == std::vector<std::string>{"money"});
    CHECK(su.updated_at != "x");
    CHECK(s.count("SELECT count(*) FROM event WHERE action = 'su.rename' AND su_id = 1") == 1);
    CHECK(s.count("SELECT count(*) FROM event WHERE detail LIKE '%0001%' OR detail LIKE "
                  "'%7001%'") == 0);
}

TEST_CASE("records: rename refusals") {
    Scratch s;
    Actor boss = s.as("boss");
    CHECK(unit::exit_of([&] { plan_rename(*s.reg, boss, "HOM-0001", std::string("hom-0002")); }) ==
          Exit::conflict);
    CHECK(unit::message_of([&] {
              plan_rename(*s.reg, boss, "HOM-0001", std::string("hom-0002"));
          }).find("(as 'HOM-0002'; IDs ignore case)") != std::string::npos);
    CHECK(unit::exit_of([&] { plan_rename(*s.reg, boss, "HOM-0001", std::string("HOM-0001")); }) ==
          Exit::usage);
    CHECK(unit::exit_of([&] { plan_rename(*s.reg, boss, "HOM-0009", std::string("HOM-7001")); }) ==
          Exit::not_found);
    CHECK(unit::exit_of([&] {
              plan_rename(*s.reg, s.as("wyn"), "HOM-0001", std::string("HOM-7001"));
          }) == Exit::denied);
    CHECK(unit::exit_of([&] {
              plan_rename(*s.reg, s.as("rex"), "HOM-0001", std::string("HOM-7001"));
          }) == Exit::denied);
    CHECK(unit::exit_of([&] { plan_rename(*s.reg, boss, "HOM-0001", std::string("JohnSmith")); }) ==
          Exit::invalid);
}

TEST_CASE("records: rename to another case of the same ID, and --generate") {
    Scratch s;
    Actor boss = s.as("boss");
    RenamePlan plan = plan_rename(*s.reg, boss, "HOM-0001", std::string("hom-0001"));
    apply_rename(*s.reg, boss, plan);
    CHECK(s.su("HOM-0001").id == "hom-0001");

    RenamePlan gen = plan_rename(*s.reg, boss, "HOM-0001", std::nullopt);
    CHECK(gen.generated);
    CHECK(gen.new_id.rfind("HOM-", 0) == 0);
    CHECK(gen.warnings.empty());
    apply_rename(*s.reg, boss, gen);
    CHECK(s.su(gen.new_id).key == 1);
}

TEST_CASE("records: a rename planned before someone else's change is refused") {
    Scratch s;
    Actor boss = s.as("boss");
    RenamePlan plan = plan_rename(*s.reg, boss, "HOM-0001", std::string("HOM-7001"));
    RenamePlan other = plan_rename(*s.reg, boss, "HOM-0002", std::string("hom-7001"));
    apply_rename(*s.reg, boss, other);
    std::string before = s.dump();
    CHECK(unit::exit_of([&] { apply_rename(*s.reg, boss, plan); }) == Exit::conflict);
    CHECK(s.dump() == before);

    RenamePlan stale = plan_rename(*s.reg, boss, "HOM-0001", std::string("HOM-7002"));
    apply_rename(*s.reg, boss, plan_rename(*s.reg, boss, "HOM-0001", std::string("HOM-7003")));
    CHECK(unit::message_of([&] {
              apply_rename(*s.reg, boss, stale);
          }).find("was changed by someone else meanwhile") != std::string::npos);
}

TEST_CASE("records: allocate") {
    Scratch s;
    AllocateResult r = allocate_service_user(*s.reg, s.as("mia"), "hom-0001", "WYN");
    CHECK(r.changed);
    CHECK(r.from == "wes");
    CHECK(r.to == "wyn");
    CHECK(s.su("HOM-0001").keyworker_key == 4);
    CHECK(s.events("su.allocate") == 1);

    std::string before = s.dump();
    AllocateResult same = allocate_service_user(*s.reg, s.as("boss"), "HOM-0001", "wyn");
    CHECK_FALSE(same.changed);
    CHECK(s.dump() == before);

    CHECK(unit::exit_of([&] { allocate_service_user(*s.reg, s.as("boss"), "HOM-0001", "rex"); }) ==
          Exit::invalid);
    CHECK(unit::message_of([&] {
              allocate_service_user(*s.reg, s.as("boss"), "HOM-0001", "old");
          }) == "'old' is not an active worker of HOM");
    CHECK(unit::exit_of([&] {
              allocate_service_user(*s.reg, s.as("boss"), "HOM-0001", "nobody");
          }) == Exit::invalid);
    CHECK(unit::exit_of([&] { allocate_service_user(*s.reg, s.as("wyn"), "HOM-0001", "wes"); }) ==
          Exit::denied);
    CHECK(unit::exit_of([&] { allocate_service_user(*s.reg, s.as("max"), "HOM-0001", "wes"); }) ==
          Exit::denied);
    CHECK(unit::exit_of([&] { allocate_service_user(*s.reg, s.as("boss"), "HOM-0009", "wes"); }) ==
          Exit::not_found);
    CHECK(s.dump() == before);
}

TEST_CASE("records: needs are added, removed and set in the Star's order") {
    Scratch s;
    Actor wes = s.as("wes");
    NeedsChange add;
    add.add = {"self-care", "rough-sleeping"};
    add.remove = {"money"};
    NeedsResult r = change_needs(*s.reg, wes, "HOM-0001", add);
    CHECK(r.added == std::vector<std::string>{"rough-sleeping", "self-care"});
    CHECK(r.removed == std::vector<std::string>{"money"});
    CHECK(s.su("HOM-0001").needs == std::vector<std::string>{"rough-sleeping", "self-care"});
    CHECK(s.events("su.needs") == 1);
    CHECK(s.count("SELECT count(*) FROM event WHERE detail LIKE '%self-care%'") == 0);

    auto labels = needs_with_labels(s.reg->directory(), s.su("HOM-0001"));
    REQUIRE(labels.size() == 2);
    CHECK(labels[0].label == "Rough sleeping");

    NeedsChange set;
    set.set = std::vector<std::string>{"money"};
    change_needs(*s.reg, wes, "HOM-0001", set);
    CHECK(s.su("HOM-0001").needs == std::vector<std::string>{"money"});

    std::string before = s.dump();
    NeedsChange again;
    again.add = {"money"};
    again.remove = {"self-care"};
    CHECK_FALSE(change_needs(*s.reg, wes, "HOM-0001", again).changed());
    CHECK(s.dump() == before);

    NeedsChange clear;
    clear.set = std::vector<std::string>{};
    change_needs(*s.reg, wes, "HOM-0001", clear);
    CHECK(s.su("HOM-0001").needs.empty());
    CHECK(s.count("SELECT count(*) FROM su_need WHERE su_id = 1") == 0);
}

TEST_CASE("records: needs refusals write nothing") {
    Scratch s;
    Actor boss = s.as("boss");
    std::string before = s.dump();
    NeedsChange other_star;
    other_star.add = {"drug-use"};
    CHECK(unit::message_of([&] { change_needs(*s.reg, boss, "HOM-0001", other_star); }) ==
          "'drug-use' is not a need of the homelessness Star");
    NeedsChange both;
    both.set = std::vector<std::string>{"money"};
    both.add = {"self-care"};
    CHECK(unit::exit_of([&] { change_needs(*s.reg, boss, "HOM-0001", both); }) == Exit::usage);
    NeedsChange clash;
    clash.add = {"money"};
    clash.remove = {"money"};
    CHECK(unit::exit_of([&] { change_needs(*s.reg, boss, "HOM-0001", clash); }) == Exit::usage);
    CHECK(unit::exit_of([&] { change_needs(*s.reg, boss, "HOM-0001", NeedsChange{}); }) ==
          Exit::usage);
    NeedsChange fine;
    fine.add = {"self-care"};
    CHECK(unit::exit_of([&] { change_needs(*s.reg, s.as("wyn"), "HOM-0001", fine); }) ==
          Exit::denied);
    CHECK(s.dump() == before);
}

TEST_CASE("records: edit") {
    Scratch s;
    Actor wes = s.as("wes");
    DetailsChange dob;
    dob.date_of_birth = "23/04/1990";
    dob.gender = "female";
    EditResult r = edit_service_user(*s.reg, wes, "HOM-0001", dob, kToday);
    CHECK(r.changed == std::vector<std::string>{"date_of_birth", "age_band", "gender"});
    ServiceUser su = s.su("HOM-0001");
    CHECK(su.date_of_birth == "1990-04-23");
    CHECK_FALSE(su.age_band);
    CHECK(su.gender == "female");
    CHECK(s.count("SELECT count(*) FROM event WHERE action = 'su.edit' AND detail LIKE '%1990%'") ==
          0);

    DetailsChange band;
    band.age_band = "35-44";
    edit_service_user(*s.reg, wes, "HOM-0001", band, kToday);
    CHECK_FALSE(s.su("HOM-0001").date_of_birth);
    CHECK(s.su("HOM-0001").age_band == "35-44");

    DetailsChange clear;
    clear.clear = {"gender", "age-band"};
    edit_service_user(*s.reg, wes, "HOM-0001", clear, kToday);
    CHECK_FALSE(s.su("HOM-0001").gender);
    CHECK_FALSE(s.su("HOM-0001").age_band);

    std::string before = s.dump();
    CHECK(edit_service_user(*s.reg, wes, "HOM-0001", clear, kToday).changed.empty());
    CHECK(s.dump() == before);
}

TEST_CASE("records: edit refusals write nothing") {
    Scratch s;
    Actor boss = s.as("boss");
    std::string before = s.dump();
    CHECK(unit::exit_of([&] {
              edit_service_user(*s.reg, boss, "HOM-0001", DetailsChange{}, kToday);
          }) == Exit::usage);
    DetailsChange both;
    both.date_of_birth = "1990-01-01";
    both.age_band = "25-34";
    CHECK(unit::exit_of([&] { edit_service_user(*s.reg, boss, "HOM-0001", both, kToday); }) ==
          Exit::usage);
    DetailsChange set_and_clear;
    set_and_clear.gender = "male";
    set_and_clear.clear = {"gender"};
    CHECK(unit::exit_of([&] {
              edit_service_user(*s.reg, boss, "HOM-0001", set_and_clear, kToday);
          }) == Exit::usage);
    DetailsChange bad_field;
    bad_field.clear = {"height"};
    CHECK(unit::exit_of([&] { edit_service_user(*s.reg, boss, "HOM-0001", bad_field, kToday); }) ==
          Exit::usage);
    DetailsChange bad;
    bad.gender = "woman";
    CHECK(unit::message_of([&] {
              edit_service_user(*s.reg, boss, "HOM-0001", bad, kToday);
          }).rfind("'woman' is not a gender value", 0) == 0);
    DetailsChange future;
    future.date_of_birth = "2027-01-01";
    CHECK(unit::exit_of([&] { edit_service_user(*s.reg, boss, "HOM-0001", future, kToday); }) ==
          Exit::invalid);
    DetailsChange fine;
    fine.gender = "male";
    CHECK(unit::exit_of([&] {
              edit_service_user(*s.reg, s.as("rex"), "HOM-0001", fine, kToday);
          }) == Exit::denied);
    CHECK(s.dump() == before);
}

TEST_CASE("records: details_field names") {
    CHECK(details_field("dob") == "date_of_birth");
    CHECK(details_field("Age-Band") == "age_band");
    CHECK(details_field("gender") == "gender");
    CHECK(details_field("ethnicity") == "ethnicity");
    CHECK_FALSE(details_field("needs"));
}

TEST_CASE("records: leave and return") {
    Scratch s;
    Actor wes = s.as("wes");
    CHECK(unit::exit_of([&] {
              leave_service_user(*s.reg, wes, "HOM-0001", std::string("2026-11-27"), kToday);
          }) == Exit::invalid);
    CHECK(unit::exit_of([&] {
              leave_service_user(*s.reg, wes, "HOM-0001", std::string("yesterday"), kToday);
          }) == Exit::invalid);
    ServiceUser left = leave_service_user(*s.reg, wes, "HOM-0001", std::nullopt, kToday);
    CHECK(left.status == "left");
    CHECK(left.left_on == "2026-11-26");
    CHECK(unit::message_of([&] {
              leave_service_user(*s.reg, wes, "HOM-0001", std::nullopt, kToday);
          }) == "'HOM-0001' already left on 2026-11-26");
    ServiceUser back = return_service_user(*s.reg, wes, "HOM-0001");
    CHECK(back.status == "active");
    CHECK_FALSE(back.left_on);
    CHECK(unit::exit_of([&] { return_service_user(*s.reg, wes, "HOM-0001"); }) == Exit::conflict);
    CHECK(s.events("su.leave") == 1);
    CHECK(s.events("su.return") == 1);
    CHECK(unit::exit_of([&] {
              leave_service_user(*s.reg, s.as("wyn"), "HOM-0001", std::nullopt, kToday);
          }) == Exit::denied);
}

TEST_CASE("records: return needs an active keyworker") {
    Scratch s;
    Actor boss = s.as("boss");
    leave_service_user(*s.reg, boss, "HOM-0002", std::string("2026-01-01"), kToday);
    s.reg->db().sql().exec("UPDATE staff SET active = 0 WHERE username = 'wyn'");
    s.reg->reload();
    CHECK(unit::exit_of([&] { return_service_user(*s.reg, boss, "HOM-0002"); }) == Exit::conflict);
    allocate_service_user(*s.reg, boss, "HOM-0002", "wes");
    CHECK(return_service_user(*s.reg, boss, "HOM-0002").keyworker_key == 3);
}

TEST_CASE("records: erase") {
    Scratch s;
    std::string before = s.dump();
    CHECK(unit::exit_of([&] { erase_service_user(*s.reg, s.as("mia"), "HOM-0001", "HOM-0001"); }) ==
          Exit::denied);
    CHECK(unit::exit_of([&] {
              erase_service_user(*s.reg, s.as("boss"), "HOM-0001", "HOM-0002");
          }) == Exit::invalid);
    CHECK(unit::exit_of([&] {
              erase_service_user(*s.reg, s.as("boss"), "HOM-0009", "HOM-0009");
          }) == Exit::not_found);
    CHECK(s.dump() == before);

    CHECK(erase_service_user(*s.reg, s.as("boss"), "hom-0001", "Hom-0001").id == "HOM-0001");
    CHECK_FALSE(s.reg->find("HOM-0001"));
    CHECK(s.count("SELECT count(*) FROM su_need WHERE su_id = 1") == 0);
    CHECK(s.count("SELECT count(*) FROM event WHERE action = 'su.erase' AND su_id = 1") == 1);
    CHECK(s.count("SELECT count(*) FROM event WHERE detail LIKE '%HOM-0001%'") == 0);
}

TEST_CASE("records: deactivate and activate staff") {
    Scratch s;
    Actor boss = s.as("boss");
    std::string before = s.dump();
    CHECK(unit::message_of([&] { deactivate_staff(*s.reg, boss, "wes"); }) ==
          "'wes' still keyworks 1 active service user");
    CHECK(unit::exit_of([&] { deactivate_staff(*s.reg, s.as("mia"), "max"); }) == Exit::denied);
    CHECK(unit::exit_of([&] { deactivate_staff(*s.reg, boss, "boss"); }) == Exit::conflict);
    CHECK(unit::exit_of([&] { deactivate_staff(*s.reg, boss, "old"); }) == Exit::conflict);
    CHECK(unit::exit_of([&] { deactivate_staff(*s.reg, boss, "nobody"); }) == Exit::not_found);
    CHECK(unit::exit_of([&] { activate_staff(*s.reg, boss, "wes"); }) == Exit::conflict);
    CHECK(s.dump() == before);

    // Someone who left does not hold up a deactivation.
    leave_service_user(*s.reg, boss, "HOM-0001", std::nullopt, kToday);
    deactivate_staff(*s.reg, boss, "wes");
    CHECK_FALSE(s.reg->directory().staff_by_username("wes")->active);
    CHECK(s.events("staff.deactivate") == 1);
    CHECK(unit::exit_of([&] { allocate_service_user(*s.reg, boss, "HOM-0002", "wes"); }) ==
          Exit::invalid);
    activate_staff(*s.reg, boss, "old");
    CHECK(s.reg->directory().staff_by_username("old")->active);
    CHECK(s.events("staff.activate") == 1);
}
