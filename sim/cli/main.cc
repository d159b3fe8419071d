// kafkasim: the command line. Everything happens in RunCli (sim/cli/cli.h) so tests can drive it.
#include <iostream>

#include "sim/cli/cli.h"

int main(int argc, char** argv) {
  ks::InstallInterruptHandlers();
  return ks::RunCli(argc, argv, std::cout, std::cerr);
}
