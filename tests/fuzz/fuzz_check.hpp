#pragma once
// Shared by the fuzz targets: a property check that aborts (so libFuzzer and
// the replay runner both report it), and a helper that runs a call expecting
// either success or a caseload::Error, and nothing else.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "caseload/error.hpp"

#define FUZZ_CHECK(condition)                                                                     \
    do {                                                                                          \
        if (!(condition)) {                                                                       \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                         \
        }                                                                                         \
    } while (0)

namespace fuzz {

// Messages must be plain, printable ASCII: nothing raw from the input.
inline bool printable_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7E) return false;
    return true;
}

// Calls f(); returns true when it returned, false when it threw caseload::Error.
// Any other exception is a bug: the CLI would report it as an "unexpected failure".
template <typename F>
bool returns_or_error(F&& f) {
    try {
        f();
        return true;
    } catch (const caseload::Error&) {
        return false;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception (not caseload::Error): %s\n", e.what());
        std::abort();
    }
}

}  // namespace fuzz
