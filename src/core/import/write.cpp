// The write stage of an import (stages.hpp): the rows already in the
// register (conflicts, or rows to skip), then the write, in one transaction
// that the driver commits once the report is on disk. The SQL is the
// store's (caseload/store/import_feed.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "caseload/rules.hpp"
#include "caseload/store/import_feed.hpp"
#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

// The columns that differ between a row of the file and the stored one: a bit per Column.
std::uint16_t differences(const Table& t, const Row& r, const store::StoredServiceUser& e) {
    std::uint16_t out = 0;
    auto differ = [&](Column c) { out = static_cast<std::uint16_t>(out | (1u << c)); };
    if (r.service != e.row.service) differ(kService);
    if (r.keyworker != e.row.keyworker) differ(kKeyworker);
    if (r.dob != e.row.dob) differ(kDob);
    if (r.age_band != e.row.age_band) differ(kAgeBand);
    if (r.gender != e.row.gender) differ(kGender);
    if (r.ethnicity != e.row.ethnicity) differ(kEthnicity);
    if (r.started != 0 && r.started != e.row.started) differ(kStartedOn);  // given: compared
    std::vector<std::uint32_t> mine(t.needs.begin() + r.needs_offset,
                                    t.needs.begin() + r.needs_offset + r.needs_count);
    std::sort(mine.begin(), mine.end());
    if (mine != e.needs) differ(kNeeds);
    return out;
}

namespace {

// The good rows whose ID is in the register: skipped (--skip-existing, same
// data) or refused as conflicts.
void find_existing(ImportRun& run, const StaffMember& actor, const ImportOptions& options,
                   store::ImportLookup& lookup) {
    if (lookup.register_empty()) return;
    Table& table = run.table;
    for (const SortKey& k : run.order) {
        Row& r = table.rows[k.row];
        if (r.state != kGood) continue;
        auto e = lookup.find(table.id(r));
        if (!e) continue;
        const std::uint16_t differ = differences(table, r, *e);
        if (differ == 0 && options.skip_existing) {
            r.state = kSkipped;
            continue;
        }
        r.state = options.skip_existing ? kDifferent : kInUse;
        Conflict c{k.row, differ, may_see(actor, e->row.service, e->row.keyworker),
                   e->id != table.id(r)};
        if (c.other_case) run.stored_ids[k.row] = e->id;
        run.conflicts.push_back(c);
        run.late.push_back(k.row);
    }
}

// Counts the rows skipped and refused after the check, and their exit codes.
void count_late(ImportRun& run, ImportSummary& summary) {
    run.late_bad = 0;
    summary.skipped = 0;
    for (const Row& r : run.table.rows) {
        if (r.state == kSkipped)
            ++summary.skipped;
        else if (r.state != kGood)
            ++run.late_bad;
    }
    for (std::uint32_t i : run.late) {
        const Row& r = run.table.rows[i];
        if (r.state == kInUse || r.state == kDifferent)
            run.codes |= 1u << static_cast<unsigned>(Exit::conflict);
        else
            run.codes |= 1u << static_cast<unsigned>(Exit::invalid);
    }
}

// The rows to write: none when the import is refused as a whole.
std::uint64_t rows_to_add(const ImportRun& run, const ImportOptions& options,
                          ImportSummary& summary) {
    std::uint64_t to_add = 0;
    for (const Row& r : run.table.rows)
        if (r.state == kGood) ++to_add;
    summary.rejected = run.bad_rows + run.late_bad;
    if (options.on_error == OnError::abort && summary.rejected > 0) {
        const unsigned codes = run.codes;
        summary.refusal = codes == (1u << static_cast<unsigned>(Exit::conflict)) ? Exit::conflict
                          : codes == (1u << static_cast<unsigned>(Exit::denied)) ? Exit::denied
                                                                                 : Exit::invalid;
        to_add = 0;
    }
    return to_add;
}

}  // namespace

std::unique_ptr<store::ImportWrite> write_rows(Register& reg, const Actor& actor,
                                               const CheckContext& context,
                                               store::ImportLookup& lookup, ImportRun& run,
                                               Progress& progress, PhaseTimer& timer,
                                               ImportSummary& summary) {
    const ImportOptions& options = context.options;
    std::unique_ptr<store::ImportWrite> write;
    if (options.on_error == OnError::abort && run.bad_rows > 0) {
        // Refused already: report conflicts too, but take no write lock.
        {
            store::ImportReadSnapshot snapshot(reg.db());
            find_existing(run, actor.member, options, lookup);
        }
        count_late(run, summary);
        rows_to_add(run, options, summary);
        timer.mark("existing");
        return write;
    }
    write = std::make_unique<store::ImportWrite>(reg.db());
    find_existing(run, actor.member, options, lookup);
    count_late(run, summary);
    const std::uint64_t to_add = rows_to_add(run, options, summary);
    timer.mark("existing");
    if (to_add == 0) return write;

    const Key event = reg.record_event(actor, "su.import", std::nullopt,
                                       import_event_detail(to_add, options, summary));
    progress.phase(ImportProgress::Phase::writing, to_add, 0);
    // The rows are in order already (put_in_order): the whole table is one chunk.
    store::ImportFeed feed;
    bool given = false;
    feed.next = [&]() -> const Table* {
        if (given) return nullptr;
        given = true;
        return &run.table;
    };
    feed.today = pack_date(context.today.iso());
    feed.progress = [&](std::uint64_t rows) { progress.update(rows, 0); };
    summary.added = write->insert(feed, event, utc_timestamp());
    timer.mark("insert");
    for (std::uint32_t i : run.generated)
        if (run.table.rows[i].state == kGood) ++summary.generated;
    return write;
}

std::string import_event_detail(std::uint64_t added, const ImportOptions& options,
                                const ImportSummary& summary) {
    std::string detail = fmt::format("{} added from {}", added, options.source_name);
    if (summary.skipped || summary.rejected)
        detail += fmt::format(" ({} skipped, {} rejected)", summary.skipped, summary.rejected);
    return detail;
}

void commit_or_roll_back(std::unique_ptr<store::ImportWrite> write, bool commit,
                         const ImportHooks& hooks, RejectsFile* rejects, PhaseTimer& timer,
                         Clock::time_point started, ImportSummary& summary) {
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (commit) {
        // The only copy of the generated IDs goes out first: when that
        // fails, the hook throws and nothing is committed.
        if (hooks.before_commit) hooks.before_commit(summary);
        write->commit();
        summary.committed = true;
    }
    write.reset();  // rolls back when not committed
    timer.mark("commit");
    if (rejects) rejects->publish();
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace caseload::importer
