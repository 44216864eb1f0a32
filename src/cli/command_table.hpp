#pragma once
// The command table: one entry per command group, one file each in src/cli/.
// app.cpp builds the group named on the command line (all of them when none
// is named); the completion helper (cmd_complete.cpp) builds them all.
#include "context.hpp"

namespace caseload::cli {

struct CommandGroup {
    const char* name;
    void (*add)(CLI::App&, Context&);
};

inline constexpr CommandGroup kCommandGroups[] = {
    {"init", register_init},
    {"org", register_org},
    {"service", register_service},
    {"staff", register_staff},
    {"star", register_star},
    {"options", register_options},
    {"su", register_su},
    {"id", register_id},
    {"words", register_words},
    {"report", register_report},
    {"benchmark", register_benchmark},
    {"log", register_log},
    {"db", register_db},
    {"_complete", register_complete},
};

}  // namespace caseload::cli
