#pragma once
// The anonymity guard (spec §2): what an ID must not contain.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace caseload {

namespace guard_internal {
struct GuardState;  // src/core/guard_detectors.hpp
}

enum class FindingKind { name, address, identifier, date, initials };
enum class Severity { warn, block };

std::string_view kind_name(FindingKind kind);       // "name", "address", ...
std::string_view severity_name(Severity severity);  // "warn", "block"

struct GuardFinding {
    FindingKind kind;
    Severity severity;
    std::string match;    // the part of the ID that matched, as written in the ID
    std::string message;  // short description: "a surname", "a room number", ...
};

// A finding as Guard::check_views gives it, without copies: `match` views the
// ID checked (valid as long as it is), `message` a string literal.
struct GuardFindingView {
    FindingKind kind;
    Severity severity;
    std::string_view match;
    std::string_view message;
};

// The organisation's own words and codes (lowercase).
struct GuardWords {
    std::vector<std::string> names;          // local names and nicknames: block as name
    std::vector<std::string> addresses;      // local street/building words: block as address
    std::vector<std::string> allowed;        // allowed words: never a finding
    std::vector<std::string> service_codes;  // never read as initials
};

class Guard {
  public:
    explicit Guard(GuardWords words = {});

    // Every finding for an ID (already in valid format), blocks first.
    std::vector<GuardFinding> check(std::string_view id) const;

    // --ask-name: also tests the ID against a real name given at a prompt and
    // that name's initials. The name is only read, never stored.
    std::vector<GuardFinding> check_with_name(std::string_view id,
                                              std::string_view real_name) const;

    // As check and check_with_name, into `out` (cleared first): no allocation
    // once `out` has room, for callers that check many IDs (id check -).
    void check_views(std::string_view id, std::vector<GuardFindingView>& out) const;
    void check_with_name_views(std::string_view id, std::string_view real_name,
                               std::vector<GuardFindingView>& out) const;
    static bool blocks(const std::vector<GuardFinding>& findings);

  private:
    GuardWords words_;
    // Built once from words_: the organisation's words in a trie, today's limits.
    std::shared_ptr<const guard_internal::GuardState> state_;
};

}  // namespace caseload
