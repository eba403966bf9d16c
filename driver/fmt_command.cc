#include "driver/fmt_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "driver/output.h"
#include "frontend/diag/render.h"
#include "frontend/format/formatter.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadText(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

int UsageError(Terminal& terminal, const std::string& message) {
  terminal.err << fmt::format("stackc fmt: {}\n{}", message, kFmtUsage);
  return kExitUsage;
}

}  // namespace

int RunFmt(const std::vector<std::string>& args, Terminal& terminal) {
  bool check = false;
  bool to_stdout = false;
  std::string color = "auto";
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--check") {
      check = true;
    } else if (arg == "--stdout") {
      to_stdout = true;
    } else if (arg == "--color" || arg.starts_with("--color=")) {
      if (arg == "--color") {
        if (i + 1 >= args.size()) return UsageError(terminal, "--color needs a value");
        color = args[++i];
      } else {
        color = arg.substr(8);
      }
      if (color != "auto" && color != "always" && color != "never") {
        return UsageError(terminal, fmt::format("--color must be auto, always or never, got '{}'", color));
      }
    } else if (arg == "--") {
      files.insert(files.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    } else if (arg.starts_with("-") && arg != "-") {
      return UsageError(terminal, fmt::format("unknown option '{}'", arg));
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) return UsageError(terminal, "no stack file given");
  if (check && to_stdout) return UsageError(terminal, "--check and --stdout cannot be combined");

  SourceManager sources;
  DiagnosticEngine diags;
  int status = kExitSuccess;
  size_t unformatted = 0;
  for (const std::string& path : files) {
    std::optional<std::string> text = ReadText(path);
    if (!text) {
      diags.Report(DiagKind::CannotReadInput, {}, fmt::format("cannot read stack file '{}'", path));
      status = kExitInputErrors;
      continue;
    }
    FileId file = sources.AddFile(path, *text, true);
    std::optional<std::string> formatted = FormatStack(file, sources, diags);
    if (!formatted) {
      status = kExitInputErrors;
      continue;
    }
    if (to_stdout) {
      terminal.out << *formatted;
    } else if (*formatted != *text) {
      ++unformatted;
      if (check) {
        terminal.out << path << "\n";
        continue;
      }
      std::error_code ec;
      bool executable = (fs::status(path, ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
      std::string error;
      if (!WriteAtomically(path, *formatted, executable ? FileMode::Executable : FileMode::Regular, error)) {
        diags.Report(DiagKind::CannotWriteOutput, {}, error);
        status = kExitInputErrors;
        continue;
      }
      terminal.out << "formatted " << path << "\n";
    }
  }
  std::vector<Diagnostic> diagnostics = diags.Sorted();
  bool use_color = color == "always" || (color == "auto" && terminal.err_is_terminal);
  terminal.err << RenderText(diagnostics, sources, use_color);
  std::string summary = Summary(diagnostics);
  if (!summary.empty()) terminal.err << summary << "\n";
  if (check && unformatted > 0) {
    terminal.err << fmt::format("{} of {} files not formatted: run stackc fmt without --check\n", unformatted,
                                files.size());
    status = kExitInputErrors;
  }
  return status;
}

}  // namespace stackc
