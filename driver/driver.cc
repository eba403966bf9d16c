#include "driver/driver.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "backends/backend.h"
#include "driver/arguments.h"
#include "driver/compilation.h"
#include "driver/diff_command.h"
#include "driver/fmt_command.h"
#include "driver/output.h"
#include "frontend/diag/render.h"
#include "frontend/load/loader.h"
#include "ir/graph_text.h"
#include "lsp/server.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVersion = STACKC_VERSION;

struct Options {
  std::string stack;
  std::vector<std::string> targets;
  std::string output;
  std::string profile;
  std::vector<std::pair<std::string, std::string>> sets;
  std::string depfile;
  bool check = false;      // compare with DIR, write nothing
  bool to_stdout = false;  // print the files instead of writing them
  bool prune = false;      // remove files earlier builds wrote and this one does not
  std::string color = "auto";
  std::string format = "text";        // of diagnostics
  std::string graph_format = "dot";
};


struct Subcommand {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;
  int (*run)(const Options&, Terminal&);
  bool takes_output;  // -t and -o
  /// For commands whose arguments are not one stack file and the common
  /// options (fmt takes several files): called instead of `run` with the
  /// arguments after the command name. It throws nothing; it reports usage
  /// errors itself and returns kExitUsage.
  int (*run_arguments)(const std::vector<std::string>&, Terminal&) = nullptr;
};

int RunBuild(const Options& options, Terminal& terminal);
using FileChecks = std::unordered_map<const MemorySink::File*, FileCheck>;
int CheckOutputs(const Options& options, const GeneratedFiles& generated, const FileChecks& checks,
                 Terminal& terminal);
int WriteOutputs(const Options& options, const GeneratedFiles& generated, const FileChecks& checks,
                 const StatCache& cache, Compilation& compilation, Terminal& terminal);
std::string Shown(const Options& options, const std::string& relative);
int RunCheck(const Options& options, Terminal& terminal);
int RunGraph(const Options& options, Terminal& terminal);

constexpr std::string_view kLspUsage =
    "usage: stackc lsp [--stdio]\n"
    "\n"
    "Runs the language server on standard input and output, for editors: it\n"
    "publishes the diagnostics of `stackc check` as a stack file is edited, formats\n"
    "it as `stackc fmt` does, and answers hover, go-to-definition, completion and\n"
    "outline requests.\n"
    "--stdio, which editors pass, is the only transport and may be left out.\n";

int RunLsp(const std::vector<std::string>& args, Terminal& terminal) {
  for (const std::string& arg : args) {
    if (arg == "--stdio") continue;
    terminal.err << fmt::format("stackc lsp: unexpected argument '{}'\n{}", arg, kLspUsage);
    return kExitUsage;
  }
  return lsp::Serve(std::cin, terminal.out);
}

