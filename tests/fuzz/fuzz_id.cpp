// Fuzz target: service-user ID parsing (spec §2) and generated IDs.
//
// Properties:
//  - normalise_id either returns or throws caseload::Error(invalid), whose
//    message is printable ASCII (a hostile ID cannot rewrite the terminal);
//  - a normalised ID is the trimmed input, has no format problem, and
//    normalising it again changes nothing; id_key is idempotent, keeps the
//    length, and the key of any case variant is the same key;
//  - one_edit_neighbours gives IDs exactly one edit away;
//  - the guard runs on every valid ID: blocks first, each match a part of the ID;
//  - an ID formatted from fuzz bytes by format_generated_id is a valid ID and a
//    valid generated ID; every single-symbol change of its code part and every
//    swap of two different neighbours is caught by damm32_valid and by
//    is_valid_generated_id;
//  - generate_id (sometimes) returns an ID that passes the guard and is not in use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caseload/guard.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace caseload;

bool contains_ignoring_case(std::string_view text, std::string_view part) {
    return ascii_lower(text).find(ascii_lower(part)) != std::string::npos;
}

const Guard& plain_guard() {
    static const Guard guard{GuardWords{}};
    return guard;
}

void check_findings(std::string_view id, const std::vector<GuardFinding>& findings) {
    bool seen_warn = false;
    for (const auto& f : findings) {
        FUZZ_CHECK(!f.match.empty());
        FUZZ_CHECK(contains_ignoring_case(id, f.match));
        FUZZ_CHECK(!f.message.empty());
        if (f.severity == Severity::warn) seen_warn = true;
        FUZZ_CHECK(!(seen_warn && f.severity == Severity::block));  // blocks first
    }
}

// Cycles through the input; zeros when it is empty.
struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t at = 0;
    std::uint8_t next() { return size == 0 ? 0 : data[at++ % size]; }
};

void check_parsing(std::string_view text) {
    (void)id_format_problem(text);  // any bytes: no crash
    std::string id;
    std::string message;
    bool ok = false;
    try {
        id = normalise_id(text);
        ok = true;
    } catch (const Error& e) {
        FUZZ_CHECK(e.code() == Exit::invalid);
        message = e.what();
        FUZZ_CHECK(fuzz::printable_ascii(message));
        FUZZ_CHECK(fuzz::printable_ascii(e.hint()));
    } catch (...) {
        FUZZ_CHECK(!"normalise_id threw something other than caseload::Error");
    }
    const std::string_view trimmed = trim(text);
    if (!ok) {
        FUZZ_CHECK(trimmed.empty() || id_format_problem(trimmed).has_value());
        return;
    }
    FUZZ_CHECK(id == trimmed);
    FUZZ_CHECK(!id_format_problem(id).has_value());
    FUZZ_CHECK(id.size() >= kIdMinLength && id.size() <= kIdMaxLength);
    FUZZ_CHECK(normalise_id(id) == id);  // normalising twice changes nothing

    const std::string key = id_key(id);
    FUZZ_CHECK(key.size() == id.size());
    FUZZ_CHECK(id_key(key) == key);  // idempotent
    FUZZ_CHECK(id_key(ascii_upper(id)) == key);
    FUZZ_CHECK(normalise_id(key) == key);  // the key is itself a valid ID

    // Did-you-mean candidates: each exactly one edit away, each of ID length.
    if (id.size() <= 8) {
        for (const std::string& w : one_edit_neighbours(key)) {
            FUZZ_CHECK(w != key);
            FUZZ_CHECK(w.size() >= kIdMinLength && w.size() <= kIdMaxLength);
            FUZZ_CHECK(edit_distance(key, w) == 1);
        }
    }

    check_findings(id, plain_guard().check(id));
}

void check_generated(const std::uint8_t* data, std::size_t size) {
    static constexpr std::string_view kPrefixSymbols =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Bytes in{data, size};
    std::string prefix;
    const std::size_t prefix_length = in.next() % 11;  // 0..10
    for (std::size_t i = 0; i < prefix_length; ++i)
        prefix += kPrefixSymbols[in.next() % kPrefixSymbols.size()];
    std::string symbols;
    for (std::size_t i = 0; i < kGeneratedSymbols; ++i) {
        char s = kCrockfordSymbols[in.next() % 32];
        if ((in.next() & 1) && s >= 'A' && s <= 'Z') s = static_cast<char>(s - 'A' + 'a');
        symbols += s;
    }

    const std::string id = format_generated_id(prefix, symbols);
    FUZZ_CHECK(is_valid_generated_id(id));
    FUZZ_CHECK(is_valid_generated_id(ascii_lower(id)));  // IDs ignore case
    FUZZ_CHECK(!id_format_problem(id).has_value());
    FUZZ_CHECK(normalise_id(id) == id);
    FUZZ_CHECK(id == ascii_upper(id));  // shown in capitals

    // The code part: the random symbols and the check symbol, without the '-'.
    const std::size_t code_at = id.size() - (kGeneratedSymbols + 2);
    std::string code = id.substr(code_at, kGeneratedSymbols) + id.back();
    FUZZ_CHECK(damm32_valid(code));
    FUZZ_CHECK(damm32_check_symbol(code.substr(0, kGeneratedSymbols)) == code.back());
    auto rebuilt = [&](const std::string& c) {
        return id.substr(0, code_at) + c.substr(0, kGeneratedSymbols) + "-" + c.back();
    };
    for (std::size_t i = 0; i < code.size(); ++i) {
        for (char s : kCrockfordSymbols) {
            if (s == code[i]) continue;
            std::string changed = code;
            changed[i] = s;
            FUZZ_CHECK(!damm32_valid(changed));
            FUZZ_CHECK(!is_valid_generated_id(rebuilt(changed)));
        }
        if (i + 1 < code.size() && code[i] != code[i + 1]) {
            std::string swapped = code;
            std::swap(swapped[i], swapped[i + 1]);
            FUZZ_CHECK(!damm32_valid(swapped));
            FUZZ_CHECK(!is_valid_generated_id(rebuilt(swapped)));
        }
    }

    // Arbitrary prefix and symbols: a valid ID or a caseload::Error.
    if (size >= 2) {
        std::string_view text(reinterpret_cast<const char*>(data), size);
        const std::size_t cut = data[0] % size;
        std::string made;
        if (fuzz::returns_or_error(
                [&] { made = format_generated_id(text.substr(0, cut), text.substr(cut)); })) {
            FUZZ_CHECK(!id_format_problem(made).has_value() || made.size() > kIdMaxLength);
        }
    }

    // generate_id: OS randomness, so only now and then (it is not reproducible).
    if (size % 16 == 3) {
        int busy = data[0] % 4;  // the first few candidates are "in use"
        std::string got;
        if (fuzz::returns_or_error([&] {
                got = generate_id(prefix, plain_guard(),
                                  [&](std::string_view) { return busy-- > 0; });
            })) {
            FUZZ_CHECK(is_valid_generated_id(got));
            FUZZ_CHECK(plain_guard().check(got).empty());
            FUZZ_CHECK(busy < 0);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_parsing(std::string_view(reinterpret_cast<const char*>(data), size));
    check_generated(data, size);
    return 0;
}
