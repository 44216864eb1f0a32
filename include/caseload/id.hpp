#pragma once
// Service-user IDs (spec §2): format, normal form and the case-folded key.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caseload {

constexpr std::size_t kIdMinLength = 3;
constexpr std::size_t kIdMaxLength = 32;

// What is wrong with a candidate ID's format, as a sentence naming the
// character and its position; nullopt when the format is right.
std::optional<std::string> id_format_problem(std::string_view trimmed_id);
// Whether the format is right (id_format_problem gives nullopt), without
// building a message: the check of many IDs (id check -).
bool id_format_ok(std::string_view trimmed_id);

// Trims surrounding white space and checks the format. Returns the ID as
// entered (case kept); throws Error(Exit::invalid) naming the problem.
std::string normalise_id(std::string_view raw);

// The case-folded key used for uniqueness and every lookup.
std::string id_key(std::string_view id);

// Every string within one edit of `key` (substitution, insertion, deletion,
// neighbour swap) over the ID alphabet, lowercase: the candidates for
// "did you mean", looked up through the index.
std::vector<std::string> one_edit_neighbours(std::string_view key);

// An organisation's stricter pattern (ECMAScript regex, whole match). The
// regex is compiled once per thread for the last pattern given.
bool matches_id_pattern(std::string_view id, const std::string& pattern);
// Compiles the pattern as matches_id_pattern does; throws std::regex_error
// when it is not a valid regular expression.
void check_id_pattern_compiles(const std::string& pattern);

}  // namespace caseload
