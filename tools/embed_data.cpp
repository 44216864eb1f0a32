// Build-time generator: compiles the guard lexicon (data/lexicon/*.txt) into a
// static double-array trie (see include/caseload/embedded.hpp) and embeds the Star catalogue
// (data/stars/*.star) as text, so the program never reads data files at start-up.
//
// usage: caseload-embed OUTPUT.cpp LEXICON_DIR STARS_DIR
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Must match caseload::LexiconCategory in include/caseload/lexicon.hpp.
const std::map<std::string, unsigned> kCategoryOfFile = {
    {"given-names", 1}, {"surnames", 2},       {"nicknames", 4},     {"street-words", 8},
    {"room-words", 16}, {"allowed-words", 32}, {"listed-names", 64},
};

// A cell of kLexiconCells: label (5 bits), categories (7), base (20).
constexpr unsigned kNoLabel = 31;  // a free cell, or the root: never a letter's code
constexpr std::size_t kMaxCells = std::size_t{1} << 20;

struct Node {
    std::map<char, int> children;
    unsigned categories = 0;
};

std::string escape(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n\"\n\"";
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::vector<fs::path> sorted_files(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ext)
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// The lexicon as read: the trie of its entries (node 0 is the root) and the
// starts of its allowed words.
struct Lexicon {
    std::vector<Node> trie = std::vector<Node>(1);
    std::size_t words = 0;
    std::vector<std::uint64_t> allowed_starts = std::vector<std::uint64_t>(32 * 32 * 32 / 64, 0);

    void add(const std::string& entry, unsigned category) {
        int node = 0;
        for (char c : entry) {
            auto it = trie[node].children.find(c);
            if (it == trie[node].children.end()) {
                trie.push_back({});
                int next = static_cast<int>(trie.size()) - 1;
                trie[node].children[c] = next;
                node = next;
            } else {
                node = it->second;
            }
        }
        trie[node].categories |= category;
        ++words;
        // Bit a << 10 | b << 5 | c of kLexiconAllowedStarts: an allowed
        // word starts with the letters of codes a, b, c (c = 0: is a, b).
        if ((category & 32u) && entry.size() >= 2) {
            const unsigned bit =
                static_cast<unsigned>(entry[0] - 'a' + 1) << 10 |
                static_cast<unsigned>(entry[1] - 'a' + 1) << 5 |
                (entry.size() >= 3 ? static_cast<unsigned>(entry[2] - 'a' + 1) : 0);
            allowed_starts[bit / 64] |= std::uint64_t{1} << (bit % 64);
        }
    }
};

// Adds the entries of one lexicon file; false (said on stderr) on an entry
// that is not lowercase letters a-z.
bool read_lexicon_file(const fs::path& file, unsigned category, Lexicon& lexicon) {
    std::ifstream in(file);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        for (char c : line) {
            if (c < 'a' || c > 'z') {
                std::cerr << file.string() << ":" << line_no << ": entry '" << line
                          << "' must be lowercase letters a-z only\n";
                return false;
            }
        }
        lexicon.add(line, category);
    }
    return true;
}

// Reads every LEXICON_DIR/*.txt, in name order; nothing (said on stderr) on
// a file of no known category or a bad entry.
std::optional<Lexicon> read_lexicon(const fs::path& dir) {
    Lexicon lexicon;
    for (const auto& file : sorted_files(dir, ".txt")) {
        auto found = kCategoryOfFile.find(file.stem().string());
        if (found == kCategoryOfFile.end()) {
            std::cerr << "caseload-embed: unknown lexicon file " << file << "\n";
            return std::nullopt;
        }
        if (!read_lexicon_file(file, found->second, lexicon)) return std::nullopt;
    }
    return lexicon;
}

// The double array: cell 0 is the root; the child of the node in cell s
// by the letter of code c (a = 1 ... z = 26) is in cell base(s) + c, and
// is that node's child only when its label is c: no two nodes with
// children share a base, so the label names the parent (4-byte cells,
// half the cache of a check of the parent's cell).
struct DoubleArray {
    static constexpr std::uint32_t kFree = 0xFFFFFFFFu;
    std::vector<std::uint32_t> check = std::vector<std::uint32_t>(1, kFree);
    std::vector<std::uint32_t> base = std::vector<std::uint32_t>(1, 0);
    std::vector<unsigned> cell_categories = std::vector<unsigned>(1, 0);
    std::vector<unsigned> label = std::vector<unsigned>(1, kNoLabel);
    std::vector<bool> used = std::vector<bool>(1, true);  // the root's cell
    std::vector<bool> base_taken;
    std::vector<bool> has_children = std::vector<bool>(1, false);
    std::vector<std::uint32_t> next_free = std::vector<std::uint32_t>(1, 1);  // the root's is used
    std::size_t first_free = 1;

