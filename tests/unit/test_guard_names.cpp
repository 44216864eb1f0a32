// The guard's name detector: given names, surnames, nicknames, the
// organisation's names, digits for letters, and the real name of --ask-name.
#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "caseload/lexicon.hpp"
#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

std::vector<GuardFinding> names_in(const std::vector<GuardFinding>& findings) {
    return of_kind(findings, FindingKind::name);
}

std::vector<std::string> name_matches(const Guard& guard, std::string_view id) {
    std::vector<std::string> out;
    for (const auto& f : names_in(guard.check(id))) out.push_back(f.match);
    return out;
}

bool has_match(const std::vector<std::string>& matches, std::string_view match) {
    return std::find(matches.begin(), matches.end(), match) != matches.end();
}

// An ID and a name the guard must find in it.
struct IdAndName {
    std::string id, name;
};

void check_names_found(const Guard& guard, std::initializer_list<IdAndName> cases) {
    for (const auto& c : cases) {
        CAPTURE(c.id);
        CAPTURE(c.name);
        CHECK(has_match(name_matches(guard, c.id), c.name));
    }
}

}  // namespace

TEST_CASE("guard names: the lexicon is compiled in") {
    CHECK(caseload::lexicon_word_count() > 1000);
    CHECK((caseload::lexicon_lookup("smith") & caseload::kSurname) != 0);
    CHECK((caseload::lexicon_lookup("bazza") & caseload::kNickname) != 0);
    CHECK((caseload::lexicon_lookup("room") & caseload::kRoomWord) != 0);
    CHECK((caseload::lexicon_lookup("road") & caseload::kStreetWord) != 0);
    CHECK((caseload::lexicon_lookup("client") & caseload::kAllowedWord) != 0);
    CHECK(caseload::lexicon_lookup("") == 0);
    CHECK(caseload::lexicon_lookup("Smith") == 0);  // lowercase a-z only
    CHECK(caseload::lexicon_lookup("qqqqzx") == 0);
    int prefixes = 0;
    caseload::lexicon_prefixes("smithson", [&](std::size_t length, std::uint8_t categories) {
        if (length == 5) CHECK((categories & caseload::kSurname) != 0);
        ++prefixes;
    });
    CHECK(prefixes >= 1);
}

TEST_CASE("guard names: every example of the spec's table is blocked") {
    Guard guard;
    for (std::string id :
         {"JohnSmith", "jsmith01", "smith-j", "Bazza-7", "Mohammed2", "OConnor", "priya_k"}) {
        CAPTURE(id);
        auto names = names_in(guard.check(id));
        REQUIRE_FALSE(names.empty());
        for (const auto& f : names) CHECK(f.severity == Severity::block);
        CHECK(Guard::blocks(guard.check(id)));
    }
}

TEST_CASE("guard names: tokens from separators, case changes and digits") {
    Guard guard;
    CHECK(name_matches(guard, "JohnSmith") == std::vector<std::string>{"John", "Smith"});
    CHECK(name_matches(guard, "john.smith") == std::vector<std::string>{"john", "smith"});
    CHECK(name_matches(guard, "John_Smith") == std::vector<std::string>{"John", "Smith"});
    check_names_found(guard, {{"JSmith", "Smith"},
                              {"OConnor", "OConnor"},
                              {"smith-j", "smith"},
                              {"SmithJ22", "Smith"},
                              {"Mohammed2", "Mohammed"},
                              {"priya_k", "priya"},
                              {"KirstyRobertson", "Robertson"}});
    // the longer name, not the names inside it
    CHECK_FALSE(has_match(name_matches(guard, "KirstyRobertson"), "Robert"));
    // not "Johns" across the two names
    CHECK_FALSE(has_match(name_matches(guard, "JohnSmith"), "JohnS"));
}

TEST_CASE("guard names: names of 4+ letters inside longer runs") {
    Guard guard;
    check_names_found(guard, {{"jsmith01", "smith"},
                              {"JOHNSMITH7", "SMITH"},
                              {"kWAMEbOATENG", "bOATENG"},
                              {"xxsmithxx", "smith"}});
}

TEST_CASE("guard names: three-letter names count as whole tokens only") {
    Guard guard;
    check_names_found(guard,
                      {{"Amy-04", "Amy"}, {"Tom_88", "Tom"}, {"amy04", "amy"}, {"JunWang", "Jun"}});
    // inside a longer run, or among the letters of a code: not a name
    CHECK_FALSE(has_match(name_matches(guard, "xamyq-7"), "amy"));
    CHECK(names_in(guard.check("QAMYZ-7")).empty());
    CHECK(names_in(guard.check("W8YC8TOM")).empty());
}

TEST_CASE("guard names: digits standing in for letters do not hide a name") {
    Guard guard;
    check_names_found(guard, {{"J0hn5mith", "5mith"},
                              {"J0hn5mith", "J0hn"},
                              {"Pr1ya", "Pr1ya"},
                              {"5mith-j", "5mith"},
                              {"Gr1ff1ths", "Gr1ff1ths"},  // 1 read as i
                              {"W1lliams", "W1lliams"},    // 1 read as l
                              {"B4zza-7", "B4zza"},
                              {"T0m-5", "T0m"}});
    // the trailing serial is not part of the name
    CHECK(name_matches(guard, "Smith5") == std::vector<std::string>{"Smith"});
}

