// The guard's shortcuts against its reference paths: the 8-bytes-at-a-time
// scan, the quick tests that skip a detector, the walks from the starts
// where there is something to find, tidy by bit masks. Every shortcut must
// find exactly what the plain way finds: same findings, same order, same
// messages. Random IDs of every shape, with and without the organisation's
// words.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../../src/core/guard_detectors.hpp"  // the reference paths (internal)
#include "../../src/core/guard_lanes.hpp"
#include "caseload/guard.hpp"

using caseload::GuardFinding;
using caseload::GuardWords;
namespace gi = caseload::guard_internal;

namespace {

std::vector<std::string> lexicon_words(const char* file) {
    std::vector<std::string> words;
    std::ifstream in(std::filesystem::path(CASELOAD_SOURCE_DIR) / "data/lexicon" / file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') words.push_back(line);
    return words;
}

// IDs of every shape: names (in any case, digits for letters), room and
// street words, numbers, dates, postcodes, NHS-like numbers, random codes,
// separators, odd bytes.
class IdMaker {
  public:
    explicit IdMaker(unsigned seed) : random_(seed) {
        for (const char* file : {"given-names.txt", "surnames.txt", "nicknames.txt"})
            for (auto& w : lexicon_words(file)) names_.push_back(w);
        for (const char* file : {"street-words.txt", "room-words.txt", "allowed-words.txt"})
            for (auto& w : lexicon_words(file)) words_.push_back(w);
        REQUIRE(names_.size() > 1000);
        REQUIRE(!words_.empty());
    }

    std::string next() {
        std::string id;
        const unsigned shape = pick(10);
        if (shape == 0) {  // any symbols of an ID
            static const std::string symbols =
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
            for (unsigned n = 1 + pick(40); n; --n) id += symbols[pick(symbols.size())];
        } else if (shape == 1) {  // any bytes
            for (unsigned n = pick(40); n; --n) id += static_cast<char>(pick(256));
        } else {
            for (unsigned parts = 1 + pick(4); parts; --parts) {
                if (!id.empty() && pick(2)) id += "-_."[pick(3)];
                id += piece();
            }
        }
        if (pick(50) == 0) id = std::string(70 + pick(60), "a1B-"[pick(4)]) + id;  // long
        return id;
    }

  private:
    unsigned pick(std::size_t n) { return static_cast<unsigned>(random_() % n); }

    std::string cased(std::string w) {
        switch (pick(5)) {
            case 0:
                w[0] = static_cast<char>(w[0] - 'a' + 'A');
                break;
            case 1:
                for (char& c : w) c = static_cast<char>(c - 'a' + 'A');
                break;
            case 2:
                for (char& c : w)
                    if (pick(2)) c = static_cast<char>(c - 'a' + 'A');
                break;
            default:
                break;
        }
        return w;
    }

    std::string leet(std::string w) {
        static const std::string from = "oilzeasgtb", to = "0112345678";
        for (char& c : w) {
            const auto at = from.find(c);
            if (at != std::string::npos && pick(3) == 0) c = to[at];
        }
        return w;
    }

    std::string digits(unsigned n) {
        std::string out;
        for (; n; --n) out += static_cast<char>('0' + pick(10));
        return out;
    }

    std::string piece() {
        switch (pick(12)) {
            case 0:
            case 1:
                return cased(names_[pick(names_.size())]);
            case 2:
                return leet(cased(names_[pick(names_.size())]));
            case 3:
                return cased(words_[pick(words_.size())]);
            case 4:
                return digits(1 + pick(12));
            case 5: {  // a random code
                static const std::string code = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
                std::string out;
                for (unsigned n = 1 + pick(8); n; --n) out += code[pick(code.size())];
                return out;
            }
            case 6: {  // a few letters: initials
                std::string out;
                for (unsigned n = 1 + pick(3); n; --n) out += static_cast<char>('a' + pick(26));
                return cased(out);
            }
            case 7:  // a year, or a date
                return pick(2)
                           ? std::to_string(1900 + pick(130))
                           : digits(2) + "-" + digits(2) + "-" + std::to_string(1950 + pick(60));
            case 8: {  // a postcode-like piece
                static const char* areas[] = {"sw", "m", "ls", "g", "ec", "b", "zz", "qq"};
                std::string out = cased(areas[pick(8)]) + digits(1 + pick(2));
                if (pick(2)) out += static_cast<char>('a' + pick(26));
                out += pick(2) ? "-" : "";
                out += digits(1) + static_cast<char>('A' + pick(26)) +
                       static_cast<char>('A' + pick(26));
                return out;
            }
            case 9:  // phone-like, NHS-like, National Insurance-like
                return pick(3) == 0 ? "07" + digits(9)
                       : pick(2)    ? digits(10)
                                    : cased("ab") + digits(6) + (pick(2) ? "c" : "");
            case 10:  // the organisation's words below
                return cased(std::string(pick(2) ? "oakwood" : "zorrix"));
            default: {
                std::string out = cased(names_[pick(names_.size())]);
                return out + cased(names_[pick(names_.size())]);
            }
        }
    }

    std::mt19937 random_;
    std::vector<std::string> names_, words_;
};

std::string describe(const std::vector<GuardFinding>& findings) {
    std::string out;
    for (const auto& f : findings)
        out += std::string(caseload::kind_name(f.kind)) + "/" +
               std::string(caseload::severity_name(f.severity)) + " '" + f.match + "' (" +
               f.message + "); ";
    return out;
}

// The fast paths' findings for `id` against the reference paths' (checked,
// with the ID, only when they differ: these loops run over many IDs).
void check_fast_as_reference(const gi::GuardState& state, const std::string& id) {
    const auto fast = gi::check_id(state, id, false);
    const auto reference = gi::check_id(state, id, true);
    if (describe(fast) != describe(reference)) {
        CAPTURE(id);
        CHECK(describe(fast) == describe(reference));
    }
}

}  // namespace

TEST_CASE("guard fast paths: the same findings as the reference paths, on random IDs") {
    const GuardWords configurations[] = {
        GuardWords{},
        GuardWords{{"zorrix", "bazzer"}, {"oakwood"}, {"client", "rec"}, {"hom", "sn", "ab"}},
        GuardWords{{}, {}, {}, {"hom", "rec", "fam"}},
    };
    int configuration = 0;
    for (const auto& words : configurations) {
        CAPTURE(configuration);
        const auto state = gi::make_guard_state(words);
        IdMaker maker(20261126u + static_cast<unsigned>(configuration));
        for (int i = 0; i < 60000; ++i) {
            const std::string id = maker.next();
            check_fast_as_reference(*state, id);
            if (i % 16 == 0) {
                const std::string name = i % 32 ? "Amy O'Connor-Smith" : "Jan Kowalski";
                const auto fast_named = gi::check_id_with_name(*state, id, name, false);
                const auto reference_named = gi::check_id_with_name(*state, id, name, true);
                if (describe(fast_named) != describe(reference_named)) {
                    CAPTURE(id);
                    CHECK(describe(fast_named) == describe(reference_named));
                }
            }
        }
        ++configuration;
    }
}

TEST_CASE("guard fast paths: IDs without lower case letters, as the reference paths") {
    // In an ID of capitals only a match with a digit counts only from the
    // start of its run, with the digits 0 and 1 (J0HN22, not 6RU1A3): there
    // the fast walks end at a digit (issue 13). The random IDs above, in
    // capitals, and a few of the kind.
    const auto state = gi::make_guard_state(GuardWords{});
    IdMaker maker(20261204u);
    std::vector<std::string> ids = {"J0HN22",
                                    "HOM-T0M-5",
                                    "0MAR-7",
                                    "MIL0-4",
                                    "77BAN0",
                                    "6RU1A3",
                                    "W8YC8FRY",
                                    "PDDRJ1W9",
                                    "J0HNSM1TH",
                                    "1ZZY-22",
                                    "SM1TH-J0N3S",
                                    "K1PLE4754080",
                                    "33557HAMIN4CR0WNINSHIELD"};
    for (int i = 0; i < 60000; ++i) {
        std::string id = maker.next();
        for (char& c : id)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        ids.push_back(id);
    }
    for (const std::string& id : ids) {
        check_fast_as_reference(*state, id);
    }
}

TEST_CASE("guard fast paths: check_views (one list reused, as id check - does) is check") {
    const caseload::Guard guard(
        GuardWords{{"zorrix", "bazzer"}, {"oakwood"}, {"client", "rec"}, {"hom", "sn", "ab"}});
    IdMaker maker(20261203u);
    std::vector<caseload::GuardFindingView> views;
    auto described = [](const std::vector<caseload::GuardFindingView>& list) {
        std::vector<GuardFinding> owned;
        for (const auto& v : list)
            owned.push_back(
                GuardFinding{v.kind, v.severity, std::string(v.match), std::string(v.message)});
        return describe(owned);
    };
    int with_findings = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string id = maker.next();
        guard.check_views(id, views);
        const auto findings = guard.check(id);
        with_findings += !findings.empty();
        if (described(views) != describe(findings)) {
            CAPTURE(id);
            CHECK(described(views) == describe(findings));
        }
        if (i % 16 == 0) {
            guard.check_with_name_views(id, "Amy O'Connor-Smith", views);
            const auto named = guard.check_with_name(id, "Amy O'Connor-Smith");
            if (described(views) != describe(named)) {
                CAPTURE(id);
                CHECK(described(views) == describe(named));
            }
        }
    }
    CHECK(with_findings > 1000);  // (lists of every length follow each other)
}

