// Placeholder: this command group is being written.
#include "context.hpp"

namespace caseload::cli {

void register_su_bulk(CLI::App&, Context&) {}

}  // namespace caseload::cli
