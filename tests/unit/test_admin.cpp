// The organisation's settings (admin.hpp): the ID pattern, checked, set,
// cleared and audited, on a register in a temporary directory.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

#include "caseload/admin.hpp"
#include "caseload/records.hpp"
#include "unit_support.hpp"

using namespace caseload;

namespace {

// A register with the service HOM, its worker wes (not a lead), and the
// service users HOM-0001 and HOM-0002 (active) and OLD-1 (left).
struct Fixture {
    std::string dir;
    std::string path;
    std::unique_ptr<Register> reg;
    Actor lead;

    explicit Fixture(const std::optional<IdPattern>& pattern = std::nullopt) {
        char name[] = "/tmp/caseload-unit-admin-XXXXXX";
        dir = ::mkdtemp(name);
        path = dir + "/register.db";
        initialise_register(path, 5, "Test Org", "boss", "Boss", current_os_login(), pattern);
        reg = std::make_unique<Register>(Register::open(path, 5));
        lead = reg->resolve_actor(std::nullopt);
        add_service(*reg, lead, "HOM", "Hostel", "homelessness");
        add_staff(*reg, lead, "wes", "Wes", std::string("wes-login"),
                  RoleChange{false, {"HOM"}, {}});
        reg->db().sql().exec(
            "INSERT INTO service_user (uid, service_id, keyworker_id, status, created_at, "
            "updated_at) SELECT v.uid, s.id, k.id, v.status, 'x', 'x' FROM (SELECT 'HOM-0001' "
            "AS uid, 'active' AS status UNION ALL SELECT 'HOM-0002', 'active' UNION ALL SELECT "
            "'OLD-1', 'left') v, service s, staff k WHERE s.code = 'HOM' AND k.username = 'wes'");
    }
    ~Fixture() {
        reg.reset();
        std::filesystem::remove_all(dir);
    }

    Actor worker() const { return Actor{*reg->directory().staff_by_username("wes"), std::nullopt}; }

    std::string query(const std::string& sql) {
        SQLite::Statement q(reg->db().sql(), sql);
        std::string out;
        while (q.executeStep()) {
            if (!out.empty()) out += '\n';
            for (int i = 0; i < q.getColumnCount(); ++i) {
                if (i) out += '|';
                out += q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString();
            }
        }
        return out;
    }
    std::string events() {
        return query(
            "SELECT action || ': ' || detail FROM event WHERE action LIKE 'org.%' "
            "ORDER BY id");
    }
};

}  // namespace

TEST_CASE("admin: checked_id_pattern") {
    IdPattern p = checked_id_pattern("  HOM-[0-9]{4} ", " HOM- and four digits ");
    CHECK(p.regex == "HOM-[0-9]{4}");
    CHECK(p.description == "HOM- and four digits");
    // Escapes, classes and groups that are fine.
    for (const char* good : {"HOM-\\d{4}", "[(*]HOM", "(?:HOM|REC)-[0-9]+", "HOM\\(1\\)", "[\\]]x",
                             "(HOM)?-?[0-9]*", "^HOM-[0-9]{4}$"}) {
        CAPTURE(good);
        CHECK(unit::exit_of([&] { checked_id_pattern(good, "described"); }) == Exit::ok);
    }

    struct Bad {
        const char* regex;
        const char* says;
    };
    for (const Bad& bad : {Bad{"HOM-[0-9",
                               "'HOM-[0-9' is not a valid regular expression: the '[' at position "
                               "5 has no ']' after it"},
                           Bad{"(HOM-[0-9]{4}", "the '(' at position 1 has no ')' after it"},
                           Bad{"HOM-[0-9]{4})", "the ')' at position 13 has no '(' before it"},
                           Bad{"*HOM", "the '*' at position 1 has nothing before it to repeat"},
                           Bad{"HOM|+1", "the '+' at position 5 has nothing before it to repeat"},
                           // The rest in the regex engine's words (libstdc++).
                           Bad{"HOM-[0-9]{4", "mismatched '{' and '}' in the pattern"},
                           Bad{"[z-a]", "invalid range"}, Bad{"HOM\\", "escape at end"},
                           Bad{"(?<=HOM)-1", "is not a valid regular expression"}}) {
        CAPTURE(bad.regex);
        auto check = [&] { checked_id_pattern(bad.regex, "described"); };
        CHECK(unit::exit_of(check) == Exit::invalid);
        CHECK(unit::message_of(check).find(bad.says) != std::string::npos);
    }
    CHECK(unit::exit_of([] { checked_id_pattern("", "described"); }) == Exit::invalid);
    CHECK(unit::exit_of([] { checked_id_pattern("HOM-.*", "  "); }) == Exit::invalid);
    CHECK(unit::message_of([] { checked_id_pattern("HOM-.*", "  "); }) ==
          "the pattern description is empty");
    CHECK(unit::exit_of([] { checked_id_pattern("HOM-.*", "two\nlines"); }) == Exit::invalid);
    CHECK(unit::exit_of([] { checked_id_pattern("HOM-.*", std::string(201, 'x')); }) ==
          Exit::invalid);
    CHECK(unit::exit_of([] { checked_id_pattern(std::string(501, 'x'), "long"); }) ==
          Exit::invalid);
}

