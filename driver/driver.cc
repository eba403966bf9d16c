#include "driver/driver.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "backends/backend.h"
#include "driver/compilation.h"
#include "frontend/diag/render.h"
#include "frontend/load/loader.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVersion = "0.1.0";

struct Options {
  std::string stack;
  std::vector<std::string> targets;
  std::string output;
  std::string profile;
  std::vector<std::pair<std::string, std::string>> sets;
  std::string color = "auto";
  std::string format = "text";
};

struct UsageError {
  std::string message;
};

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;
  int (*run)(const Options&, Terminal&);
  bool takes_output;  // -t and -o
};

int RunBuild(const Options& options, Terminal& terminal);
int RunCheck(const Options& options, Terminal& terminal);

const Subcommand kSubcommands[] = {
    {"build", "compile a stack file into deployment files",
     "usage: stackc build STACK [-t TARGET]... -o DIR [--profile NAME] [--set NAME=VALUE]...\n"
     "\n"
     "Compiles STACK and writes the files of each TARGET under DIR. Nothing is\n"
     "written when the stack has errors; each file is replaced atomically.\n"
     "\n"
     "  -t, --target TARGET     compose, kubernetes, ecs or all (default: all available)\n"
     "  -o, --output DIR        directory to write into (created if missing)\n"
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
  auto value_of = [&](size_t& i, std::string_view flag) -> std::string {
    const std::string& arg = args[i];
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) return arg.substr(eq + 1);
    if (i + 1 >= args.size()) throw UsageError{fmt::format("{} needs a value", flag)};
    return args[++i];
  };
  auto is = [](const std::string& arg, std::string_view flag) {
    return arg == flag || (flag.starts_with("--") && arg.starts_with(std::string(flag) + "="));
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (command.takes_output && (arg == "-t" || is(arg, "--target"))) {
      std::string targets = value_of(i, "--target");
      std::stringstream list(targets);
      for (std::string t; std::getline(list, t, ',');) options.targets.push_back(t);
    } else if (command.takes_output && (arg == "-o" || is(arg, "--output"))) {
      options.output = value_of(i, "--output");
    } else if (is(arg, "--profile")) {
      options.profile = value_of(i, "--profile");
    } else if (is(arg, "--set")) {
      std::string assignment = value_of(i, "--set");
      size_t eq = assignment.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw UsageError{fmt::format("--set expects NAME=VALUE, got '{}'", assignment)};
      }
      options.sets.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
    } else if (is(arg, "--color")) {
      options.color = value_of(i, "--color");
      if (options.color != "auto" && options.color != "always" && options.color != "never") {
        throw UsageError{fmt::format("--color must be auto, always or never, got '{}'", options.color)};
      }
    } else if (is(arg, "--diagnostics-format")) {
      options.format = value_of(i, "--diagnostics-format");
      if (options.format != "text" && options.format != "json") {
        throw UsageError{fmt::format("--diagnostics-format must be text or json, got '{}'", options.format)};
      }
    } else if (arg.starts_with("-") && arg != "-") {
      throw UsageError{fmt::format("unknown option '{}'", arg)};
    } else if (options.stack.empty()) {
      options.stack = arg;
    } else {
      throw UsageError{fmt::format("unexpected argument '{}': one stack file at a time", arg)};
    }
  }
  if (options.stack.empty()) throw UsageError{"no stack file given"};
  if (command.takes_output && options.output.empty()) throw UsageError{"no output directory given (-o DIR)"};
  return options;
}

void PrintDiagnostics(Compilation& compilation, const Options& options, Terminal& terminal) {
  std::vector<Diagnostic> diagnostics = compilation.diags().Sorted();
  if (options.format == "json") {
    terminal.err << RenderJson(diagnostics, compilation.sources());
    return;
  }
  bool color = options.color == "always" || (options.color == "auto" && terminal.err_is_terminal);
  terminal.err << RenderText(diagnostics, compilation.sources(), color);
  std::string summary = Summary(diagnostics);
  if (!summary.empty()) terminal.err << summary << "\n";
}

