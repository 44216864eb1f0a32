#pragma once
// Stars: outcomes tools, each with its own list of support needs.
#include <string>
#include <string_view>
#include <vector>

namespace caseload {

struct StarNeed {
    std::string code;
    std::string label;
};

struct Star {
    std::string code;
    std::string name;
    std::vector<StarNeed> needs;
};

// Parses the catalogue format of data/stars/*.star:
//   code = homelessness
//   name = Homelessness Star
//   need rough-sleeping = Rough sleeping
// Throws Error(Exit::invalid) naming the line and what is wrong.
Star parse_star(std::string_view text, std::string_view source_name);

// The default catalogue compiled into the program.
std::vector<Star> builtin_stars();

}  // namespace caseload
