#pragma once
// The domain as loaded from a register (spec §1).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caseload/star.hpp"

namespace caseload {

using Key = std::int64_t;

struct Organisation {
    std::string name;
    std::optional<std::string> id_pattern;
    std::optional<std::string> id_pattern_description;
};

struct StoredStar {
    Key key = 0;
    Star star;
    bool builtin = false;
    std::vector<Key> need_keys;  // parallel to star.needs
};

struct Service {
    Key key = 0;
    std::string code;
    std::string name;
    Key star_key = 0;
};

struct StaffRole {
    Key service_key = 0;
    bool worker = false;
    bool manager = false;
};

struct StaffMember {
    Key key = 0;
    std::string username;
    std::string name;
    std::optional<std::string> login;
    bool lead = false;
    bool active = true;
    std::map<Key, StaffRole> roles;  // by service key

    bool is_worker_of(Key service) const;
    bool is_manager_of(Key service) const;
    // Services where the member has any role.
    std::vector<Key> services() const;
};

struct GuardWord {
    std::string word;
    std::string kind;  // name | address | allow
    std::string reason;
};

// A service user as stored.
struct ServiceUser {
    Key key = 0;
    std::string id;
    Key service_key = 0;
    Key keyworker_key = 0;
    std::optional<std::string> date_of_birth;
    std::optional<std::string> age_band;
    std::optional<std::string> gender;
    std::optional<std::string> ethnicity;
    std::vector<std::string> needs;         // need codes, in the Star's order
    std::optional<std::string> started_on;  // the day support began
    std::string status = "active";
    std::optional<std::string> left_on;
    std::string created_at;
    std::string updated_at;
};

// Everything small about a register, loaded in a few queries: the services,
// staff, Stars and guard words that every rule consults. Loaded once per
// command (and once per import, not per row).
struct Directory {
    Organisation organisation;
    std::vector<StoredStar> stars;
    std::vector<Service> services;
    std::vector<StaffMember> staff;
    std::vector<GuardWord> words;

    const Service* service_by_code(std::string_view code) const;  // case-insensitive
    const Service* service_by_key(Key key) const;
    const StaffMember* staff_by_username(std::string_view username) const;  // case-insensitive
    const StaffMember* staff_by_key(Key key) const;
    const StaffMember* staff_by_login(std::string_view login) const;
    const StoredStar* star_by_code(std::string_view code) const;
    const StoredStar* star_by_key(Key key) const;
    // Active workers of a service, by username.
    std::vector<std::string> workers_of(Key service) const;
};

}  // namespace caseload