    void grow(std::size_t size) {
        if (size <= check.size()) return;
        check.resize(size, kFree);
        base.resize(size, 0);
        cell_categories.resize(size, 0);
        label.resize(size, kNoLabel);
        used.resize(size, false);
        base_taken.resize(size, false);
        has_children.resize(size, false);
        const std::size_t from = next_free.size();
        next_free.resize(size);
        std::iota(next_free.begin() + static_cast<std::ptrdiff_t>(from), next_free.end(),
                  static_cast<std::uint32_t>(from));
    }

    // The first free cell at or after f: a used cell points past itself and
    // the search halves the paths. A base is tried only where its first
    // child's cell is free: with unique bases a plain scan of every base was
    // quadratic (minutes; far longer under the sanitizers).
    std::size_t free_cell(std::size_t f) {
        grow(f + 1);
        while (next_free[f] != f) {
            next_free[f] = next_free[next_free[f]];
            f = next_free[f];
            grow(f + 1);
        }
        return f;
    }

    void use_cell(std::size_t at) {
        grow(at + 2);
        used[at] = true;
        next_free[at] = static_cast<std::uint32_t>(at + 1);
    }

    // The first base, not taken, under which every one of the codes
    // (ascending) finds a free cell.
    std::size_t find_base(const std::vector<unsigned>& codes) {
        while (first_free < used.size() && used[first_free]) ++first_free;
        // Bases in increasing order from first_free - codes[0] (or 0), as a
        // scan of every base would try them, but only those whose first
        // child's cell is free.
        std::size_t b = 0;
        for (std::size_t f = free_cell(std::max<std::size_t>(first_free, codes[0]));;
             f = free_cell(f + 1)) {
            b = f - codes[0];
            grow(b + 27);
            bool fits = !base_taken[b];
            for (unsigned c : codes)
                if (used[b + c]) {
                    fits = false;
                    break;
                }
            if (fits) break;
        }
        return b;
    }

    // The cell of the child of the node in cell node by code, or 0: none.
    std::uint32_t child_cell(std::uint32_t node, unsigned code) const {
        const std::uint32_t next = base[node] + code;
        return next < check.size() && check[next] == node && next != 0 ? next : 0;
    }
};

// The double array of a lexicon's trie, and what the walks need to know of it.
struct Placement {
    DoubleArray array;
    std::size_t cells = 0;  // written: the used ones, then 27 free
    std::uint32_t childless_base = 0;
    std::size_t longest_allowed = 0;
    bool one_letter_words = false;
};

const char* const kTooLarge = "caseload-embed: the lexicon is too large for a 20-bit base\n";

// Places the nodes first fit: breadth-first down to two letters, so that
// the nodes near the root (read on every walk) share a few cache lines;
// then each subtree below depth first, so that a walk further down stays
// near where it was. False (said on stderr) if a base passes 20 bits.
bool place_nodes(const std::vector<Node>& trie, Placement& placed) {
    DoubleArray& array = placed.array;
    std::vector<std::uint32_t> cell_of(trie.size(), 0);
    std::vector<int> queue{0};
    std::vector<std::size_t> depth(trie.size(), 0);
    constexpr std::size_t kBreadthFirst = 2;  // depths placed breadth-first
    std::vector<int> stack;                   // then depth-first, from here
    for (std::size_t k = 0; k < queue.size() || !stack.empty(); ++k) {
        int node;
        if (k < queue.size()) {
            node = queue[k];
        } else {
            node = stack.back();
            stack.pop_back();
        }
        const std::uint32_t cell = cell_of[node];
        array.cell_categories[cell] = trie[node].categories;
        if (trie[node].categories & 32u)
            placed.longest_allowed = std::max(placed.longest_allowed, depth[node]);
        if (trie[node].categories && depth[node] == 1) placed.one_letter_words = true;
        if (trie[node].children.empty()) continue;
        std::vector<unsigned> codes;
        for (const auto& [letter, child] : trie[node].children)
            codes.push_back(static_cast<unsigned>(letter - 'a' + 1));
        const std::size_t b = array.find_base(codes);
        if (b + 27 > kMaxCells) {
            std::cerr << kTooLarge;
            return false;
        }
        array.base[cell] = static_cast<std::uint32_t>(b);
        array.base_taken[b] = true;
        array.has_children[cell] = true;
        for (const auto& [letter, child] : trie[node].children) {
            const unsigned code = static_cast<unsigned>(letter - 'a' + 1);
            const std::size_t at = b + code;
            array.use_cell(at);
            array.check[at] = cell;
            array.label[at] = code;
            cell_of[child] = static_cast<std::uint32_t>(at);
            depth[child] = depth[node] + 1;
            if (depth[child] <= kBreadthFirst) queue.push_back(child);
        }
        // Below: the children, depth first, in letter order.
        if (depth[node] + 1 > kBreadthFirst)
            for (auto it = trie[node].children.rbegin(); it != trie[node].children.rend(); ++it)
                stack.push_back(it->second);
    }
    return true;
}

