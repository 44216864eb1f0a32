#!/usr/bin/env python3
"""Writes the guard's labelled evaluation set.

    tools/make_guard_eval.py SEED OUTPUT [CLEAN]
Deterministic: a seeded generator. The build runs it with seed 20261202 into
build/tests/guard-eval.tsv (tests/CMakeLists.txt); it is not kept in git.
Another seed gives a fresh set of the same make: the guard's rules were
tuned on the committed one and a few others, so a fresh one is the fairer
check (bench/guard.sh prints one; the unit test reads one given as
CASELOAD_GUARD_EVAL). CLEAN: random codes per format (10,000; 100,000 for a
close look at rates of 0.05%).

Sources, none of them a source of the evaluation's unseen names for the lexicon:
  - seen names: the curated lists and listed-names.txt (the lexicon's half);
  - unseen names: tests/guard/unseen-names.txt, the held-out half of humannames
    (tools/make_lexicon.py), never compiled in;
  - nicknames: data/lexicon/nicknames.txt (seen only: no outside list);
  - street names: invented from a fixed list of plain English words below
    (not the lexicon's) and UK street suffixes;
  - postcodes: built by the real outward and inward rules;
  - clean codes: random, from a seeded generator, in the common formats.

Columns: category, half (seen / unseen / -), expect (block: must block;
catch: must block or warn; clean: must have no finding), id.
"""
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEX = os.path.join(ROOT, "data", "lexicon")
SERVICES = ["HOM", "REC", "FAM", "WRK", "HSG", "EMP", "MH", "YTH", "DA", "SUB", "OUT"]
PER_CATEGORY = 1000  # per half for the name categories
CLEAN = 10000  # per format: a rate of 0.05% is 5 codes

# Plain English words for invented street names (not from the lexicon).
STREET_WORDS = """chapel ridgeway oak elm ash beech birch cedar willow maple holly hazel
rowan yew alder poplar lime chestnut walnut cherry apple pear plum orchard meadow
brook river bridge mill church school station market castle abbey priory manor
park field green common moor heath marsh fen vale valley hill mount ridge cliff
bank shore harbour quay dock wharf canal lock weir ford spring well pond lake
north south east west upper lower high low middle new old long broad narrow
king queen prince bishop dean abbot friar knight baron earl duke mayor
victoria albert george windsor york lancaster tudor stuart regent crown
fox badger otter hare deer swan heron lark robin wren finch thrush raven
rose lily ivy fern heather bramble thistle clover daisy primrose bluebell
stone flint chalk slate brick tile iron copper silver golden amber coral
sun moon star cloud rain frost snow wind storm thunder rainbow dawn dusk
garden grove wood forest copse thicket spinney glade dell hollow nook
""".split()
STREET_SUFFIXES = [("road", "rd"), ("street", "st"), ("avenue", "ave"), ("lane", "ln"),
                   ("drive", "dr"), ("close", "cl"), ("crescent", "cres"), ("terrace", "tce"),
                   ("place", "pl"), ("grove", "gr"), ("gardens", "gdns"), ("court", "ct"),
                   ("square", "sq"), ("way", "way"), ("walk", "walk"), ("mews", "mews"),
                   ("rise", "rise"), ("row", "row"), ("parade", "pde"), ("view", "view")]
# Postcode areas of the UK (outward code's letters).
AREAS = """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH
DL DN DT DY E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L
LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S
SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN
WR WS WV YO ZE""".split()
# Each area's ordinary districts (first, last), as src/core/guard_address.cpp.
DISTRICTS = {a: (int(f), int(l)) for a, f, l in (x.split(":") for x in """
AB:10:56 AL:1:10 B:1:99 BA:1:22 BB:1:18 BD:1:24 BH:1:31 BL:1:9 BN:1:45 BR:1:8 BS:1:49 BT:1:94
CA:1:28 CB:1:25 CF:10:48 CH:1:8 CM:1:24 CO:1:16 CR:0:9 CT:1:21 CV:1:47 CW:1:12 DA:1:18 DD:1:11
DE:1:24 DG:1:16 DH:1:9 DL:1:17 DN:1:41 DT:1:11 DY:1:14 E:1:20 EC:1:4 EH:1:55 EN:1:11 EX:1:39
FK:1:21 FY:1:8 G:1:84 GL:1:56 GU:1:52 HA:1:9 HD:1:9 HG:1:5 HP:1:27 HR:1:9 HS:1:9 HU:1:20 HX:1:7
IG:1:11 IM:1:9 IP:1:33 IV:1:63 KA:1:30 KT:1:24 KW:1:17 KY:1:16 L:1:75 LA:1:23 LD:1:8 LE:1:19
LL:11:78 LN:1:13 LS:1:29 LU:1:7 M:1:50 ME:1:20 MK:1:19 ML:1:12 N:1:22 NE:1:71 NG:1:34 NN:1:18
NP:4:26 NR:1:35 NW:1:11 OL:1:16 OX:1:49 PA:1:80 PE:1:38 PH:1:50 PL:1:35 PO:1:41 PR:1:26 RG:1:45
RH:1:20 RM:1:20 S:1:75 SA:1:73 SE:1:28 SG:1:19 SK:1:23 SL:1:9 SM:1:7 SN:1:26 SO:14:53 SP:1:11
SR:1:9 SS:1:17 ST:1:21 SW:1:20 SY:1:25 TA:1:24 TD:1:15 TF:1:13 TN:1:40 TQ:1:14 TR:1:27 TS:1:29
TW:1:20 UB:1:11 W:1:14 WA:1:16 WC:1:2 WD:3:25 WF:1:17 WN:1:8 WR:1:15 WS:1:15 WV:1:16 YO:1:62 ZE:1:3
""".split())}
# Numbers in those ranges that no district has (retired or never used), as
# src/core/guard_address.cpp: a postcode drawn on one takes the area's first.
def _numbers(spec):
    out = set()
    for part in spec.split():
        first, _, last = part.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return out
