// Fuzz target: the anonymity guard (spec §2) on arbitrary valid IDs, with the
// organisation's own words and a real name (id check --ask-name) from the input.
//
// Input: the first line is the ID (made valid when it is not: bytes are
// mapped onto the ID alphabet); the next line, if any, is a "real name"; every
// further line is an organisation word, its first byte choosing the list
// (n: names, a: addresses, w: allowed words, s: service codes).
//
// Properties: no crash; each finding's match is a non-empty part of the ID as
// written (the guard reports what it matched, never a normalised copy), with
// a message; blocks come first; Guard::blocks agrees with the severities; the
// same ID checked twice gives the same findings; a check with a name finds at
// least what the check without one finds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/guard.hpp"
#include "caseload/id.hpp"
#include "caseload/text.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace caseload;

std::string make_valid_id(std::string_view raw) {
    static constexpr std::string_view kAlnum =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static constexpr std::string_view kAll =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    std::string_view trimmed = trim(raw);
    if (!id_format_problem(trimmed)) return std::string(trimmed);
    std::string id;
    for (std::size_t i = 0; i < raw.size() && id.size() < kIdMaxLength; ++i) {
        const auto b = static_cast<unsigned char>(raw[i]);
        if (kAll.find(static_cast<char>(b)) != std::string_view::npos)
            id += static_cast<char>(b);
        else
            id += kAll[b % kAll.size()];
    }
    while (id.size() < kIdMinLength) id += 'x';
    if (kAlnum.find(id.front()) == std::string_view::npos) id.front() = 'a';
    if (kAlnum.find(id.back()) == std::string_view::npos) id.back() = '0';
    return id;
}

std::string lowercase_word(std::string_view text) {
    std::string w = ascii_lower(trim(text));
    return w.size() > 40 ? w.substr(0, 40) : w;
}

bool same(const std::vector<GuardFinding>& a, const std::vector<GuardFinding>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].kind != b[i].kind || a[i].severity != b[i].severity || a[i].match != b[i].match ||
            a[i].message != b[i].message)
            return false;
    return true;
}

void check_findings(std::string_view id, const std::vector<GuardFinding>& findings) {
    bool seen_warn = false, any_block = false;
    for (const auto& f : findings) {
        FUZZ_CHECK(!f.match.empty());
        // The match is a part of the ID as written (so also case-insensitively).
        FUZZ_CHECK(id.find(f.match) != std::string_view::npos);
        FUZZ_CHECK(!f.message.empty());
        FUZZ_CHECK(!kind_name(f.kind).empty());
        if (f.severity == Severity::warn) seen_warn = true;
        if (f.severity == Severity::block) {
            any_block = true;
            FUZZ_CHECK(!seen_warn);  // blocks first
        }
    }
    FUZZ_CHECK(Guard::blocks(findings) == any_block);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
        if (lines.size() > 64) break;
    }
    const std::string id = make_valid_id(lines[0]);
    FUZZ_CHECK(!id_format_problem(id).has_value());

    GuardWords words;
    for (std::size_t i = 2; i < lines.size(); ++i) {
        if (lines[i].size() < 2) continue;
        std::string word = lowercase_word(lines[i].substr(1));
        if (word.empty()) continue;
        switch (lines[i][0]) {
            case 'n':
                words.names.push_back(word);
                break;
            case 'a':
                words.addresses.push_back(word);
                break;
            case 'w':
                words.allowed.push_back(word);
                break;
            case 's':
                words.service_codes.push_back(word);
                break;
            default:
                break;
        }
    }

    static const Guard plain{GuardWords{}};
    const auto findings = plain.check(id);
    check_findings(id, findings);
    FUZZ_CHECK(same(findings, plain.check(id)));  // deterministic

    if (lines.size() > 2) {
        const Guard own(words);
        check_findings(id, own.check(id));
    }
    if (lines.size() > 1) {
        const auto with_name = plain.check_with_name(id, lines[1]);
        check_findings(id, with_name);
        // A real name only adds findings.
        if (Guard::blocks(findings)) FUZZ_CHECK(Guard::blocks(with_name));
    }
    return 0;
}
