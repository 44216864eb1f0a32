#include "caseload/benchmark.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "caseload/admin.hpp"
#include "caseload/disclosure.hpp"
#include "caseload/error.hpp"
#include "caseload/options.hpp"
#include "caseload/rules.hpp"
#include "caseload/store/benchmarks.hpp"
#include "caseload/text.hpp"

namespace caseload {

using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kFormat = "caseload-benchmark";

const char* const kFileHint =
    "a benchmark file is what 'caseload benchmark export' writes; ask its organisation for a "
    "new one";

[[noreturn]] void bad_file(std::string_view source, const std::string& what) {
    throw Error(Exit::invalid, fmt::format("{} is not a valid benchmark file: {}", source, what),
                kFileHint);
}

// The segments of one dimension, protected, as file entries.
Json segment_entries(const Tally& tally, long long threshold) {
    Json entries = Json::array();
    for (const auto& s : tally.segments) {
        auto shown = protect_count(s.count, threshold);
        entries.push_back({{"value", s.values.front()},
                           {"count", shown ? Json(*shown) : Json(nullptr)},
                           {"suppressed", !shown}});
    }
    return entries;
}

// Values a dimension's segments may take in a file for `star`.
bool known_value(Dimension d, const StoredStar& star, const std::string& value) {
    if (value == kNotRecorded) return d != Dimension::age_band && d != Dimension::status;
    switch (d) {
        case Dimension::age_band:
            return value == "unknown" || has_option(age_band_options(), value);
        case Dimension::gender:
            return has_option(gender_options(), value);
        case Dimension::ethnicity:
            return has_option(ethnicity_options(), value);
        case Dimension::status:
            return value == "active" || value == "left";
        case Dimension::need:
            for (const auto& need : star.star.needs)
                if (need.code == value) return true;
            return false;
        default:
            return false;
    }
}

// A protected count of the file: null when suppressed, else a multiple of 5
// not under the threshold.
void check_count(std::string_view source, const Json& entry, const std::string& where,
                 long long threshold) {
    if (!entry.contains("suppressed") || !entry["suppressed"].is_boolean())
        bad_file(source, where + " has no suppressed true/false");
    const Json& count = entry.contains("count") ? entry["count"] : Json();
    if (entry["suppressed"].get<bool>()) {
        if (!count.is_null()) bad_file(source, where + " is suppressed but has a count");
        return;
    }
    if (!count.is_number_integer() || count.get<long long>() < 0)
        bad_file(source, where + " has no count (a whole number)");
    long long n = count.get<long long>();
    if (n % 5 != 0 || n < threshold)
        bad_file(source, fmt::format("{} has the count {}, which is not protected (counts are "
                                     "rounded to 5 and none is under the threshold {})",
                                     where, n, threshold));
}

// Checks the whole file; returns it parsed.
Json checked_file(const Directory& dir, std::string_view text, std::string_view source) {
    Json file;
    try {
        file = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        bad_file(source, fmt::format("it is not JSON ({})", e.what()));
    }
    if (!file.is_object() || file.value("format", "") != kFormat)
        bad_file(source, fmt::format("it has no \"format\": \"{}\"", kFormat));
    if (!file.contains("version") || !file["version"].is_number_integer() ||
        file["version"].get<int>() != kBenchmarkVersion)
        bad_file(source, fmt::format("its version is {}, and this caseload reads version {}",
                                     file.contains("version") ? file["version"].dump() : "missing",
                                     kBenchmarkVersion));
    for (const char* field : {"organisation", "star", "made_on"})
        if (!file.contains(field) || !file[field].is_string())
            bad_file(source, fmt::format("it has no \"{}\"", field));
    checked_text(file["organisation"].get<std::string>(), "organisation name");
    if (!parse_date(file["made_on"].get<std::string>()))
        bad_file(source, "its made_on is not a date (YYYY-MM-DD)");
    const StoredStar* star = dir.star_by_code(file["star"].get<std::string>());
    if (!star)
        throw Error(Exit::not_found,
                    fmt::format("{} is for the Star '{}', which this register does not have",
                                source, printable(file["star"].get<std::string>())),
                    "see 'caseload star list'");
    if (!file.contains("threshold") || !file["threshold"].is_number_integer() ||
        file["threshold"].get<long long>() < 3)
        bad_file(source, "it has no threshold of 3 or more");
    const long long threshold = file["threshold"].get<long long>();
    if (file.value("rounding", 0) != 5) bad_file(source, "its rounding is not 5");
    Json people_entry = {{"count", file.value("people", Json())},
                         {"suppressed", file.value("people", Json()).is_null()}};
    check_count(source, people_entry, "people", threshold);
    if (!file.contains("segments") || !file["segments"].is_object())
        bad_file(source, "it has no segments");
    for (Dimension d : benchmark_dimensions()) {
        const std::string field(dimension_field(d));
        const Json& entries = file["segments"].value(field, Json());
        if (!entries.is_array()) bad_file(source, fmt::format("it has no {} segments", field));
        for (const auto& entry : entries) {
            if (!entry.is_object() || !entry.contains("value") || !entry["value"].is_string())
                bad_file(source, fmt::format("a {} segment has no value", field));
            const std::string value = entry["value"].get<std::string>();
            if (!known_value(d, *star, value))
                bad_file(source, fmt::format("'{}' is not a {} of the {} Star", printable(value),
                                             dimension_name(d), star->star.code));
            check_count(source, entry, fmt::format("{} '{}'", field, value), threshold);
        }
    }
    return file;
}

}  // namespace