GAPS = {a: _numbers(n) for a, n in {
    "B": "22 39 41 51-59 81-89", "BN": "4", "CF": "4 6-9", "E": "19",
    "G": "6-10 16-19 24-30 35-39 47-50 54-57", "L": "41-66",
    "M": "10 36 37 39 42 47-49", "NP": "5 6 9",
    "S": "15 16 19 22-24 27-31 34 37-39 46-48 50-59 67-69", "YO": "2-6 9"}.items()}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C I K M O V
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def read(path):
    with open(path) as f:
        return sorted({l.strip() for l in f if l.strip() and not l.startswith("#")})


def cased(rng, word, styles=("title", "lower", "upper")):
    style = rng.choice(styles)
    return word.title() if style == "title" else word.lower() if style == "lower" else word.upper()


def sep(rng):
    return rng.choice(["", "-", "_", "."])


def digits(rng):
    return rng.choice(["%d" % rng.randint(1, 9), "%02d" % rng.randint(0, 99),
                       "%03d" % rng.randint(0, 999), "%04d" % rng.randint(0, 999)])


def name_digits(rng, name):  # Sarah01, malik60, ILHAN-0058, pilat_5
    return cased(rng, name) + rng.choice(["", "", "-", "_", "."]) + digits(rng)


def initial_surname(rng, surname):  # RHarvey-1, E.GOLDNER, nsheikh, FratilaL-9, k.hoeger8
    initial = rng.choice("abcdefghijklmnoprstwy")
    form = rng.randrange(6)
    if form == 0:
        core = initial.upper() + surname.title()
    elif form == 1:
        core = initial.upper() + "." + surname.upper()
    elif form == 2:
        core = initial + surname
    elif form == 3:
        core = surname.title() + initial.upper()
    elif form == 4:
        core = initial + "." + surname
    else:
        core = initial.upper() + "-" + surname.title()
    return core + rng.choice(["", sep(rng) + digits(rng), digits(rng)])


def prefix_surname(rng, surname):  # HOM-Patel-3, MH-Chattopadhyay, WRK_Bejan_706
    s = rng.choice(["-", "_", "."])
    out = rng.choice(SERVICES) + s + cased(rng, surname, ("title", "upper", "title"))
    return out + rng.choice(["", s + digits(rng)])


def first_last(rng, first, last):  # Ezequiel-Kutch, johnsmith, SarahJones84
    style = rng.randrange(4)
    if style == 0:
        core = first.title() + last.title()
    elif style == 1:
        core = first.lower() + rng.choice([".", "_", "-"]) + last.lower()
    elif style == 2:
        core = first.title() + rng.choice(["-", "_"]) + last.title()
    else:
        core = first.lower() + last.lower()
    return core + rng.choice(["", "", digits(rng)])


def street(rng):  # 8chapelst, the-ridgeway-72, FlatB-North-Avenue, 12OakRoad
    word = rng.choice(STREET_WORDS)
    full, short = rng.choice(STREET_SUFFIXES)
    number = str(rng.randint(1, 199))
    form = rng.randrange(6)
    if form == 0:
        return number + word + short
    if form == 1:  # the-ridgeway-72, oak-road-4
        joined = word + rng.choice([full, short])
        return "the-" + joined + "-" + number if rng.random() < 0.5 else word + "-" + full + "-" + number
    if form == 2:
        return "Flat" + rng.choice("ABCD123") + "-" + word.title() + "-" + full.title()
    if form == 3:
        return number + word.title() + full.title()
    if form == 4:
        return word + "_" + full + number
    return number + "-" + word.title() + "-" + short.title()


