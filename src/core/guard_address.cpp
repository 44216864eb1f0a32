// Guard detector: addresses (block).
//  - a room word next to a number, either order (Room12, rm-12, Flat3B, 12-Flat),
//    or with one letter between (Rm-B12, Bed-A4);
//  - a number, then a street word ending a letter run (12OakRoad, 4-Mill-Lane);
//  - a named street or building, then a number (Ashdown-Court-12, MapleLodge7);
//  - the organisation's own address words (Oakwood-House-4);
//  - UK postcodes, whole or with one separator (SW1A1AA, M1-1AE).
#include <bit>

#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

constexpr std::string_view kRoomMessage = "a room number";
constexpr std::string_view kStreetMessage = "a street address";
constexpr std::string_view kOrgAddressMessage = "an address word of your organisation";
constexpr std::string_view kPostcodeMessage = "a postcode";

// A street's name part reads as a word or a name (tenths of a nat a letter
// against random letters, word_likeness): walnut, chapel, ridge; not CBRR.
constexpr int kPlaceNameLike = 2;

// A letter or digit run, in ID order.
struct Item {
    Span span;
    bool letters;
};
using Items = SmallList<Item, kMaxScan>;

void items_of(const IdScan& scan, Items& items) {
    std::size_t l = 0, d = 0;
    while (l < scan.letter_runs.size() || d < scan.digit_runs.size()) {
        const bool take_letters =
            d >= scan.digit_runs.size() ||
            (l < scan.letter_runs.size() && scan.letter_runs[l].begin < scan.digit_runs[d].begin);
        if (take_letters)
            items.push(Item{scan.letter_runs[l++], true});
        else
            items.push(Item{scan.digit_runs[d++], false});
    }
}

// Next to each other: touching, or one separator between.
bool adjacent(Span a, Span b) {
    return b.begin >= a.end && b.begin - a.end <= 1;
}

bool is_room(const IdScan& scan, std::string_view word) {
    return (scan.lexicon.lookup(word) & kRoomWord) != 0;
}

// Where the last case token of `run` starts (run.begin when it has one token).
std::uint32_t last_token_begin(const IdScan& scan, Span run) {
    if (scan.case_splits_known) {
        // (No splits in one case: no test of mixed_case, which varies at random.)
        const std::uint64_t splits = scan.case_splits & span_bits(Span{run.begin + 1, run.end});
        return splits ? 63u - static_cast<std::uint32_t>(std::countl_zero(splits)) : run.begin;
    }
    if (!scan.mixed_case) return run.begin;
    for (std::uint32_t i = run.end - 1; i > run.begin; --i)
        if (case_split_at(scan, run, i)) return i;
    return run.begin;
}

// Where a room word ending `run` starts (the run, its last case token, or a
// suffix of 3+ letters), or run.end when none. The name detector's walk left
// the categories of every suffix in scan.suffix_categories.
std::uint32_t room_word_at_end(const IdScan& scan, Span run) {
    const std::uint32_t token = last_token_begin(scan, run);
    for (std::uint32_t from = run.begin; from < run.end; ++from) {
        if (!(scan.suffix_categories(from) & kRoomWord)) continue;
        if (from == run.begin || from == token || run.end - from >= 3) return from;
    }
    return run.end;
}

// Where a room word starting `run` ends (the run or its first case token), or
// run.begin. Two-letter words (rm) count only before the number: 7RM is a code.
std::uint32_t room_word_at_start(const IdScan& scan, Span run) {
    if (run.size() >= 3 && is_room(scan, scan.low(run))) return run.end;
    Tokens tokens;
    case_tokens(scan, run, tokens);
    if (tokens.size() > 1 && tokens[0].size() >= 3 && is_room(scan, scan.low(tokens[0])))
        return tokens[0].end;
    return run.begin;
}

void rooms(const IdScan& scan, const Items& items, Hits& hits) {
    for (std::size_t k = 0; k + 1 < items.size(); ++k) {
        const Item a = items[k], b = items[k + 1];
        if (!adjacent(a.span, b.span)) continue;
        if (a.letters && b.letters) {
            // Rm-B12, Bed-A4: the room word, one letter, the number.
            if (b.span.size() != 1 || k + 2 >= items.size() || items[k + 2].letters ||
                !adjacent(b.span, items[k + 2].span))
                continue;
            const std::uint32_t from = room_word_at_end(scan, a.span);
            if (from == a.span.end) continue;
            hits.push(Hit{FindingKind::address, Severity::block, Span{from, items[k + 2].span.end},
                          kRoomMessage, 0});
            continue;
        }
        if (a.letters == b.letters) continue;
        if (a.letters) {
            // Room12, rm-12, Flat3B: the room word, the number, a letter after it.
            const std::uint32_t from = room_word_at_end(scan, a.span);
            if (from == a.span.end) continue;
            std::uint32_t to = b.span.end;
            if (k + 2 < items.size() && items[k + 2].letters && items[k + 2].span.size() == 1 &&
                items[k + 2].span.begin == to)
                to = items[k + 2].span.end;
            hits.push(Hit{FindingKind::address, Severity::block, Span{from, to}, kRoomMessage, 0});
        } else {
            // 12-Flat (unless the number is already a room's: Flat-2-Block-C)
            if (overlaps_kind(hits, FindingKind::address, a.span)) continue;
            const std::uint32_t to = room_word_at_start(scan, b.span);
            if (to == b.span.begin) continue;
            hits.push(Hit{FindingKind::address, Severity::block, Span{a.span.begin, to},
                          kRoomMessage, 0});
        }
    }
}