const Subcommand kSubcommands[] = {
    {"build", "compile a stack file into deployment files",
     "usage: stackc build STACK [-t TARGET]... -o DIR [--profile NAME] [--set NAME=VALUE]...\n"
     "\n"
     "Compiles STACK and writes the files of each TARGET under DIR. Nothing is\n"
     "written when the stack has errors; each file is replaced atomically and\n"
     "only when its contents change.\n"
     "\n"
     "  -t, --target TARGET     compose, kubernetes, ecs, ci or all (default: all)\n"
     "  -o, --output DIR        directory to write into (created if missing)\n"
     "  --check                 write nothing; exit 1 listing files that are missing,\n"
     "                          stale or extra compared with what a build would write\n"
     "  --stdout                print every file, each after a '==> PATH <==' line\n"
     "  --prune                 remove files an earlier build wrote that this one does not\n"
     "  --depfile FILE          write a Make depfile: FILE and every output depend on\n"
     "                          the stack file and every module it imports from disk;\n"
     "                          FILE is rewritten on every build (a stamp for make)\n"
     "  --profile NAME          apply the overrides of profile NAME\n"
     "  --set NAME=VALUE        set param NAME; beats defaults and profiles\n"
     "  --color WHEN            auto, always or never (default: auto)\n"
     "  --diagnostics-format F  text or json (default: text)\n",
     &RunBuild, true},
    {"check", "report diagnostics and lints without writing anything",
     "usage: stackc check STACK [--profile NAME] [--set NAME=VALUE]...\n"
     "\n"
     "Checks STACK and prints every error and warning. Without --profile it\n"
     "checks the stack as it is and under each of its profiles.\n"
     "\n"
     "  --profile NAME          check only with profile NAME applied\n"
     "  --set NAME=VALUE        set param NAME\n"
     "  --color WHEN            auto, always or never (default: auto)\n"
     "  --diagnostics-format F  text or json (default: text)\n",
     &RunCheck, false},
    {"graph", "print the dependency graph as Graphviz DOT or as a deploy order",
     "usage: stackc graph STACK [--format dot|text] [--profile NAME] [--set NAME=VALUE]...\n"
     "\n"
     "Prints the components of STACK and the edges between them, labelled with\n"
     "why each exists (a reference, needs, before, after, a balancer route).\n"
     "Render the DOT form with Graphviz: stackc graph STACK | dot -Tsvg > graph.svg\n"
     "\n"
     "  --format F              dot (default) or text, the deploy order\n"
     "  --profile NAME          apply the overrides of profile NAME\n"
     "  --set NAME=VALUE        set param NAME\n"
     "  --color WHEN            auto, always or never (default: auto)\n"
     "  --diagnostics-format F  text or json (default: text)\n",
     &RunGraph, false},
    {"fmt", "format stack files in the canonical layout", kFmtUsage, nullptr, false, &RunFmt},
    {"diff", "show what a change to a stack file does to the deployment", kDiffUsage, nullptr, false, &RunDiff},
    {"lsp", "run the language server (for editors) on standard input and output", kLspUsage, nullptr, false,
     &RunLsp},
};

std::string MainUsage() {
  std::string text =
      "usage: stackc <command> [options]\n"
      "\n"
      "stackc compiles a stack file, one description of an application's\n"
      "deployment, into Docker Compose, Kubernetes and ECS files.\n"
      "\n"
      "commands:\n";
  for (const Subcommand& s : kSubcommands) text += fmt::format("  {:<8} {}\n", s.name, s.summary);
  text +=
      "\n"
      "Run 'stackc <command> --help' for a command's options; 'stackc --version'\n"
      "prints the version.\n"
      "\n"
      "exit status: 0 success, 1 errors in the input, 2 usage errors\n";
  return text;
}

Options ParseOptions(const Subcommand& command, const std::vector<std::string>& args) {
  Options options;
  ArgumentReader reader(args);
  CommonFlags common{options.profile, options.sets, options.color, options.format};
  for (; !reader.Done(); reader.Next()) {
    const std::string& arg = reader.Current();
    if (ReadCommonFlag(reader, common)) continue;
    if (command.takes_output && (arg == "-t" || reader.Is("--target"))) {
      std::stringstream list(reader.Value("--target"));
      for (std::string t; std::getline(list, t, ',');) options.targets.push_back(t);
    } else if (command.takes_output && (arg == "-o" || reader.Is("--output"))) {
      options.output = reader.Value("--output");
    } else if (command.takes_output && reader.Is("--depfile")) {
      options.depfile = reader.Value("--depfile");
    } else if (command.takes_output && arg == "--check") {
      options.check = true;
    } else if (command.takes_output && arg == "--stdout") {
      options.to_stdout = true;
    } else if (command.takes_output && arg == "--prune") {
      options.prune = true;
    } else if (command.run == &RunGraph && reader.Is("--format")) {
      options.graph_format = reader.Choice("--format", {"dot", "text"});
    } else if (arg.starts_with("-") && arg != "-") {
      throw UsageError{fmt::format("unknown option '{}'", arg)};
    } else if (options.stack.empty()) {
      options.stack = arg;
    } else {
      throw UsageError{fmt::format("unexpected argument '{}': one stack file at a time", arg)};
    }
  }
  if (options.stack.empty()) throw UsageError{"no stack file given"};
  if (command.takes_output && options.output.empty() && !options.to_stdout) {
    throw UsageError{"no output directory given (-o DIR, or --stdout)"};
  }
  if (options.check && (options.to_stdout || options.prune || !options.depfile.empty())) {
    throw UsageError{"--check writes nothing; it cannot be combined with --stdout, --prune or --depfile"};
  }
  if (options.to_stdout && (options.prune || !options.depfile.empty())) {
    throw UsageError{"--stdout writes no files; it cannot be combined with --prune or --depfile"};
  }
  return options;
}