// Sizes the array to write; false (said on stderr) if it passes 20 bits.
bool trim_cells(Placement& placed) {
    DoubleArray& array = placed.array;
    // Every base + code (1..26) lies inside the array: grow() kept 27 cells
    // past the largest base; trim the free cells beyond that. Then 27 free
    // cells: the base of the nodes without children (no label matches there).
    std::size_t needed = 1;
    for (std::size_t i = 0; i < array.check.size(); ++i) {
        if (array.used[i]) needed = std::max(needed, i + 1);
        if (array.has_children[i]) needed = std::max<std::size_t>(needed, array.base[i] + 27);
    }
    placed.childless_base = static_cast<std::uint32_t>(needed);
    placed.cells = needed + 27;
    if (placed.cells > kMaxCells) {
        std::cerr << kTooLarge;
        return false;
    }
    array.grow(placed.cells);
    return true;
}

// Nothing (said on stderr) if the trie does not fit the 20-bit bases.
std::optional<Placement> place(const std::vector<Node>& trie) {
    Placement placed;
    if (!place_nodes(trie, placed) || !trim_cells(placed)) return std::nullopt;
    return placed;
}

// The elements of a table of bits, four to a line.
void write_bits(std::ostream& out, const std::vector<std::uint64_t>& bits) {
    for (std::size_t i = 0; i < bits.size(); ++i)
        out << (i % 4 == 0 ? "    " : " ") << "0x" << std::hex << bits[i] << std::dec << "ull,"
            << (i % 4 == 3 || i + 1 == bits.size() ? "\n" : "");
}

void write_cells(std::ostream& out, const Placement& placed) {
    const DoubleArray& array = placed.array;
    out << "const std::uint32_t kLexiconCells[] = {\n";
    for (std::size_t i = 0; i < placed.cells; ++i) {
        const std::uint32_t cell_base =
            array.has_children[i] ? array.base[i] : placed.childless_base;
        const std::uint32_t value =
            array.label[i] | array.cell_categories[i] << 5 | cell_base << 12;
        out << (i % 8 == 0 ? "    " : " ") << "0x" << std::hex << value << std::dec << "u,"
            << (i % 8 == 7 || i + 1 == placed.cells ? "\n" : "");
    }
    out << "};\n";
}

// The node two letters down from the root, by their codes: most walks
// of the guard start with this one look-up.
void write_pairs(std::ostream& out, const DoubleArray& array) {
    out << "const std::uint32_t kLexiconPairs[27 * 27] = {\n";
    for (unsigned a = 0; a < 27; ++a) {
        out << "   ";
        for (unsigned b = 0; b < 27; ++b) {
            std::uint32_t node = 0;
            if (a && b) {
                const std::uint32_t first = array.base[0] + a;
                if (array.check[first] == 0) {
                    const std::uint32_t second = array.base[first] + b;
                    if (second < array.check.size() && array.check[second] == first) node = second;
                }
            }
            out << " " << node << "u,";
        }
        out << "\n";
    }
    out << "};\n";
}

// Bit a << 10 | b << 5 | c, for the letters of codes a, b (1..26) and c
// (1..26, or 0 for none): whether a walk from the root by a, b, c finds
// anything: an entry of two letters a, b, or a node after c. The guard
// asks it of every start of a run before it walks from any.
void write_starts(std::ostream& out, const DoubleArray& array) {
    std::vector<std::uint64_t> starts(32 * 32 * 32 / 64, 0);
    for (unsigned a = 1; a < 27; ++a) {
        const std::uint32_t first = array.base[0] + a;
        if (array.check[first] != 0) continue;
        for (unsigned b = 1; b < 27; ++b) {
            const std::uint32_t second = array.base[first] + b;
            if (second >= array.check.size() || array.check[second] != first) continue;
            for (unsigned c = 0; c < 27; ++c) {
                bool more = array.cell_categories[second] != 0;
                if (c) {
                    const std::uint32_t third = array.base[second] + c;
                    more = more || (third < array.check.size() && array.check[third] == second);
                }
                const unsigned bit = a << 10 | b << 5 | c;
                if (more) starts[bit / 64] |= std::uint64_t{1} << (bit % 64);
            }
        }
    }
    out << "const std::uint64_t kLexiconStarts[32 * 32 * 32 / 64] = {\n";
    write_bits(out, starts);
    out << "};\n";
}

