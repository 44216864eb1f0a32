// Temporary files and the import's input read again (caseload/temp_file.hpp).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "caseload/error.hpp"
#include "caseload/temp_file.hpp"

using namespace caseload;

namespace {

// A file in a fresh directory, removed with it.
struct ScratchFile {
    std::filesystem::path dir, path;
    explicit ScratchFile(const std::string& text) {
        char name[] = "/tmp/caseload-tempfile-test.XXXXXX";
        dir = ::mkdtemp(name);
        path = dir / "users.csv";
        write(text);
    }
    ~ScratchFile() { std::filesystem::remove_all(dir); }
    void write(const std::string& text, std::ios::openmode mode = std::ios::trunc) const {
        std::ofstream(path, std::ios::binary | mode) << text;
    }
};

std::string read_back(const InputBytes& bytes, std::uint64_t offset, std::size_t n) {
    std::string out(n, '\0');
    bytes.read(offset, out.data(), n);
    return out;
}

}  // namespace

TEST_CASE("temp file: appended bytes read back by offset; past the end is an error") {
    TempFile file("test");
    file.append("id,service\n", 11);
    file.append("HOM-0001,HOM\n", 13);
    CHECK(file.size() == 24);
    std::string out(8, '\0');
    file.read(11, out.data(), 8);
    CHECK(out == "HOM-0001");
    CHECK_THROWS_AS(file.read(20, out.data(), 8), Error);
}

TEST_CASE("input bytes: a regular file is read again where it is, from where reading began") {
    ScratchFile f("# skipped\nid,service\nHOM-0001,HOM\n");
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::lseek(fd, 10, SEEK_SET) == 10);  // offsets count from here
    InputBytes bytes(fd, "users.csv");
    CHECK_FALSE(bytes.copied());
    bytes.append("ignored", 7);  // nothing is copied
    CHECK(read_back(bytes, 11, 8) == "HOM-0001");
    CHECK_NOTHROW(bytes.check_unchanged());
    ::close(fd);
}

TEST_CASE("input bytes: a regular file that changed is refused, with nothing imported") {
    ScratchFile f("id,service\nHOM-0001,HOM\n");
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    InputBytes bytes(fd, "users.csv");
    SUBCASE("a row appended") {
        f.write("HOM-0002,HOM\n", std::ios::app);
        try {
            bytes.check_unchanged();
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::failure);
            CHECK(std::string(e.what()) ==
                  "users.csv changed while it was imported (its size or time of change is not "
                  "what it was); nothing was imported");
            CHECK(e.hint() == "import it again once nothing else writes to it");
        }
    }
    SUBCASE("cut short: reading again fails before the end") {
        f.write("id\n");
        try {
            read_back(bytes, 11, 8);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(std::string(e.what()) ==
                  "users.csv changed while it was imported (it is shorter); nothing was imported");
        }
    }
    ::close(fd);
}

TEST_CASE("input bytes: a pipe is copied as it is read, and read back from the copy") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    InputBytes bytes(ends[0], "stdin");
    CHECK(bytes.copied());
    bytes.append("id\nHOM-0001\n", 12);
    CHECK(read_back(bytes, 3, 8) == "HOM-0001");
    CHECK_NOTHROW(bytes.check_unchanged());
    ::close(ends[0]);
    ::close(ends[1]);
    InputBytes none(-1, "stdin");  // no descriptor: copied
    CHECK(none.copied());
}