// Like clang's -disable-free: when the process is about to exit, the
// compilation (syntax trees, checked stack, the IR of each profile) and the
// generated files are left to the OS rather than destroyed node by node,
// which was about 4% of the instructions of a large build. Only on the
// normal way out of the stackc binary (Terminal::exits_after_run); a caller
// that lives on, such as a test or the language server, frees them.
template <typename T>
void LeaveToExit(std::unique_ptr<T>& object, const Terminal& terminal) {
  if (terminal.exits_after_run) static_cast<void>(object.release());
}

void PrintDiagnostics(Compilation& compilation, const Options& options, Terminal& terminal) {
  bool color = options.color == "always" || (options.color == "auto" && terminal.err_is_terminal);
  terminal.err << compilation.RenderDiagnostics(options.format, color);
}

int RunBuild(const Options& options, Terminal& terminal) {
  TargetSelection selection = SelectTargets(options.targets);
  auto owned_compilation = std::make_unique<Compilation>();
  Compilation& compilation = *owned_compilation;
  const std::vector<const BackendEntry*>& backends = selection.backends;

  DiskFileReader reader;
  const ir::Stack* stack = nullptr;
  compilation.set_primary_profile(options.profile);
  if (compilation.Load(options.stack, reader)) stack = compilation.StackFor(options.profile, options.sets);
  auto owned_generated = std::make_unique<GeneratedFiles>();
  GeneratedFiles& generated = *owned_generated;
  // Each file is compared with the disk while the files after it are
  // generated; --stdout does not look at the disk.
  std::optional<DiskComparer> comparer;
  StatCache cache;
  if (stack) {
    EmitAllOptions emit;
    emit.free_syntax = true;
    if (!options.to_stdout) {
      cache = StatCache::Read(options.output);
      comparer.emplace(&cache);
      emit.on_generated = [&](const std::string&, const std::string& path, const MemorySink::File& file) {
        comparer->Add(Shown(options, path), path, file);
      };
    }
    generated = compilation.EmitAll(backends, options.profile, options.sets, fs::path(options.stack).filename().string(),
                                    emit);
  }
  FileChecks checks;
  if (comparer) checks = comparer->Finish();
  if (compilation.diags().HasErrors()) {
    PrintDiagnostics(compilation, options, terminal);
    return kExitInputErrors;
  }
  if (options.to_stdout) {
    terminal.out << RenderFramed(generated);
    PrintDiagnostics(compilation, options, terminal);
    return kExitSuccess;
  }
  int status = options.check ? CheckOutputs(options, generated, checks, terminal)
                             : WriteOutputs(options, generated, checks, cache, compilation, terminal);
  PrintDiagnostics(compilation, options, terminal);
  LeaveToExit(owned_compilation, terminal);
  LeaveToExit(owned_generated, terminal);
  return status;
}

// DIR/PATH as fs::path's operator/ joins them, without building a path:
// a rebuild names every file it compares.
std::string Shown(const Options& options, const std::string& relative) {
  const std::string& directory = options.output;
  if (directory.empty() || relative.starts_with('/')) return (fs::path(directory) / relative).generic_string();
  std::string joined;
  joined.reserve(directory.size() + 1 + relative.size());
  joined += directory;
  if (directory.back() != '/') joined += '/';
  joined += relative;
  return joined;
}