TEST_CASE("guard names: digit codes and random codes stay clean") {
    Guard guard;
    for (std::string id : {"73910", "4417", "561304451", "K7M2-QX9A", "7KQ2M9XD", "P3R8ZT5V-4",
                           "HDVMKVXT", "XRQ2-NH1J", "9MGC-D3NG", "5R0B-198C", "H0D1NG8V"}) {
        CAPTURE(id);
        CHECK(names_in(guard.check(id)).empty());
    }
}

TEST_CASE("guard names: messages name the most specific category") {
    Guard guard;
    auto message_of = [&](std::string_view id, std::string_view match) {
        for (const auto& f : names_in(guard.check(id)))
            if (f.match == match) return f.message;
        return std::string("(none)");
    };
    CHECK(message_of("Smith-4", "Smith") == "a surname");
    CHECK(message_of("Bazza-7", "Bazza") == "a nickname");
    CHECK(message_of("Kasia-2", "Kasia") != "(none)");
    // both a given name and a surname
    if ((caseload::lexicon_lookup("john") & caseload::kGivenName) &&
        (caseload::lexicon_lookup("john") & caseload::kSurname))
        CHECK(message_of("John-4", "John") == "a name");
    if ((caseload::lexicon_lookup("priya") & caseload::kGivenName) &&
        !(caseload::lexicon_lookup("priya") & caseload::kSurname))
        CHECK(message_of("Priya7", "Priya") == "a given name");
}

TEST_CASE("guard names: allowed words and service codes give no name") {
    Guard guard(GuardWords{{}, {}, {"markham"}, {"hom", "rec"}});
    CHECK(names_in(guard.check("client-0042")).empty());
    CHECK(names_in(guard.check("CaseRef-17")).empty());
    CHECK(names_in(guard.check("HOM-0042")).empty());
    CHECK(names_in(guard.check("REC3-0042")).empty());
    // an allowed word of the organisation hides the name inside it
    CHECK(names_in(guard.check("Markham-12")).empty());
    CHECK_FALSE(has_match(name_matches(guard, "MarkhamSmith"), "Mark"));
    CHECK(has_match(name_matches(guard, "MarkhamSmith"), "Smith"));
}

TEST_CASE("guard names: the organisation's own names") {
    Guard guard(GuardWords{{"zorrix", "qed"}, {}, {}, {}});
    auto f = names_in(guard.check("Zorrix-7"));
    REQUIRE(f.size() == 1);
    CHECK(f[0].match == "Zorrix");
    CHECK(f[0].message == "a name of your organisation's list");
    CHECK(f[0].severity == Severity::block);
    CHECK(has_match(name_matches(guard, "bigzorrix9"), "zorrix"));
    CHECK(has_match(name_matches(guard, "Z0rrix9"), "Z0rrix"));
    CHECK(has_match(name_matches(guard, "Qed-12"), "Qed"));
    CHECK(names_in(guard.check("aqedb-12")).empty());  // three letters: whole tokens only
    // words are case-folded when the Guard is built
    Guard upper(GuardWords{{"Zorrix"}, {}, {}, {}});
    CHECK_FALSE(names_in(upper.check("zorrix-1")).empty());
}

TEST_CASE("guard names: check_with_name finds the real name and its initials") {
    Guard guard;
    auto findings = guard.check_with_name("Quorvane-77", "Quorvane Blethwick");
    REQUIRE_FALSE(findings.empty());
    CHECK(findings[0].kind == FindingKind::name);
    CHECK(findings[0].match == "Quorvane");
    CHECK(findings[0].message == "the name you gave");
    CHECK(Guard::blocks(findings));

    // not found as the name given without it (the name model may read it as
    // a name, issue 13)
    for (const auto& f : guard.check("Quorvane-77")) CHECK(f.message != "the name you gave");

    // inside a run, three letters and more, digits for letters
    CHECK_FALSE(names_in(guard.check_with_name("xblethwickx", "Quorvane Blethwick")).empty());
    CHECK_FALSE(names_in(guard.check_with_name("Bl3thw1ck-2", "Quorvane Blethwick")).empty());
    CHECK_FALSE(names_in(guard.check_with_name("zzoxu-12", "Oxu Blethwick")).empty());

    auto initials = [&](std::string_view id, std::string_view name) {
        for (const auto& f : guard.check_with_name(id, name))
            if (f.kind == FindingKind::initials && f.message == "the initials of the name you gave")
                return f.match;
        return std::string("(none)");
    };
    CHECK(initials("QB-0042", "Quorvane Blethwick") == "QB");
    CHECK(initials("qxb-0042", "Quorvane Xavi Blethwick") == "qxb");
    CHECK(initials("Q.X.B.7", "Quorvane Xavi Blethwick") == "Q.X.B");
    CHECK(initials("J.B.7", "Quorvane Blethwick") == "(none)");
    CHECK(initials("Q-0042", "Quorvane Blethwick") == "(none)");  // a single letter alone
    // two-letter parts count for initials, not as names
    CHECK(initials("LW-0042", "Li Wu") == "LW");
    CHECK(names_in(guard.check_with_name("liwu", "Li Wu")).empty());
}

