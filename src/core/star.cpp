#include "caseload/star.hpp"

#include <fmt/format.h>

#include <set>

#include "caseload/embedded.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

Star parse_star(std::string_view text, std::string_view source) {
    Star star;
    std::set<std::string> seen;
    int line_no = 0;
    auto fail = [&](const std::string& what) {
        // line_no 0: about the whole file, not one line of it.
        throw Error(Exit::invalid,
                    line_no ? fmt::format("{}, line {}: {}", source, line_no, what)
                            : fmt::format("{}: {}", source, what),
                    "each line is 'code = CODE', 'name = NAME' or 'need CODE = Label'; "
                    "see the files in " CASELOAD_STARS_DIR " for examples");
    };
    if (!is_valid_utf8(text)) fail("the file is not valid UTF-8");
    for (const auto& raw : split(text, '\n')) {
        ++line_no;
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos) fail(fmt::format("'{}' has no '='", printable(line)));
        std::string_view key = trim(line.substr(0, eq));
        std::string_view value = trim(line.substr(eq + 1));
        if (value.empty()) fail(fmt::format("'{}' has no value", printable(key)));
        if (value.size() > 80) fail("the value is longer than 80 characters");
        if (auto character = forbidden_character(value))
            fail(fmt::format("the value has {}", *character));
        if (key == "code") {
            if (!is_kebab_code(value))
                fail(fmt::format("star code '{}' must be kebab-case (e.g. my-star)",
                                 printable(value)));
            star.code = value;
        } else if (key == "name") {
            star.name = value;
        } else if (key.substr(0, 5) == "need ") {
            std::string code(trim(key.substr(5)));
            if (!is_kebab_code(code) || code.size() > 32)
                fail(fmt::format("need code '{}' must be kebab-case, up to 32 characters",
                                 printable(code)));
            if (!seen.insert(code).second) fail(fmt::format("need '{}' is listed twice", code));
            star.needs.push_back({code, std::string(value)});
        } else {
            fail(fmt::format("unknown key '{}'", printable(key)));
        }
    }
    line_no = 0;
    if (star.code.empty()) fail("the file has no 'code = ...' line");
    if (star.name.empty()) fail("the file has no 'name = ...' line");
    if (star.needs.empty()) fail("the file lists no needs ('need CODE = Label')");
    return star;
}

std::vector<Star> builtin_stars() {
    std::vector<Star> stars;
    for (std::size_t i = 0; i < embedded::kStarFileCount; ++i)
        stars.push_back(parse_star(embedded::kStarFiles[i].text, embedded::kStarFiles[i].name));
    return stars;
}

}  // namespace caseload
