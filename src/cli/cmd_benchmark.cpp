// caseload benchmark export|add|list|remove: aggregate files of one Star's
// protected counts, shared between organisations (issue 14). The rules and
// the file format are in the core (benchmark.hpp); this file holds the
// command line.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "caseload/benchmark.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

constexpr const char* kFooter = R"(
A benchmark file holds one Star's counts of an organisation's people per
segment of age band, gender, ethnicity, need and status: never a record, and
every count protected as report --suppress-below protects it (under the
threshold hidden, the rest rounded to 5). Organisations swap files; a lead
stores the others' with 'benchmark add'; then 'report --compare benchmark'
compares with their average for the Star, weighted by their totals, once
files of at least 3 other organisations are stored. The format is in
caseload-benchmark(1).)";

// Writes `text` to a new file (never over an existing one).
void write_new_file(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == EEXIST)
        throw Error(Exit::conflict, fmt::format("{} already exists", printable(path, 200)),
                    "choose another file name with -o, or remove the old file first");
    if (fd < 0)
        throw Error(Exit::failure,
                    fmt::format("cannot create {}: {}", printable(path, 200), std::strerror(errno)),
                    "check the directory exists and is writable");
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            ::close(fd);
            throw Error(Exit::failure, fmt::format("cannot write {}", printable(path, 200)),
                        "check the disk has room");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0)
        throw Error(Exit::failure, fmt::format("cannot write {}", printable(path, 200)),
                    "check the disk has room");
}

std::string read_file(const std::string& path) {
    if (path == "-") {
        std::stringstream text;
        text << std::cin.rdbuf();
        return text.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Exit::not_found, fmt::format("cannot read {}", printable(path, 200)),
                    "check the file name");
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().size() > (4 << 20))
        throw Error(Exit::invalid, fmt::format("{} is larger than 4 MB", printable(path, 200)),
                    "a benchmark file is a few kilobytes of counts");
    return text.str();
}

Json benchmark_json(const StoredBenchmark& b) {
    return Json{{"id", b.id},         {"organisation", b.organisation},
                {"star", b.star},     {"made_on", b.made_on},
                {"people", b.people}, {"added_at", shown_time(b.added_at)}};
}

const std::vector<std::string> kFields = {"id",      "organisation", "star",
                                          "made_on", "people",       "added_at"};

}  // namespace

void register_benchmark(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "benchmark",
                              "Benchmark files shared between organisations (one Star's "
                              "protected counts)",
                              "");
    group->footer(kFooter);

    struct ExportArgs {
        std::string star;
        std::optional<std::string> name;
        std::optional<std::string> output;
        long long suppress_below = kBenchmarkDefaultThreshold;
    };
    auto ex = std::make_shared<ExportArgs>();
    auto* export_cmd =
        add_command(*group, "export", "Write this organisation's benchmark file for a Star (lead)",
                    "  caseload benchmark export --star homelessness -o northside-hom.json\n"
                    "  caseload benchmark export --star recovery --as-name 'Org R' -o r.json");
    export_cmd->add_option("--star", ex->star, "The Star")->required()->option_text("STAR");
    export_cmd->add_option("--as-name", ex->name, "A pseudonym instead of the organisation's name")
        ->option_text("PSEUDONYM");
    export_cmd->add_option("-o,--output", ex->output, "Write to FILE (a new file), not stdout")
        ->option_text("FILE");
    export_cmd
        ->add_option("--suppress-below", ex->suppress_below,
                     "Hide counts under N (default 8; raised as in report)")
        ->option_text("N")
        ->check(CLI::Range(1LL, 1000000000LL));
    export_cmd->callback([&ctx, ex] {
        Register& reg = ctx.reg();
        std::string text = export_benchmark(reg, ctx.actor().member, ex->star, ex->name,
                                            ex->suppress_below, today());
        if (ex->output) {
            write_new_file(*ex->output, text);
            ctx.note(fmt::format("Wrote the {} benchmark to {}.", ex->star,
                                 printable(*ex->output, 200)));
        } else {
            std::cout << text;
            std::cout.flush();
        }
    });

    auto file = std::make_shared<std::string>();
    auto* add = add_command(*group, "add", "Store another organisation's benchmark file (lead)",
                            "  caseload benchmark add southside-hom.json");
    add->add_option("file", *file, "The file ('-': stdin)")->required();
    add->callback([&ctx, file] {
        std::string text = read_file(*file);
        StoredBenchmark b = add_benchmark(ctx.reg(), ctx.actor(), text, printable(*file, 200));
        if (ctx.global.format_given())  // the stored file, as benchmark list shows it
            write_single(ctx.format(), benchmark_json(b), std::cout);
        ctx.note(fmt::format("Stored the {} benchmark of {} ({} people, made {}) as {}.", b.star,
                             b.organisation, with_thousands(b.people), b.made_on, b.id));
    });

    auto star = std::make_shared<std::optional<std::string>>();
    auto* list = add_command(*group, "list", "List the stored benchmark files",
                             "  caseload benchmark list --star homelessness");
    list->add_option("--star", *star, "Only this Star's")->option_text("STAR");
    list->callback([&ctx, star] {
        Register& reg = ctx.reg();
        ctx.actor();
        RecordWriter out(ctx.format(), kFields, std::cout);
        for (const auto& b : list_benchmarks(reg, *star)) out.add(benchmark_json(b));
        out.finish();
    });

    auto id = std::make_shared<long long>(0);
    auto* remove = add_command(*group, "remove", "Remove a stored benchmark file (lead)",
                               "  caseload benchmark remove 2");
    remove->add_option("id", *id, "Its id, as 'benchmark list' shows")->required();
    remove->callback([&ctx, id] {
        StoredBenchmark b = remove_benchmark(ctx.reg(), ctx.actor(), *id);
        ctx.note(fmt::format("Removed the {} benchmark of {} ({}).", b.star, b.organisation, b.id));
        if (ctx.global.format_given()) write_single(ctx.format(), benchmark_json(b), std::cout);
    });
}

}  // namespace caseload::cli
