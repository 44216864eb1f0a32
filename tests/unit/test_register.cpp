// The rules of su add, as a pure function over a Directory.
#include <doctest/doctest.h>

#include "caseload/register.hpp"

using namespace caseload;

namespace {

Directory sample_directory() {
    Directory d;
    StoredStar star;
    star.key = 1;
    star.star = {"homelessness", "Homelessness Star", {{"rough-sleeping", "Rough sleeping"}, {"money", "Money"}}};
    star.need_keys = {11, 12};
    d.stars.push_back(star);
    d.services.push_back({100, "HOM", "Hostel", 1});
    d.services.push_back({200, "REC", "Recovery", 1});
    StaffMember lead{1, "boss", "Boss", "root", true, true, {}};
    StaffMember mia{2, "mia", "Mia", std::nullopt, false, true, {}};
    mia.roles[100] = {100, false, true};
    StaffMember wes{3, "wes", "Wes", std::nullopt, false, true, {}};
    wes.roles[100] = {100, true, false};
    StaffMember old{4, "old", "Old", std::nullopt, false, false, {}};
    old.roles[100] = {100, true, false};
    d.staff = {lead, mia, wes, old};
    return d;
}

std::vector<FieldProblem> problems_of(const StaffMember& who, NewServiceUserInput in) {
    Directory d = sample_directory();
    std::vector<FieldProblem> problems;
    Guard guard;
    validate_new_service_user(d, who, guard, in, {2026, 11, 26}, problems);
    return problems;
}

}  // namespace

TEST_CASE("register: a worker's new service user is theirs") {
    Directory d = sample_directory();
    std::vector<FieldProblem> problems;
    NewServiceUserInput in;
    in.id = "HOM-0042";
    in.needs = {"money", "rough-sleeping", "money"};
    auto v = validate_new_service_user(d, d.staff[2], Guard(), in, {2026, 11, 26}, problems);
    REQUIRE(v);
    CHECK(v->keyworker_key == 3);
    CHECK(v->service_key == 100);
    CHECK(v->need_codes == std::vector<std::string>{"rough-sleeping", "money"});
}

TEST_CASE("register: the keyworker rules") {
    Directory d = sample_directory();
    NewServiceUserInput in;
    in.id = "HOM-0042";
    in.keyworker = "mia";
    auto p = problems_of(d.staff[2], in);
    REQUIRE(p.size() == 1);
    CHECK(p[0].code == Exit::denied);
    in.keyworker.reset();
    p = problems_of(d.staff[1], in);  // manager without keyworker
    REQUIRE(p.size() == 1);
    CHECK(p[0].field == "keyworker");
    CHECK(p[0].code == Exit::invalid);
    in.keyworker = "old";  // deactivated
    p = problems_of(d.staff[1], in);
    REQUIRE(p.size() == 1);
    CHECK(p[0].message.find("not an active worker") != std::string::npos);
    in.keyworker = "wes";
    CHECK(problems_of(d.staff[1], in).empty());
    in.service = "REC";  // lead names a service where wes is not a worker
    p = problems_of(d.staff[0], in);
    REQUIRE(p.size() == 1);
    CHECK(p[0].message == "'wes' is not a worker of REC");
    CHECK(p[0].hint == "REC has no active workers yet");
}

TEST_CASE("register: every problem of an input is reported, by field") {
    Directory d = sample_directory();
    NewServiceUserInput in;
    in.id = "bad id";
    in.needs = {"nope"};
    in.date_of_birth = "1990-01-01";
    in.age_band = "25-34";
    in.gender = "x";
    auto p = problems_of(d.staff[2], in);
    std::vector<std::string> fields;
    for (const auto& x : p) fields.push_back(x.field);
    CHECK(fields == std::vector<std::string>{"id", "needs", "age_band", "gender"});
}
