// su import (spec §6): the streaming import (src/core/import/stream.cpp; its
// stages in src/core/import/stages.hpp).
#include "caseload/import.hpp"

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
    return importer::import_streaming(reg, actor, std::move(input), input_size, options, hooks);
}

}  // namespace caseload
