#include <doctest/doctest.h>

#include "caseload/error.hpp"
#include "caseload/rules.hpp"

using namespace caseload;

namespace {

StaffMember member(Key key, bool lead = false) {
    StaffMember m;
    m.key = key;
    m.username = "u" + std::to_string(key);
    m.lead = lead;
    return m;
}

}  // namespace

TEST_CASE("rules: who may do what to a service user of service 1 on keyworker 10's caseload") {
    StaffMember lead = member(1, true);
    StaffMember manager = member(2);
    manager.roles[1] = {1, false, true};
    StaffMember other_manager = member(3);
    other_manager.roles[2] = {2, false, true};
    StaffMember keyworker = member(10);
    keyworker.roles[1] = {1, true, false};
    StaffMember colleague = member(11);
    colleague.roles[1] = {1, true, false};
    StaffMember other_worker = member(12);
    other_worker.roles[2] = {2, true, false};

    using A = SuAction;
    for (A a : {A::show, A::edit, A::needs, A::rename, A::leave, A::allocate, A::erase})
        CHECK(may(lead, a, 1, 10));
    for (A a : {A::show, A::edit, A::needs, A::rename, A::leave, A::allocate})
        CHECK(may(manager, a, 1, 10));
    CHECK_FALSE(may(manager, A::erase, 1, 10));
    for (A a : {A::show, A::edit, A::needs, A::rename, A::leave}) CHECK(may(keyworker, a, 1, 10));
    CHECK_FALSE(may(keyworker, A::allocate, 1, 10));
    CHECK_FALSE(may(keyworker, A::erase, 1, 10));
    for (A a : {A::show, A::edit, A::needs, A::rename, A::leave, A::allocate, A::erase}) {
        CHECK_FALSE(may(other_manager, a, 1, 10));
        CHECK_FALSE(may(colleague, a, 1, 10));
        CHECK_FALSE(may(other_worker, a, 1, 10));
    }
    // A keyworker who no longer works in the service loses the record.
    StaffMember moved = member(10);
    moved.roles[2] = {2, true, false};
    CHECK_FALSE(may(moved, A::show, 1, 10));
    // Deactivated staff cannot act at all.
    StaffMember gone = lead;
    gone.active = false;
    CHECK_FALSE(may(gone, A::show, 1, 10));
}

TEST_CASE("rules: actor description") {
    Actor a{member(5), member(1, true)};
    CHECK(a.describe() == "lead u1 as u5");
    Actor b{member(5), std::nullopt};
    CHECK(b.describe() == "u5");
}

TEST_CASE("rules: require_lead") {
    CHECK_NOTHROW(require_lead(member(1, true), "x"));
    try {
        require_lead(member(2), "add staff");
        FAIL("no throw");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::denied);
        CHECK(std::string(e.what()) == "only a lead may add staff");
    }
}
