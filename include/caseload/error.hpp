#pragma once
// Errors carry the exit code of spec §5, the message, and what to do next.
#include <stdexcept>
#include <string>
#include <vector>

namespace caseload {

enum class Exit : int {
    ok = 0,
    failure = 1,    // unexpected failure
    usage = 2,      // bad command line
    invalid = 3,    // invalid or refused data
    not_found = 4,  // no such record or database
    conflict = 5,   // ID in use, stale state
    denied = 6,     // permission denied
    busy = 7,       // database busy, try again later
    partial = 8,    // import partly done
};

class Error : public std::runtime_error {
public:
    Error(Exit code, std::string message, std::string hint = {},
          std::vector<std::string> details = {})
        : std::runtime_error(std::move(message)),
          code_(code),
          hint_(std::move(hint)),
          details_(std::move(details)) {}

    Exit code() const { return code_; }
    const std::string& hint() const { return hint_; }
    // Extra lines printed under the message (findings, "did you mean").
    const std::vector<std::string>& details() const { return details_; }

private:
    Exit code_;
    std::string hint_;
    std::vector<std::string> details_;
};

}  // namespace caseload