// A street word ending `run`: the run itself, its last case token, or (4+
// letters) a suffix of it. Words of 2-3 letters (St, Rd, Way) count only as
// a whole run or case token, after a street name of 3+ letters: in the run
// (BakerSt) or in `name_before` (a letter run between the number and this one).
bool street_word_ends(const IdScan& scan, Span run, bool name_before) {
    if (scan.suffix_categories(run.begin) & kStreetWord) return run.size() >= 4 || name_before;
    const std::uint32_t token = last_token_begin(scan, run);
    if (token > run.begin && (scan.suffix_categories(token) & kStreetWord) &&
        (run.end - token >= 4 || token - run.begin >= 3))
        return true;
    for (std::uint32_t from = run.begin + 1; from + 4 <= run.end; ++from)
        if (scan.suffix_categories(from) & kStreetWord) return true;
    // Run together in one case (8chapelst, 12oakrd): a 2-3 letter street word
    // after a word of 3+ letters that reads as a word or a name.
    // (A two-letter word after 4+ letters: 8earldr, not 4EXCMT.)
    for (std::uint32_t from = run.begin + 3; from < run.end && from + 1 < run.end; ++from)
        if ((scan.suffix_categories(from) & kStreetWord) && run.end - from <= 3 &&
            (run.end - from == 3 || from - run.begin >= 4) &&
            word_likeness(scan.low(Span{run.begin, from})) >= kPlaceNameLike)
            return true;
    return false;
}

// From a number to the last street word before the next number: 4-Mill-Lane
// (Mill is a street word too; the finding is the whole address).
void streets(const IdScan& scan, const Items& items, Hits& hits) {
    const std::size_t none = items.size();
    std::size_t number = none;      // the last digit item seen
    std::size_t street_end = none;  // the last letter item ending in a street word after it
    bool name_between = false;
    auto flush = [&]() {
        if (number != none && street_end != none)
            hits.push(Hit{FindingKind::address, Severity::block,
                          Span{items[number].span.begin, items[street_end].span.end},
                          kStreetMessage, 0});
        street_end = none;
    };
    for (std::size_t k = 0; k < items.size(); ++k) {
        const Item item = items[k];
        if (!item.letters) {
            flush();
            number = k;
            name_between = false;
            continue;
        }
        if (number == none) continue;
        if (street_word_ends(scan, item.span, name_between)) street_end = k;
        if (item.span.size() >= 3) name_between = true;
    }
    flush();
}

// A named street or building, then a number: Ashdown-Court-12, MapleLodge7,
// High-St-4. The street word is a whole letter run after a name (the run
// just before it: 3+ letters, not an allowed word or service code, so
// HOM-Hostel-3 names no building) or the last case token of a run after a
// name token of 3+ letters. A street word alone (Court-12) is not enough, nor
// one inside a lower-case run (sscott70, jmcbride25: names, not addresses).
void buildings(const IdScan& scan, const GuardState& state, const Items& items, Hits& hits) {
    if (!(scan.suffix_any & kStreetWord)) return;
    for (std::size_t k = 0; k + 1 < items.size(); ++k) {
        const Item a = items[k], b = items[k + 1];
        if (!a.letters || b.letters || !adjacent(a.span, b.span)) continue;
        if (overlaps_kind(hits, FindingKind::address, b.span)) continue;
        std::uint32_t from = a.span.end;
        if (scan.suffix_categories(a.span.begin) & kStreetWord) {
            const Item name = k > 0 ? items[k - 1] : a;
            if (k > 0 && name.letters && adjacent(name.span, a.span) && name.span.size() >= 3 &&
                !state.is_allowed(scan.lexicon, scan.low(name.span)))
                from = name.span.begin;
        } else {
            const std::uint32_t token = last_token_begin(scan, a.span);
            if (token >= a.span.begin + 3 && (scan.suffix_categories(token) & kStreetWord))
                from = a.span.begin;
            // In one case (ridgeway-72, the-oakroad-4): a street word of 3+
            // letters after a part of 3+ that reads as a word or a name; in
            // lower case (the-highrd-32), a word of 2 (rd, pl) after 4+
            // (codes hold RD and Ln by chance: KnVERlN6).
            bool lower = true;
            for (std::uint32_t p = a.span.begin; p < a.span.end; ++p)
                lower &= !is_upper(scan.id[p]);
            for (std::uint32_t p = a.span.begin + 3; from == a.span.end && p + 2 <= a.span.end; ++p)
                if ((scan.suffix_categories(p) & kStreetWord) &&
                    (a.span.end - p >= 3 || (lower && p - a.span.begin >= 4)) &&
                    word_likeness(scan.low(Span{a.span.begin, p})) >= kPlaceNameLike)
                    from = a.span.begin;
        }
        if (from == a.span.end) continue;
        hits.push(
            Hit{FindingKind::address, Severity::block, Span{from, b.span.end}, kStreetMessage, 0});
    }
}

