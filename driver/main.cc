// The stackc binary: everything lives in the libraries; this only hands
// over the arguments and the standard streams.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "driver/driver.h"
#include "driver/heap.h"

int main(int argc, char** argv) {
  stackc::PrepareHeap();
  std::vector<std::string> args(argv + 1, argv + argc);
  return stackc::RunStackc(args, {std::cout, std::cerr, isatty(STDERR_FILENO) != 0, /*exits_after_run=*/true});
}