TEST_CASE("guard names: check_with_name reads real names as people write them") {
    Guard guard;
    // apostrophes join (O'Connor -> oconnor) and also split (connor)
    CHECK_FALSE(names_in(guard.check_with_name("xoquirkex", "Mary O'Quirke")).empty());
    CHECK_FALSE(names_in(guard.check_with_name("quirke-7", "Mary O\xE2\x80\x99Quirke")).empty());
    // letters with diacritics fold to a-z
    auto folded = guard.check_with_name("Lopresz-1", "Zo\xC3\xAB \xC5\x81opresz");
    REQUIRE_FALSE(folded.empty());
    CHECK(folded[0].match == "Lopresz");
    CHECK(folded[0].message == "the name you gave");
    // nothing to find: no crash
    CHECK(guard.check_with_name("HOM-0042", "").empty());
    CHECK(guard.check_with_name("HOM-0042", "  -- ").empty());
    CHECK(guard.check_with_name("HOM-0042", std::string(1000, 'x')).empty());
}

TEST_CASE("guard names: O', Mc and Mac surnames written with a separator") {
    Guard guard;
    // the apostrophe is not allowed in an ID: people put a separator there
    for (std::string id :
         {"O-Brien-3", "O.Brien.3", "O_Brien_3", "o-brien-3", "O-BRIEN-3", "Mc-Cann-1", "mc.cann.1",
          "MC_CANN_1", "Mac-Donald-7", "mac_donald", "HOM-O-Brien-3", "12-Mc-Cann", "Mc-Cann3"}) {
        CAPTURE(id);
        CHECK(Guard::blocks(guard.check(id)));
        CHECK(names_in(guard.check(id)).size() == 1);
    }
    // the match as written, the message of the joined form (OBrien, McCann)
    auto only_name = [&](std::string_view id) {
        const auto names = names_in(guard.check(id));
        REQUIRE(names.size() == 1);
        return names[0].match + ": " + names[0].message;
    };
    auto joined_message = [&](std::string_view id) {
        const auto names = names_in(guard.check(id));
        REQUIRE(names.size() == 1);
        return names[0].message;
    };
    CHECK(only_name("O-Brien-3") == "O-Brien: " + joined_message("OBrien-3"));
    CHECK(only_name("O.Brien.3") == "O.Brien: " + joined_message("OBrien-3"));
    CHECK(only_name("O_Brien_3") == "O_Brien: " + joined_message("OBrien-3"));
    CHECK(only_name("Mc-Cann-1") == "Mc-Cann: " + joined_message("McCann-1"));
    CHECK(only_name("mac-donald-7") == "mac-donald: " + joined_message("macdonald-7"));
    // the joined surname, not the name inside it (Connor, Donald)
    CHECK(name_matches(guard, "O-Connor-3") == std::vector<std::string>{"O-Connor"});
    CHECK(name_matches(guard, "Mac-Donald-7") == std::vector<std::string>{"Mac-Donald"});
    // up to a change of case: Mc-CannJ
    CHECK(name_matches(guard, "Mc-CannJ") == std::vector<std::string>{"Mc-Cann"});
}

TEST_CASE("guard names: a separated prefix alone is not a name") {
    Guard guard(GuardWords{{}, {}, {}, {"hom", "mac"}});
    // the joined form is no surname: nothing from the prefix
    for (std::string id : {"O-Case-0042", "Mc-Client-7", "Mac-Book-7", "mac-pilot-3", "MC-7KQ2M9XD",
                           "O-0042", "Mc-0042-X"}) {
        CAPTURE(id);
        CHECK(names_in(guard.check(id)).empty());
    }
    // a name there is still the name alone (Dean, not O-Dea in O-Dean)
    CHECK(name_matches(guard, "O-Dean-3") == std::vector<std::string>{"Dean"});
    // two separators, a digit between, or the prefix inside a longer segment:
    // not joined (Brien alone may read as a name to the name model, issue 13)
    auto not_joined = [&](std::string_view id, std::string_view word) {
        CAPTURE(id);
        for (const auto& match : name_matches(guard, id)) CHECK(match == word);
    };
    not_joined("O--Brien-3", "Brien");
    not_joined("O7Brien", "Brien");
    not_joined("XO-Brien-3", "Brien");
    not_joined("7O-Brien", "Brien");
    // a service code of the organisation is not a prefix (MAC here)
    not_joined("MAC-Kinnon-0042", "Kinnon");
    CHECK(name_matches(Guard(), "MAC-Kinnon-0042") == std::vector<std::string>{"MAC-Kinnon"});
}
