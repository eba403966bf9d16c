// Times each stage of the compiler on synthetic stacks of N components
// (bench/generate_stack.py): parse, check, IR build (lower + lint) and each
// backend's emission, then the whole in-memory pipeline. The stacks are read
// from --stack-dir (default: bench-stacks), and generated there when missing.
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "backends/backend.h"
#include "driver/compilation.h"
#include "driver/heap.h"
#include "frontend/load/loader.h"
#include "frontend/parse/parser.h"
#include "frontend/sema/sema.h"
#include "ir/lint.h"
#include "ir/lower.h"

namespace stackc {
namespace {

std::string g_stack_dir = "bench-stacks";

std::string StackPath(int n) { return g_stack_dir + "/bench-" + std::to_string(n) + ".stack"; }

// The text of the stack with `n` components, generated on first use.
const std::string& StackText(int n) {
  static std::map<int, std::string> texts;
  auto it = texts.find(n);
  if (it != texts.end()) return it->second;
  std::string path = StackPath(n);
  std::ifstream probe(path);
  if (!probe) {
    std::string command = "mkdir -p '" + g_stack_dir + "' && python3 '" STACKC_BENCH_GENERATOR "' " +
                          std::to_string(n) + " '" + path + "'";
    if (std::system(command.c_str()) != 0) return texts[n];
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return texts[n] = text.str();
}

// Serves the stack text from memory, so no stage includes file reading.
class MemoryReader : public FileReader {
 public:
  MemoryReader(std::string path, const std::string& text) : path_(std::move(path)), text_(text) {}
  std::optional<std::string> Read(const std::string& path) const override {
    if (path == path_) return text_;
    return std::nullopt;
  }

 private:
  std::string path_;
  const std::string& text_;
};

// One stack taken through every stage once, kept alive for the stages after.
struct Prepared {
  SourceManager sources;
  DiagnosticEngine diags;
  LoadedModules modules;
  CheckedStack checked;
  std::map<std::string, std::unique_ptr<ir::Stack>> stacks;  // by profile
  std::string error;
};

const Prepared& Prepare(int n) {
  static std::map<int, std::unique_ptr<Prepared>> cache;
  std::unique_ptr<Prepared>& slot = cache[n];
  if (slot) return *slot;
  slot = std::make_unique<Prepared>();
  Prepared& p = *slot;
  const std::string& text = StackText(n);
  if (text.empty()) {
    p.error = "cannot generate " + StackPath(n);
    return p;
  }
  MemoryReader reader(StackPath(n), text);
  p.modules = LoadStackText(StackPath(n), text, reader, p.sources, p.diags);
  if (!p.diags.HasErrors()) p.checked = Analyze(p.modules, p.diags);
  for (const std::string profile : {"", "test"}) {
    if (p.diags.HasErrors()) break;
    p.stacks[profile] = ir::Lower(p.checked, {profile, {}}, p.diags);
  }
  if (p.diags.HasErrors()) p.error = "the stack has errors: " + p.diags.diagnostics().front().message;
  return p;
}

void SetCounters(benchmark::State& state) {
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));  // components per second
}

void BM_Parse(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  const Prepared& p = Prepare(n);
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  const std::string& text = StackText(n);
  MemoryReader reader(StackPath(n), text);
  for (auto _ : state) {
    SourceManager sources;
    DiagnosticEngine diags;
    LoadedModules modules = LoadStackText(StackPath(n), text, reader, sources, diags);
    benchmark::DoNotOptimize(modules);
  }
  SetCounters(state);
}

void BM_Check(benchmark::State& state) {
  const Prepared& p = Prepare(static_cast<int>(state.range(0)));
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  for (auto _ : state) {
    DiagnosticEngine diags;
    CheckedStack checked = Analyze(p.modules, diags);
    benchmark::DoNotOptimize(checked);
  }
  SetCounters(state);
}

void BM_BuildIR(benchmark::State& state) {
  const Prepared& p = Prepare(static_cast<int>(state.range(0)));
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  for (auto _ : state) {
    DiagnosticEngine diags;
    std::unique_ptr<ir::Stack> stack = ir::Lower(p.checked, {"", {}}, diags);
    ir::Lint(*stack, diags);
    benchmark::DoNotOptimize(stack);
  }
  SetCounters(state);
}

void BM_Emit(benchmark::State& state, std::string_view target) {
  const Prepared& p = Prepare(static_cast<int>(state.range(0)));
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  std::unique_ptr<Backend> backend = FindBackend(target)->create();
  EmitOptions options;
  options.source_name = "bench.stack";
  options.stack_for_profile = [&](std::string_view profile) -> const ir::Stack* {
    auto it = p.stacks.find(std::string(profile));
    return it == p.stacks.end() ? nullptr : it->second.get();
  };
  for (auto _ : state) {
    MemorySink sink;
    DiagnosticEngine diags;
    backend->Emit(*p.stacks.at(""), options, sink, diags);
    benchmark::DoNotOptimize(sink);
  }
  SetCounters(state);
}

// What `stackc build -t all` does in memory: load, check, lower the stack and
// the test profile, emit every available target. No disk I/O.
void BM_Pipeline(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  const Prepared& p = Prepare(n);
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  MemoryReader reader(StackPath(n), StackText(n));
  for (auto _ : state) {
    Compilation compilation;
    compilation.Load(StackPath(n), reader);
    const ir::Stack* stack = compilation.StackFor("", {});
    EmitOptions options;
    options.source_name = "bench.stack";
    options.stack_for_profile = [&](std::string_view profile) -> const ir::Stack* {
      if (profile.empty()) return stack;
      if (!compilation.HasProfile(profile)) return nullptr;
      return compilation.StackFor(std::string(profile), {});
    };
    for (const BackendEntry& entry : Backends()) {
      MemorySink sink;
      compilation.Emit(*entry.create(), entry.name, "", options, sink);
      benchmark::DoNotOptimize(sink);
    }
  }
  SetCounters(state);
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int n : {10, 100, 1000, 5000}) b->Arg(n);
  b->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oN);
}

BENCHMARK(BM_Parse)->Apply(Sizes);
BENCHMARK(BM_Check)->Apply(Sizes);
BENCHMARK(BM_BuildIR)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Emit, compose, "compose")->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Emit, kubernetes, "kubernetes")->Apply(Sizes);
BENCHMARK(BM_Pipeline)->Apply(Sizes);

}  // namespace
}  // namespace stackc

int main(int argc, char** argv) {
  // The same heap as the stackc binary, so that stage times are comparable
  // with it: on a virtual machine, fresh pages cost more than the work.
  stackc::PrepareHeap();
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--stack-dir=", 0) == 0) {
      stackc::g_stack_dir = arg.substr(12);
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