def room(rng):  # Room12, rm-12, Flat3B
    n = str(rng.randint(1, 120))
    return rng.choice(["Room" + n, "rm-" + n, "Flat" + n + rng.choice(["", "B", "A"]),
                       "RM" + n, "flat_" + n, "Bed" + n, "room-" + n])


def postcode(rng):
    area = rng.choice(AREAS)
    first, last = DISTRICTS.get(area, (1, 20))
    district = rng.randint(first, last)
    district = str(first if district in GAPS.get(area, ()) else district)
    if rng.random() < 0.1:  # central London: W1A, EC1V, SW1A
        area, district = rng.choice([("W", "1" + rng.choice("ABCDFGHJKSTUW")),
                                     ("EC", rng.choice("1234") + rng.choice("AMNRVY")),
                                     ("WC", rng.choice(["1" + rng.choice("ABEHNRVX"),
                                                        "2" + rng.choice("ABEHNR")])),
                                     ("SW", "1" + rng.choice("AEHPVWXY"))])
        if area + district == "EC3Y":  # no such district (EC1Y, EC2Y, EC4Y are)
            district = "3V"
    inward = str(rng.randint(0, 9)) + rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
    return area + district + rng.choice(["", "-", "_", ""]) + inward


def dob6(rng):  # 270285: a date of birth as DDMMYY, alone
    while True:
        y, m, d = rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28)
        return "%02d%02d%02d" % (d, m, y % 100)


def main():
    import sys
    if len(sys.argv) < 3:
        sys.exit("usage: tools/make_guard_eval.py SEED OUTPUT [CLEAN]")
    rng = random.Random(int(sys.argv[1]))
    clean = int(sys.argv[3]) if len(sys.argv) > 3 else CLEAN
    curated_given = read(os.path.join(LEX, "given-names.txt"))
    curated_surnames = read(os.path.join(LEX, "surnames.txt"))
    nicknames = read(os.path.join(LEX, "nicknames.txt"))
    listed = read(os.path.join(LEX, "listed-names.txt"))
    unseen = read(os.path.join(ROOT, "tests", "guard", "unseen-names.txt"))
    # Seen names: half from the curated lists (the common names), half from
    # the lexicon's half of the big list.
    def seen(curated):
        return lambda: rng.choice(curated if rng.random() < 0.5 else listed)
    unseen_name = lambda: rng.choice(unseen)
    rows = []

    def add(category, half, expect, ident):
        if 3 <= len(ident) <= 32:  # a valid ID (longer ones are refused before the guard)
            rows.append((category, half, expect, ident))

    for half, given, surname in (("seen", seen(curated_given), seen(curated_surnames)),
                                 ("unseen", unseen_name, unseen_name)):
        for _ in range(PER_CATEGORY):
            add("name+digits", half, "block", name_digits(rng, given()))
            add("initial+surname", half, "block", initial_surname(rng, surname()))
            add("prefix+surname", half, "block", prefix_surname(rng, surname()))
            add("first+last", half, "block", first_last(rng, given(), surname()))
    for _ in range(PER_CATEGORY):
        add("nickname", "seen", "block", name_digits(rng, rng.choice(nicknames)))
        add("street", "-", "block", street(rng))
        add("room", "-", "block", room(rng))
        add("postcode", "-", "block", postcode(rng))
        add("dob-ddmmyy", "-", "catch", dob6(rng))
    for _ in range(clean):
        c = "".join(rng.choice(CROCKFORD) for _ in range(8))
        add("crockford", "-", "clean", c[:4] + "-" + c[4:])
        add("upper6", "-", "clean", "".join(rng.choice(CROCKFORD[:10] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                            for _ in range(6)))
        add("lower6", "-", "clean", "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)))
        add("uuid8", "-", "clean", "%08x" % rng.getrandbits(32))
        add("service-serial", "-", "clean",
            rng.choice(SERVICES) + rng.choice(["-", "_", "-"]) + "%04d" % rng.randint(1, 999))
        add("year-serial", "-", "clean", "%d-%04d" % (rng.randint(2011, 2026), rng.randint(1, 999)))
    path = sys.argv[2]
    with open(path, "w") as f:
        f.write("# Generated by tools/make_guard_eval.py (seeded; see its docstring). Do not edit.\n")
        f.write("category\thalf\texpect\tid\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(rows)} rows -> {path}")


if __name__ == "__main__":
    main()