// The byte-at-a-time scan against a fast one (`fast_scan`), on one ID.
template <class FastScan>
void check_same_scan(const std::string& id, FastScan&& fast_scan) {
    CAPTURE(id);
    gi::LowerBuffer a_buffer, b_buffer;
    gi::IdScan a, b;
    gi::scan_id_bytes(id, a_buffer, a);
    fast_scan(id, b_buffer, b);
    REQUIRE(a.lower == b.lower);
    CHECK(a.mixed_case == b.mixed_case);
    CHECK(a.digit_count == b.digit_count);
    CHECK(a.any_one == b.any_one);
    CHECK(a.letters_1_or_2 == b.letters_1_or_2);
    CHECK(a.letters_2 == b.letters_2);
    CHECK(a.letters_over_3 == b.letters_over_3);
    CHECK(a.digits_4_or_8 == b.digits_4_or_8);
    auto same_runs = [](const auto& x, const auto& y) {
        if (x.size() != y.size()) return false;
        for (std::size_t k = 0; k < x.size(); ++k)
            if (!(x[k] == y[k])) return false;
        return true;
    };
    CHECK(same_runs(a.letter_runs, b.letter_runs));
    CHECK(same_runs(a.digit_runs, b.digit_runs));
    CHECK(same_runs(a.alnum_runs, b.alnum_runs));
    for (std::size_t p = 0; p <= id.size(); ++p) CHECK(a.digits_before[p] == b.digits_before[p]);
    // The words scan's case splits: case_split_at by characters (the bytes scan's way).
    REQUIRE(b.case_splits_known);
    REQUIRE_FALSE(a.case_splits_known);
    for (gi::Span run : a.letter_runs)
        for (std::uint32_t p = run.begin + 1; p < run.end; ++p)
            CHECK(gi::case_split_at(a, run, p) == gi::case_split_at(b, run, p));
    for (gi::Span run : a.alnum_runs)
        for (std::uint32_t p = run.begin + 1; p < run.end; ++p)
            CHECK(gi::case_split_at(a, run, p) == gi::case_split_at(b, run, p));
    // The words scan's masks: the runs' letters and digits.
    REQUIRE(b.masks_known);
    REQUIRE_FALSE(a.masks_known);
    std::uint64_t letters = 0, digits = 0;
    for (gi::Span run : a.letter_runs) letters |= gi::span_bits(run);
    for (gi::Span run : a.digit_runs) digits |= gi::span_bits(run);
    CHECK(b.letter_mask == letters);
    CHECK(b.digit_mask == digits);
    std::uint64_t uppers = 0;
    for (std::size_t p = 0; p < id.size(); ++p)
        if (id[p] >= 'A' && id[p] <= 'Z') uppers |= std::uint64_t{1} << p;
    CHECK(b.upper_mask == uppers);
    // After the lowercase copy: zeros (separators) for the look-ahead.
    for (std::size_t p = id.size(); p < id.size() + 8; ++p) {
        CHECK(a_buffer[p] == 0);
        CHECK(b_buffer[p] == 0);
    }
}

