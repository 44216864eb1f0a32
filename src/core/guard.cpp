// The anonymity guard (spec §2): orchestration of the detectors, the
// organisation's words, and the findings as the caller sees them.
#include "caseload/guard.hpp"

#include <algorithm>

#include "guard_detectors.hpp"

namespace caseload {

namespace guard_internal {

void scan_id(std::string_view id, std::array<char, kMaxScan>& buffer, IdScan& scan) {
    if (id.size() > kMaxScan) id = id.substr(0, kMaxScan);
    for (std::size_t i = 0; i < id.size(); ++i) {
        char c = id[i];
        buffer[i] = is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
    }
    scan.id = id;
    scan.lower = std::string_view(buffer.data(), id.size());
    const auto n = static_cast<std::uint32_t>(id.size());
    std::uint32_t i = 0;
    while (i < n) {
        char c = id[i];
        if (!is_alnum(c)) {
            ++i;
            continue;
        }
        std::uint32_t start = i;
        while (i < n && is_alnum(id[i])) {
            std::uint32_t from = i;
            if (is_letter(id[i])) {
                while (i < n && is_letter(id[i])) ++i;
                scan.letter_runs.push(Span{from, i});
            } else {
                while (i < n && is_digit(id[i])) ++i;
                scan.digit_runs.push(Span{from, i});
            }
        }
        scan.alnum_runs.push(Span{start, i});
    }
}

void case_tokens(const IdScan& scan, Span run, Tokens& tokens) {
    std::uint32_t start = run.begin;
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
    queue.reserve(count);
    queue.push_back(0);
    for (std::size_t k = 0; k < queue.size(); ++k) {
        const embedded::TrieNode& old = embedded::kLexiconNodes[queue[k]];
        Node& node = nodes_[k];
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
        }
    }
}

std::uint8_t CompactLexicon::lookup(std::string_view word) const {
    if (word.empty()) return 0;
    std::uint32_t node = 0;
    for (char c : word) {
        if (c < 'a' || c > 'z') return 0;
        node = child(node, c);
        if (node == 0) return 0;
    }
    return nodes_[node].categories;
}

const CompactLexicon& compact_lexicon() {
    static const CompactLexicon lexicon;
    return lexicon;
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
}

std::uint8_t OrgTrie::lookup(std::string_view word) const {
    if (word.empty() || empty()) return 0;
    std::uint32_t node = 0;
    for (char c : word) {
        if (c < 'a' || c > 'z') return 0;
        node = child(node, c);
        if (node == 0) return 0;
    }
    return nodes_[node].flags;
}

bool GuardState::is_allowed(std::string_view word) const {
    if (word.empty()) return false;
    if (compact_lexicon().lookup(word) & kAllowedWord) return true;
    return (org.lookup(word) & (kOrgAllowed | kServiceCode)) != 0;
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
    detect_names(scan, state, hits);
    detect_address(scan, state, hits);
    detect_dates(scan, state, hits);
    detect_initials(scan, state, hits);
}

// Blocks first, then by position; duplicates (same kind, same text) once.
std::vector<GuardFinding> materialize(const IdScan& scan, Hits& hits) {
    std::vector<GuardFinding> out;
    if (hits.empty()) return out;
    std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
        if (a.severity != b.severity) return a.severity == Severity::block;
        if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
        if (a.span.end != b.span.end) return a.span.end > b.span.end;
        return a.priority > b.priority;
    });
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
        out.push_back(GuardFinding{hit.kind, hit.severity, std::string(match),
                                   std::string(hit.message)});
        priority.push_back(hit.priority);
    }
    return out;
}

}  // namespace

std::string_view kind_name(FindingKind kind) {
    switch (kind) {
        case FindingKind::name: return "name";
        case FindingKind::address: return "address";
        case FindingKind::identifier: return "identifier";
        case FindingKind::date: return "date";
        case FindingKind::initials: return "initials";
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
