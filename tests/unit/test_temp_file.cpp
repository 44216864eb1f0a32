// Temporary files and the import's watch on its input (caseload/temp_file.hpp).
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

TEST_CASE("unchanged input: a regular file that changed is refused, with nothing imported") {
    ScratchFile f("id,service\nHOM-0001,HOM\n");
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const UnchangedInput unchanged(fd, "users.csv");
    CHECK_NOTHROW(unchanged.check_unchanged());
    auto check_refused = [&]() {
        try {
            unchanged.check_unchanged();
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::failure);
            CHECK(std::string(e.what()) ==
                  "users.csv changed while it was imported (its size or time of change is not "
                  "what it was); nothing was imported");
            CHECK(e.hint() == "import it again once nothing else writes to it");
        }
    };
    SUBCASE("a row appended") {
        f.write("HOM-0002,HOM\n", std::ios::app);
        check_refused();
    }
    SUBCASE("cut short") {
        f.write("id\n");
        check_refused();
    }
    ::close(fd);
}

TEST_CASE("unchanged input: a pipe, or no descriptor, has nothing to watch") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    const UnchangedInput pipe_input(ends[0], "stdin");
    CHECK_NOTHROW(pipe_input.check_unchanged());
    ::close(ends[0]);
    ::close(ends[1]);
    const UnchangedInput none(-1, "stdin");
    CHECK_NOTHROW(none.check_unchanged());
}