// Random IDs of 0 to max_length bytes: ID symbols and odd bytes.
template <class OnId>
void random_scan_ids(int count, int max_length, OnId&& on_id) {
    std::mt19937 random(7);
    const std::string symbols = "abcAB1234567890-_.xyzXYZ\x80\xff ";
    for (int i = 0; i < count; ++i) {
        std::string id;
        const int length = static_cast<int>(random() % (max_length + 1));
        for (int k = 0; k < length; ++k)
            id += (i % 3) ? symbols[random() % symbols.size()] : static_cast<char>(random() % 256);
        on_id(id);
    }
}

TEST_CASE("guard fast paths: the 8-bytes-at-a-time scan is the byte-at-a-time scan") {
    random_scan_ids(100000, 64, [](const std::string& id) {  // the words scan: up to 64
        check_same_scan(id, gi::scan_id_words);
    });
}

TEST_CASE("guard fast paths: the 16-bytes-at-a-time scan is the byte-at-a-time scan") {
    random_scan_ids(100000, 32, [](const std::string& id) {  // the vectors scan: up to 32
        check_same_scan(id, gi::scan_id_vectors);
    });
    // Every length, and the digits of both steps (17 to 31: they overlap).
    for (std::size_t n = 0; n <= 32; ++n) {
        check_same_scan(std::string(n, '7'), gi::scan_id_vectors);
        std::string id;
        for (std::size_t k = 0; k < n; ++k) id += "1aB-2x9Zq"[k % 9];
        check_same_scan(id, gi::scan_id_vectors);
    }
}

