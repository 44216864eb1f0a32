// The order stage of an import (stages.hpp): the rows in the order of their
// case-folded IDs (so that every B-tree insert of the ID index appends),
// generated IDs, duplicates within the file, IDs nobody confirmed as anonymous.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <thread>
#include <unordered_set>

#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/records.hpp"
#include "caseload/store/import_feed.hpp"
#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

void Table::append(BatchResult& b) {
    const std::size_t id_base = ids.size(), needs_base = needs.size(), ref_base = refs.size();
    if (id_base + b.ids.size() > std::numeric_limits<std::uint32_t>::max() ||
        ref_base + b.refs.size() > std::numeric_limits<std::uint32_t>::max() ||
        needs_base + b.needs.size() > std::numeric_limits<std::uint32_t>::max())
        throw Error(Exit::invalid, "the file has too many rows for one import",
                    "split it into files of a few million rows");
    ids += b.ids;
    refs += b.refs;
    needs.insert(needs.end(), b.needs.begin(), b.needs.end());
    for (Row r : b.rows) {
        r.ref_offset += static_cast<std::uint32_t>(ref_base);
        r.id_offset += static_cast<std::uint32_t>(id_base);
        r.needs_offset += static_cast<std::uint32_t>(needs_base);
        rows.push_back(r);
    }
}

// Puts the rows (and their IDs and needs) in `order`, so that the write
// reads memory front to back; `order` becomes the identity. Returns the
// new index of each old row.
std::vector<std::uint32_t> Table::permute(std::vector<SortKey>& order, unsigned threads) {
    std::vector<std::uint32_t> moved(rows.size(), 0);
    std::vector<Row> sorted(order.size());
    // Each part of the order gathers into its own buffers of IDs and
    // needs (two parts on two cores: this is on the critical path of a
    // big import); the buffers are joined afterwards.
    const std::size_t parts = threads > 1 && order.size() >= 65536 ? 2 : 1;
    struct Part {
        std::size_t begin = 0, end = 0;
        std::string ids;
        std::vector<std::uint32_t> needs;
    };
    std::vector<Part> part(parts);
    for (std::size_t p = 0; p < parts; ++p) {
        part[p].begin = order.size() * p / parts;
        part[p].end = order.size() * (p + 1) / parts;
    }
    auto gather = [&](Part& g) {
        constexpr std::size_t kAhead = 16;  // rows, then their IDs and needs, fetched early
        g.ids.reserve(ids.size() / parts + 4096);
        g.needs.reserve(needs.size() / parts + 4096);
        for (std::size_t i = g.begin; i < g.end; ++i) {
            if (i + kAhead < g.end) __builtin_prefetch(&rows[order[i + kAhead].row]);
            if (i + kAhead / 2 < g.end) {
                const Row& soon = rows[order[i + kAhead / 2].row];
                __builtin_prefetch(ids.data() + soon.id_offset);
                __builtin_prefetch(needs.data() + soon.needs_offset);
            }
            Row r = rows[order[i].row];
            moved[order[i].row] = static_cast<std::uint32_t>(i);
            const auto id_offset = static_cast<std::uint32_t>(g.ids.size());
            g.ids.append(ids, r.id_offset, r.id_length);
            r.id_offset = id_offset;
            const auto needs_offset = static_cast<std::uint32_t>(g.needs.size());
            g.needs.insert(g.needs.end(), needs.begin() + r.needs_offset,
                           needs.begin() + r.needs_offset + r.needs_count);
            r.needs_offset = needs_offset;
            sorted[i] = r;
        }
    };
    if (parts == 2) {
        std::thread other([&] { gather(part[1]); });
        gather(part[0]);
        other.join();
    } else {
        gather(part[0]);
    }
    for (std::size_t p = 1; p < parts; ++p) {
        const auto id_base = static_cast<std::uint32_t>(part[0].ids.size());
        const auto needs_base = static_cast<std::uint32_t>(part[0].needs.size());
        for (std::size_t i = part[p].begin; i < part[p].end; ++i) {
            sorted[i].id_offset += id_base;
            sorted[i].needs_offset += needs_base;
        }
        part[0].ids += part[p].ids;
        part[0].needs.insert(part[0].needs.end(), part[p].needs.begin(), part[p].needs.end());
    }
    for (std::size_t i = 0; i < order.size(); ++i) order[i].row = static_cast<std::uint32_t>(i);
    rows = std::move(sorted);
    ids = std::move(part[0].ids);
    needs = std::move(part[0].needs);
    return moved;
}

