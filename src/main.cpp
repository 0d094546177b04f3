#include "cli/cli.h"

int main(int argc, char** argv) { return artdag::cli::run(argc, argv); }