TEST_CASE("guard fast paths: divide_small is the built-in division") {
    // name_likeness's sums: at most 128 a step in size, kMaxScan + 1 steps.
    for (int n = 1; n <= static_cast<int>(gi::kMaxScan) + 1; ++n) {
        int wrong = 0;
        for (int x = -20000; x <= 20000; ++x) wrong += gi::divide_small(x, n) != x / n;
        CAPTURE(n);
        CHECK(wrong == 0);
    }
    CHECK(gi::divide_small(-1000000, 3) == -333333);
    CHECK(gi::divide_small(999999, 7) == 142857);
    CHECK(gi::divide_small(5000, 500) == 10);  // beyond the table: the built-in division
}

TEST_CASE("guard fast paths: token_likeness is name_likeness of the token and its parts") {
    std::mt19937 random(13);
    for (int i = 0; i < 50000; ++i) {
        std::string low;
        const int length = 1 + static_cast<int>(random() % 40);
        for (int k = 0; k < length; ++k) low += static_cast<char>('a' + random() % 26);
        CAPTURE(low);
        const gi::TokenLikeness like = gi::token_likeness(low);
        const gi::NameLikeness whole = gi::name_likeness(low);
        CHECK(like.whole.vs_random == whole.vs_random);
        CHECK(like.whole.vs_words == whole.vs_words);
        if (low.size() < 6) continue;
        const gi::NameLikeness first = gi::name_likeness(std::string_view(low).substr(1));
        const gi::NameLikeness last =
            gi::name_likeness(std::string_view(low).substr(0, low.size() - 1));
        CHECK(like.without_first.vs_random == first.vs_random);
        CHECK(like.without_first.vs_words == first.vs_words);
        CHECK(like.without_last.vs_random == last.vs_random);
        CHECK(like.without_last.vs_words == last.vs_words);
    }
}

TEST_CASE("guard fast paths: IDs the quick tests must not skip") {
    // Each would be missed if a detector's quick test were wrong.
    const auto state = gi::make_guard_state(GuardWords{});
    for (std::string id :
         {"9434765919", "943-476-5919", "07700900123", "447700900123", "AB123456C", "ab-12-34-56-c",
          "SW1A1AA",    "M1-1AE",       "m11ae",       "01021985",     "1-2-1985",  "1985-2-1",
          "JB-1985",    "JS-0042",      "0042jb",      "J.B.7",        "Room12",    "12-Flat",
          "12OakRoad",  "4-Mill-Lane",  "J0hn5mith",   "sm1th",        "Pr1ya",     "0MAR-7",
          "HOM-T0M-5",  "1zzy-22",      "l1ly",        "O-Brien-3",    "Mc.Cann-1", "J-Zarkov-12",
          "x-1-2-1985", "B1-1AE",       "7-W1A-1AA",   "SW1A-1AA"}) {
        CAPTURE(id);
        const auto fast = gi::check_id(*state, id, false);
        CHECK_FALSE(fast.empty());
        CHECK(describe(fast) == describe(gi::check_id(*state, id, true)));
    }
}

