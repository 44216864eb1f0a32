#pragma once
// Generated IDs (spec §2): random, Crockford base-32, optional service prefix,
// and a check character from a Damm quasigroup of order 32.
#include <functional>
#include <string>
#include <string_view>

namespace caseload {

class Guard;

// Crockford's base-32 symbols: no I, L, O or U.
inline constexpr std::string_view kCrockfordSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Number of random symbols in a generated ID (8 x 5 = 40 bits).
inline constexpr std::size_t kGeneratedSymbols = 8;

// Value 0..31 of a Crockford symbol (case-insensitive), or -1.
int crockford_value(char symbol);

// The check symbol for a string of Crockford symbols: every single-symbol
// substitution and every swap of two neighbours changes it.
char damm32_check_symbol(std::string_view symbols);

// True when the last symbol is the right check symbol for the ones before it.
bool damm32_valid(std::string_view symbols_with_check);

// `count` random Crockford symbols from the OS's random source.
std::string random_symbols(std::size_t count = kGeneratedSymbols);

// Formats "[PREFIX-]XXXXXXXX-C".
std::string format_generated_id(std::string_view prefix, std::string_view symbols);

// True when `id` has the generated shape and its check symbol is right.
bool is_valid_generated_id(std::string_view id);

// A new ID that passes the guard and for which in_use() is false.
std::string generate_id(std::string_view prefix, const Guard& guard,
                        const std::function<bool(std::string_view)>& in_use);

}  // namespace caseload
