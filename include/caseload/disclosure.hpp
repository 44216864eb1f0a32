#pragma once
// Small-number protection of published counts (issue 14), shared by reports,
// their totals and benchmarks, and by the aggregate files of
// 'caseload benchmark export'.
//
// The method has two parts.
//
// 1. What is shown (NHS Digital's rule, aligned to the threshold): a count
// under the threshold is hidden; every other count, and every total, is
// rounded to the nearest 5; percentages are computed from the rounded
// figures. The threshold asked for is raised to at least 8 (NHS Digital's:
// 1 to 7 hidden), and to the next of 8, 13, 18, ... (5k + 3): then every
// shown figure F stands for exactly the five counts F - 2 .. F + 2, none of
// them under the threshold. The same count is always shown as the same
// figure, so asking again teaches nothing new.
//
// 2. Who is counted (why no hidden count can be worked out). Rounding and
// hiding alone are not enough: figures of many overlapping reports are
// intervals, and intervals intersect. tests/e2e/disclosure.py found hidden
// counts pinned to one value (4 of 996 on two random registers: two hidden
// 7s whose sum other figures put at 14 or more, and hidden cells that other
// reports put at exactly 0), and --since/--until can slide a window one day
// at a time until a rounded figure turns over. So every protected figure is
// counted without a few people: in each service, by a secret drawn when the
// register is made (the disclosure_key table), either nobody or one person
// (any status) is left out of every protected count. Whatever a reader
// asks, every figure comes from one register R (the real one less those
// people). For any hidden cell with R-count v, both "nobody was left out"
// (the cell holds v) and "the person left out of one of its services was in
// it" (v + 1) explain every figure exactly, and the reader cannot tell the
// secret; so the true count is never pinned to one value. (A cell no
// person could be in, such as a keyworker in a service where they do not
// work, is empty by the register's rules, not by its people.)
// Figures are therefore off by at most one person per service before
// rounding. Reports without --suppress-below count everyone.
#include <optional>
#include <vector>

#include "caseload/model.hpp"

namespace caseload {

class Database;
class Register;

inline constexpr long long kMinimumThreshold = 8;

// The threshold applied for a requested one (>= 1): the smallest 5k + 3, at
// least 8, that is not below it (1 .. 8 -> 8; 9 .. 13 -> 13).
long long effective_threshold(long long requested);

// `count` rounded to the nearest multiple of 5, halves up (12 -> 10, 13 -> 15).
long long round_to_five(long long count);

// What may be shown of a count under an effective threshold: nullopt when
// hidden, else the rounded figure. `threshold` 0: no protection (as is).
std::optional<long long> protect_count(long long count, long long threshold);

// count / base in tenths of a percent, from the figures as shown (both
// protected); nullopt when either is hidden.
std::optional<long long> protected_percent_tenths(long long count, long long base,
                                                  long long threshold);

// The people left out of every protected count (part 2 above): per service,
// when the secret's bit for it is set, its person of smallest secret rank.
// Found by first_ranked_people, below; refuses (exit 3) a secret that is missing or damaged.
std::vector<Key> people_left_out(Register& reg);

// The same choice as a pure function, over given (person, service) pairs,
// for a given secret: the rank of a person (its key) or of a service,
// (key * multiplier + offset) mod 2^31 - 1.
struct DisclosureKey {
    long long multiplier = 1;
    long long person_offset = 0;
    long long service_offset = 0;
};
long long secret_rank(const DisclosureKey& key, Key id, long long offset);
std::vector<Key> choose_left_out(const DisclosureKey& key,
                                 const std::vector<std::pair<Key, Key>>& person_services);

// In each of `services`, the service user of smallest secret rank (then
// smallest key) by the person offset: choose_left_out's choice, read from the
// register without reading every person (disclosure.cpp says how). Services
// with nobody give nobody. `ranks_walked`: how far the walk over the ranks
// goes before the people of the services not met are read (0: as far as
// suits the register's size).
std::vector<Key> first_ranked_people(Database& db, const DisclosureKey& key,
                                     const std::vector<Key>& services,
                                     unsigned long long ranks_walked = 0);

}  // namespace caseload
