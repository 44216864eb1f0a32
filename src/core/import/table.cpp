// The rows of an import as the stages pass them on (caseload/import_rows.hpp):
// a checked batch added to a Table, and the order of IDs (SQLite's NOCASE).
#include <limits>

#include "caseload/error.hpp"
#include "stages.hpp"

namespace caseload::importer {

void Table::append(BatchResult& b) {
    if (rows.empty() && ids.empty() && refs.empty() && needs.empty()) {
        // The streaming import's case (a table a batch): taken whole, not
        // copied; `b` keeps the table's buffers for the next batch.
        rows.swap(b.rows);
        ids.swap(b.ids);
        refs.swap(b.refs);
        needs.swap(b.needs);
        return;
    }
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

}  // namespace caseload::importer
