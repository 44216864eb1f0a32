// Temporary files (caseload/temp_file.hpp).
#include "caseload/temp_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {
[[noreturn]] void fail(const char* what) {
    throw Error(Exit::failure,
                fmt::format("cannot {} a temporary file: {}", what,
                            errno ? std::strerror(errno) : "it ended early"),
                "free some space in TMPDIR (or /tmp); the register was not changed");
}
}  // namespace

TempFile::TempFile(const char* what) {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env && *env ? env : "/tmp";
    std::string path = dir + "/.caseload.XXXXXX";
    fd_ = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd_ < 0)
        throw Error(Exit::failure,
                    fmt::format("cannot create a temporary file for the {} in {}: {}", what,
                                printable(dir, 200), std::strerror(errno)),
                    "set TMPDIR to a directory you may write to, with room for the input");
    ::unlink(path.c_str());
}

TempFile::~TempFile() {
    ::close(fd_);
}

void TempFile::append(const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd_, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fail("write");
        data += w;
        n -= static_cast<std::size_t>(w);
        size_ += static_cast<std::uint64_t>(w);
    }
}

void TempFile::read(std::uint64_t offset, char* out, std::size_t n) const {
    while (n > 0) {
        errno = 0;
        const ssize_t r = ::pread(fd_, out, n, static_cast<off_t>(offset));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) fail("read");
        out += r;
        n -= static_cast<std::size_t>(r);
        offset += static_cast<std::uint64_t>(r);
    }
}

}  // namespace caseload
