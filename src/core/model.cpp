#include "caseload/model.hpp"

#include "caseload/text.hpp"

namespace caseload {

bool StaffMember::is_worker_of(Key service) const {
    auto it = roles.find(service);
    return it != roles.end() && it->second.worker;
}

bool StaffMember::is_manager_of(Key service) const {
    auto it = roles.find(service);
    return it != roles.end() && it->second.manager;
}

std::vector<Key> StaffMember::services() const {
    std::vector<Key> out;
    for (const auto& [key, role] : roles)
        if (role.worker || role.manager) out.push_back(key);
    return out;
}

const Service* Directory::service_by_code(std::string_view code) const {
    for (const auto& s : services)
        if (ascii_iequals(s.code, code)) return &s;
    return nullptr;
}

const Service* Directory::service_by_key(Key key) const {
    for (const auto& s : services)
        if (s.key == key) return &s;
    return nullptr;
}

const StaffMember* Directory::staff_by_username(std::string_view username) const {
    for (const auto& m : staff)
        if (ascii_iequals(m.username, username)) return &m;
    return nullptr;
}

const StaffMember* Directory::staff_by_key(Key key) const {
    for (const auto& m : staff)
        if (m.key == key) return &m;
    return nullptr;
}

const StaffMember* Directory::staff_by_login(std::string_view login) const {
    for (const auto& m : staff)
        if (m.login && *m.login == login) return &m;
    return nullptr;
}

const StoredStar* Directory::star_by_code(std::string_view code) const {
    std::string folded = ascii_lower(code);
    for (const auto& s : stars)
        if (s.star.code == folded) return &s;
    return nullptr;
}

const StoredStar* Directory::star_by_key(Key key) const {
    for (const auto& s : stars)
        if (s.key == key) return &s;
    return nullptr;
}

std::vector<std::string> Directory::workers_of(Key service) const {
    std::vector<std::string> out;
    for (const auto& m : staff)
        if (m.active && m.is_worker_of(service)) out.push_back(m.username);
    return out;
}

}  // namespace caseload
