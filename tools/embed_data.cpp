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

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: caseload-embed OUTPUT.cpp LEXICON_DIR STARS_DIR\n";
        return 2;
    }
    std::vector<Node> trie(1);
    std::size_t words = 0;
    std::vector<std::uint64_t> allowed_starts(32 * 32 * 32 / 64, 0);
    for (const auto& file : sorted_files(argv[2], ".txt")) {
        auto found = kCategoryOfFile.find(file.stem().string());
        if (found == kCategoryOfFile.end()) {
            std::cerr << "caseload-embed: unknown lexicon file " << file << "\n";
            return 1;
        }
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
                    return 1;
                }
            }
            int node = 0;
            for (char c : line) {
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
            trie[node].categories |= found->second;
            ++words;
            // Bit a << 10 | b << 5 | c of kLexiconAllowedStarts: an allowed
            // word starts with the letters of codes a, b, c (c = 0: is a, b).
            if ((found->second & 32u) && line.size() >= 2) {
                const unsigned bit =
                    static_cast<unsigned>(line[0] - 'a' + 1) << 10 |
                    static_cast<unsigned>(line[1] - 'a' + 1) << 5 |
                    (line.size() >= 3 ? static_cast<unsigned>(line[2] - 'a' + 1) : 0);
                allowed_starts[bit / 64] |= std::uint64_t{1} << (bit % 64);
            }
        }
    }

    // The double array: cell 0 is the root; the child of the node in cell s
    // by the letter of code c (a = 1 ... z = 26) is in cell base(s) + c, and
    // is that node's child only when its label is c: no two nodes with
    // children share a base, so the label names the parent (4-byte cells,
    // half the cache of a check of the parent's cell). Nodes are placed first
    // fit: breadth-first down to two letters, so that the nodes near the root
    // (read on every walk) share a few cache lines; then each subtree below
    // depth first, so that a walk further down stays near where it was.
    constexpr std::uint32_t kFree = 0xFFFFFFFFu;
    std::vector<std::uint32_t> check(1, kFree), base(1, 0);
    std::vector<unsigned> cell_categories(1, 0), label(1, kNoLabel);
    std::vector<bool> used(1, true);  // the root's cell
    std::vector<bool> base_taken, has_children(1, false);
    std::vector<std::uint32_t> next_free(1, 1);  // the root's cell is used
    std::vector<std::uint32_t> cell_of(trie.size(), 0);
    std::vector<int> queue{0};
    std::size_t first_free = 1, longest_allowed = 0;
    std::vector<std::size_t> depth(trie.size(), 0);
    bool one_letter_words = false;
    auto grow = [&](std::size_t size) {
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
    };
    // The first free cell at or after f: a used cell points past itself and
    // the search halves the paths. A base is tried only where its first
    // child's cell is free: with unique bases a plain scan of every base was
    // quadratic (minutes; far longer under the sanitizers).
    auto free_cell = [&](std::size_t f) {
        grow(f + 1);
        while (next_free[f] != f) {
            next_free[f] = next_free[next_free[f]];
            f = next_free[f];
            grow(f + 1);
        }
        return f;
    };
    auto use_cell = [&](std::size_t at) {
        grow(at + 2);
        used[at] = true;
        next_free[at] = static_cast<std::uint32_t>(at + 1);
    };
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
        cell_categories[cell] = trie[node].categories;
        if (trie[node].categories & 32u) longest_allowed = std::max(longest_allowed, depth[node]);
        if (trie[node].categories && depth[node] == 1) one_letter_words = true;
        if (trie[node].children.empty()) continue;
        std::vector<unsigned> codes;
        for (const auto& [letter, child] : trie[node].children)
            codes.push_back(static_cast<unsigned>(letter - 'a' + 1));
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
        if (b + 27 > kMaxCells) {
            std::cerr << "caseload-embed: the lexicon is too large for a 20-bit base\n";
            return 1;
        }
        base[cell] = static_cast<std::uint32_t>(b);
        base_taken[b] = true;
        has_children[cell] = true;
        for (const auto& [letter, child] : trie[node].children) {
            const unsigned code = static_cast<unsigned>(letter - 'a' + 1);
            const std::size_t at = b + code;
            use_cell(at);
            check[at] = cell;
            label[at] = code;
            cell_of[child] = static_cast<std::uint32_t>(at);
            depth[child] = depth[node] + 1;
            if (depth[child] <= kBreadthFirst) queue.push_back(child);
        }
        // Below: the children, depth first, in letter order.
        if (depth[node] + 1 > kBreadthFirst)
            for (auto it = trie[node].children.rbegin(); it != trie[node].children.rend(); ++it)
                stack.push_back(it->second);
    }
    // Every base + code (1..26) lies inside the array: grow() kept 27 cells
    // past the largest base; trim the free cells beyond that. Then 27 free
    // cells: the base of the nodes without children (no label matches there).
    std::size_t needed = 1;
    for (std::size_t i = 0; i < check.size(); ++i) {
        if (used[i]) needed = std::max(needed, i + 1);
        if (has_children[i]) needed = std::max<std::size_t>(needed, base[i] + 27);
    }
    const auto childless_base = static_cast<std::uint32_t>(needed);
    const std::size_t cells = needed + 27;
    if (cells > kMaxCells) {
        std::cerr << "caseload-embed: the lexicon is too large for a 20-bit base\n";
        return 1;
    }
    grow(cells);

    std::ostringstream out;
    out << "// Generated by tools/embed_data.cpp from data/. Do not edit.\n"
        << "#include \"caseload/embedded.hpp\"\n\nnamespace caseload::embedded {\n\n";
    out << "const std::uint32_t kLexiconCells[] = {\n";
    for (std::size_t i = 0; i < cells; ++i) {
        const std::uint32_t cell_base = has_children[i] ? base[i] : childless_base;
        const std::uint32_t value = label[i] | cell_categories[i] << 5 | cell_base << 12;
        out << (i % 8 == 0 ? "    " : " ") << "0x" << std::hex << value << std::dec << "u,"
            << (i % 8 == 7 || i + 1 == cells ? "\n" : "");
    }
    // The node two letters down from the root, by their codes: most walks
    // of the guard start with this one look-up.
    out << "};\nconst std::uint32_t kLexiconPairs[27 * 27] = {\n";
    for (unsigned a = 0; a < 27; ++a) {
        out << "   ";
        for (unsigned b = 0; b < 27; ++b) {
            std::uint32_t node = 0;
            if (a && b) {
                const std::uint32_t first = base[0] + a;
                if (check[first] == 0) {
                    const std::uint32_t second = base[first] + b;
                    if (second < check.size() && check[second] == first) node = second;
                }
            }
            out << " " << node << "u,";
        }
        out << "\n";
    }
    // Bit a << 10 | b << 5 | c, for the letters of codes a, b (1..26) and c
    // (1..26, or 0 for none): whether a walk from the root by a, b, c finds
    // anything: an entry of two letters a, b, or a node after c. The guard
    // asks it of every start of a run before it walks from any.
    std::vector<std::uint64_t> starts(32 * 32 * 32 / 64, 0);
    for (unsigned a = 1; a < 27; ++a) {
        const std::uint32_t first = base[0] + a;
        if (check[first] != 0) continue;
        for (unsigned b = 1; b < 27; ++b) {
            const std::uint32_t second = base[first] + b;
            if (second >= check.size() || check[second] != first) continue;
            for (unsigned c = 0; c < 27; ++c) {
                bool more = cell_categories[second] != 0;
                if (c) {
                    const std::uint32_t third = base[second] + c;
                    more = more || (third < check.size() && check[third] == second);
                }
                const unsigned bit = a << 10 | b << 5 | c;
                if (more) starts[bit / 64] |= std::uint64_t{1} << (bit % 64);
            }
        }
    }
    out << "};\nconst std::uint64_t kLexiconStarts[32 * 32 * 32 / 64] = {\n";
    for (std::size_t i = 0; i < starts.size(); ++i)
        out << (i % 4 == 0 ? "    " : " ") << "0x" << std::hex << starts[i] << std::dec << "ull,"
            << (i % 4 == 3 || i + 1 == starts.size() ? "\n" : "");
    // The same over four letters (d = 0 or c = d = 0: the text ends there).
    constexpr std::size_t kStarts4 = (27 * 27 * 27 * 27 + 63) / 64;
    std::vector<std::uint64_t> starts4(kStarts4, 0);
    auto child_cell = [&](std::uint32_t node, unsigned code) -> std::uint32_t {
        const std::uint32_t next = base[node] + code;
        return next < check.size() && check[next] == node && next != 0 ? next : 0;
    };
    for (unsigned a = 1; a < 27; ++a) {
        const std::uint32_t first = child_cell(0, a);
        if (!first) continue;
        for (unsigned b = 1; b < 27; ++b) {
            const std::uint32_t second = child_cell(first, b);
            if (!second) continue;
            for (unsigned c = 0; c < 27; ++c) {
                const std::uint32_t third = c ? child_cell(second, c) : 0;
                for (unsigned d = 0; d < 27; ++d) {
                    if (!c && d) continue;  // (the text ended after b)
                    bool more = cell_categories[second] != 0;
                    if (third) {
                        more = more || cell_categories[third] != 0;
                        const std::uint32_t fourth = d ? child_cell(third, d) : 0;
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
    out << "};\nconst std::uint64_t kLexiconStarts4[" << kStarts4 << "] = {\n";
    for (std::size_t i = 0; i < starts4.size(); ++i)
        out << (i % 4 == 0 ? "    " : " ") << "0x" << std::hex << starts4[i] << std::dec << "ull,"
            << (i % 4 == 3 || i + 1 == starts4.size() ? "\n" : "");
    out << "};\nconst std::uint64_t kLexiconAllowedStarts[32 * 32 * 32 / 64] = {\n";
    for (std::size_t i = 0; i < allowed_starts.size(); ++i)
        out << (i % 4 == 0 ? "    " : " ") << "0x" << std::hex << allowed_starts[i] << std::dec
            << "ull," << (i % 4 == 3 || i + 1 == allowed_starts.size() ? "\n" : "");
    out << "};\nconst std::size_t kLexiconCellCount = " << cells << ";\n";
    out << "const std::size_t kLexiconNodeCount = " << trie.size() << ";\n";
    out << "const std::size_t kLexiconWordCount = " << words << ";\n";
    out << "const std::size_t kLexiconLongestAllowed = " << longest_allowed << ";\n";
    out << "const bool kLexiconOneLetterWords = " << (one_letter_words ? "true" : "false")
        << ";\n\n";

    auto stars = sorted_files(argv[3], ".star");
    out << "const EmbeddedFile kStarFiles[] = {\n";
    for (const auto& file : stars) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        out << "    {\"" << file.stem().string() << "\", \"" << escape(text.str()) << "\"},\n";
    }
    if (stars.empty()) out << "    {\"\", \"\"},\n";
    out << "};\nconst std::size_t kStarFileCount = " << stars.size()
        << ";\n\n}  // namespace caseload::embedded\n";

    fs::create_directories(fs::path(argv[1]).parent_path());
    std::ofstream(argv[1]) << out.str();
    return 0;
}