const std::vector<Dimension>& benchmark_dimensions() {
    static const std::vector<Dimension> dims = {Dimension::age_band, Dimension::gender,
                                                Dimension::ethnicity, Dimension::need,
                                                Dimension::status};
    return dims;
}

std::string export_benchmark(Register& reg, const StaffMember& who, std::string_view star_code,
                             const std::optional<std::string>& pseudonym, long long suppress_below,
                             const Date& today) {
    require_lead(who, "export a benchmark of the whole organisation");
    const Directory& dir = reg.directory();
    const StoredStar& star = require_star(dir, star_code);
    const long long threshold = effective_threshold(suppress_below);
    std::string name = pseudonym ? checked_text(*pseudonym, "pseudonym") : dir.organisation.name;

    ReportPopulation unfiltered;
    unfiltered.left_out = people_left_out(reg);
    ReportPopulation active = star_population(dir, unfiltered, star.key);
    ReportPopulation everyone = active;
    everyone.include_left = true;
    Json segments = Json::object();
    long long people = 0;
    for (Dimension d : benchmark_dimensions()) {
        Tally tally = count_segments(reg, {d}, d == Dimension::status ? everyone : active, today);
        if (d != Dimension::status) people = tally.people;
        segments[std::string(dimension_field(d))] = segment_entries(tally, threshold);
    }
    auto shown_people = protect_count(people, threshold);
    Json file = {
        {"format", kFormat},      {"version", kBenchmarkVersion},
        {"organisation", name},   {"star", star.star.code},
        {"made_on", today.iso()}, {"threshold", threshold},
        {"rounding", 5},          {"people", shown_people ? Json(*shown_people) : Json(nullptr)},
        {"segments", segments}};
    return file.dump(2) + "\n";
}

