#pragma once
// The command-line front end: parses arguments, calls the core, formats output.
namespace caseload::cli {

// Runs caseload with its arguments; returns the exit code of spec §5.
int run(int argc, char** argv);

}  // namespace caseload::cli