TEST_CASE("admin: set_id_pattern sets, audits, and is applied to new IDs") {
    Fixture f;
    CHECK_FALSE(f.reg->directory().organisation.id_pattern);

    CHECK(set_id_pattern(*f.reg, f.lead, IdPattern{"HOM-[0-9]{4}", "HOM- and four digits"}));
    const Organisation& org = f.reg->directory().organisation;  // reloaded
    REQUIRE(org.id_pattern);
    CHECK(*org.id_pattern == "HOM-[0-9]{4}");
    CHECK(*org.id_pattern_description == "HOM- and four digits");
    CHECK(f.query("SELECT id_pattern, id_pattern_description FROM organisation") ==
          "HOM-[0-9]{4}|HOM- and four digits");
    CHECK(f.events() == "org.pattern: HOM-[0-9]{4} (HOM- and four digits); there was none");

    // The rules of new IDs use it.
    std::vector<GuardFinding> warnings;
    Guard guard = f.reg->guard();
    CHECK(check_new_id(f.reg->directory(), guard, "HOM-0042", warnings) == "HOM-0042");
    CHECK(unit::message_of([&] { check_new_id(f.reg->directory(), guard, "HOM-42", warnings); }) ==
          "'HOM-42' does not match your organisation's ID pattern");

    SUBCASE("the same again changes nothing and records nothing") {
        CHECK_FALSE(
            set_id_pattern(*f.reg, f.lead, IdPattern{"HOM-[0-9]{4}", "HOM- and four digits"}));
        CHECK(f.query("SELECT count(*) FROM event WHERE action LIKE 'org.%'") == "1");
    }
    SUBCASE("a new description alone is a change") {
        CHECK(set_id_pattern(*f.reg, f.lead, IdPattern{"HOM-[0-9]{4}", "HOM-, then 4 digits"}));
        CHECK(f.query("SELECT detail FROM event WHERE action = 'org.pattern' ORDER BY id DESC "
                      "LIMIT 1") ==
              "HOM-[0-9]{4} (HOM-, then 4 digits); was HOM-[0-9]{4} (HOM- and four digits)");
    }
    SUBCASE("clear") {
        CHECK(set_id_pattern(*f.reg, f.lead, std::nullopt));
        CHECK_FALSE(f.reg->directory().organisation.id_pattern);
        CHECK_FALSE(f.reg->directory().organisation.id_pattern_description);
        CHECK(f.query("SELECT id_pattern IS NULL AND id_pattern_description IS NULL FROM "
                      "organisation") == "1");
        CHECK(f.query("SELECT action || ': ' || detail FROM event ORDER BY id DESC LIMIT 1") ==
              "org.pattern.clear: was HOM-[0-9]{4} (HOM- and four digits)");
        CHECK(check_new_id(f.reg->directory(), guard, "HOM-42", warnings) == "HOM-42");
        // Clearing again: nothing to do.
        CHECK_FALSE(set_id_pattern(*f.reg, f.lead, std::nullopt));
        CHECK(f.query("SELECT count(*) FROM event WHERE action LIKE 'org.%'") == "2");
    }
}