// Writes `contents` to `path` through a temporary file and a rename, so a
// reader never sees half a file; an equal file is left untouched.
enum class WriteResult { Written, Unchanged };
std::optional<WriteResult> WriteAtomically(const fs::path& path, const std::string& contents, FileMode mode,
                                           std::string& error) {
  std::error_code ec;
  auto perms = mode == FileMode::Executable ? fs::perms(0755) : fs::perms(0644);
  if (fs::is_regular_file(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream existing;
    existing << in.rdbuf();
    if (in && existing.str() == contents) {
      if ((fs::status(path, ec).permissions() & fs::perms::all) != perms) fs::permissions(path, perms, ec);
      return WriteResult::Unchanged;
    }
  }
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    error = fmt::format("cannot create directory '{}': {}", path.parent_path().string(), ec.message());
    return std::nullopt;
  }
  fs::path temporary = path;
  temporary += ".stackc-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) {
      error = fmt::format("cannot write '{}'", temporary.string());
      fs::remove(temporary, ec);
      return std::nullopt;
    }
  }
  fs::permissions(temporary, perms, ec);
  fs::rename(temporary, path, ec);
  if (ec) {
    error = fmt::format("cannot replace '{}': {}", path.string(), ec.message());
    fs::remove(temporary, ec);
    return std::nullopt;
  }
  return WriteResult::Written;
}

int RunBuild(const Options& options, Terminal& terminal) {
  std::vector<const BackendEntry*> backends;
  std::vector<std::string> targets = options.targets.empty() ? std::vector<std::string>{"all"} : options.targets;
  Compilation compilation;
  for (const std::string& target : targets) {
    if (target == "all") {
      for (const BackendEntry& entry : Backends()) {
        if (entry.create) backends.push_back(&entry);
      }
      continue;
    }
    const BackendEntry* entry = FindBackend(target);
    if (!entry) {
      std::vector<std::string> names{"all"};
      for (const BackendEntry& e : Backends()) names.push_back(std::string(e.name));
      throw UsageError{fmt::format("unknown target '{}'; the targets are {}", target, fmt::join(names, ", "))};
    }
    if (!entry->create) {
      compilation.diags().Report(DiagKind::TargetNotAvailable, {},
                                 fmt::format("the {} target is not available yet in stackc {}", target, kVersion))
          .Note({}, "available targets: compose");
      PrintDiagnostics(compilation, options, terminal);
      return kExitUsage;
    }
    if (std::find(backends.begin(), backends.end(), entry) == backends.end()) backends.push_back(entry);
  }

  DiskFileReader reader;
  const ir::Stack* stack = nullptr;
  if (compilation.Load(options.stack, reader)) stack = compilation.StackFor(options.profile, options.sets);
  MemorySink sink;
  if (stack) {
    EmitOptions emit;
    emit.source_name = fs::path(options.stack).filename().string();
    emit.stack_for_profile = [&](std::string_view profile) -> const ir::Stack* {
      if (profile == options.profile) return stack;
      if (!compilation.HasProfile(profile)) return nullptr;
      return compilation.StackFor(std::string(profile), options.sets);
    };
    for (const BackendEntry* entry : backends) entry->create()->Emit(*stack, emit, sink, compilation.diags());
  }
  if (compilation.diags().HasErrors()) {
    PrintDiagnostics(compilation, options, terminal);
    return kExitInputErrors;
  }

  int status = kExitSuccess;
  for (const auto& [path, file] : sink.files()) {
    fs::path target = fs::path(options.output) / path;
    std::string error;
    std::optional<WriteResult> result = WriteAtomically(target, file.contents, file.mode, error);
    if (!result) {
      compilation.diags().Report(DiagKind::CannotWriteOutput, {}, error);
      status = kExitInputErrors;
      continue;
    }
    terminal.out << fmt::format("{} {}\n", *result == WriteResult::Written ? "wrote    " : "unchanged",
                                target.generic_string());
  }
  PrintDiagnostics(compilation, options, terminal);
  return status;
}

int RunCheck(const Options& options, Terminal& terminal) {
  Compilation compilation;
  DiskFileReader reader;
  if (compilation.Load(options.stack, reader)) {
    if (!options.profile.empty()) {
      compilation.StackFor(options.profile, options.sets);
    } else {
      compilation.StackFor("", options.sets);
      for (const std::string& profile : compilation.ProfileNames()) compilation.StackFor(profile, options.sets);
    }
  }
  PrintDiagnostics(compilation, options, terminal);
  return compilation.diags().HasErrors() ? kExitInputErrors : kExitSuccess;
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
