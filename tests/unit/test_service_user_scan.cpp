// The statements of ID completion read index ranges in ID order: EXPLAIN
// QUERY PLAN shows an index for each, never a scan of the table or a sort
// (issue 19: completion in milliseconds at millions of rows).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "caseload/database.hpp"
#include "caseload/store/service_users.hpp"

using namespace caseload;

namespace {

Directory two_services() {
    Directory d;
    d.services.push_back({100, "HOM", "Hostel", 1});
    d.services.push_back({200, "REC", "Recovery", 1});
    StaffMember lead{1, "boss", "Boss", "root", true, true, {}};
    StaffMember mia{2, "mia", "Mia", std::nullopt, false, true, {}};
    mia.roles[100] = {100, false, true};
    mia.roles[200] = {200, true, true};
    StaffMember wes{3, "wes", "Wes", std::nullopt, false, true, {}};
    wes.roles[100] = {100, true, false};
    d.staff = {lead, mia, wes};
    return d;
}

struct ScratchRegister {
    std::filesystem::path dir;
    Database db;
    ScratchRegister()
        : dir(std::filesystem::temp_directory_path() /
              ("caseload-scan-" + std::to_string(::getpid()))),
          db(make(dir)) {}
    ~ScratchRegister() { std::filesystem::remove_all(dir); }
    static Database make(const std::filesystem::path& dir) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        return Database::create((dir / "r.db").string(), 5);
    }
};

void check_plans(Database& db, const std::vector<std::string>& statements) {
    REQUIRE_FALSE(statements.empty());
    for (const auto& sql : statements) {
        const std::string plan = store::explain_query_plan(db, sql);
        INFO(sql, "\n", plan);
        CHECK(plan.find("INDEX") != std::string::npos);
        // Never the table itself: a scan only of the ID index, in order (a
        // lead with nothing typed yet), which stops after the IDs offered.
        CHECK(plan.find("SCAN service_user\n") == std::string::npos);
        if (plan.find("SCAN service_user") != std::string::npos)
            CHECK(plan.find("SCAN service_user USING INDEX sqlite_autoindex_service_user_1") !=
                  std::string::npos);
        CHECK(plan.find("TEMP B-TREE") == std::string::npos);
    }
}

}  // namespace

TEST_CASE("completion: every role reads index ranges in ID order, never the table") {
    ScratchRegister r;
    Directory d = two_services();
    const StaffMember& lead = d.staff[0];
    const StaffMember& manager = d.staff[1];
    const StaffMember& worker = d.staff[2];
    for (bool prefix : {true, false})
        for (auto status : {store::IdStatus::any, store::IdStatus::active, store::IdStatus::left})
            for (auto action : {SuAction::show, SuAction::allocate}) {
                CAPTURE(prefix);
                check_plans(r.db, store::id_completion_statements(d, lead, action, status, prefix));
                check_plans(r.db,
                            store::id_completion_statements(d, manager, action, status, prefix));
                if (action != SuAction::allocate)
                    check_plans(r.db,
                                store::id_completion_statements(d, worker, action, status, prefix));
            }
}

TEST_CASE("completion: a manager's services are ranges of the service index") {
    ScratchRegister r;
    Directory d = two_services();
    auto statements = store::id_completion_statements(d, d.staff[1], SuAction::show,
                                                      store::IdStatus::active, true);
    // Her own caseload, and each of the two services she manages.
    REQUIRE(statements.size() == 3);
    CHECK(store::explain_query_plan(r.db, statements[1]).find("service_user_service") !=
          std::string::npos);
    CHECK(store::explain_query_plan(r.db, statements[0]).find("service_user_keyworker") !=
          std::string::npos);
}

TEST_CASE("completion: a lead of very many services walks the ID index for a status") {
    ScratchRegister r;
    Directory d = two_services();
    for (Key k = 1; k <= 41; ++k) d.services.push_back({1000 + k, "S" + std::to_string(k), "S", 1});
    auto statements =
        store::id_completion_statements(d, d.staff[0], SuAction::show, store::IdStatus::left, true);
    REQUIRE(statements.size() == 1);
    check_plans(r.db, statements);
}