// The same over four letters (d = 0 or c = d = 0: the text ends there).
void write_starts4(std::ostream& out, const DoubleArray& array) {
    constexpr std::size_t kStarts4 = (27 * 27 * 27 * 27 + 63) / 64;
    std::vector<std::uint64_t> starts4(kStarts4, 0);
    for (unsigned a = 1; a < 27; ++a) {
        const std::uint32_t first = array.child_cell(0, a);
        if (!first) continue;
        for (unsigned b = 1; b < 27; ++b) {
            const std::uint32_t second = array.child_cell(first, b);
            if (!second) continue;
            for (unsigned c = 0; c < 27; ++c) {
                const std::uint32_t third = c ? array.child_cell(second, c) : 0;
                for (unsigned d = 0; d < 27; ++d) {
                    if (!c && d) continue;  // (the text ended after b)
                    bool more = array.cell_categories[second] != 0;
                    if (third) {
                        more = more || array.cell_categories[third] != 0;
                        const std::uint32_t fourth = d ? array.child_cell(third, d) : 0;
                        more = more || fourth != 0;
                    }
                    if (more) {
                        const std::size_t bit = ((a * 27 + b) * 27 + c) * 27 + d;
                        starts4[bit / 64] |= std::uint64_t{1} << (bit % 64);
                    }
                }
            }
        }
    }
    out << "const std::uint64_t kLexiconStarts4[" << kStarts4 << "] = {\n";
    write_bits(out, starts4);
    out << "};\n";
}

void write_allowed_starts(std::ostream& out, const Lexicon& lexicon) {
    out << "const std::uint64_t kLexiconAllowedStarts[32 * 32 * 32 / 64] = {\n";
    write_bits(out, lexicon.allowed_starts);
    out << "};\n";
}

void write_counts(std::ostream& out, const Lexicon& lexicon, const Placement& placed) {
    out << "const std::size_t kLexiconCellCount = " << placed.cells << ";\n";
    out << "const std::size_t kLexiconNodeCount = " << lexicon.trie.size() << ";\n";
    out << "const std::size_t kLexiconWordCount = " << lexicon.words << ";\n";
    out << "const std::size_t kLexiconLongestAllowed = " << placed.longest_allowed << ";\n";
    out << "const bool kLexiconOneLetterWords = " << (placed.one_letter_words ? "true" : "false")
        << ";\n\n";
}

void write_star_files(std::ostream& out, const fs::path& dir) {
    auto stars = sorted_files(dir, ".star");
    out << "const EmbeddedFile kStarFiles[] = {\n";
    for (const auto& file : stars) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        out << "    {\"" << file.stem().string() << "\", \"" << escape(text.str()) << "\"},\n";
    }
    if (stars.empty()) out << "    {\"\", \"\"},\n";
    out << "};\nconst std::size_t kStarFileCount = " << stars.size() << ";\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: caseload-embed OUTPUT.cpp LEXICON_DIR STARS_DIR\n";
        return 2;
    }
    const std::optional<Lexicon> lexicon = read_lexicon(argv[2]);
    if (!lexicon) return 1;
    const std::optional<Placement> placed = place(lexicon->trie);
    if (!placed) return 1;

    std::ostringstream out;
    out << "// Generated by tools/embed_data.cpp from data/. Do not edit.\n"
        << "#include \"caseload/embedded.hpp\"\n\nnamespace caseload::embedded {\n\n";
    write_cells(out, *placed);
    write_pairs(out, placed->array);
    write_starts(out, placed->array);
    write_starts4(out, placed->array);
    write_allowed_starts(out, *lexicon);
    write_counts(out, *lexicon, *placed);
    write_star_files(out, argv[3]);
    out << "\n}  // namespace caseload::embedded\n";

    fs::create_directories(fs::path(argv[1]).parent_path());
    std::ofstream(argv[1]) << out.str();
    return 0;
}
