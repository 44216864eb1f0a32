#include "caseload/idgen.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define CASELOAD_HAVE_GETRANDOM 1
#endif

#include <fmt/format.h>

#include "caseload/error.hpp"
#include "caseload/guard.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

// ---------------------------------------------------------------------------
// The Damm quasigroup of order 32.
//
// In GF(32) = GF(2)[x] / (x^5 + x^2 + 1), x ∘ y = (a·x) ⊕ y with a = 2 (the
// polynomial x). Rows and columns are permutations because a ≠ 0, and it is
// totally anti-symmetric because a ≠ 1:
//   (c∘x)∘y = a²c ⊕ a·x ⊕ y  and  (c∘y)∘x = a²c ⊕ a·y ⊕ x
// are equal only when (a ⊕ 1)·x = (a ⊕ 1)·y, i.e. x = y.
// The static_asserts below check both properties by exhaustive enumeration.
// Changing the polynomial or `a` changes the check symbol of every generated
// ID already issued: don't.
// ---------------------------------------------------------------------------

constexpr int kOrder = 32;
constexpr std::uint8_t kPolynomial = 0x25;  // x^5 + x^2 + 1
constexpr std::uint8_t kMultiplier = 2;     // a

using Table = std::array<std::array<std::uint8_t, kOrder>, kOrder>;

constexpr std::uint8_t gf32_multiply(std::uint8_t x, std::uint8_t y) {
    std::uint8_t product = 0;
    for (int bit = 0; bit < 5; ++bit) {
        if (y & 1) product ^= x;
        y >>= 1;
        x <<= 1;
        if (x & 0x20) x ^= kPolynomial;
    }
    return product;
}

constexpr Table make_table() {
    Table table{};
    for (int x = 0; x < kOrder; ++x)
        for (int y = 0; y < kOrder; ++y)
            table[x][y] = static_cast<std::uint8_t>(
                gf32_multiply(kMultiplier, static_cast<std::uint8_t>(x)) ^ y);
    return table;
}

constexpr Table kTable = make_table();

constexpr bool is_quasigroup(const Table& table) {
    for (int i = 0; i < kOrder; ++i) {
        std::uint32_t row = 0, column = 0;
        for (int j = 0; j < kOrder; ++j) {
            row |= 1u << table[i][j];
            column |= 1u << table[j][i];
        }
        if (row != 0xFFFFFFFFu || column != 0xFFFFFFFFu) return false;
    }
    return true;
}

constexpr bool is_totally_anti_symmetric(const Table& table) {
    for (int c = 0; c < kOrder; ++c)
        for (int x = 0; x < kOrder; ++x)
            for (int y = x + 1; y < kOrder; ++y)  // the test is symmetric in x and y
                if (table[table[c][x]][y] == table[table[c][y]][x]) return false;
    return true;
}

static_assert(is_quasigroup(kTable), "the Damm table must be a quasigroup");
static_assert(is_totally_anti_symmetric(kTable), "the Damm table must be totally anti-symmetric");

// For each interim value, the symbol that brings it to 0.
constexpr std::array<std::uint8_t, kOrder> make_zero_columns() {
    std::array<std::uint8_t, kOrder> zero{};
    for (int i = 0; i < kOrder; ++i)
        for (int c = 0; c < kOrder; ++c)
            if (kTable[i][c] == 0) zero[i] = static_cast<std::uint8_t>(c);
    return zero;
}

constexpr std::array<std::uint8_t, kOrder> kZeroColumn = make_zero_columns();

// The value of each byte as a Crockford symbol, or -1 (strict: no aliases).
constexpr std::array<std::int8_t, 256> make_symbol_values() {
    std::array<std::int8_t, 256> values{};
    for (auto& v : values) v = -1;
    for (std::size_t i = 0; i < kCrockfordSymbols.size(); ++i) {
        auto upper = static_cast<unsigned char>(kCrockfordSymbols[i]);
        values[upper] = static_cast<std::int8_t>(i);
        if (upper >= 'A' && upper <= 'Z') values[upper - 'A' + 'a'] = static_cast<std::int8_t>(i);
    }
    return values;
}

constexpr std::array<std::int8_t, 256> kSymbolValues = make_symbol_values();

static_assert(kCrockfordSymbols.size() == kOrder);

// Runs the symbols through the table; -1 when one is not a Crockford symbol.
int damm32_interim(std::string_view symbols) {
    int interim = 0;
    for (char s : symbols) {
        int value = crockford_value(s);
        if (value < 0) return -1;
        interim = kTable[interim][value];
    }
    return interim;
}

// ---------------------------------------------------------------------------
// The OS's random source.
// ---------------------------------------------------------------------------

[[noreturn]] void random_failure(int error) {
    throw Error(Exit::failure,
                fmt::format("cannot read the system's random source: {}", std::strerror(error)),
                "check that /dev/urandom is readable, then try again");
}

void read_urandom(unsigned char* out, std::size_t size) {
    int fd;
    do {
        fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) random_failure(errno);
    while (size > 0) {
        ssize_t got = ::read(fd, out, size);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            int error = got < 0 ? errno : EIO;
            ::close(fd);
            random_failure(error);
        }
        out += got;
        size -= static_cast<std::size_t>(got);
    }
    ::close(fd);
}