// A named street without a number (FlatB-North-Avenue, oak_road): a street
// word of 4+ letters (avenue, road, close; not St or Way, which codes hold
// by chance) as a whole letter run or case token, right after a letter run or
// token of 3+ letters (one separator at most) that reads as a word or a name
// and is not a service code or an allowed word.
void named_streets(const IdScan& scan, const GuardState& state, Hits& hits) {
    Tokens tokens;
    for (Span run : scan.letter_runs) case_tokens(scan, run, tokens);
    for (std::size_t k = 1; k < tokens.size(); ++k) {
        const Span street = tokens[k], name = tokens[k - 1];
        if (street.size() < 4 || !(scan.lexicon.lookup(scan.low(street)) & kStreetWord)) continue;
        if (street.begin - name.end > 1 || name.size() < 3) continue;
        if (state.is_allowed(scan.lexicon, scan.low(name))) continue;
        // (A street word may name the street: Wharf-Gardens, Mill-Lane.)
        if (scan.lexicon.lookup(scan.low(name)) & kRoomWord) continue;
        if (word_likeness(scan.low(name)) < kPlaceNameLike) continue;
        if (overlaps_kind(hits, FindingKind::address, street)) continue;
        hits.push(Hit{FindingKind::address, Severity::block, Span{name.begin, street.end},
                      kStreetMessage, 0});
    }
}

// A room with a letter and no number (FlatB, Flat-B, bed_c): a room word of
// 3+ letters, then one letter: a capital after it in the same run (not in
// an ID of capitals: FLATB), or a run of one letter after one separator that
// no number follows (Rm-B12, Room-B-12 are rooms'). The room word is the run or its first
// case token.
void lettered_rooms(const IdScan& scan, Hits& hits) {
    const std::size_t runs = scan.letter_runs.size();
    for (std::size_t r = 0; r < runs; ++r) {
        const Span run = scan.letter_runs[r];
        if (run.size() < 3) continue;
        const std::uint32_t last = run.end - 1;
        if (run.size() >= 4 && scan.mixed_case && is_upper(scan.id[last]) &&
            case_split_at(scan, run, last) && is_room(scan, scan.low(Span{run.begin, last}))) {
            hits.push(Hit{FindingKind::address, Severity::block, run, kRoomMessage, 0});
            continue;
        }
        if (r + 1 >= runs) continue;
        const Span letter = scan.letter_runs[r + 1];
        const std::uint32_t after = letter.end;
        const std::size_t size = scan.id.size();
        const bool number_after =  // (Rm-B12, Room-B-12: rooms')
            after < size &&
            (is_digit(scan.id[after]) ||
             (after + 1 < size && is_separator(scan.id[after]) && is_digit(scan.id[after + 1])));
        if (letter.size() != 1 || letter.begin != run.end + 1 || number_after) continue;
        if (!is_separator(scan.id[run.end])) continue;  // (a digit between is rooms')
        if (!is_room(scan, scan.low(run))) continue;
        hits.push(
            Hit{FindingKind::address, Severity::block, Span{run.begin, after}, kRoomMessage, 0});
    }
}

// Whether the ID has letters or digits outside `span` that are no service
// code or allowed word (4435 in 4435-RM53; not HOM in HOM-RM12).
bool others_outside(const IdScan& scan, Span span) {
    for (std::uint32_t i = 0; i < scan.id.size(); ++i)
        if ((i < span.begin || i >= span.end) && is_alnum(scan.id[i]) &&
            !scan.allowed_letter.test(i))
            return true;
    return false;
}