TEST_CASE("guard fast paths: the walks in step give every entry the walker acts on") {
    // walk_in_step gives RunWalker::on_lexicon only the entries it can act
    // on: a suffix ending a run or its letters before a digit (Flat3B, for
    // the address detector), an allowed word of 3+ letters, a name of 4+
    // letters, or of 3 with a digit among them (T0m-5, x-J0e-12). Each ID
    // here has a finding the walks make.
    const auto state = gi::make_guard_state(GuardWords{});
    for (std::string id :
         {"T0m-5", "x-J0e-12", "t0m-88", "Flat3B", "Bed4", "Unit-9", "room12", "Amy04", "J0hn5mith",
          "Pr1ya", "JohnSmith", "CombassFaichtinger", "mmichelsen80", "12OakRoad", "4-Mill-Lane"}) {
        CAPTURE(id);
        const auto fast = gi::check_id(*state, id, false);
        CHECK_FALSE(fast.empty());
        CHECK(describe(fast) == describe(gi::check_id(*state, id, true)));
    }
}

TEST_CASE("guard fast paths: separated O', Mc and Mac prefixes and a letter before a word") {
    // O-Brien-3, mc_cann, J-Zarkov-12 and their near misses: a prefix or a
    // letter, separators, a surname or random letters, digits.
    const auto names = lexicon_words("surnames.txt");
    REQUIRE(names.size() > 1000);
    const GuardWords configurations[] = {GuardWords{},
                                         GuardWords{{}, {}, {"client"}, {"hom", "mac"}}};
    std::mt19937 random(20261127u);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    const char* firsts[] = {"o", "O", "mc", "Mc", "MC", "mac", "Mac", "j", "J", "x", "HOM", "7"};
    const char* separators[] = {"-", "_", ".", "--", "", "7"};
    for (const auto& words : configurations) {
        const auto state = gi::make_guard_state(words);
        for (int i = 0; i < 40000; ++i) {
            std::string id = pick(4) == 0 ? "HOM-" : "";
            id += firsts[pick(std::size(firsts))];
            id += separators[pick(std::size(separators))];
            std::string word;
            if (pick(3)) {
                word = names[pick(names.size())];
            } else {
                for (std::size_t n = 1 + pick(7); n; --n) word += static_cast<char>('a' + pick(26));
            }
            for (char& c : word)
                if (pick(4) == 0 || (&c == &word[0] && pick(2)))
                    c = static_cast<char>(c - 'a' + 'A');
            id += word;
            if (pick(2))
                id += std::string("-_.")[pick(3)] + std::to_string(pick(1000));
            else if (pick(3) == 0)
                id += static_cast<char>('A' + pick(26));
            check_fast_as_reference(*state, id);
        }
    }
}

TEST_CASE("guard fast paths: span lanes compared 16 at a time are compared one by one") {
    std::mt19937 random(20261203u);
    for (int i = 0; i < 200000; ++i) {
        gi::SpanLanes lanes;
        const std::size_t used = random() % 17;  // the lanes past them: kNone
        for (std::size_t j = 0; j < used; ++j) {
            const auto begin = static_cast<std::uint8_t>(random() % 64);
            lanes.begin[j] = begin;
            lanes.end[j] = static_cast<std::uint8_t>(begin + 1 + random() % (64 - begin));
        }
        const std::uint32_t begin = random() % 64;
        const std::uint32_t end = begin + 1 + random() % (64 - begin);
        const gi::LaneRelations fast = gi::relate_lanes(lanes, begin, end);
        const gi::LaneRelations plain = gi::relate_lanes_portable(lanes, begin, end);
        CAPTURE(begin);
        CAPTURE(end);
        CHECK(fast.holds == plain.holds);
        CHECK(fast.within == plain.within);
        CHECK(fast.overlaps == plain.overlaps);
        CHECK(fast.same_begin == plain.same_begin);
        CHECK(((fast.holds | fast.within | fast.overlaps | fast.same_begin) >> used) == 0);
        const gi::LaneSizes sizes = gi::compare_sizes(lanes, end - begin);
        const gi::LaneSizes plain_sizes = gi::compare_sizes_portable(lanes, end - begin);
        CHECK(sizes.shorter == plain_sizes.shorter);
        CHECK(sizes.same == plain_sizes.same);
    }
}

