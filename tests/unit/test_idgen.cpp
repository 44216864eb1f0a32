// Generated IDs (spec §2): Crockford symbols, the Damm check symbol over a
// quasigroup of order 32, the random source, the ID shape and generate_id.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "caseload/error.hpp"
#include "caseload/guard.hpp"
#include "caseload/idgen.hpp"

using namespace caseload;

namespace {

constexpr int kN = 32;
using Table = std::array<std::array<int, kN>, kN>;

std::string symbol_string(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += kCrockfordSymbols[v];
    return out;
}

int check_value(std::string_view symbols) {
    return crockford_value(damm32_check_symbol(symbols));
}

// Rows and columns are permutations of 0..31.
bool is_quasigroup(const Table& t) {
    for (int i = 0; i < kN; ++i) {
        std::set<int> row, column;
        for (int j = 0; j < kN; ++j) {
            row.insert(t[i][j]);
            column.insert(t[j][i]);
        }
        if (row.size() != kN || column.size() != kN) return false;
    }
    return true;
}

// For all c and x != y: (c∘x)∘y != (c∘y)∘x.
bool is_totally_anti_symmetric(const Table& t) {
    for (int c = 0; c < kN; ++c)
        for (int x = 0; x < kN; ++x)
            for (int y = 0; y < kN; ++y)
                if (x != y && t[t[c][x]][y] == t[t[c][y]][x]) return false;
    return true;
}

// GF(32) = GF(2)[x] / (x^5 + x^2 + 1), built here independently of idgen.cpp.
int gf32_multiply(int x, int y) {
    int product = 0;
    for (int bit = 0; bit < 5; ++bit) {
        if (y & 1) product ^= x;
        y >>= 1;
        x <<= 1;
        if (x & 0x20) x ^= 0x25;
    }
    return product;
}

Table construction_table() {
    Table t{};
    for (int x = 0; x < kN; ++x)
        for (int y = 0; y < kN; ++y) t[x][y] = gf32_multiply(2, x) ^ y;
    return t;
}

int reference_check(const Table& t, std::string_view symbols) {
    int interim = 0;
    for (char s : symbols) interim = t[interim][crockford_value(s)];
    for (int c = 0; c < kN; ++c)
        if (t[interim][c] == 0) return c;
    return -1;
}

// Every single-symbol substitution (any position, the check's included, every
// other symbol) and every swap of two different neighbours of a valid code
// must make it invalid. Returns the number of corruptions tried.
std::size_t require_all_corruptions_detected(const std::string& valid) {
    REQUIRE(damm32_valid(valid));
    std::size_t tried = 0;
    for (std::size_t pos = 0; pos < valid.size(); ++pos) {
        for (char replacement : kCrockfordSymbols) {
            if (replacement == valid[pos]) continue;
            std::string corrupted = valid;
            corrupted[pos] = replacement;
            ++tried;
            if (damm32_valid(corrupted))
                FAIL_CHECK("substitution not detected: " << valid << " -> " << corrupted);
        }
    }
    for (std::size_t pos = 0; pos + 1 < valid.size(); ++pos) {
        if (valid[pos] == valid[pos + 1]) continue;
        std::string swapped = valid;
        std::swap(swapped[pos], swapped[pos + 1]);
        ++tried;
        if (damm32_valid(swapped)) FAIL_CHECK("swap not detected: " << valid << " -> " << swapped);
    }
    return tried;
}

double chi_square(const std::array<int, kN>& counts, double expected) {
    double sum = 0;
    for (int c : counts) sum += (c - expected) * (c - expected) / expected;
    return sum;
}

}  // namespace

TEST_CASE("idgen: crockford_value takes exactly the 32 symbols, either case") {
    for (int byte = 0; byte < 256; ++byte) {
        char c = static_cast<char>(byte);
        char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        auto at = kCrockfordSymbols.find(upper);
        int expected = at == std::string_view::npos ? -1 : static_cast<int>(at);
        CAPTURE(byte);
        CHECK(crockford_value(c) == expected);
    }
    CHECK(crockford_value('0') == 0);
    CHECK(crockford_value('9') == 9);
    CHECK(crockford_value('A') == 10);
    CHECK(crockford_value('h') == 17);
    CHECK(crockford_value('J') == 18);
    CHECK(crockford_value('z') == 31);
    // Strict: no decoding aliases (O for 0, I and L for 1), and no U.
    for (char c : std::string("IiLlOoUu-_. ")) CHECK(crockford_value(c) == -1);
}

