// The check of an import (stages.hpp): every row through the rules of su add
// (validate_new_service_user), a batch at a time on the streaming import's
// checker thread.
#include <fmt/format.h>

#include <limits>

#include "caseload/dates.hpp"
#include "caseload/text.hpp"
#include "stages.hpp"

namespace caseload::importer {

namespace {

std::uint32_t narrow_key(Key key) {
    if (key <= 0 || key > std::numeric_limits<std::uint32_t>::max())
        throw Error(Exit::failure, fmt::format("internal: key {} out of range", key));
    return static_cast<std::uint32_t>(key);
}

// ---------------------------------------------------------------------------
// Problems as one line each.

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The rules speak in su add's options; a file has columns.
std::string in_file_terms(std::string text) {
    text = replace_all(std::move(text), "give --service CODE", "fill in the service column");
    text =
        replace_all(std::move(text), "must give --keyworker", "must fill in the keyworker column");
    text =
        replace_all(std::move(text), "leave out --keyworker", "leave the keyworker column empty");
    text = replace_all(std::move(text), "or use --generate", "or use --generate-ids");
    return text;
}

std::string collapse_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : trim(text)) {
        if (c == ' ' || c == '\t' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string reason_of(const FieldProblem& p) {
    std::string text = p.message;
    const bool colon = !text.empty() && text.back() == ':';
    if (colon) text.pop_back();
    for (std::size_t i = 0; i < p.details.size(); ++i)
        text += (i == 0 && colon ? ": " : "; ") + collapse_spaces(p.details[i]);
    if (!p.hint.empty() && p.hint.find('\n') == std::string::npos) text += " (" + p.hint + ")";
    return in_file_terms(std::move(text));
}

std::string warning_text(std::string_view id, const std::vector<GuardFinding>& warnings) {
    std::vector<std::string> parts;
    for (const auto& f : warnings)
        parts.push_back(
            fmt::format("{} \"{}\" {}", kind_name(f.kind), printable(f.match), f.message));
    return fmt::format("'{}' may identify someone: {}", printable(id), join(parts, "; "));
}

}  // namespace

// ---------------------------------------------------------------------------
// Checking rows.

class RowChecker {
  public:
    explicit RowChecker(const CheckContext& context) : s_(context) {}

    void run(const Batch& batch, BatchResult& out) {
        out.rows.reserve(batch.size());
        if (!batch.records.empty())
            run_csv(batch, out);
        else
            run_jsonl(batch, out);
    }

  private:
    // Problems of a row not (yet) known to validation: (column, reason).
    using Early = std::vector<std::pair<std::string, std::string>>;

    void run_csv(const Batch& batch, BatchResult& out) {
        const csv::Records& records = batch.records;
        const auto& problems = records.problems();
        std::size_t next_problem = 0;
        const std::size_t width = s_.layout.header.size();
        for (std::size_t r = 0; r < records.size(); ++r) {
            const std::size_t n = records.fields(r);
            Cells cells{};
            bool blank = true;
            for (std::size_t f = 0; f < n; ++f) {
                std::string_view value = trim(records.field(r, f));
                if (!value.empty()) blank = false;
                if (f < width && s_.layout.header[f] < kCellCount)
                    cells[s_.layout.header[f]] = value;
            }
            early_.clear();
            for (; next_problem < problems.size() && problems[next_problem].record == r;
                 ++next_problem) {
                const auto& p = problems[next_problem];
                blank = false;
                early_.emplace_back(column_name(p.column), p.message);
            }
            if (blank) continue;
            if (n != width) {
                bool extra_blank = n > width;
                for (std::size_t f = width; f < n; ++f)
                    if (!trim(records.field(r, f)).empty()) extra_blank = false;
                if (!extra_blank)
                    early_.emplace_back("",
                                        fmt::format("has {} fields; the header has {}", n, width));
            }
            const std::uint64_t line =
                batch.record_lines.empty() ? records.line(r) : batch.record_lines[r];
            check(line, cells, out, [&](std::string& text, const std::string& error) {
                std::vector<std::string_view> fields;
                fields.reserve(s_.layout.reject_fields.size() + 2);
                const std::string number = std::to_string(line);
                fields.push_back(cells[kLine].empty() ? std::string_view(number) : cells[kLine]);
                for (std::size_t f : s_.layout.reject_fields)
                    fields.push_back(f < n ? records.field(r, f) : std::string_view());
                fields.push_back(error);
                csv::append_record(text, fields);
            });
        }
    }

    void run_jsonl(const Batch& batch, BatchResult& out) {
        static const std::vector<std::string_view> kLists = {"needs"};
        for (std::size_t i = 0; i < batch.lines.size(); ++i) {
            const std::uint32_t begin = i == 0 ? 0 : batch.ends[i - 1];
            std::string_view text(batch.text.data() + begin, batch.ends[i] - begin);
            std::vector<jsonl::ObjectProblem> problems;
            auto fields = jsonl::parse_object(text, kLists, problems);
            early_.clear();
            for (auto& p : problems) early_.emplace_back(p.field, std::move(p.message));
            Cells cells{};
            for (const auto& [key, value] : fields) {
                Column c = column_of(key);
                if (c == kUnknown)
                    early_.emplace_back(key, fmt::format("is not a field of a service user; "
                                                         "fields: {}",
                                                         column_list()));
                else if (c < kCellCount)
                    cells[c] = trim(value);
            }
            const std::uint64_t line = batch.lines[i];
            check(line, cells, out, [&](std::string& text, const std::string& error) {
                const std::string number = std::to_string(line);
                std::vector<std::string_view> row;
                row.push_back(cells[kLine].empty() ? std::string_view(number) : cells[kLine]);
                row.insert(row.end(), cells.begin(), cells.begin() + kLine);
                row.push_back(error);
                csv::append_record(text, row);
            });
        }
    }

    std::string column_name(std::size_t index) const {
        if (index < s_.layout.header.size() && s_.layout.header[index] < kCellCount)
            return std::string(cell_name(s_.layout.header[index]));
        return fmt::format("{}", index + 1);
    }

    static void set(std::optional<std::string>& target, std::string_view value) {
        if (value.empty())
            target.reset();
        else if (target)
            target->assign(value);
        else
            target.emplace(value);
    }

    template <typename RejectFn>
    void check(std::uint64_t line, const Cells& cells, BatchResult& out, RejectFn&& reject) {
        ++out.data_rows;
        NewServiceUserInput& in = input_;
        const bool generate = s_.options.generate_ids && cells[kId].empty();
        in.generate = generate;
        in.id.assign(generate ? std::string_view() : cells[kId]);
        set(in.service, cells[kService]);
        set(in.keyworker, cells[kKeyworker]);
        set(in.date_of_birth, cells[kDob]);
        set(in.age_band, cells[kAgeBand]);
        // The printed object gives both a date of birth and the band it
        // gives today: that band says nothing more.
        if (in.date_of_birth && in.age_band)
            if (auto d = parse_date(*in.date_of_birth);
                d && age_band_for_age(age_on(*d, s_.today)) == *in.age_band)
                in.age_band.reset();
        set(in.gender, cells[kGender]);
        set(in.ethnicity, cells[kEthnicity]);
        set(in.started_on, cells[kStartedOn]);
        std::size_t count = 0;
        // Needs are separated by ';' (as export writes them); a spreadsheet's
        // commas and line breaks inside the cell are taken as separators too.
        for (std::string_view rest = cells[kNeeds]; !rest.empty();) {
            std::size_t semi = rest.find_first_of(";,\r\n");
            std::string_view need = trim(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
            if (need.empty()) continue;
            if (count == in.needs.size()) in.needs.emplace_back();
            in.needs[count++].assign(need);
        }
        in.needs.resize(count);

        problems_.clear();
        const PassThrough pass = pass_through(cells, generate);
        ValidatedServiceUser* valid = nullptr;
        if (early_.empty() &&
            validate_new_service_user(s_.dir, s_.actor, s_.guard, in, s_.today, problems_, valid_))
            valid = &valid_;

        // Every ID needs confirming as anonymous, as in su add: by
        // --confirm-anonymous, by its `confirmed` cell, or at one question at
        // the end. Guard warnings without a way to confirm are refused here.
        if (valid && pass.confirmed == Confirmed::no) {
            problems_.push_back(
                {"confirmed",
                 Exit::invalid,
                 fmt::format("'{}' is marked no: not confirmed as anonymous", printable(valid->id)),
                 "",
                 {}});
            valid = nullptr;
        }
        const bool confirmed =
            generate || s_.options.confirm_anonymous || pass.confirmed == Confirmed::yes;
        if (valid && !valid->warnings.empty()) {
            std::string text = warning_text(valid->id, valid->warnings);
            if (confirmed || s_.can_confirm) {
                note(out, line,
                     problem_line(
                         line, "id",
                         text + (s_.options.confirm_anonymous ? " (accepted: --confirm-anonymous)"
                                 : pass.confirmed == Confirmed::yes ? " (accepted: confirmed yes)"
                                                                    : "")));
            } else {
                problems_.push_back({"id",
                                     Exit::invalid,
                                     text + "; if it is anonymous, run again with "
                                            "--confirm-anonymous, or put yes in its confirmed "
                                            "column",
                                     "",
                                     {}});
                valid = nullptr;
            }
        }

        if (!valid) {
            bad(out, line,
                early_.empty() ? (problems_.empty() ? Exit::invalid : problems_.front().code)
                               : Exit::invalid);
            std::string error;
            for (const auto& [column, reason] : early_)
                add_problem(out, line, column, reason, error);
            for (const auto& p : problems_) add_problem(out, line, p.field, reason_of(p), error);
            if (s_.rejects) {
                reject(out.rejects_text, error);
                ++out.rejects;
                out.reject_ends.push_back({line, out.rejects_text.size()});
            }
            return;
        }

        Row row;
        row.line = line;
        row.origin_line = pass.origin_line;
        row.ref_offset = static_cast<std::uint32_t>(out.refs.size());
        row.ref_length = static_cast<std::uint8_t>(cells[kRef].size());
        out.refs += cells[kRef];
        row.flags = static_cast<std::uint8_t>(
            (generate ? kGenerate : 0) | (valid->warnings.empty() ? 0 : kWarned) |
            (confirmed ? 0 : kNeedsConfirm) |
            (pass.confirmed == Confirmed::yes ? kConfirmedYes : 0));
        row.id_offset = static_cast<std::uint32_t>(out.ids.size());
        row.id_length = static_cast<std::uint8_t>(valid->id.size());
        out.ids += valid->id;
        row.service = narrow_key(valid->service_key);
        row.keyworker = narrow_key(valid->keyworker_key);
        row.dob = valid->date_of_birth ? pack_date(*valid->date_of_birth) : 0;
        row.started = valid->started_on ? pack_date(*valid->started_on) : 0;
        row.age_band = option_index(age_band_options(), valid->age_band);
        row.gender = option_index(gender_options(), valid->gender);
        row.ethnicity = option_index(ethnicity_options(), valid->ethnicity);
        row.needs_offset = static_cast<std::uint32_t>(out.needs.size());
        row.needs_count = static_cast<std::uint16_t>(valid->need_keys.size());
        for (Key k : valid->need_keys) out.needs.push_back(narrow_key(k));
        out.rows.push_back(row);
    }

    enum class Confirmed : std::uint8_t { unsaid, yes, no };
    struct PassThrough {
        Confirmed confirmed = Confirmed::unsaid;
        std::uint32_t origin_line = 0;
    };

    // The cells that are never stored; their problems go to early_.
    PassThrough pass_through(const Cells& cells, bool generate) {
        PassThrough pass;
        if (cells[kRef].size() > kMaxRefBytes)
            early_.emplace_back("ref", fmt::format("is longer than {} characters", kMaxRefBytes));
        const std::string answer = ascii_lower(cells[kConfirmed]);
        if (answer == "yes" || answer == "y" || answer == "true" || answer == "1")
            pass.confirmed = Confirmed::yes;
        else if (answer == "no" || answer == "n" || answer == "false" || answer == "0")
            pass.confirmed = generate ? Confirmed::unsaid : Confirmed::no;
        else if (!answer.empty())
            early_.emplace_back("confirmed",
                                fmt::format("'{}' is not yes or no", printable(cells[kConfirmed])));
        if (!cells[kLine].empty()) {
            std::uint64_t n = 0;
            bool digits = cells[kLine].size() <= 9;
            for (char c : cells[kLine]) {
                digits = digits && c >= '0' && c <= '9';
                if (digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (!digits || n == 0)
                early_.emplace_back(
                    "line", fmt::format("'{}' is not a line number", printable(cells[kLine])));
            else
                pass.origin_line = static_cast<std::uint32_t>(n);
        }
        return pass;
    }

    void bad(BatchResult& out, std::uint64_t, Exit code) {
        ++out.bad_rows;
        out.codes |= 1u << static_cast<unsigned>(code);
    }

    void add_problem(BatchResult& out, std::uint64_t line, const std::string& column,
                     const std::string& reason, std::string& error) {
        ++out.problem_count;
        if (out.keep_all || out.problems.size() < s_.options.max_problems_shown)
            out.problems.push_back({line, problem_line(line, column, reason)});
        if (s_.rejects) {
            if (!error.empty()) error += "; ";
            error += column.empty() ? reason : column + ": " + reason;
        }
    }

    void note(BatchResult& out, std::uint64_t line, std::string text) {
        ++out.note_count;
        if (out.keep_all || out.notes.size() < s_.options.max_notes_shown)
            out.notes.push_back({line, std::move(text)});
    }

    const CheckContext& s_;
    NewServiceUserInput input_;
    ValidatedServiceUser valid_;  // reused from row to row
    std::vector<FieldProblem> problems_;
    Early early_;
};

BatchChecker::BatchChecker(const CheckContext& context)
    : checker_(std::make_unique<RowChecker>(context)) {}
BatchChecker::~BatchChecker() = default;
void BatchChecker::run(const Batch& batch, BatchResult& out) {
    out.clear();
    checker_->run(batch, out);
}

namespace {}  // namespace

std::string problem_line(std::uint64_t line, std::string_view column, std::string_view reason) {
    if (column.empty()) return fmt::format("line {}: {}", line, reason);
    return fmt::format("line {}, column {}: {}", line, printable(column), reason);
}

std::uint8_t option_index(const OptionList& list, const std::optional<std::string>& value) {
    if (!value) return 0;
    for (std::size_t i = 0; i < list.values.size(); ++i)
        if (list.values[i].code == *value) return static_cast<std::uint8_t>(i + 1);
    throw Error(Exit::failure, fmt::format("internal: '{}' passed the check of {} but is not one",
                                           printable(*value), list.field));
}

std::uint32_t pack_date(const std::string& iso) {
    // validate_details leaves dates as YYYY-MM-DD.
    auto digits = [&](std::size_t from, std::size_t count) {
        std::uint32_t v = 0;
        for (std::size_t i = from; i < from + count; ++i)
            v = v * 10 + static_cast<std::uint32_t>(iso[i] - '0');
        return v;
    };
    return digits(0, 4) * 10000 + digits(5, 2) * 100 + digits(8, 2);
}

std::size_t format_date(std::uint32_t packed, char* out) {
    write_iso_date(out, static_cast<int>(packed / 10000 % 10000),
                   static_cast<int>(packed / 100 % 100), static_cast<int>(packed % 100));
    out[10] = '\0';
    return 10;
}

void BatchResult::clear() {
    rows.clear();
    ids.clear();
    refs.clear();
    needs.clear();
    problems.clear();
    notes.clear();
    data_rows = bad_rows = problem_count = note_count = rejects = 0;
    codes = 0;
    rejects_text.clear();
    reject_ends.clear();
}

}  // namespace caseload::importer