StoredBenchmark add_benchmark(Register& reg, const Actor& actor, std::string_view text,
                              std::string_view source_name) {
    require_lead(actor.member, "add a benchmark file");
    Json file = checked_file(reg.directory(), text, source_name);
    StoredBenchmark b;
    b.organisation = std::string(trim(file["organisation"].get<std::string>()));
    b.star = file["star"].get<std::string>();
    b.made_on = file["made_on"].get<std::string>();
    b.people = file["people"].is_null() ? 0 : file["people"].get<long long>();
    b.content = file.dump();
    b.added_at = utc_timestamp();
    if (b.organisation == trim(reg.directory().organisation.name))
        throw Error(
            Exit::invalid,
            fmt::format("{} is this organisation's own file ({})", source_name, b.organisation),
            "a benchmark compares with other organisations; add their files");
    WriteTransaction tx(reg.db());
    if (auto stored = store::find_benchmark_id(reg.db(), b.organisation, b.star))
        throw Error(Exit::conflict,
                    fmt::format("a benchmark of {} for the {} Star is already stored (id {})",
                                b.organisation, b.star, *stored),
                    fmt::format("remove it first with 'caseload benchmark remove {}'", *stored));
    b.id = store::insert_benchmark(reg.db(), b, actor.member.key);
    reg.record_event(actor, "benchmark.add", std::nullopt,
                     fmt::format("{}: {}, Star {}, made {}, {} people", b.id, b.organisation,
                                 b.star, b.made_on, b.people));
    tx.commit();
    return b;
}

std::vector<StoredBenchmark> list_benchmarks(Register& reg,
                                             const std::optional<std::string>& star) {
    return store::list_benchmarks(reg.db(), star);
}

StoredBenchmark remove_benchmark(Register& reg, const Actor& actor, Key id) {
    require_lead(actor.member, "remove a benchmark file");
    WriteTransaction tx(reg.db());
    auto stored = store::find_benchmark(reg.db(), id);
    if (!stored)
        throw Error(Exit::not_found, fmt::format("there is no stored benchmark {}", id),
                    "see 'caseload benchmark list'");
    StoredBenchmark b = *stored;
    store::delete_benchmark(reg.db(), id);
    reg.record_event(actor, "benchmark.remove", std::nullopt,
                     fmt::format("{}: {}, Star {}", b.id, b.organisation, b.star));
    tx.commit();
    return b;
}

Benchmark pooled_benchmark(Register& reg, std::string_view star_code,
                           const ReportRequest& request) {
    const auto& dims = benchmark_dimensions();
    if (request.by.size() != 1 ||
        std::find(dims.begin(), dims.end(), request.by.front()) == dims.end())
        throw Error(Exit::usage,
                    "--compare benchmark compares one dimension: age-band, gender, ethnicity, "
                    "need or status",
                    "other organisations' files hold one-way counts, e.g. 'caseload report --by "
                    "gender --compare benchmark'");
    const Dimension d = request.by.front();
    if (request.need || (request.include_left && d != Dimension::status) ||
        (d == Dimension::status && !request.include_left))
        throw Error(Exit::usage,
                    "--compare benchmark compares active people without --need (and status with "
                    "--include-left)",
                    "other organisations' files count their active people by each dimension, "
                    "and status over everyone");
    auto files = list_benchmarks(reg, std::string(star_code));
    if (static_cast<long long>(files.size()) < kBenchmarkMinimumOrganisations)
        throw Error(Exit::invalid,
                    fmt::format("--compare benchmark needs files of at least {} other "
                                "organisations for the {} Star; {} stored",
                                kBenchmarkMinimumOrganisations, star_code, files.size()),
                    "so that no single organisation can be read off; add more with 'caseload "
                    "benchmark add FILE'");
    Benchmark benchmark;
    benchmark.star = std::string(star_code);
    benchmark.organisations = static_cast<long long>(files.size());
    Tally tally;
    std::map<std::string, long long> counts;
    const std::string field(dimension_field(d));
    for (const auto& f : files) {
        Json file = Json::parse(f.content);
        long long base = 0;
        for (const auto& entry : file["segments"][field]) {
            long long count = entry["count"].is_null() ? 0 : entry["count"].get<long long>();
            counts[entry["value"].get<std::string>()] += count;
            base += count;
        }
        // Weighted by each file's total: the people (active), or for status
        // everyone counted.
        tally.people += d == Dimension::status ? base : f.people;
    }
    for (const auto& [value, count] : counts) tally.segments.push_back({{value}, count, 0});
    benchmark.tally = std::move(tally);
    return benchmark;
}

}  // namespace caseload