// Whether `word` (letters) is a room or street word. Ending its letter run,
// the name detector's walk may have the answer (IdScan::suffix_categories:
// the entry from a position to the run's end), without a look-up.
bool room_or_street(const IdScan& scan, Span word, bool run_end) {
    if (run_end && scan.suffix_set.test(word.begin))
        return (scan.suffix_values[word.begin] & (kRoomWord | kStreetWord)) != 0;
    return (scan.lexicon.lookup(scan.low(word)) & (kRoomWord | kStreetWord)) != 0;
}

// Places that codes hold by chance (issue 13): RM12 in D5VC-RM12, DR8 in
// CBRR-DR8H, bed in 1efbed2c. A room or street found by rooms, streets,
// buildings or named_streets goes when its room or street word has 2-3
// letters and: its name part (3+ letters that are no room or street word)
// reads as no word or name (CBRR), or letters elsewhere in the ID are
// explained by nothing (D5VC), or the ID is a hex code (6661bed4), or its
// number has more than 3 digits.
void drop_chance_places(const IdScan& scan, const GuardState& state, std::size_t first,
                        Hits& hits) {
    (void)state;
    if (hits.size() == first || scan.id.size() > 64) return;
    std::array<bool, Hits::capacity()> drop;  // [first, hits.size()) set below
    bool any = false;
    bool capitals = true;  // no lower-case letter: as codes are written
    if (scan.masks_known)
        capitals = (scan.letter_mask & ~scan.upper_mask) == 0;
    else
        for (char c : scan.id) capitals &= !is_lower(c);
    for (std::size_t h = first; h < hits.size(); ++h) {
        const Hit& hit = hits[h];
        drop[h] = false;
        if (hit.kind != FindingKind::address || hit.message.text == kPostcodeMessage.data() ||
            hit.message.text == kOrgAddressMessage.data())
            continue;
        bool long_word = false, bad_name = false;
        for (Span run : scan.letter_runs) {
            if (!run.overlaps(hit.span)) continue;
            const Span piece{std::max(run.begin, hit.span.begin), std::min(run.end, hit.span.end)};
            Tokens tokens;
            case_tokens(scan, piece, tokens);
            for (Span t : tokens) {
                // Where a room or street word ends the token (the whole token, or a suffix).
                std::uint32_t word = t.end;
                const bool run_end = t.end == run.end;
                for (std::uint32_t p = t.begin; p + 2 <= t.end && word == t.end; ++p)
                    if (room_or_street(scan, Span{p, t.end}, run_end)) word = p;
                if (word < t.end && t.end - word >= 4) long_word = true;
                const Span name{t.begin, word};
                if (name.size() >= 3 && !(scan.lexicon.lookup(scan.low(name)) & kAnyName) &&
                    word_likeness(scan.low(name)) < kPlaceNameLike)
                    bad_name = true;
            }
        }
        std::uint32_t longest_number = 0;
        for (Span run : scan.digit_runs)
            if (run.overlaps(hit.span)) longest_number = std::max(longest_number, run.size());
        if (!long_word && (bad_name || longest_number > 3 || looks_hex(scan) ||
                           code_letters_outside(scan, hits, hit.span))) {
            drop[h] = true;
            any = true;
        } else if (!long_word && capitals && others_outside(scan, hit.span)) {
            // In capitals among other characters of a code (4435-RM53,
            // 729RM6, F351-BAY6): a warning (issue 13).
            hits[h].severity = Severity::warn;
        }
    }
    if (!any) return;
    // The marked hits out (those before `first` stay: drop is not set there).
    std::size_t out = first;
    for (std::size_t h = first; h < hits.size(); ++h)
        if (!drop[h]) hits[out++] = hits[h];
    hits.resize(out);
}

void organisation_words(const IdScan& scan, const GuardState& state, Hits& hits) {
    for (Span run : scan.letter_runs) {
        const std::string_view low = scan.low(run);
        // Whole tokens of any length: the run, or a case-change token.
        if (state.org.lookup(low) & kOrgAddress) {
            hits.push(Hit{FindingKind::address, Severity::block, run, kOrgAddressMessage, 0});
            continue;
        }
        Tokens tokens;
        case_tokens(scan, run, tokens);
        if (tokens.size() > 1)
            for (Span token : tokens)
                if (token.size() < 4 && (state.org.lookup(scan.low(token)) & kOrgAddress))
                    hits.push(
                        Hit{FindingKind::address, Severity::block, token, kOrgAddressMessage, 0});
        // Words of 4+ letters anywhere in the run.
        for (std::uint32_t i = 0; i + 4 <= run.size(); ++i) {
            state.org.prefixes(low.substr(i), [&](std::size_t n, std::uint8_t flags) {
                if ((flags & kOrgAddress) && n >= 4)
                    hits.push(
                        Hit{FindingKind::address, Severity::block,
                            Span{run.begin + i, run.begin + i + static_cast<std::uint32_t>(n)},
                            kOrgAddressMessage, 0});
            });
        }
    }
}

