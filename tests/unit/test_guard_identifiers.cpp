// The guard's identifier detector (block): NHS numbers, National Insurance
// numbers, UK phone numbers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "guard_test_support.hpp"

using namespace guard_test;

namespace {

Lines identifiers_in(const Guard& guard, std::string_view id) {
    return findings_of(guard, id, FindingKind::identifier, Severity::block);
}

}  // namespace

TEST_CASE("guard identifiers: NHS numbers with a valid modulus-11 check digit") {
    Guard guard;
    CHECK(identifiers_in(guard, "9434765919") == Lines{"9434765919: an NHS number"});
    CHECK(identifiers_in(guard, "943-476-5919") == Lines{"943-476-5919: an NHS number"});
    CHECK(identifiers_in(guard, "943.476.5919") == Lines{"943.476.5919: an NHS number"});
    CHECK(identifiers_in(guard, "999_176_7495") == Lines{"999_176_7495: an NHS number"});
    CHECK(identifiers_in(guard, "HOM-9434765870") == Lines{"9434765870: an NHS number"});
    CHECK(Guard::blocks(guard.check("9434765919")));
    // wrong check digit; a check digit of 10 is never valid; other groupings
    CHECK(identifiers_in(guard, "9434765918").empty());
    CHECK(identifiers_in(guard, "9991767496").empty());
    CHECK(identifiers_in(guard, "0000000060").empty());  // its check digit would be 10
    CHECK(identifiers_in(guard, "94347-65919").empty());
    CHECK(identifiers_in(guard, "561304451").empty());
}

TEST_CASE("guard identifiers: National Insurance numbers") {
    Guard guard;
    CHECK(identifiers_in(guard, "AB123456C") == Lines{"AB123456C: a National Insurance number"});
    CHECK(identifiers_in(guard, "ab123456c") == Lines{"ab123456c: a National Insurance number"});
    CHECK(identifiers_in(guard, "NE-48-57-93-A") ==
          Lines{"NE-48-57-93-A: a National Insurance number"});
    CHECK(identifiers_in(guard, "JT_39_84_76_C") ==
          Lines{"JT_39_84_76_C: a National Insurance number"});
    CHECK(identifiers_in(guard, "RZ-675849-B") ==
          Lines{"RZ-675849-B: a National Insurance number"});
    CHECK(identifiers_in(guard, "AB123456") == Lines{"AB123456: a National Insurance number"});
    // excluded prefixes: first D F I Q U V, second D F I O Q U V, and BG GB NK KN TN NT ZZ
    for (std::string id :
         {"DA123456C", "FA123456C", "IA123456C", "QA123456C", "UA123456C", "VA123456C", "AD123456C",
          "AO123456C", "AV123456C", "BG123456C", "GB123456C", "NK123456C", "KN123456C", "TN123456C",
          "NT123456C", "ZZ123456C"}) {
        CAPTURE(id);
        CHECK(identifiers_in(guard, id).empty());
    }
    // not six digits; a suffix beyond A-D glued on; three prefix letters
    CHECK(identifiers_in(guard, "AB12345C").empty());
    CHECK(identifiers_in(guard, "AB1234567C").empty());
    CHECK(identifiers_in(guard, "AB123456E").empty());
    CHECK(identifiers_in(guard, "HSG-123456").empty());
    // the organisation's own prefix is no National Insurance number
    CHECK_FALSE(identifiers_in(guard, "SN-123456").empty());
    CHECK(identifiers_in(Guard(GuardWords{{}, {}, {}, {"sn"}}), "SN-123456").empty());
    CHECK(identifiers_in(Guard(GuardWords{{}, {}, {"sn"}, {}}), "SN-123456").empty());
}

TEST_CASE("guard identifiers: UK phone numbers") {
    Guard guard;
    CHECK(identifiers_in(guard, "07700900123") == Lines{"07700900123: a phone number"});
    CHECK(identifiers_in(guard, "07700-900-314") == Lines{"07700-900-314: a phone number"});
    CHECK(identifiers_in(guard, "020-7946-0321") == Lines{"020-7946-0321: a phone number"});
    CHECK(identifiers_in(guard, "0161-496-0000") == Lines{"0161-496-0000: a phone number"});
    CHECK(identifiers_in(guard, "03001234567") == Lines{"03001234567: a phone number"});
    CHECK(identifiers_in(guard, "08081570000") == Lines{"08081570000: a phone number"});
    CHECK(identifiers_in(guard, "447700900456") == Lines{"447700900456: a phone number"});
    CHECK(identifiers_in(guard, "44-20-7946-0555") == Lines{"44-20-7946-0555: a phone number"});
    CHECK(identifiers_in(guard, "HOM-07700900123") == Lines{"07700900123: a phone number"});
    // international forms: 0044 and 44 (0)
    CHECK(identifiers_in(guard, "0044-7700-900111") == Lines{"0044-7700-900111: a phone number"});
    CHECK(identifiers_in(guard, "00442079460999") == Lines{"00442079460999: a phone number"});
    CHECK(identifiers_in(guard, "44-07700-900222") == Lines{"44-07700-900222: a phone number"});
    // wrong lead digits or length; digit groups split by letters
    CHECK(identifiers_in(guard, "06123456789").empty());
    CHECK(identifiers_in(guard, "0770090012").empty());
    CHECK(identifiers_in(guard, "077009001234").empty());
    CHECK(identifiers_in(guard, "447700900").empty());
    CHECK(identifiers_in(guard, "456700900456").empty());
    CHECK(identifiers_in(guard, "07700A900123").empty());
    CHECK(identifiers_in(guard, "0045-7700-900111").empty());
    CHECK(identifiers_in(guard, "4417700900111").empty());
    CHECK(identifiers_in(guard, "00440700900111").empty());
}

TEST_CASE("guard identifiers: serials stay clean") {
    Guard guard(GuardWords{{}, {}, {}, {"hom", "rec", "fam", "wrk", "hsg", "emp"}});
    for (std::string id : {"HOM-0042", "REC-865797", "WRK-2011-55853", "FAM-08-8301", "73910",
                           "041042346", "365461073", "HSG-971147"}) {
        CAPTURE(id);
        CHECK(identifiers_in(guard, id).empty());
    }
}
