// The anonymity guard (spec §2): orchestration of the detectors, the
// organisation's words, and the findings as the caller sees them.
#include "caseload/guard.hpp"

#include <algorithm>
#include <atomic>

#include "guard_detectors.hpp"

namespace caseload {

namespace guard_internal {

void scan_id(std::string_view id, std::array<char, kMaxScan>& buffer, IdScan& scan) {
    if (id.size() > kMaxScan) id = id.substr(0, kMaxScan);
    scan.lexicon = lexicon_for_check();
    scan.id = id;
    scan.lower = std::string_view(buffer.data(), id.size());
    // One pass: lowercase copy, and the runs closed at each change of class.
    enum Class { kNone, kLetter, kDigit };
    const auto n = static_cast<std::uint32_t>(id.size());
    bool upper = false, lower = false;
    Class current = kNone;
    std::uint32_t run_start = 0, alnum_start = 0;
    for (std::uint32_t i = 0; i <= n; ++i) {
        Class kind = kNone;
        if (i < n) {
            const char c = id[i];
            if (is_lower(c)) {
                lower = true;
                kind = kLetter;
                buffer[i] = c;
            } else if (is_upper(c)) {
                upper = true;
                kind = kLetter;
                buffer[i] = static_cast<char>(c - 'A' + 'a');
            } else {
                kind = is_digit(c) ? kDigit : kNone;
                buffer[i] = c;
            }
        }
        if (kind == current) continue;
        if (current == kLetter) scan.letter_runs.push(Span{run_start, i});
        if (current == kDigit) {
            scan.digit_runs.push(Span{run_start, i});
            scan.digit_count += i - run_start;
        }
        if (kind == kNone && current != kNone) scan.alnum_runs.push(Span{alnum_start, i});
        if (kind != kNone && current == kNone) alnum_start = i;
        run_start = i;
        current = kind;
    }
    scan.mixed_case = upper && lower;
}

void case_tokens(const IdScan& scan, Span run, Tokens& tokens) {
    std::uint32_t start = run.begin;
    if (!scan.mixed_case) {
        tokens.push(run);
        return;
    }
    for (std::uint32_t i = run.begin + 1; i < run.end; ++i) {
        if (case_split_at(scan, run, i)) {
            tokens.push(Span{start, i});
            start = i;
        }
    }
    tokens.push(Span{start, run.end});
}

CompactLexicon::CompactLexicon() {
    // Breadth-first renumbering: the children of a node get consecutive numbers
    // in letter order, so child = first_child + rank of the letter in the mask.
    const std::size_t count = embedded::kLexiconNodeCount;
    nodes_.resize(count == 0 ? 1 : count);
    if (count == 0) return;
    std::vector<std::uint32_t> queue;  // old node numbers, in new order
    std::vector<std::uint8_t> depth;   // letters from the root
    queue.reserve(count);
    depth.reserve(count);
    queue.push_back(0);
    depth.push_back(0);
    for (std::size_t k = 0; k < queue.size(); ++k) {
        const embedded::TrieNode& old = embedded::kLexiconNodes[queue[k]];
        Node& node = nodes_[k];
        if (old.categories & kAllowedWord)
            longest_allowed_ = std::max<std::size_t>(longest_allowed_, depth[k]);
        node.categories = old.categories;
        node.first_child = static_cast<std::uint32_t>(queue.size());
        // The generator writes each node's edges in letter order; sort when not.
        const embedded::TrieEdge* edges = embedded::kLexiconEdges + old.first_edge;
        bool sorted = true;
        for (std::uint32_t e = 1; e < old.edge_count; ++e)
            sorted = sorted && edges[e - 1].letter < edges[e].letter;
        std::array<embedded::TrieEdge, 26> copy;
        if (!sorted) {
            const std::uint32_t n = std::min<std::uint32_t>(old.edge_count, 26);
            std::copy(edges, edges + n, copy.begin());
            std::sort(copy.begin(), copy.begin() + n,
                      [](const auto& a, const auto& b) { return a.letter < b.letter; });
            edges = copy.data();
        }
        for (std::uint32_t e = 0; e < old.edge_count && e < 26; ++e) {
            const char letter = edges[e].letter;
            if (letter < 'a' || letter > 'z') continue;
            node.mask |= 1u << static_cast<unsigned>(letter - 'a');
            queue.push_back(edges[e].target);
            depth.push_back(static_cast<std::uint8_t>(std::min(depth[k] + 1, 255)));
        }
    }
    has_pairs_ = true;
    for (char a = 'a'; a <= 'z'; ++a) {
        const std::uint32_t first = child(0, a);
        if (first != 0 && nodes_[first].categories != 0) has_pairs_ = false;
        for (char b = 'a'; b <= 'z'; ++b)
            pairs_[static_cast<unsigned>(a - 'a') * 26 + static_cast<unsigned>(b - 'a')] =
                first == 0 ? 0 : child(first, b);
    }
}

const CompactLexicon& compact_lexicon() {
    static const CompactLexicon lexicon;
    return lexicon;
}

Lexicon lexicon_for_check() {
    constexpr unsigned kWarmUp = 256;
    static std::atomic<unsigned> checks{0};
    static std::atomic<const CompactLexicon*> ready{nullptr};
    if (const CompactLexicon* fast = ready.load(std::memory_order_acquire)) return Lexicon(fast);
    if (checks.fetch_add(1, std::memory_order_relaxed) < kWarmUp) return Lexicon();
    const CompactLexicon* fast = &compact_lexicon();
    ready.store(fast, std::memory_order_release);
    return Lexicon(fast);
}

void OrgTrie::add(std::string_view word, std::uint8_t flag) {
    std::uint32_t node = 0;
    bool any = false;
    for (char c : word) {
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
        if (!is_lower(c)) continue;  // words are a-z; anything else is dropped
        any = true;
        auto& next = nodes_[node].next[static_cast<unsigned char>(c - 'a')];
        if (next == 0) {
            next = static_cast<std::uint32_t>(nodes_.size());
            nodes_.emplace_back();
        }
        node = nodes_[node].next[static_cast<unsigned char>(c - 'a')];
    }
    if (!any) return;
    nodes_[node].flags |= flag;
    any_flags_ |= flag;
    if (flag & (kOrgAllowed | kServiceCode))
        longest_allowed_ = std::max(longest_allowed_, word.size());
}

bool overlaps_kind(const Hits& hits, FindingKind kind, Span span) {
    for (const Hit& hit : hits)
        if (hit.kind == kind && hit.span.overlaps(span)) return true;
    return false;
}

bool overlaps_block(const Hits& hits, Span span) {
    for (const Hit& hit : hits)
        if (hit.severity == Severity::block && hit.span.overlaps(span)) return true;
    return false;
}

}  // namespace guard_internal

using namespace guard_internal;

namespace {

void run_detectors(IdScan& scan, const GuardState& state, Hits& hits) {
    detect_identifiers(scan, state, hits);
    detect_postcodes(scan, hits);
    detect_names(scan, state, hits);
    detect_address(scan, state, hits);
    detect_dates(scan, state, hits);
    detect_initials(scan, state, hits);
}

// Blocks first, then by position; duplicates (same kind, same text) once.
std::vector<GuardFinding> materialize(const IdScan& scan, Hits& hits) {
    std::vector<GuardFinding> out;
    if (hits.empty()) return out;
    auto before = [](const Hit& a, const Hit& b) {
        if (a.severity != b.severity) return a.severity == Severity::block;
        if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
        if (a.span.end != b.span.end) return a.span.end > b.span.end;
        return a.priority > b.priority;
    };
    // Insertion sort: a handful of hits, stable, no temporary buffer.
    for (std::size_t i = 1; i < hits.size(); ++i) {
        const Hit hit = hits[i];
        std::size_t j = i;
        for (; j > 0 && before(hit, hits[j - 1]); --j) hits[j] = hits[j - 1];
        hits[j] = hit;
    }
    out.reserve(hits.size());
    std::vector<int> priority;
    priority.reserve(hits.size());
    for (const Hit& hit : hits) {
        std::string_view match = scan.text(hit.span);
        bool duplicate = false;
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (out[k].kind == hit.kind && out[k].match == match) {
                if (hit.priority > priority[k]) {
                    out[k].message = hit.message;
                    priority[k] = hit.priority;
                }
                duplicate = true;
                break;
            }
        }
        if (duplicate) continue;
        out.push_back(
            GuardFinding{hit.kind, hit.severity, std::string(match), std::string(hit.message)});
        priority.push_back(hit.priority);
    }
    return out;
}

}  // namespace