void fill_random(unsigned char* out, std::size_t size) {
#ifdef CASELOAD_HAVE_GETRANDOM
    while (size > 0) {
        ssize_t got = ::getrandom(out, size, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOSYS) break;  // old kernel: fall back to the device
            random_failure(errno);
        }
        out += got;
        size -= static_cast<std::size_t>(got);
    }
    if (size == 0) return;
#endif
    read_urandom(out, size);
}

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr std::size_t kMaxPrefixLength = 10;

bool is_valid_prefix(std::string_view prefix) {
    if (prefix.empty() || prefix.size() > kMaxPrefixLength) return false;
    for (char c : prefix)
        if (!is_ascii_alnum(c)) return false;
    return true;
}

constexpr int kMaxTries = 1000;

}  // namespace

int crockford_value(char symbol) {
    return kSymbolValues[static_cast<unsigned char>(symbol)];
}

char damm32_check_symbol(std::string_view symbols) {
    int interim = damm32_interim(symbols);
    if (interim < 0)
        throw Error(
            Exit::invalid,
            fmt::format("'{}' is not a string of Crockford base-32 symbols", printable(symbols)),
            "use only 0-9 and A-Z without I, L, O and U");
    return kCrockfordSymbols[kZeroColumn[interim]];
}

bool damm32_valid(std::string_view symbols_with_check) {
    if (symbols_with_check.empty()) return false;
    return damm32_interim(symbols_with_check) == 0;
}

std::string random_symbols(std::size_t count) {
    // 5 bits a symbol, taken straight from the random bytes: 32 divides 2^5,
    // so every symbol is equally likely (no modulo bias). 8 symbols use
    // exactly 5 bytes, all 40 bits.
    std::vector<unsigned char> bytes((count * 5 + 7) / 8);
    fill_random(bytes.data(), bytes.size());

    std::string out;
    out.reserve(count);
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t next = 0;
    while (out.size() < count) {
        if (bits < 5) {
            buffer = (buffer << 8) | bytes[next++];
            bits += 8;
        }
        bits -= 5;
        out.push_back(kCrockfordSymbols[(buffer >> bits) & 0x1F]);
    }
    return out;
}

std::string format_generated_id(std::string_view prefix, std::string_view symbols) {
    if (!prefix.empty() && !is_valid_prefix(prefix))
        throw Error(Exit::invalid,
                    fmt::format("'{}' cannot prefix a generated ID", printable(prefix)),
                    fmt::format("a prefix has 1 to {} letters or digits", kMaxPrefixLength));
    if (symbols.empty() || damm32_interim(symbols) < 0)
        throw Error(
            Exit::invalid,
            fmt::format("'{}' is not a string of Crockford base-32 symbols", printable(symbols)),
            "use only 0-9 and A-Z without I, L, O and U");

    std::string body = ascii_upper(symbols);
    std::string id;
    id.reserve(prefix.size() + body.size() + 3);
    if (!prefix.empty()) {
        id += ascii_upper(prefix);
        id += '-';
    }
    id += body;
    id += '-';
    id += damm32_check_symbol(body);
    return id;
}

bool is_valid_generated_id(std::string_view id) {
    // [PREFIX-]XXXXXXXX-C
    if (id.size() < kGeneratedSymbols + 2 || id[id.size() - 2] != '-') return false;
    char check = id.back();
    std::string_view rest = id.substr(0, id.size() - 2);
    if (rest.size() < kGeneratedSymbols) return false;
    std::string_view symbols = rest.substr(rest.size() - kGeneratedSymbols);
    std::string_view head = rest.substr(0, rest.size() - kGeneratedSymbols);
    if (!head.empty()) {
        if (head.back() != '-') return false;
        if (!is_valid_prefix(head.substr(0, head.size() - 1))) return false;
    }
    int interim = damm32_interim(symbols);
    int check_value = crockford_value(check);
    if (interim < 0 || check_value < 0) return false;
    return kTable[interim][check_value] == 0;
}

std::string generate_id(std::string_view prefix, const Guard& guard,
                        const std::function<bool(std::string_view)>& in_use) {
    std::string last_reason;
    for (int attempt = 0; attempt < kMaxTries; ++attempt) {
        std::string id = format_generated_id(prefix, random_symbols(kGeneratedSymbols));
        std::vector<GuardFinding> findings = guard.check(id);
        if (!findings.empty()) {
            const GuardFinding& first = findings.front();
            last_reason =
                fmt::format("last try '{}': {} {} '{}' ({})", id, severity_name(first.severity),
                            kind_name(first.kind), printable(first.match), first.message);
            continue;
        }
        if (in_use && in_use(id)) {
            last_reason = fmt::format("last try '{}': already in use", id);
            continue;
        }
        return id;
    }
    std::vector<std::string> details;
    if (!last_reason.empty()) details.push_back(std::move(last_reason));
    throw Error(Exit::failure,
                fmt::format("could not generate an ID{} that passes the guard and is not in use "
                            "after {} tries",
                            prefix.empty() ? std::string()
                                           : fmt::format(" with prefix '{}'", printable(prefix)),
                            kMaxTries),
                prefix.empty() ? "check the organisation's guard words ('caseload words list')"
                               : "the prefix itself may be refused by the guard: check the "
                                 "service code and the organisation's guard words",
                std::move(details));
}

}  // namespace caseload