// Files of the targets being built that an earlier build wrote and this one
// does not produce.
std::set<std::pair<std::string, std::string>> NoLongerProduced(const Manifest& manifest,
                                                               const GeneratedFiles& generated) {
  std::set<std::pair<std::string, std::string>> stale;
  for (const auto& [target, path] : manifest.entries) {
    auto files = generated.find(target);
    if (files != generated.end() && !files->second.count(path)) stale.emplace(target, path);
  }
  return stale;
}

int CheckOutputs(const Options& options, const GeneratedFiles& generated, const FileChecks& checks,
                 Terminal& terminal) {
  std::vector<std::string> problems;
  for (const auto& [target, files] : generated) {
    for (const auto& [path, file] : files) {
      switch (checks.at(&file).state) {
        case FileState::Current: break;
        case FileState::Missing: problems.push_back("missing: " + Shown(options, path)); break;
        case FileState::Stale: problems.push_back("stale:   " + Shown(options, path)); break;
      }
    }
  }
  for (const auto& [target, path] : NoLongerProduced(Manifest::Read(options.output), generated)) {
    std::error_code ec;
    if (fs::exists(fs::path(options.output) / path, ec)) problems.push_back("extra:   " + Shown(options, path));
  }
  std::sort(problems.begin(), problems.end(), [](const std::string& a, const std::string& b) {
    return a.substr(9) < b.substr(9);
  });
  for (const std::string& problem : problems) terminal.out << problem << "\n";
  if (problems.empty()) {
    terminal.out << fmt::format("{} is up to date\n", options.output);
    return kExitSuccess;
  }
  terminal.out << fmt::format("{} is out of date: run stackc build without --check\n", options.output);
  return kExitInputErrors;
}

int WriteOutputs(const Options& options, const GeneratedFiles& generated, const FileChecks& checks,
                 const StatCache& cache, Compilation& compilation, Terminal& terminal) {
  int status = kExitSuccess;
  auto fail = [&](std::string error) {
    compilation.diags().Report(DiagKind::CannotWriteOutput, {}, std::move(error));
    status = kExitInputErrors;
  };
  fs::path directory = options.output;
  Manifest manifest = Manifest::Read(directory);
  Manifest updated;
  StatCache seen;
  std::vector<std::string> outputs;
  for (const auto& [target, files] : generated) {
    for (const auto& [path, file] : files) {
      std::string shown = Shown(options, path);
      outputs.push_back(shown);
      updated.entries.emplace_hint(updated.entries.end(), target, path);
      const FileCheck& check = checks.at(&file);
      if (check.state == FileState::Current) {
        terminal.out << "unchanged " << shown << "\n";
        seen.entries.insert_or_assign(path, StatCache::Entry{check.stamp, check.hash});
        continue;
      }
      std::string error;
      if (!WriteAtomically(shown, file.contents, file.mode, error)) {
        fail(error);
        continue;
      }
      if (std::optional<DiskStamp> stamp = StampOf(shown.c_str())) {
        seen.entries.insert_or_assign(path, StatCache::Entry{*stamp, check.hash});
      }
      terminal.out << "wrote     " << shown << "\n";
    }
  }
  for (const auto& entry : manifest.entries) {
    if (generated.count(entry.first)) continue;
    // A target not built this time keeps its files and what was seen of them.
    updated.entries.insert(entry);
    if (const StatCache::Entry* known = cache.Trusted(entry.second)) seen.entries.emplace(entry.second, *known);
  }
  for (const auto& entry : NoLongerProduced(manifest, generated)) {
    fs::path leftover = directory / entry.second;
    std::error_code ec;
    if (!fs::exists(leftover, ec)) continue;
    if (!options.prune) {
      terminal.out << "obsolete  " << Shown(options, entry.second) << " (no longer produced; --prune removes it)\n";
      updated.entries.insert(entry);
      continue;
    }
    if (!fs::remove(leftover, ec) || ec) {
      fail(fmt::format("cannot remove '{}': {}", leftover.string(), ec.message()));
      updated.entries.insert(entry);
      continue;
    }
    terminal.out << "removed   " << Shown(options, entry.second) << "\n";
  }
  if (status == kExitSuccess) {
    std::string error;
    MemorySink::File manifest_file{updated.Render(), FileMode::Regular};
    if (CompareWithDisk(directory / Manifest::kFileName, manifest_file) != FileState::Current &&
        !WriteAtomically(directory / Manifest::kFileName, manifest_file.contents, FileMode::Regular, error)) {
      fail(error);
    }
  }
  // The cache is written when anything in it changed (or was too recent
  // to trust), and not otherwise.
  if (status == kExitSuccess && (seen.entries != cache.entries || cache.has_racy_entries())) {
    std::string error;
    if (!WriteAtomically(directory / StatCache::kFileName, seen.Render(), FileMode::Regular, error)) fail(error);
  }
  if (!options.depfile.empty() && status == kExitSuccess) {
    // The depfile is a target of its own rule and is written on every
    // successful build, unlike the outputs: its time stamp tells make the
    // build ran, so a Makefile rule on it reruns only when an input changed
    // even though unchanged outputs keep their old times.
    outputs.insert(outputs.begin(), fs::path(options.depfile).generic_string());
    std::string error;
    if (!WriteAtomically(options.depfile, RenderDepfile(outputs, compilation.modules().disk_files),
                         FileMode::Regular, error)) {
      fail(error);
    }
  }
  return status;
}

