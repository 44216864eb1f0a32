#pragma once
// The drop-down fields of spec §3: each value a kebab-case code and a label.
#include <span>
#include <string>
#include <string_view>

namespace caseload {

struct Option {
    std::string_view code;
    std::string_view label;
};

struct OptionList {
    std::string_view field;    // "gender"
    std::string_view command;  // "gender" (for 'caseload options gender')
    std::span<const Option> values;
};

const OptionList& gender_options();
const OptionList& ethnicity_options();
const OptionList& age_band_options();

// All lists, for 'caseload options' and completion.
std::span<const OptionList* const> all_option_lists();

bool has_option(const OptionList& list, std::string_view code);

// Throws Error(Exit::invalid) naming the value and the allowed codes.
// Ignores ASCII case, as needs do, and sets `code` to the code as listed
// ("Female" -> "female"), so that the register holds one spelling.
void require_option(const OptionList& list, std::string& code);

}  // namespace caseload
