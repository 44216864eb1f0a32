// The write of an import (stages.hpp): what differs from a row already in
// the register, the audit event's detail, the commit once the report is on
// disk. The SQL is the store's (caseload/store/import_feed.hpp).
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
