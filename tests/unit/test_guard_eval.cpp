// The guard against its evaluation set (issue 13), which the build generates
// into build/tests/guard-eval.tsv from tools/make_guard_eval.py, seed 20261202:
// identifying IDs built from names the lexicon was not built from (the unseen
// half) and from the lexicon's own (the seen half), and random codes in the
// common formats. The rates are held as floors and ceilings, so that a
// regression fails. With CASELOAD_GUARD_TABLE=1 the table is printed
// (bench/guard.sh does).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

struct Rates {
    int total = 0, blocked = 0, warned = 0;  // warned: a warning and no block
    int blocked_by_postcode = 0;             // blocked, every block a postcode
    double blocked_pct() const { return total ? 100.0 * blocked / total : 0; }
    double warned_pct() const { return total ? 100.0 * warned / total : 0; }
    double caught_pct() const { return total ? 100.0 * (blocked + warned) / total : 0; }
};

struct Evaluation {
    std::map<std::string, Rates> by_key;  // "category/half", "category", "identifying/half"
    std::vector<std::string> order;       // categories in file order
    std::map<std::string, std::vector<std::string>> examples;  // misses and false alarms
    std::string path;
};

// The 11 services' prefixes registered, as an organisation would have them.
GuardWords eval_words() {
    GuardWords words;
    words.service_codes = {"hom", "rec", "fam", "wrk", "hsg", "emp",
                           "mh",  "yth", "da",  "sub", "out"};
    return words;
}

Evaluation evaluate() {
    // CASELOAD_GUARD_EVAL: another set of the same make (a fresh seed of
    // tools/make_guard_eval.py), to check the rates hold beyond this sample.
    const char* other = std::getenv("CASELOAD_GUARD_EVAL");
    const std::string path =
        other && *other ? std::string(other) : std::string(CASELOAD_GUARD_EVAL_FILE);
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    const FixedToday day("2026-12-02");  // the day the set was made
    const Guard guard(eval_words());
    Evaluation out;
    out.path = path;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("category\t", 0) == 0) continue;
        std::vector<std::string> f;
        std::stringstream split(line);
        for (std::string field; std::getline(split, field, '\t');) f.push_back(field);
        REQUIRE(f.size() == 4);
        const std::string &category = f[0], &half = f[1], &expect = f[2], &id = f[3];
        const auto findings = guard.check(id);
        const bool blocked = Guard::blocks(findings);
        const bool warned = !blocked && !findings.empty();
        bool postcode_only = blocked;
        for (const auto& f : findings)
            if (f.severity == caseload::Severity::block && f.message != "a postcode")
                postcode_only = false;
        std::vector<std::string> keys = {category, category + "/" + half};
        // The "identifying IDs": names, nicknames, addresses, rooms,
        // postcodes (to block); a date of birth only warns (spec §2).
        if (expect == "block") keys.push_back("identifying/" + half), keys.push_back("identifying");
        if (!out.by_key.count(category)) out.order.push_back(category);
        for (const auto& key : keys) {
            Rates& r = out.by_key[key];
            ++r.total;
            r.blocked += blocked;
            r.warned += warned;
            r.blocked_by_postcode += postcode_only;
        }
        const bool wrong = expect == "clean"   ? !findings.empty()
                           : expect == "block" ? !blocked
                                               : findings.empty();
        auto& ex = out.examples[category];
        if (wrong && ex.size() < 12) ex.push_back(id);
    }
    return out;
}

void print_table(const Evaluation& e, const std::string& path) {
    std::printf("%s\n", path.c_str());
    std::printf("%-22s %-7s %6s %9s %9s %9s   examples of misses / false alarms\n", "category",
                "half", "IDs", "blocked", "warned", "caught");
    auto row = [&](const std::string& key, const std::string& category, const std::string& half) {
        auto it = e.by_key.find(key);
        if (it == e.by_key.end()) return;
        const Rates& r = it->second;
        std::string ex;
        if (r.blocked_by_postcode > 0)
            ex = " (postcodes: " + std::to_string(r.blocked_by_postcode) + " blocked)";
        if (half == "all" || half == "-")
            if (auto x = e.examples.find(category); x != e.examples.end())
                for (std::size_t i = 0; i < x->second.size() && i < 6; ++i)
                    ex += " " + x->second[i];
        std::printf("%-22s %-7s %6d %8.2f%% %8.2f%% %8.2f%%  %s\n", category.c_str(), half.c_str(),
                    r.total, r.blocked_pct(), r.warned_pct(), r.caught_pct(), ex.c_str());
    };
    for (const auto& c : e.order) {
        const bool halves = e.by_key.count(c + "/seen") || e.by_key.count(c + "/unseen");
        if (halves && e.by_key.count(c + "/unseen")) {
            row(c + "/seen", c, "seen");
            row(c + "/unseen", c, "unseen");
            row(c, c, "all");
        } else {
            row(c, c, halves ? "seen" : "-");
        }
    }
    row("identifying/seen", "identifying", "seen");
    row("identifying/unseen", "identifying", "unseen");
    row("identifying/-", "identifying", "-");
    row("identifying", "identifying", "all");
}

}  // namespace