// The UK postcode areas.
class PostcodeAreas {
  public:
    PostcodeAreas() {
        static constexpr std::string_view kAreas[] = {
            "ab", "al", "b",  "ba", "bb", "bd", "bh", "bl", "bn", "br", "bs", "bt", "ca", "cb",
            "cf", "ch", "cm", "co", "cr", "ct", "cv", "cw", "da", "dd", "de", "dg", "dh", "dl",
            "dn", "dt", "dy", "e",  "ec", "eh", "en", "ex", "fk", "fy", "g",  "gl", "gu", "gy",
            "ha", "hd", "hg", "hp", "hr", "hs", "hu", "hx", "ig", "im", "ip", "iv", "je", "ka",
            "kt", "kw", "ky", "l",  "la", "ld", "le", "ll", "ln", "ls", "lu", "m",  "me", "mk",
            "ml", "n",  "ne", "ng", "nn", "np", "nr", "nw", "ol", "ox", "pa", "pe", "ph", "pl",
            "po", "pr", "rg", "rh", "rm", "s",  "sa", "se", "sg", "sk", "sl", "sm", "sn", "so",
            "sp", "sr", "ss", "st", "sw", "sy", "ta", "td", "tf", "tn", "tq", "tr", "ts", "tw",
            "ub", "w",  "wa", "wc", "wd", "wf", "wn", "wr", "ws", "wv", "yo", "ze"};
        for (std::string_view area : kAreas)
            table_[area[0] - 'a'][area.size() == 2 ? area[1] - 'a' + 1 : 0] = true;
    }
    bool contains(std::string_view letters) const {
        if (letters.size() == 1) return table_[letters[0] - 'a'][0];
        if (letters.size() == 2) return table_[letters[0] - 'a'][letters[1] - 'a' + 1];
        return false;
    }

  private:
    std::array<std::array<bool, 27>, 26> table_{};
};

// Whether `numbers` ("06 22 41", two digits each) holds `number` (0-99).
bool listed(std::string_view numbers, int number) {
    const char two[2] = {static_cast<char>('0' + number / 10),
                         static_cast<char>('0' + number % 10)};
    for (std::size_t at = 0; at + 2 <= numbers.size(); at += 3)
        if (numbers.substr(at, 2) == std::string_view(two, 2)) return true;
    return false;
}