TEST_CASE("idgen: the Damm table is a totally anti-symmetric quasigroup (exhaustive)") {
    // The table is internal to idgen.cpp (which also static_asserts both
    // properties), so it is read back here through the public API alone.
    // The check symbol is z(i), where i is the interim value after the
    // symbols and z(i) the column holding 0 in row i. In a quasigroup z is a
    // bijection, so labelling each interim value by z gives the conjugate
    // table T'[z(i)][y] = z(T[i][y]), which is a quasigroup, and totally
    // anti-symmetric, exactly when T is.
    Table conjugate{};
    std::set<int> labels;
    for (int x = 0; x < kN; ++x) {
        std::string prefix = symbol_string({x});
        int label = check_value(prefix);
        labels.insert(label);
        for (int y = 0; y < kN; ++y)
            conjugate[label][y] = check_value(prefix + kCrockfordSymbols[y]);
    }
    // One symbol reaches every interim value, so every row of T' is read.
    REQUIRE(labels.size() == kN);

    // The check symbol depends only on the interim value (the fold is
    // consistent): every two-symbol string continues as its label says, and
    // so does the empty string.
    for (int x = 0; x < kN; ++x)
        CHECK(check_value(symbol_string({x})) == conjugate[check_value("")][x]);
    for (int a = 0; a < kN; ++a)
        for (int b = 0; b < kN; ++b) {
            std::string s = symbol_string({a, b});
            int label = check_value(s);
            for (int y = 0; y < kN; ++y)
                if (check_value(s + kCrockfordSymbols[y]) != conjugate[label][y])
                    FAIL_CHECK("inconsistent fold after " << s << kCrockfordSymbols[y]);
        }

    CHECK(is_quasigroup(conjugate));
    CHECK(is_totally_anti_symmetric(conjugate));
}

TEST_CASE("idgen: the check symbol is Damm's over GF(32), x^5+x^2+1, x∘y = 2x ⊕ y") {
    Table t = construction_table();
    // The construction itself, proved on its table by exhaustive enumeration.
    CHECK(is_quasigroup(t));
    CHECK(is_totally_anti_symmetric(t));

    // The implementation agrees with it on every string of up to 3 symbols.
    CHECK(check_value("") == reference_check(t, ""));
    int mismatches = 0;
    for (int a = 0; a < kN; ++a) {
        if (check_value(symbol_string({a})) != reference_check(t, symbol_string({a}))) ++mismatches;
        for (int b = 0; b < kN; ++b) {
            std::string ab = symbol_string({a, b});
            if (check_value(ab) != reference_check(t, ab)) ++mismatches;
            for (int c = 0; c < kN; ++c) {
                std::string abc = ab + kCrockfordSymbols[c];
                if (check_value(abc) != reference_check(t, abc)) ++mismatches;
            }
        }
    }
    CHECK(mismatches == 0);

    // Fixed vectors: the check symbols of IDs already issued must never change.
    CHECK(damm32_check_symbol("00000000") == '0');
    CHECK(damm32_check_symbol("1") == '2');
    CHECK(damm32_check_symbol("0000000G") == damm32_check_symbol("0000000g"));
    for (std::string s : {"0123ABCD", "ZZZZZZZZ", "7K3M9QXT", "HJKMNPQR", "00000001"}) {
        CAPTURE(s);
        CHECK(crockford_value(damm32_check_symbol(s)) == reference_check(t, s));
    }
}

TEST_CASE("idgen: every substitution and neighbour swap of every 3-symbol code is detected") {
    // Exhaustive over all 32^3 codes plus their check: 4 positions x 31
    // substitutions and up to 3 swaps each.
    std::size_t tried = 0;
    for (int a = 0; a < kN; ++a)
        for (int b = 0; b < kN; ++b)
            for (int c = 0; c < kN; ++c) {
                std::string code = symbol_string({a, b, c});
                tried += require_all_corruptions_detected(code + damm32_check_symbol(code));
            }
    MESSAGE("corruptions tried: " << tried);
    CHECK(tried > 32 * 32 * 32 * 4 * 31);
}

TEST_CASE("idgen: every substitution and neighbour swap of 2,000 generated codes is detected") {
    std::vector<std::string> codes = {"00000000", "ZZZZZZZZ", "0Z0Z0Z0Z", "0123456Z", "YXWVTSRQ"};
    for (int i = 0; i < 2000; ++i) codes.push_back(random_symbols());
    std::size_t tried = 0;
    for (const std::string& code : codes) {
        std::string with_check = code + damm32_check_symbol(code);
        tried += require_all_corruptions_detected(with_check);
        // And lowercase input is the same code.
        std::string lower = with_check;
        for (char& c : lower)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        CHECK(damm32_valid(lower));
    }
    MESSAGE("corruptions tried: " << tried);
}

