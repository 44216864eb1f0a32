#include "caseload/options.hpp"

#include <fmt/format.h>

#include <array>

#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

constexpr Option kGenders[] = {
    {"female", "Female"},
    {"male", "Male"},
    {"non-binary", "Non-binary"},
    {"self-described", "Self-described"},
    {"prefer-not-to-say", "Prefer not to say"},
};

// The 19 ethnic groups of the 2021 Census of England and Wales.
constexpr Option kEthnicities[] = {
    {"asian-bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"},
    {"asian-chinese", "Asian, Asian British or Asian Welsh: Chinese"},
    {"asian-indian", "Asian, Asian British or Asian Welsh: Indian"},
    {"asian-pakistani", "Asian, Asian British or Asian Welsh: Pakistani"},
    {"asian-other", "Asian, Asian British or Asian Welsh: Other Asian"},
    {"black-african", "Black, Black British, Black Welsh, Caribbean or African: African"},
    {"black-caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"},
    {"black-other", "Black, Black British, Black Welsh, Caribbean or African: Other Black"},
    {"mixed-white-asian", "Mixed or Multiple: White and Asian"},
    {"mixed-white-black-african", "Mixed or Multiple: White and Black African"},
    {"mixed-white-black-caribbean", "Mixed or Multiple: White and Black Caribbean"},
    {"mixed-other", "Mixed or Multiple: Other Mixed or Multiple"},
    {"white-british", "White: English, Welsh, Scottish, Northern Irish or British"},
    {"white-irish", "White: Irish"},
    {"white-gypsy-irish-traveller", "White: Gypsy or Irish Traveller"},
    {"white-roma", "White: Roma"},
    {"white-other", "White: Other White"},
    {"arab", "Other ethnic group: Arab"},
    {"other", "Other ethnic group: Any other ethnic group"},
    {"prefer-not-to-say", "Prefer not to say"},
};

constexpr Option kAgeBands[] = {
    {"under-18", "Under 18"}, {"18-24", "18 to 24"},      {"25-34", "25 to 34"},
    {"35-44", "35 to 44"},    {"45-54", "45 to 54"},      {"55-64", "55 to 64"},
    {"65-74", "65 to 74"},    {"75-plus", "75 and over"}, {"unknown", "Unknown"},
};

const OptionList kGenderList{"gender", "gender", kGenders};
const OptionList kEthnicityList{"ethnicity", "ethnicity", kEthnicities};
const OptionList kAgeBandList{"age band", "age-band", kAgeBands};
const OptionList* const kAll[] = {&kGenderList, &kEthnicityList, &kAgeBandList};

}  // namespace

const OptionList& gender_options() {
    return kGenderList;
}
const OptionList& ethnicity_options() {
    return kEthnicityList;
}
const OptionList& age_band_options() {
    return kAgeBandList;
}
std::span<const OptionList* const> all_option_lists() {
    return kAll;
}

bool has_option(const OptionList& list, std::string_view code) {
    for (const auto& option : list.values)
        if (option.code == code) return true;
    return false;
}

void require_option(const OptionList& list, std::string& code) {
    for (const auto& option : list.values)
        if (ascii_iequals(option.code, code)) {
            code = option.code;
            return;
        }
    std::vector<std::string> codes;
    for (const auto& option : list.values) codes.emplace_back(option.code);
    std::string hint = fmt::format("see 'caseload options {}'", list.command);
    auto close = nearest(code, codes, 3, 1);
    if (!close.empty()) hint = fmt::format("did you mean '{}'? ", close.front()) + hint;
    throw Error(Exit::invalid,
                fmt::format("'{}' is not {} value; allowed: {}", printable(code),
                            with_article(list.field), join(codes, ", ")),
                hint);
}

}  // namespace caseload
