#include <doctest/doctest.h>

#include <algorithm>

#include "caseload/error.hpp"
#include "caseload/star.hpp"

using namespace caseload;

TEST_CASE("star: the default catalogue") {
    auto stars = builtin_stars();
    std::vector<std::string> codes;
    for (const auto& s : stars) {
        codes.push_back(s.code);
        CHECK(s.needs.size() >= 8);
    }
    for (const char* c : {"family", "homelessness", "recovery", "work"})
        CHECK(std::find(codes.begin(), codes.end(), c) != codes.end());
}

TEST_CASE("star: parse and refuse") {
    Star s = parse_star("# c\ncode = my-star\nname = My Star\nneed a-need = A need\n", "f");
    CHECK(s.code == "my-star");
    CHECK(s.needs.size() == 1);
    CHECK(s.needs[0].label == "A need");
    CHECK_THROWS_AS(parse_star("code = My Star\nname = x\nneed a = b\n", "f"), Error);
    CHECK_THROWS_AS(parse_star("code = s\nname = x\n", "f"), Error);
    CHECK_THROWS_AS(parse_star("code = s\nname = x\nneed a = b\nneed a = c\n", "f"), Error);
    CHECK_THROWS_AS(parse_star("code = s\nname = x\nneed Bad = b\n", "f"), Error);
    CHECK_THROWS_AS(parse_star("code = s\nnonsense\n", "f"), Error);
}
