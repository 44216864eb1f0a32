// Placeholders for command groups still being written; each moves to its own file.
#include "context.hpp"

namespace caseload::cli {

void register_id(CLI::App&, Context&) {}
void register_words(CLI::App&, Context&) {}
void register_report(CLI::App&, Context&) {}
void register_complete(CLI::App&, Context&) {}
void register_su_records(CLI::App&, Context&) {}
void register_su_bulk(CLI::App&, Context&) {}

}  // namespace caseload::cli