// The districts of each area: its ordinary ones (0 or 1 up to a last one)
// and a few more (non-geographic and special ones), less the numbers the
// range holds that no district has (retired or never used: B51-B59, L41-L66
// went to CH, G6-G10, YO2-YO6, CF4). N1-N22 and N81, not N31; FY0-FY8, not
// FY17. An area not listed (none today) is not checked. The gaps matter most
// in one-letter areas and one-digit districts: six random capitals and
// digits read as A99 9AA or AA9 9AA.
bool numbered_district(std::string_view area, int number) {
    struct Districts {
        std::string_view area;
        int first, last;             // first..last
        std::string_view more;       // and these, as two-digit numbers
        std::string_view none = "";  // but not these in first..last (two digits: 06)
    };
    static constexpr Districts kDistricts[] = {
        {"ab", 10, 56, "99"},
        {"al", 1, 10, ""},
        {"b", 1, 99, "", "22 39 41 51 52 53 54 55 56 57 58 59 81 82 83 84 85 86 87 88 89"},
        {"ba", 1, 22, ""},
        {"bb", 0, 18, "94"},
        {"bd", 1, 24, "97 98 99"},
        {"bh", 1, 31, ""},
        {"bl", 0, 9, "11 78"},
        {"bn", 1, 45, "50 51 52 88 91 95 99", "04"},
        {"br", 1, 8, ""},
        {"bs", 0, 49, "80 98 99"},
        {"bt", 1, 94, ""},
        {"ca", 1, 28, "95 99"},
        {"cb", 1, 25, ""},
        {"cf", 3, 91, "95 99", "04 06 07 08 09"},
        {"ch", 1, 8,
         "25 26 27 28 29 30 31 32 33 34 41 42 43 44 45 46 47 48 49 60 61 62 63 64 65 66 70 88 99"},
        {"cm", 0, 24, "77 92 98 99"},
        {"co", 1, 16, ""},
        {"cr", 0, 9, "44 90"},
        {"ct", 1, 21, "50"},
        {"cv", 1, 47, ""},
        {"cw", 1, 12, "98"},
        {"da", 1, 18, ""},
        {"dd", 1, 11, ""},
        {"de", 1, 24, "45 55 56 65 72 73 74 75 99"},
        {"dg", 1, 16, ""},
        {"dh", 1, 9, "97 98 99"},
        {"dl", 1, 17, "98"},
        {"dn", 1, 41, "55"},
        {"dt", 1, 11, ""},
        {"dy", 1, 14, ""},
        {"e", 1, 20, "77 98", "19"},
        {"ec", 1, 4, ""},
        {"eh", 1, 55, "91 95 99"},
        {"en", 1, 11, "77"},
        {"ex", 1, 39, ""},
        {"fk", 1, 21, ""},
        {"fy", 0, 8, ""},
        {"g", 1, 84, "90",
         "06 07 08 09 10 16 17 18 19 24 25 26 27 28 29 30 35 36 37 38 39 47 48 49 50 54 55 56 57"},
        {"gl", 1, 56, ""},
        {"gu", 1, 52, "95"},
        {"gy", 1, 10, ""},
        {"ha", 0, 9, ""},
        {"hd", 1, 9, ""},
        {"hg", 1, 5, ""},
        {"hp", 1, 27, ""},
        {"hr", 1, 9, ""},
        {"hs", 1, 9, ""},
        {"hu", 1, 20, ""},
        {"hx", 1, 7, ""},
        {"ig", 1, 11, ""},
        {"im", 1, 9, "86 87 99"},
        {"ip", 1, 33, "98"},
        {"iv", 1, 63, "99"},
        {"je", 1, 5, ""},
        {"ka", 1, 30, ""},
        {"kt", 1, 24, ""},
        {"kw", 1, 17, ""},
        {"ky", 1, 16, "99"},
        {"l", 1, 75, "80",
         "41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66"},
        {"la", 1, 23, ""},
        {"ld", 1, 8, ""},
        {"le", 1, 19, "21 41 55 65 67 87 94 95"},
        {"ll", 11, 78, ""},
        {"ln", 1, 13, ""},
        {"ls", 1, 29, "88 98 99"},
        {"lu", 1, 7, ""},
        {"m", 1, 50, "60 61 90 99", "10 36 37 39 42 47 48 49"},
        {"me", 1, 20, "99"},
        {"mk", 1, 19, "40 41 42 43 44 45 46 77"},
        {"ml", 1, 12, ""},
        {"n", 1, 22, "81"},
        {"ne", 1, 71, "82 83 85 88 92 98 99"},
        {"ng", 1, 34, "70 80 90"},
        {"nn", 1, 18, "29 99"},
        {"np", 4, 26, "44", "05 06 09"},
        {"nr", 1, 35, "99"},
        {"nw", 1, 11, "26"},
        {"ol", 1, 16, "95"},
        {"ox", 1, 49, ""},
        {"pa", 1, 80, ""},
        {"pe", 1, 38, "99"},
        {"ph", 1, 50, ""},
        {"pl", 1, 35, "95"},
        {"po", 1, 41, ""},
        {"pr", 0, 26, ""},
        {"rg", 1, 45, ""},
        {"rh", 1, 20, "77"},
        {"rm", 1, 20, "50"},
        {"s", 1, 75, "80 95 96 97 98 99",
         "15 16 19 22 23 24 27 28 29 30 31 34 37 38 39 46 47 48 50 51 52 53 54 55 56 57 58 59 67 "
         "68 69"},
        {"sa", 1, 73, "80 99"},
        {"se", 1, 28, ""},
        {"sg", 1, 19, ""},
        {"sk", 1, 23, ""},
        {"sl", 0, 9, "60 95"},
        {"sm", 1, 7, ""},
        {"sn", 1, 26, "38 99"},
        {"so", 14, 53, "97"},
        {"sp", 1, 11, ""},
        {"sr", 1, 9, "43 88"},
        {"ss", 0, 17, "22 99"},
        {"st", 1, 21, "55"},
        {"sw", 1, 20, "95 99"},
        {"sy", 1, 25, "99"},
        {"ta", 1, 24, ""},
        {"td", 1, 15, ""},
        {"tf", 1, 13, ""},
        {"tn", 1, 40, ""},
        {"tq", 1, 14, ""},
        {"tr", 1, 27, "93"},
        {"ts", 1, 29, ""},
        {"tw", 1, 20, ""},
        {"ub", 1, 11, "18"},
        {"w", 1, 14, ""},
        {"wa", 1, 16, "55 88"},
        {"wc", 1, 2, ""},
        {"wd", 3, 25, "99"},
        {"wf", 1, 17, "90"},
        {"wn", 1, 8, ""},
        {"wr", 1, 15, "78 99"},
        {"ws", 1, 15, ""},
        {"wv", 1, 16, "98 99"},
        {"yo", 1, 62, "90 91", "02 03 04 05 06 09"},
        {"ze", 1, 3, ""}};
    for (const Districts& d : kDistricts) {
        if (d.area != area) continue;
        if (number >= d.first && number <= d.last) return !listed(d.none, number);
        return number >= 10 && listed(d.more, number);
    }
    return true;
}