std::string_view kind_name(FindingKind kind) {
    switch (kind) {
        case FindingKind::name:
            return "name";
        case FindingKind::address:
            return "address";
        case FindingKind::identifier:
            return "identifier";
        case FindingKind::date:
            return "date";
        case FindingKind::initials:
            return "initials";
    }
    return "unknown";
}

std::string_view severity_name(Severity severity) {
    return severity == Severity::block ? "block" : "warn";
}

Guard::Guard(GuardWords words) : words_(std::move(words)) {
    auto state = std::make_shared<GuardState>();
    for (const auto& w : words_.names) state->org.add(w, kOrgName);
    for (const auto& w : words_.addresses) state->org.add(w, kOrgAddress);
    for (const auto& w : words_.allowed) state->org.add(w, kOrgAllowed);
    for (const auto& w : words_.service_codes) state->org.add(w, kServiceCode);
    state->today = today();
    state->min_birth_year = 1920;
    state->max_birth_year = state->today.year - 16;
    state_ = std::move(state);
}

std::vector<GuardFinding> Guard::check(std::string_view id) const {
    std::array<char, kMaxScan> buffer;
    IdScan scan;
    scan_id(id, buffer, scan);
    Hits hits;
    run_detectors(scan, *state_, hits);
    return materialize(scan, hits);
}

std::vector<GuardFinding> Guard::check_with_name(std::string_view id,
                                                 std::string_view real_name) const {
    std::array<char, kMaxScan> buffer;
    IdScan scan;
    scan_id(id, buffer, scan);
    Hits hits;
    {
        NameParts name;  // wiped when it goes out of scope
        split_real_name(real_name, name);
        detect_real_name(scan, name, hits);
        run_detectors(scan, *state_, hits);
        detect_real_initials(scan, name, hits);
    }
    return materialize(scan, hits);
}

bool Guard::blocks(const std::vector<GuardFinding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const GuardFinding& f) { return f.severity == Severity::block; });
}

}  // namespace caseload
