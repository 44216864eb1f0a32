// Temporary files (caseload/temp_file.hpp).
#include "caseload/temp_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
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
// Reads n bytes at `offset` into `out`, through short reads and EINTR: the
// bytes read (fewer at the end of the file, errno 0), or -1 (errno set).
ssize_t pread_fully(int fd, char* out, std::size_t n, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < n) {
        errno = 0;
        const ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        done += static_cast<std::size_t>(r);
    }
    return static_cast<ssize_t>(done);
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
    if (pread_fully(fd_, out, n, offset) != static_cast<ssize_t>(n)) fail("read");
}

namespace {
bool same_file_state(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}
}  // namespace

UnchangedInput::UnchangedInput(int fd, std::string name) : name_(std::move(name)) {
    if (fd >= 0 && ::fstat(fd, &first_) == 0 && S_ISREG(first_.st_mode)) fd_ = fd;
}

void UnchangedInput::check_unchanged() const {
    if (fd_ < 0) return;
    struct stat now {};
    if (::fstat(fd_, &now) != 0 || !same_file_state(first_, now))
        throw Error(Exit::failure,
                    fmt::format("{} changed while it was imported (its size or time of change is "
                                "not what it was); nothing was imported",
                                printable(name_, 200)),
                    "import it again once nothing else writes to it");
}

}  // namespace caseload
