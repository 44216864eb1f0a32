// The order stage of the import alone (src/core/import/order.cpp): no
// register, no file, just compact rows.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../../src/core/import/stages.hpp"

using namespace caseload::importer;

namespace {

// Rows with these IDs, on lines 2, 3, ...; `service` tells rows' data apart.
ImportRun run_of(const std::vector<std::pair<std::string, std::uint32_t>>& rows) {
    ImportRun run;
    std::uint64_t line = 2;
    for (const auto& [id, service] : rows) {
        Row r;
        r.line = line++;
        r.id_offset = static_cast<std::uint32_t>(run.table.ids.size());
        r.id_length = static_cast<std::uint8_t>(id.size());
        r.service = service;
        run.table.ids += id;
        run.table.rows.push_back(r);
    }
    return run;
}

std::vector<std::string> ids_in_order(const ImportRun& run) {
    std::vector<std::string> out;
    for (const SortKey& k : run.order) out.emplace_back(run.table.id(run.table.rows[k.row]));
    return out;
}

}  // namespace

TEST_CASE("import order: IDs in SQLite's NOCASE order, longer than the 16-byte key too") {
    ImportRun run = run_of({{"b-2", 1},
                            {"A-1", 1},
                            {"hom-0000000000000002", 1},
                            {"HOM-0000000000000001", 1},
                            {"hom-00000000000000", 1},
                            {"a-10", 1}});
    sort_ids(run, 2);
    CHECK(ids_in_order(run) == std::vector<std::string>{"A-1", "a-10", "b-2", "hom-00000000000000",
                                                        "HOM-0000000000000001",
                                                        "hom-0000000000000002"});
}

TEST_CASE("import order: the first line of an ID wins; same data is skipped with --skip-existing") {
    for (bool skip_existing : {false, true}) {
        CAPTURE(skip_existing);
        ImportRun run = run_of({{"HOM-1", 1}, {"hom-1", 1}, {"Hom-1", 2}, {"REC-1", 1}});
        caseload::ImportOptions options;
        options.skip_existing = skip_existing;
        sort_ids(run, 1);
        mark_duplicates(run, options);
        CHECK(run.table.rows[0].state == kGood);
        CHECK(run.table.rows[1].state == (skip_existing ? kSkipped : kDuplicate));
        CHECK(run.table.rows[2].state == kDuplicate);  // other data: never skipped
        CHECK(run.table.rows[3].state == kGood);
        CHECK(run.late.size() == (skip_existing ? 1u : 2u));
        // In order in memory, every row keeps its line.
        put_in_order(run, 1);
        std::vector<std::uint64_t> lines;
        for (const Row& r : run.table.rows) lines.push_back(r.line);
        CHECK(lines == std::vector<std::uint64_t>{2, 3, 4, 5});
        CHECK(run.table.id(run.table.rows[3]) == "REC-1");
    }
}
