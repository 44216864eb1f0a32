// Placeholder: this command group is being written.
#include "context.hpp"

namespace caseload::cli {

void register_complete(CLI::App&, Context&) {}

}  // namespace caseload::cli