int RunCheck(const Options& options, Terminal& terminal) {
  auto owned_compilation = std::make_unique<Compilation>();
  Compilation& compilation = *owned_compilation;
  DiskFileReader reader;
  compilation.set_primary_profile(options.profile);
  if (compilation.Load(options.stack, reader)) {
    compilation.CheckProfiles(options.profile, options.sets, fs::path(options.stack).filename().string());
  }
  PrintDiagnostics(compilation, options, terminal);
  int status = compilation.diags().HasErrors() ? kExitInputErrors : kExitSuccess;
  LeaveToExit(owned_compilation, terminal);
  return status;
}

int RunGraph(const Options& options, Terminal& terminal) {
  Compilation compilation;
  DiskFileReader reader;
  const ir::Stack* stack = nullptr;
  if (compilation.Load(options.stack, reader)) stack = compilation.StackFor(options.profile, options.sets);
  PrintDiagnostics(compilation, options, terminal);
  if (!stack) return kExitInputErrors;
  terminal.out << (options.graph_format == "dot" ? ir::ToDot(*stack) : ir::DeployOrderText(*stack));
  return kExitSuccess;
}

}  // namespace

int RunStackc(const std::vector<std::string>& args, Terminal terminal) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? terminal.err : terminal.out) << MainUsage();
    return args.empty() ? kExitUsage : kExitSuccess;
  }
  if (args[0] == "--version") {
    terminal.out << "stackc " << kVersion << "\n";
    return kExitSuccess;
  }
  for (const Subcommand& command : kSubcommands) {
    if (command.name != args[0]) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
        std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
      terminal.out << command.usage;
      return kExitSuccess;
    }
    if (command.run_arguments) return command.run_arguments(rest, terminal);
    try {
      Options options = ParseOptions(command, rest);
      return command.run(options, terminal);
    } catch (const UsageError& e) {
      terminal.err << fmt::format("stackc {}: {}\n{}", command.name, e.message, command.usage);
      return kExitUsage;
    }
  }
  terminal.err << fmt::format("stackc: unknown command '{}'\n{}", args[0], MainUsage());
  return kExitUsage;
}

}  // namespace stackc