TEST_CASE("idgen: damm32_valid and damm32_check_symbol on odd input") {
    CHECK_FALSE(damm32_valid(""));
    CHECK(damm32_valid("0"));  // the check symbol of nothing is 0
    CHECK_FALSE(damm32_valid("1"));
    std::string code = "7K3M9QXT";
    std::string valid = code + damm32_check_symbol(code);
    CHECK(damm32_valid(valid));
    for (char bad : std::string("ILOU-i "))
        CHECK_FALSE(damm32_valid(valid.substr(0, 3) + bad + valid.substr(4)));
    CHECK_FALSE(damm32_valid(valid + " "));

    try {
        damm32_check_symbol("ABCI");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::invalid);
    }
}

TEST_CASE("idgen: random_symbols gives Crockford symbols, uniformly") {
    CHECK(random_symbols(0).empty());
    for (std::size_t n : {1u, 2u, 7u, 8u, 9u, 13u, 1000u}) {
        std::string s = random_symbols(n);
        CHECK(s.size() == n);
        for (char c : s) CHECK(kCrockfordSymbols.find(c) != std::string_view::npos);
    }
    CHECK(random_symbols().size() == kGeneratedSymbols);
    static_assert(kGeneratedSymbols * 5 >= 40, "at least 40 random bits");

    // Each position of an 8-symbol code is uniform over the 32 symbols (so
    // no bit of the 40 is stuck or biased). The chi-square bound (31 degrees
    // of freedom) is far out in the tail: a false alarm is below 1e-12.
    constexpr int kCodes = 32000;
    std::array<std::array<int, kN>, kGeneratedSymbols> counts{};
    std::set<std::string> seen;
    for (int i = 0; i < kCodes; ++i) {
        std::string s = random_symbols();
        for (std::size_t p = 0; p < kGeneratedSymbols; ++p) ++counts[p][crockford_value(s[p])];
        if (i < 2000) seen.insert(s);
    }
    for (std::size_t p = 0; p < kGeneratedSymbols; ++p) {
        CAPTURE(p);
        CHECK(chi_square(counts[p], kCodes / double(kN)) < 130.0);
    }
    // 2,000 draws from 2^40: a repeat would mean the source is not random.
    CHECK(seen.size() == 2000);

    // A long run exercises the bit buffer across many bytes.
    std::array<int, kN> long_counts{};
    for (char c : random_symbols(64000)) ++long_counts[crockford_value(c)];
    CHECK(chi_square(long_counts, 2000.0) < 130.0);
}

