#pragma once
// What the guard's unit tests (test_guard_*.cpp) share: the findings of one
// kind as lines easy to compare, and a fixed "today" for the date detector.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/guard.hpp"

namespace guard_test {

using caseload::FindingKind;
using caseload::Guard;
using caseload::GuardFinding;
using caseload::GuardWords;
using caseload::Severity;

using Lines = std::vector<std::string>;

// The findings of one kind, in the guard's order.
inline std::vector<GuardFinding> of_kind(const std::vector<GuardFinding>& findings,
                                         FindingKind kind) {
    std::vector<GuardFinding> out;
    for (const auto& f : findings)
        if (f.kind == kind) out.push_back(f);
    return out;
}

// The findings of one kind for `id`, as "match: message". A kind always has
// the same severity, so every finding is checked against `expected`.
inline Lines findings_of(const Guard& guard, std::string_view id, FindingKind kind,
                         Severity expected) {
    Lines lines;
    for (const auto& f : of_kind(guard.check(id), kind)) {
        CHECK(f.severity == expected);
        lines.push_back(f.match + ": " + f.message);
    }
    return lines;
}

// Sets CASELOAD_TODAY for the life of the object, then puts back what was
// there: years of birth are read against today, which a test must pin.
class FixedToday {
  public:
    explicit FixedToday(const char* date) {
        if (const char* old = std::getenv("CASELOAD_TODAY")) old_ = old;
        ::setenv("CASELOAD_TODAY", date, 1);
    }
    ~FixedToday() {
        if (old_)
            ::setenv("CASELOAD_TODAY", old_->c_str(), 1);
        else
            ::unsetenv("CASELOAD_TODAY");
    }
    FixedToday(const FixedToday&) = delete;
    FixedToday& operator=(const FixedToday&) = delete;

  private:
    std::optional<std::string> old_;
};

}  // namespace guard_test