// District after the area `area`: 1-2 digits, no leading zero in two (1, 14,
// 10; not 07), or in central London one digit and a letter (W1A, EC1V,
// SW1A), with the letters each has (E1W, N1C, N1P, W1A ...).
bool is_district(std::string_view text, std::string_view area) {
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) ++digits;
    if (digits < 1 || digits > 2) return false;
    if (digits == 2 && text[0] == '0') return false;
    const std::size_t rest = text.size() - digits;
    if (rest == 0)
        return numbered_district(
            area, digits == 1 ? text[0] - '0' : (text[0] - '0') * 10 + text[1] - '0');
    if (rest != 1 || digits != 1 || !is_letter(text[1])) return false;
    // The central London districts with a letter, and their letters.
    struct Lettered {
        std::string_view area;
        char digit;
        std::string_view letters;
    };
    static constexpr Lettered kLettered[] = {
        {"e", '1', "w"},       {"n", '1', "cp"},        {"nw", '1', "w"},
        {"se", '1', "p"},      {"sw", '1', "aehpvwxy"}, {"w", '1', "abcdfghjkstuw"},
        {"ec", '1', "amnrvy"}, {"ec", '2', "amnpryv"},  {"ec", '3', "amnprv"},
        {"ec", '4', "amnrvy"}, {"wc", '1', "abehnrvx"}, {"wc", '2', "abehnr"}};
    for (const Lettered& d : kLettered)
        if (d.area == area && d.digit == text[0])
            return d.letters.find(text[1]) != std::string_view::npos;
    return false;
}

// The inward code: a digit and two letters, never C, I, K, M, O or V.
bool is_inward(std::string_view text) {
    auto unit_letter = [](char c) {
        return is_letter(c) && c != 'c' && c != 'i' && c != 'k' && c != 'm' && c != 'o' && c != 'v';
    };
    return text.size() == 3 && is_digit(text[0]) && unit_letter(text[1]) && unit_letter(text[2]);
}

// detect_postcodes' loop as first written, over the characters: the
// reference the tests compare it with.
void postcodes_by_characters(const IdScan& scan, Hits& hits) {
    static const PostcodeAreas areas;
    const std::string_view low = scan.lower;
    const auto n = static_cast<std::uint32_t>(low.size());
    for (std::uint32_t start = 0, end = 0; start < n; start = end + 1) {
        end = start;
        while (end < n && !is_separator(low[end])) ++end;
        const std::uint32_t length = end - start;
        if (length < 2 || length > 7 || !is_letter(low[start])) continue;
        std::uint32_t area_end = start;
        while (area_end < end && is_letter(low[area_end])) ++area_end;
        if (area_end - start > 2 || !areas.contains(low.substr(start, area_end - start))) continue;
        if (length >= 5 && is_inward(low.substr(end - 3, 3)) &&
            is_district(low.substr(area_end, end - 3 - area_end),
                        low.substr(start, area_end - start))) {
            hits.push(
                Hit{FindingKind::address, Severity::block, Span{start, end}, kPostcodeMessage, 0});
            continue;
        }
        if (end < n && length <= 4 &&
            is_district(low.substr(area_end, end - area_end),
                        low.substr(start, area_end - start))) {
            std::uint32_t inward_end = end + 1;
            while (inward_end < n && !is_separator(low[inward_end])) ++inward_end;
            if (is_inward(low.substr(end + 1, inward_end - end - 1)))
                hits.push(Hit{FindingKind::address, Severity::block, Span{start, inward_end},
                              kPostcodeMessage, 0});
        }
    }
}

}  // namespace