TEST_CASE("idgen: format_generated_id") {
    std::string check = std::string(1, damm32_check_symbol("0123ABCD"));
    CHECK(format_generated_id("HOM", "0123ABCD") == "HOM-0123ABCD-" + check);
    CHECK(format_generated_id("hom", "0123abcd") == "HOM-0123ABCD-" + check);
    CHECK(format_generated_id("", "0123ABCD") == "0123ABCD-" + check);
    CHECK(format_generated_id("Team7", "0123ABCD") == "TEAM7-0123ABCD-" + check);
    CHECK(format_generated_id("ABCDEFGHIJ", "0123ABCD") == "ABCDEFGHIJ-0123ABCD-" + check);

    for (std::string prefix : {"ABCDEFGHIJK", "HO-M", "HOM_", "H M", "HÖM"}) {
        CAPTURE(prefix);
        try {
            format_generated_id(prefix, "0123ABCD");
            FAIL_CHECK("expected an error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::invalid);
        }
    }
    for (std::string symbols : {"", "0123ABCI", "0123-ABC"}) {
        CAPTURE(symbols);
        CHECK_THROWS_AS(format_generated_id("HOM", symbols), Error);
    }

    for (int i = 0; i < 200; ++i) {
        std::string id = format_generated_id(i % 2 ? "HOM" : "", random_symbols());
        CAPTURE(id);
        CHECK(is_valid_generated_id(id));
    }
}

TEST_CASE("idgen: is_valid_generated_id") {
    std::string body = "7K3M9QXT";
    std::string check(1, damm32_check_symbol(body));
    std::string wrong(1, check == "0" ? '1' : '0');

    CHECK(is_valid_generated_id(body + "-" + check));
    CHECK(is_valid_generated_id("HOM-" + body + "-" + check));
    CHECK(is_valid_generated_id("hom-7k3m9qxt-" + std::string(1, char(std::tolower(check[0])))));
    CHECK(is_valid_generated_id("A-" + body + "-" + check));
    CHECK(is_valid_generated_id("ABCDEFGH10-" + body + "-" + check));
    CHECK(is_valid_generated_id("OLIU-" + body + "-" + check));  // any letters in a prefix

    CHECK_FALSE(is_valid_generated_id(""));
    CHECK_FALSE(is_valid_generated_id(body + "-" + wrong));
    CHECK_FALSE(is_valid_generated_id("HOM-" + body + "-" + wrong));
    CHECK_FALSE(is_valid_generated_id(body + check));                // no dash
    CHECK_FALSE(is_valid_generated_id("HOM" + body + "-" + check));  // no dash after prefix
    CHECK_FALSE(is_valid_generated_id("-" + body + "-" + check));    // empty prefix
    CHECK_FALSE(is_valid_generated_id("--" + body + "-" + check));
    CHECK_FALSE(is_valid_generated_id("ABCDEFGH101-" + body + "-" + check));  // prefix of 11
    CHECK_FALSE(is_valid_generated_id("H_M-" + body + "-" + check));
    CHECK_FALSE(is_valid_generated_id("A-B-" + body + "-" + check));
    CHECK_FALSE(is_valid_generated_id(body.substr(1) + "-" + check));  // 7 symbols
    CHECK_FALSE(is_valid_generated_id(body + "0-" + check));           // 9 symbols
    CHECK_FALSE(is_valid_generated_id(body + "-" + check + check));
    CHECK_FALSE(is_valid_generated_id(body + "-"));
    CHECK_FALSE(is_valid_generated_id(" " + body + "-" + check));
    CHECK_FALSE(is_valid_generated_id(body + "-" + check + " "));
    CHECK_FALSE(is_valid_generated_id("7K3M9QXI-" + check));  // I is not a symbol
    CHECK_FALSE(is_valid_generated_id(body + "-U"));
    CHECK_FALSE(is_valid_generated_id("0123456-" + check));

    // A typo anywhere in the code part is caught.
    std::string id = "HOM-" + body + "-" + check;
    for (std::size_t pos = 4; pos < id.size(); ++pos) {
        if (id[pos] == '-') continue;
        for (char r : kCrockfordSymbols) {
            if (r == id[pos]) continue;
            std::string typo = id;
            typo[pos] = r;
            CHECK_FALSE(is_valid_generated_id(typo));
        }
    }
}

TEST_CASE("idgen: generate_id passes the guard and skips IDs in use") {
    Guard guard;
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        std::string id = generate_id("", guard, [](std::string_view) { return false; });
        CAPTURE(id);
        CHECK(is_valid_generated_id(id));
        CHECK(id.size() == kGeneratedSymbols + 2);
        CHECK(guard.check(id).empty());
        ids.insert(id);
    }
    CHECK(ids.size() == 200);

    // The first IDs offered are "in use": generate_id keeps trying.
    std::vector<std::string> offered;
    std::string id = generate_id("", guard, [&](std::string_view candidate) {
        offered.emplace_back(candidate);
        return offered.size() <= 5;
    });
    REQUIRE(offered.size() == 6);
    CHECK(id == offered.back());
    for (std::size_t i = 0; i < 5; ++i) CHECK(offered[i] != id);
}

TEST_CASE("idgen: generate_id with a service prefix") {
    GuardWords words;
    words.service_codes = {"hom"};
    Guard guard(words);
    for (int i = 0; i < 50; ++i) {
        std::string id = generate_id("hom", guard, [](std::string_view) { return false; });
        CAPTURE(id);
        CHECK(id.rfind("HOM-", 0) == 0);
        CHECK(is_valid_generated_id(id));
        CHECK(guard.check(id).empty());
    }
}

TEST_CASE("idgen: generate_id gives up after 1,000 tries") {
    Guard guard;
    int calls = 0;
    try {
        generate_id("", guard, [&](std::string_view) {
            ++calls;
            return true;
        });
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::failure);
        CHECK(std::string(e.what()).find("1000 tries") != std::string::npos);
    }
    CHECK(calls > 0);
    CHECK(calls <= 1000);

    CHECK_THROWS_AS(generate_id("HO_M", guard, [](std::string_view) { return false; }), Error);
}
