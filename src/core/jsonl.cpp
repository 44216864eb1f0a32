#include "caseload/jsonl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "caseload/text.hpp"

namespace caseload::jsonl {

namespace {

std::string_view type_name(const nlohmann::json& value) {
    if (value.is_number()) return "a number";
    if (value.is_boolean()) return "true or false";
    if (value.is_array()) return "a list";
    if (value.is_object()) return "an object";
    return "not a string";
}

bool blank(std::string_view line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

LineReader::LineReader(csv::ReadFn read, csv::Limits limits)
    : in_(std::move(read)), limits_(limits) {}

bool LineReader::next(std::string& line, std::uint64_t& number) {
    for (;;) {
        line.clear();
        if (!in_.fill()) return false;
        ++line_;
        bool ended = false;
        while (!ended) {
            if (in_.pos == in_.end && !in_.fill()) break;
            const char* p = in_.data() + in_.pos;
            const char* e = in_.data() + in_.end;
            const char* nl =
                static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
            const char* stop = nl ? nl : e;
            line.append(p, stop);
            in_.pos = static_cast<std::size_t>(stop - in_.data()) + (nl ? 1 : 0);
            ended = nl != nullptr;
            if (line.size() > limits_.max_record)
                throw csv::FormatError(line_, 0,
                                       fmt::format("a line is longer than {} MB; this is not a "
                                                   "file of service users",
                                                   limits_.max_record >> 20));
        }
        if (!started_) {
            started_ = true;
            if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (blank(line)) continue;
        number = line_;
        return true;
    }
}

std::vector<std::pair<std::string, std::string>> parse_object(
    std::string_view line, const std::vector<std::string_view>& list_fields,
    std::vector<ObjectProblem>& problems) {
    std::vector<std::pair<std::string, std::string>> fields;
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, or out_of_range for a number such as 1e999. The
        // library's message names the byte; keep it short and printable.
        std::string what = e.what();
        if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
        problems.push_back({"", fmt::format("is not valid JSON ({})", printable(what, 160))});
        return fields;
    }
    if (!object.is_object()) {
        problems.push_back({"",
                            "is not a JSON object; each line holds one {\"id\": ..., ...} "
                            "object"});
        return fields;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        const nlohmann::json& value = it.value();
        if (value.is_null()) continue;
        if (value.is_string()) {
            fields.emplace_back(key, value.get<std::string>());
            continue;
        }
        const std::string lower = ascii_lower(key);
        const bool list =
            std::find(list_fields.begin(), list_fields.end(), lower) != list_fields.end();
        if (list && value.is_array()) {
            std::string joined;
            bool ok = true;
            for (const auto& element : value) {
                if (!element.is_string()) {
                    problems.push_back({key, fmt::format("must be a list of strings; it holds {}",
                                                         type_name(element))});
                    ok = false;
                    break;
                }
                if (!joined.empty()) joined += ';';
                joined += element.get<std::string>();
            }
            if (ok) fields.emplace_back(key, std::move(joined));
            continue;
        }
        problems.push_back(
            {key, fmt::format("must be a string{}; it is {}", list ? " or a list of strings" : "",
                              type_name(value))});
    }
    return fields;
}

}  // namespace caseload::jsonl