SortKey Table::key_of(std::uint32_t index) const {
    SortKey k;
    k.row = index;
    std::string_view text = id(rows[index]);
    for (std::size_t i = 0; i < 16; ++i) {
        std::uint64_t c = 0;
        if (i < text.size()) {
            char ch = text[i];
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            c = static_cast<unsigned char>(ch);
        }
        (i < 8 ? k.high : k.low) |= c << (8 * (7 - i % 8));
    }
    return k;
}

// The order of SQLite's NOCASE collation (ASCII folded to lower case, then
// bytes, then length), ties by line.
bool Table::less(const SortKey& a, const SortKey& b) const {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    int c = compare_tail(a.row, b.row);
    if (c != 0) return c < 0;
    return a.row < b.row;
}
bool Table::same_id(const SortKey& a, const SortKey& b) const {
    return a.high == b.high && a.low == b.low && compare_tail(a.row, b.row) == 0;
}

bool Table::same_data(const Row& a, const Row& b) const {
    if (a.service != b.service || a.keyworker != b.keyworker || a.dob != b.dob ||
        a.started != b.started || a.age_band != b.age_band || a.gender != b.gender ||
        a.ethnicity != b.ethnicity || a.needs_count != b.needs_count)
        return false;
    return std::equal(needs.begin() + a.needs_offset,
                      needs.begin() + a.needs_offset + a.needs_count,
                      needs.begin() + b.needs_offset);
}

// The first position in `order` whose ID equals `id` (any case), or order.end().
std::vector<SortKey>::const_iterator Table::find(const std::vector<SortKey>& order,
                                                 std::string_view id) const {
    auto it =
        std::lower_bound(order.begin(), order.end(), id, [&](const SortKey& k, std::string_view x) {
            return compare_ids(this->id(rows[k.row]), x) < 0;
        });
    if (it != order.end() && compare_ids(this->id(rows[it->row]), id) == 0) return it;
    return order.end();
}

// NOCASE order of two IDs.
int Table::compare_ids(std::string_view x, std::string_view y) {
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        unsigned char p = static_cast<unsigned char>(x[i]), q = static_cast<unsigned char>(y[i]);
        if (p >= 'A' && p <= 'Z') p = static_cast<unsigned char>(p - 'A' + 'a');
        if (q >= 'A' && q <= 'Z') q = static_cast<unsigned char>(q - 'A' + 'a');
        if (p != q) return p < q ? -1 : 1;
    }
    return x.size() == y.size() ? 0 : x.size() < y.size() ? -1 : 1;
}

// The order of two IDs whose first 16 folded bytes (the SortKey) are equal.
int Table::compare_tail(std::uint32_t a, std::uint32_t b) const {
    std::string_view x = id(rows[a]), y = id(rows[b]);
    if (x.size() <= 16 && y.size() <= 16)
        return x.size() == y.size() ? 0 : x.size() < y.size() ? -1 : 1;
    // Past byte 16; a shorter ID's tail is empty, so it sorts first, as before.
    return compare_ids(x.substr(std::min<std::size_t>(16, x.size())),
                       y.substr(std::min<std::size_t>(16, y.size())));
}