TEST_CASE("guard fast paths: tidy of up to 15 matches and of more, as the reference") {
    // Names run together (JohnsMithAnnaLee...), in any case, with digits
    // for letters and between them: up to 15 matches take tidy's lanes,
    // more its masks (IDs of up to 64 characters), each held to the
    // reference. And the IDs each rule of tidy acts on.
    const auto state = gi::make_guard_state(GuardWords{});
    std::vector<std::string> ids = {"JohnSmith",
                                    "johnsmith",
                                    "JohnS-01",
                                    "Robertson",
                                    "SelinArslan",
                                    "DemirA",
                                    "BakerSt",
                                    "Smith5",
                                    "Haddad4",
                                    "W1lliams",
                                    "OConnor",
                                    "McDonald",
                                    "CombassFaichtinger",
                                    "mmichelsen80",
                                    "AnnaLeeJo5",
                                    "JOHNSMITH"};
    auto names = lexicon_words("given-names.txt");
    for (auto& w : lexicon_words("surnames.txt")) names.push_back(w);
    std::mt19937 random(20261204u);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    for (int i = 0; i < 40000; ++i) {
        std::string id;
        const std::size_t target = 8 + pick(57);
        while (id.size() < target) {
            std::string w = names[pick(names.size())];
            if (pick(2)) w[0] = static_cast<char>(w[0] - 'a' + 'A');
            if (pick(8) == 0) w.back() = static_cast<char>(w.back() - 'a' + 'A');
            if (pick(6) == 0) w[pick(w.size())] = "01345"[pick(5)];
            id += w;
            if (pick(6) == 0) id += std::to_string(pick(100));
        }
        id.resize(std::min<std::size_t>(id.size(), 64));
        ids.push_back(id);
    }
    for (const std::string& id : ids) {
        check_fast_as_reference(*state, id);
    }
}

TEST_CASE("guard fast paths: the other detectors' tests from the masks, as the reference paths") {
    // unknown_names' candidates, single letters and Title-case tokens from
    // the case-token masks; title_case, edge_at, looks_hex, all upper or
    // lower case from the masks; the quick tests of dates, initials,
    // postcodes and addresses (issue 13, part D). The reference paths read
    // the characters.
    const auto state = gi::make_guard_state(GuardWords{});
    for (std::string id :
         {"NtiRenollet-4", "SchimekA-6",    "HAsplen9",   "E-Frusci0812", "Kia_0615",
          "MBas0410",      "ViayraVanwyck", "Reinbold-4", "roaden.2",     "CROCKER_0750",
          "RASKA0167",     "zaroudischino", "xq7Sarah",   "01facaba",     "1-2-1990",
          "270285",        "4435-RM53",     "729RM6",     "F351-BAY6",    "Flat-2-Block-C"}) {
        CAPTURE(id);
        const auto fast = gi::check_id(*state, id, false);
        CHECK_FALSE(fast.empty());
        CHECK(describe(fast) == describe(gi::check_id(*state, id, true)));
    }
    // Letter runs cut into case tokens of every size, with single letters,
    // separators and digits between; hex codes.
    std::mt19937 random(20261204u);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    for (int i = 0; i < 40000; ++i) {
        std::string id;
        for (std::size_t parts = 1 + pick(4); parts; --parts) {
            const std::size_t shape = pick(6);
            if (shape == 0) {
                id += std::to_string(pick(100000));
            } else if (shape == 1) {
                id += "-_."[pick(3)];
            } else if (shape == 2) {  // hex
                for (std::size_t n = 1 + pick(8); n; --n) id += "0123456789abcdef"[pick(16)];
            } else {
                for (std::size_t n = 1 + pick(9); n; --n) {
                    const char c = static_cast<char>('a' + pick(26));
                    id += pick(3) == 0 ? static_cast<char>(c - 'a' + 'A') : c;
                }
            }
        }
        check_fast_as_reference(*state, id);
    }
}
