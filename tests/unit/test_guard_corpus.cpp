// The guard against the labelled corpus tests/guard/corpus.tsv: identifying
// IDs must be caught (blocked for name, address and identifier; any finding
// for date and initials), anonymous IDs must come out clean.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

struct Row {
    int line = 0;
    std::string label, kind, id, note;
};

std::vector<Row> read_corpus(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::vector<Row> rows;
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.empty() || text[0] == '#') continue;
        std::vector<std::string> fields;
        std::stringstream split(text);
        for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
        if (fields.size() >= 3 && fields[0] == "label") continue;  // the header
        REQUIRE_MESSAGE(fields.size() >= 3, path << ":" << line << ": expected label, kind, id");
        Row row{line, fields[0], fields[1], fields[2], fields.size() > 3 ? fields[3] : ""};
        REQUIRE_MESSAGE((row.label == "identifying" || row.label == "anonymous"),
                        path << ":" << line << ": unknown label '" << row.label << "'");
        rows.push_back(row);
    }
    return rows;
}

std::string describe(const std::vector<GuardFinding>& findings) {
    if (findings.empty()) return "no finding";
    std::string out;
    for (const auto& f : findings) {
        if (!out.empty()) out += "; ";
        out += std::string(caseload::kind_name(f.kind)) + "/" +
               std::string(caseload::severity_name(f.severity)) + " '" + f.match + "' (" +
               f.message + ")";
    }
    return out;
}

}  // namespace

TEST_CASE("guard corpus: identifying IDs are caught, anonymous IDs are clean") {
    const std::string path = std::string(CASELOAD_SOURCE_DIR) + "/tests/guard/corpus.tsv";
    const auto rows = read_corpus(path);
    REQUIRE(rows.size() >= 400);

    GuardWords words;
    words.service_codes = {"hom", "rec", "fam", "wrk", "hsg", "emp"};
    // The corpus was written on 2026-11-26: its bare birth years (2009) and its
    // intake years (2011, 2012) are read against that day, so that the test
    // gives the same answer next year.
    const FixedToday day("2026-11-26");
    const Guard guard(words);

    int identifying = 0, caught = 0, anonymous = 0, clean = 0;
    std::vector<std::string> misses;
    for (const auto& row : rows) {
        const auto findings = guard.check(row.id);
        if (row.label == "identifying") {
            ++identifying;
            const bool needs_block =
                row.kind == "name" || row.kind == "address" || row.kind == "identifier";
            const bool ok = needs_block ? Guard::blocks(findings) : !findings.empty();
            if (ok)
                ++caught;
            else
                misses.push_back("line " + std::to_string(row.line) + ": identifying " + row.kind +
                                 " '" + row.id + "' (" + row.note + ") got " + describe(findings));
        } else {
            ++anonymous;
            if (findings.empty())
                ++clean;
            else
                misses.push_back("line " + std::to_string(row.line) + ": anonymous '" + row.id +
                                 "' (" + row.note + ") got " + describe(findings));
        }
    }
    const double caught_rate = identifying ? 100.0 * caught / identifying : 0.0;
    const double clean_rate = anonymous ? 100.0 * clean / anonymous : 0.0;
    MESSAGE("identifying caught: " << caught << "/" << identifying << " (" << caught_rate << "%)");
    MESSAGE("anonymous clean: " << clean << "/" << anonymous << " (" << clean_rate << "%)");
    for (const auto& miss : misses) MESSAGE(miss);
    CHECK(identifying > 0);
    CHECK(anonymous > 0);
    CHECK(caught_rate >= 95.0);
    CHECK(clean_rate >= 97.0);
}
