#include "caseload/cli.hpp"

int main(int argc, char** argv) { return caseload::cli::run(argc, argv); }