TEST_CASE("admin: set_id_pattern refuses non-leads and bad patterns, writing nothing") {
    Fixture f;
    std::string before = f.query("SELECT count(*) FROM event");
    Actor wes = f.worker();
    CHECK(unit::exit_of([&] {
              set_id_pattern(*f.reg, wes, IdPattern{"HOM-.*", "HOM-"});
          }) == Exit::denied);
    CHECK(unit::message_of([&] {
              set_id_pattern(*f.reg, wes, IdPattern{"HOM-.*", "HOM-"});
          }) == "only a lead may set the ID pattern");
    CHECK(unit::exit_of([&] { set_id_pattern(*f.reg, wes, std::nullopt); }) == Exit::denied);
    CHECK(unit::exit_of([&] {
              set_id_pattern(*f.reg, f.lead, IdPattern{"HOM-(", "HOM-"});
          }) == Exit::invalid);
    CHECK(unit::exit_of([&] {
              set_id_pattern(*f.reg, f.lead, IdPattern{"HOM-.*", ""});
          }) == Exit::invalid);
    CHECK(f.query("SELECT count(*) FROM event") == before);
    CHECK(f.query("SELECT id_pattern IS NULL FROM organisation") == "1");

    SUBCASE("a lead acting as a worker is refused too") {
        Actor as = f.reg->resolve_actor(std::string("wes"));
        CHECK(unit::exit_of([&] {
                  set_id_pattern(*f.reg, as, IdPattern{"HOM-.*", "HOM-"});
              }) == Exit::denied);
    }
}

TEST_CASE("admin: id_pattern_fit counts the stored IDs a pattern refuses") {
    Fixture f;
    IdPatternFit fit = id_pattern_fit(*f.reg, IdPattern{"HOM-[0-9]{4}", "HOM- and four digits"});
    CHECK(fit.stored == 3);
    CHECK(fit.not_matching == 1);  // OLD-1
    CHECK(fit.active_not_matching == 0);
    // Generated IDs (HOM-XXXXXXXX-C) do not have four digits.
    REQUIRE(fit.generated_example);
    CHECK(fit.generated_example->rfind("HOM-", 0) == 0);

    fit = id_pattern_fit(*f.reg, IdPattern{"XYZ-.*", "XYZ-"});
    CHECK(fit.not_matching == 3);
    CHECK(fit.active_not_matching == 2);

    // A pattern that allows what --generate makes.
    fit = id_pattern_fit(*f.reg, IdPattern{"[A-Z]+-[0-9A-Z-]+", "letters, a dash, and more"});
    CHECK(fit.not_matching == 0);
    CHECK_FALSE(fit.generated_example);
}

TEST_CASE("admin: initialise_register with an ID pattern") {
    Fixture f(IdPattern{" NS-[0-9]{4} ", "NS- and four digits"});
    const Organisation& org = f.reg->directory().organisation;
    REQUIRE(org.id_pattern);
    CHECK(*org.id_pattern == "NS-[0-9]{4}");
    CHECK(*org.id_pattern_description == "NS- and four digits");
    CHECK(f.events() == "org.pattern: NS-[0-9]{4} (NS- and four digits); there was none");
    CHECK(f.query("SELECT action FROM event ORDER BY id LIMIT 2") == "register.init\norg.pattern");

    // A bad pattern creates no file.
    std::string other = f.dir + "/other.db";
    CHECK(unit::exit_of([&] {
              initialise_register(other, 5, "Org", "boss", "", current_os_login(),
                                  IdPattern{"NS-[", "NS-"});
          }) == Exit::invalid);
    CHECK_FALSE(std::filesystem::exists(other));
}
