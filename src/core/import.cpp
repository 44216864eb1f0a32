// su import (spec §6), as a pipeline of stages (src/core/import/stages.hpp):
// read, check, order, write, report.
#include "caseload/import.hpp"

#include <algorithm>
#include <thread>

#include "caseload/bulk_check.hpp"
#include "caseload/store/import_feed.hpp"
#include "caseload/text.hpp"
#include "import/stages.hpp"

namespace caseload {

ImportFormat import_format_for(std::string_view path) {
    std::string lower = ascii_lower(path);
    if (lower.ends_with(".jsonl") || lower.ends_with(".ndjson")) return ImportFormat::jsonl;
    return ImportFormat::csv;
}

ImportSummary import_service_users(Register& reg, const Actor& actor, csv::ReadFn input,
                                   std::uint64_t input_size, const ImportOptions& options,
                                   const ImportHooks& hooks) {
    using namespace importer;
    if (can_stream(options, hooks))
        return import_streaming(reg, actor, std::move(input), input_size, options, hooks);
    const auto started = Clock::now();
    PhaseTimer timer;
    ImportSummary summary;
    ImportRun run;
    Progress progress(hooks);
    const unsigned threads =
        options.threads ? std::min(options.threads, 16u) : bulk_check_threads(16);
    const Directory& dir = reg.directory();
    const Guard guard = reg.guard();

    // The rejects file first: a name that cannot be used stops the import
    // before anything is read.
    std::unique_ptr<RejectsFile> rejects;
    if (options.rejects_path)
        rejects = std::make_unique<RejectsFile>(*options.rejects_path, options.input_path,
                                                options.overwrite_rejects);

    // -- 1. Read: the header (CSV) or the fixed fields (JSON lines).
    Input in(std::move(input), options);
    if (rejects) rejects->header(in.layout().reject_header);
    const CheckContext context{dir,
                               actor.member,
                               guard,
                               today(),
                               options,
                               static_cast<bool>(hooks.confirm),
                               options.rejects_path.has_value(),
                               in.layout()};

    // -- 2. Check every row, read in batches, on the worker threads.
    progress.phase(ImportProgress::Phase::checking, 0, input_size);
    check_rows(in, context, threads, rejects.get(), progress, run);
    summary.rows = run.rows;
    timer.mark("check");

    // -- 3. Order: the IDs in order, generated IDs, duplicates within the file.
    store::ImportLookup lookup(reg.db());
    sort_ids(run, threads);
    timer.mark("sort");
    generate_ids(run, context, lookup);
    mark_duplicates(run, options);
    timer.mark("duplicates");
    show_notes(run, hooks, summary);
    confirm_anonymous(run, hooks, summary);
    put_in_order(run, threads);
    timer.mark("permute");

    // -- 4. Write: conflicts with the register, then the rows, not yet committed.
    std::unique_ptr<store::ImportWrite> write =
        write_rows(reg, actor, context, lookup, run, progress, timer, summary);
    timer.mark("write");

    // -- 5. Report: every problem, the rejects file on disk, the generated
    // IDs out; then the commit.
    show_problems(run, hooks, options, summary);
    if (rejects) write_late_rejects(run, context, *rejects, summary);
    const bool commit = write && summary.added > 0 && !options.dry_run;
    if (commit) list_generated_ids(run, summary);
    commit_or_roll_back(std::move(write), commit, hooks, rejects.get(), timer, started, summary);
    return summary;
}

}  // namespace caseload