TEST_CASE("guard evaluation: identifying IDs caught, random codes clean (issue 13)") {
    const Evaluation e = evaluate();
    if (const char* table = std::getenv("CASELOAD_GUARD_TABLE"); table && *table == '1')
        print_table(e, e.path);
    auto rates = [&](const std::string& key) {
        auto it = e.by_key.find(key);
        REQUIRE_MESSAGE(it != e.by_key.end(), "no rows for " << key);
        return it->second;
    };
    // Clean formats: at least 1,000 codes each.
    for (const char* c :
         {"crockford", "upper6", "lower6", "uuid8", "service-serial", "year-serial"})
        CHECK_MESSAGE(rates(c).total >= 1000, c);

    // Floors and ceilings: the targets, on the seen and the unseen
    // halves apart. (Fresh seeds of tools/make_guard_eval.py, through
    // CASELOAD_GUARD_EVAL, hold them too: see the closing note of issue 13.)
    for (const char* half : {"/seen", "/unseen", "/-"}) {
        CAPTURE(half);
        CHECK(rates(std::string("identifying") + half).blocked_pct() >= 95.0);
        CHECK(rates(std::string("identifying") + half).caught_pct() >= 98.0);
    }
    for (const char* half : {"/seen", "/unseen"})
        for (const char* c : {"name+digits", "initial+surname", "prefix+surname"}) {
            CAPTURE(half);
            CAPTURE(c);
            CHECK(rates(c + std::string(half)).blocked_pct() >= 95.0);
        }
    CHECK(rates("crockford").blocked_pct() <= 0.05);
    CHECK(rates("crockford").warned_pct() <= 1.0);
    for (const char* c : {"upper6", "lower6", "uuid8"}) {
        CAPTURE(c);
        const Rates r = rates(c);
        CHECK(100.0 * (r.blocked - r.blocked_by_postcode) / r.total <= 0.2);
        CHECK(r.warned_pct() <= 3.0);
    }
    // Six random capitals and digits are a valid postcode (AA9 9AA, A99
    // 9AA: real areas, districts that exist, inward letters) about 0.23% of
    // the time (1,000,000 codes; 0.25% before the districts' gaps), and a
    // postcode blocks (spec §2): that share is the floor of upper6's
    // blocked rate, held here as a ceiling of 0.4% in all (fresh seeds
    // 779-781: 0.25%, 0.37%, 0.26%; the 0.2% would need the real
    // sectors of each district, an outside list).
    CHECK(rates("upper6").blocked_pct() <= 0.4);
    for (const char* c : {"lower6", "uuid8"}) CHECK_MESSAGE(rates(c).blocked_pct() <= 0.2, c);
    for (const char* c : {"service-serial", "year-serial"}) {
        CHECK_MESSAGE(rates(c).blocked == 0, c);
        CHECK_MESSAGE(rates(c).warned_pct() <= 0.5, c);
    }
}

// The shapes behind the rates above (issue 13, second pass): each fails on
// the guard before it.
TEST_CASE("guard evaluation: what a person writes against what a code holds") {
    const FixedToday day("2026-12-02");
    const Guard guard(eval_words());
    enum Verdict { clean, warns, blocks };
    auto verdict = [&](const std::string& id) {
        const auto findings = guard.check(id);
        return Guard::blocks(findings) ? blocks : findings.empty() ? clean : warns;
    };
    struct Row {
        const char* id;
        Verdict expected;
        const char* why;
    };
    const Row rows[] = {
        // Names in no list, written as a person writes a name.
        {"DA.Gracyalny", blocks, "Title case after a service code"},
        {"ViayraVanwyck", blocks, "two Title-case tokens"},
        {"HLamug0803", blocks, "an initial and a Title-case name"},
        {"ROAA0147", blocks, "capitals longer than a code's group, glued to digits"},
        {"ROXO-0377", blocks, "four capitals with letters codes leave out"},
        {"NAKA-81", blocks, "four capitals beside a short number"},
        {"tomcik_89", blocks, "lower case set apart"},
        // What codes hold by chance.
        {"ZREY-6615", warns, "four code symbols in a code's groups of four"},
        {"AY25-0935", warns, "two letters and six digits, not as the card groups them"},
        {"278R-THEA", clean, "a letter after digits is no initial"},
        {"028WEI", warns, "a three-letter name ending a code after digits: initials"},
        {"6RU1A3", clean, "digits for letters inside capitals"},
        {"QMGATREM-F", clean, "an id new code: capitals of code symbols keep the higher bars"},
        {"RIC7OR", clean, "digits other than 0 and 1 for letters in capitals"},
        {"4435-RM53", warns, "RM and a number among a code's characters"},
        // What still blocks.
        {"JACK-T377", blocks, "a listed name and an initial"},
        {"begum-a5", blocks, "a surname and an initial before a digit"},
        {"AB 12 34 56 C", blocks, "a National Insurance number as on the card"},
        {"RZ-675849-B", blocks, "a National Insurance number, digits together"},
        {"HOM-RM12", blocks, "a room after a service code"},
        {"RM12", blocks, "a room alone"},
    };
    for (const Row& row : rows) {
        const std::string id = row.id, why = row.why;
        CAPTURE(id);
        CAPTURE(why);
        CHECK(verdict(id) == row.expected);
    }
}