void sort_ids(ImportRun& run, unsigned threads) {
    Table& table = run.table;
    auto& order = run.order;
    order.reserve(table.rows.size());
    for (std::uint32_t i = 0; i < table.rows.size(); ++i) {
        if (table.rows[i].flags & kGenerate)
            run.generated.push_back(i);
        else
            order.push_back(table.key_of(i));
    }
    auto by_id = [&](const SortKey& a, const SortKey& b) { return table.less(a, b); };
    if (threads > 1 && order.size() >= 65536) {
        // Two halves on two cores, then one merge: the sort is on the
        // critical path of a big import, between reading and writing.
        const auto middle = order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2);
        std::thread other([&] { std::sort(order.begin(), middle, by_id); });
        std::sort(middle, order.end(), by_id);
        other.join();
        std::inplace_merge(order.begin(), middle, order.end(), by_id);
    } else {
        std::sort(order.begin(), order.end(), by_id);
    }
}

void generate_ids(ImportRun& run, const CheckContext& context, store::ImportLookup& lookup) {
    if (run.generated.empty()) return;
    Table& table = run.table;
    auto& order = run.order;
    auto by_id = [&](const SortKey& a, const SortKey& b) { return table.less(a, b); };
    const bool register_empty = lookup.register_empty();
    std::unordered_set<std::string> fresh;
    auto in_use = [&](std::string_view id) {
        if (fresh.count(id_key(id))) return true;
        if (table.find(order, id) != order.end()) return true;
        return !register_empty && lookup.id_in_use(id);
    };
    std::vector<SortKey> generated;
    for (std::uint32_t i : run.generated) {
        const Service* service = context.dir.service_by_key(table.rows[i].service);
        std::string id = generate_id(service ? service->code : "", context.guard, in_use);
        require_pattern_allows_generated(context.dir, id);
        fresh.insert(id_key(id));
        Row& r = table.rows[i];
        r.id_offset = static_cast<std::uint32_t>(table.ids.size());
        r.id_length = static_cast<std::uint8_t>(id.size());
        table.ids += id;
        generated.push_back(table.key_of(i));
    }
    std::sort(generated.begin(), generated.end(), by_id);
    const auto middle = static_cast<std::ptrdiff_t>(order.size());
    order.insert(order.end(), generated.begin(), generated.end());
    std::inplace_merge(order.begin(), order.begin() + middle, order.end(), by_id);
}

void mark_duplicates(ImportRun& run, const ImportOptions& options) {
    Table& table = run.table;
    const auto& order = run.order;
    for (std::size_t i = 0; i < order.size();) {
        // Equal IDs sort by row, so the first of a run has the lowest line: it wins.
        std::size_t j = i + 1;
        for (; j < order.size() && table.same_id(order[i], order[j]); ++j) {
            const Row& keep = table.rows[order[i].row];
            Row& again = table.rows[order[j].row];
            if (options.skip_existing && table.same_data(keep, again)) {
                again.state = kSkipped;
            } else {
                again.state = kDuplicate;
                run.late.push_back(order[j].row);
            }
        }
        i = j;
    }
    for (const Row& r : table.rows)
        if ((r.flags & kNeedsConfirm) && r.state == kGood) {
            ++run.unconfirmed;
            if (r.flags & kWarned) ++run.warned;
        }
}

void confirm_anonymous(ImportRun& run, const ImportHooks& hooks, ImportSummary& summary) {
    if (run.unconfirmed == 0) return;
    if (hooks.confirm && hooks.confirm(run.unconfirmed, run.warned)) return;
    summary.unconfirmed = run.unconfirmed;
    for (std::uint32_t i = 0; i < run.table.rows.size(); ++i) {
        Row& r = run.table.rows[i];
        if ((r.flags & kNeedsConfirm) && r.state == kGood) {
            r.state = kUnconfirmed;
            run.late.push_back(i);
        }
    }
}

void put_in_order(ImportRun& run, unsigned threads) {
    Table& table = run.table;
    const std::vector<std::uint32_t> moved = table.permute(run.order, threads);
    for (auto& i : run.late) i = moved[i];
    for (auto& i : run.generated) i = moved[i];
    std::sort(run.generated.begin(), run.generated.end(), [&](std::uint32_t a, std::uint32_t b) {
        return table.rows[a].line < table.rows[b].line;
    });
}

}  // namespace caseload::importer
