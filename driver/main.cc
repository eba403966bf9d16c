// The stackc binary: everything lives in the libraries; this only hands
// over the arguments and the standard streams.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "driver/driver.h"
#include "driver/heap.h"

int main(int argc, char** argv) {
  stackc::PrepareHeap();
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = stackc::RunStackc(args, {std::cout, std::cerr, isatty(STDERR_FILENO) != 0, /*exits_after_run=*/true});
  // Static objects (the parser's ATN above all) are left to the OS rather
  // than destroyed one by one: 3% of the instructions of a small build.
  std::cout.flush();
  std::cerr.flush();
  // Not fflush(nullptr): that would also lock stdin, which the language
  // server's reading thread may hold, blocked in a read, when it exits.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}