namespace {

// Quick test: 1-2 letters starting a segment, then a digit (and, from the
// masks, an inward code).
bool postcode_shape(const IdScan& scan) {
    // The shortest has 2 digits (M1-1AE) and an area of 1-2 letters.
    if (!scan.reference && (scan.digit_count < 2 || !scan.letters_1_or_2)) return false;
    if (scan.masks_known && !scan.reference) {
        // From the masks: a letter run of 1 or 2 at the start of a segment,
        // a digit after it.
        const std::uint64_t letters = scan.letter_mask, digits = scan.digit_mask;
        const std::uint64_t alnum = letters | digits;
        const std::uint64_t segment_starts = alnum & ~(alnum << 1);
        const std::uint64_t starts = letters & ~(letters << 1), ends = letters & ~(letters >> 1);
        const std::uint64_t one = starts & ends & (digits >> 1);
        const std::uint64_t two = starts & (ends >> 1) & ~ends & (digits >> 2);
        // And an inward code somewhere: a digit, two letters, the end of
        // a segment (whole, SW1A1AA, or one separator on, M1-1AE). Random
        // codes seldom have both.
        const std::uint64_t inward = digits & (letters >> 1) & (letters >> 2) & ~(alnum >> 3);
        return ((segment_starts & (one | two)) != 0) & (inward != 0);
    }
    const std::string_view low = scan.lower;
    const auto n = static_cast<std::uint32_t>(low.size());
    bool candidate = false;
    for (Span run : scan.letter_runs)
        candidate |= run.size() <= 2 && (run.begin == 0 || is_separator(low[run.begin - 1])) &&
                     run.end < n && is_digit(low[run.end]);
    return candidate;
}

// detect_postcodes past its quick test (out of line: most IDs stop before).
[[gnu::noinline]] void postcodes(const IdScan& scan, Hits& hits) {
    static const PostcodeAreas areas;
    const std::string_view low = scan.lower;
    const auto n = static_cast<std::uint32_t>(low.size());
    if (scan.reference) return postcodes_by_characters(scan, hits);
    // Segments between separators (the runs of letters and digits); a
    // postcode starts one.
    const std::size_t segments = scan.alnum_runs.size();
    for (std::size_t k = 0; k < segments; ++k) {
        const std::uint32_t start = scan.alnum_runs[k].begin, end = scan.alnum_runs[k].end;
        const std::uint32_t length = end - start;
        if (length < 2 || length > 7 || !is_letter(low[start])) continue;
        std::uint32_t area_end = start;
        while (area_end < end && is_letter(low[area_end])) ++area_end;
        if (area_end - start > 2 || !areas.contains(low.substr(start, area_end - start))) continue;
        // Whole: SW1A1AA, M146PP (outward, then a 3-character inward code).
        if (length >= 5 && is_inward(low.substr(end - 3, 3)) &&
            is_district(low.substr(area_end, end - 3 - area_end),
                        low.substr(start, area_end - start))) {
            hits.push(
                Hit{FindingKind::address, Severity::block, Span{start, end}, kPostcodeMessage, 0});
            continue;
        }
        // With one separator: M1-1AE, LS1_4AP, G41.2XB (the next segment
        // starts right after this one's separator).
        if (end < n && length <= 4 &&
            is_district(low.substr(area_end, end - area_end),
                        low.substr(start, area_end - start)) &&
            k + 1 < segments && scan.alnum_runs[k + 1].begin == end + 1) {
            const Span inward = scan.alnum_runs[k + 1];
            if (is_inward(low.substr(inward.begin, inward.size())))
                hits.push(Hit{FindingKind::address, Severity::block, Span{start, inward.end},
                              kPostcodeMessage, 0});
        }
    }
}

// detect_address past its quick tests (out of line: most IDs stop before).
[[gnu::noinline]] void address(const IdScan& scan, const GuardState& state, bool lettered,
                               bool places, bool named, Hits& hits) {
    const std::size_t first = hits.size();  // this detector's hits start here
    if (lettered) lettered_rooms(scan, hits);
    if (places) {
        Items items;
        items_of(scan, items);
        rooms(scan, items, hits);
        streets(scan, items, hits);
        buildings(scan, state, items, hits);
    }
    if (named) named_streets(scan, state, hits);
    drop_chance_places(scan, state, first, hits);
    if (state.org.flags_of_any() & kOrgAddress) organisation_words(scan, state, hits);
}

}  // namespace

void detect_postcodes(const IdScan& scan, Hits& hits) {
    if (postcode_shape(scan)) postcodes(scan, hits);
}

void detect_address(const IdScan& scan, const GuardState& state, Hits& hits) {
    // Room and street words were seen by the name detector's walk (all but a
    // room word as the first case token of a run: 12FlatB).
    // (Bitwise, not short-circuit: one branch, not one a test.)
    const bool words = ((scan.suffix_any & (kRoomWord | kStreetWord)) != 0) | scan.mixed_case;
    const bool places = !scan.digit_runs.empty() & !scan.letter_runs.empty() & words;
    const bool named = scan.letters_over_3 & ((scan.suffix_any & kStreetWord) != 0);
    // FlatB, Flat-B: a room word and a letter, no number.
    const bool lettered =
        scan.mixed_case | (scan.letters_1_or_2 & ((scan.suffix_any & kRoomWord) != 0));
    const bool org = (state.org.flags_of_any() & kOrgAddress) != 0;
    // (drop_chance_places only weighs this detector's own hits.)
    if (lettered | places | named | org) address(scan, state, lettered, places, named, hits);
}

}  // namespace caseload::guard_internal
