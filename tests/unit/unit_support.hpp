#pragma once
// What the core's unit tests share: the exit code and the message of a call
// that throws caseload::Error.
#include <string>
#include <utility>

#include "caseload/error.hpp"

namespace unit {

// The code of the Error that `f` throws; Exit::ok when it returns.
template <class F>
caseload::Exit exit_of(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const caseload::Error& e) {
        return e.code();
    }
    return caseload::Exit::ok;
}

// The message of the Error that `f` throws; empty when it returns.
template <class F>
std::string message_of(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const caseload::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace unit
