#pragma once

namespace artdag::cli {

// Parses the command line and runs the command; returns the process exit code.
int run(int argc, char** argv);

}  // namespace artdag::cli
