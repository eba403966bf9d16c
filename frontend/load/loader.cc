#include "frontend/load/loader.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "frontend/parse/parser.h"
#include "stdlib/stdlib.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(const FileReader& reader, SourceManager& sources, DiagnosticEngine& diags)
      : reader_(reader), sources_(sources), diags_(diags) {}

  LoadedModules Run(const std::string& path, std::optional<std::string> text) {
    if (!text) text = reader_.Read(path);
    if (!text) {
      std::error_code ec;
      std::string reason = !fs::exists(path, ec)     ? "no such file"
                           : fs::is_directory(path, ec) ? "it is a directory"
                                                        : "permission denied or not a regular file";
      diags_.Report(DiagKind::CannotReadInput, {}, fmt::format("cannot read stack file '{}': {}", path, reason));
      return std::move(result_);
    }
    result_.disk_files.push_back(path);
    Visit(Key(path), path, std::move(*text), true, {});
    return std::move(result_);
  }

 private:
  struct Frame {
    std::string key;
    std::string display;
  };

  static std::string Key(const std::string& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    return ec ? fs::path(path).lexically_normal().string() : canonical.string();
  }

  void Visit(const std::string& key, const std::string& display, std::string text, bool on_disk,
             std::vector<Frame> chain) {
    FileId file = sources_.AddFile(display, std::move(text), on_disk);
    visited_[key] = file;
    size_t index = result_.modules.size();
    result_.modules.push_back(ParseModule(file, sources_, diags_));
    chain.push_back({key, display});
    // Copy the imports: visiting appends to modules and may move this one.
    std::vector<ast::ImportDecl> imports = result_.modules[index].imports;
    for (const ast::ImportDecl& import : imports) Import(import, display, on_disk, chain);
  }

  void Import(const ast::ImportDecl& import, const std::string& from, bool from_disk,
              const std::vector<Frame>& chain) {
    std::string key, display, text;
    bool on_disk = false;
    if (import.target.starts_with("std/")) {
      std::optional<StdlibModule> module = FindStdlibModule(import.target);
      if (!module) {
        std::vector<std::string> names;
        for (const StdlibModule& m : StdlibModules()) {
          names.push_back(std::string(m.path.substr(0, m.path.size() - std::string_view(".stack").size())));
        }
        Diagnostic& d = diags_.Report(DiagKind::ImportNotFound, import.range,
                                      fmt::format("no standard module '{}'", import.target));
        std::string suggestion = ClosestMatch(import.target, names);
        if (!suggestion.empty()) {
          d.Note({}, fmt::format("did you mean '{}'?", suggestion));
          d.Fix(import.range, fmt::format("\"{}\"", suggestion));
        }
        d.Note({}, fmt::format("the standard modules are: {}", fmt::join(names, ", ")));
        return;
      }
      key = display = std::string(module->path);
      text = std::string(module->text);
    } else {
      fs::path target = import.target;
      if (target.extension() != ".stack") target += ".stack";
      fs::path base = from_disk ? fs::path(from).parent_path() : fs::path();
      fs::path path = (base / target).lexically_normal();
      key = Key(path.string());
      display = path.string();
      on_disk = true;
    }
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i].key != key) continue;
      std::string cycle;
      for (size_t j = i; j < chain.size(); ++j) cycle += chain[j].display + " -> ";
      diags_.Report(DiagKind::ImportCycle, import.range, fmt::format("import cycle: {}{}", cycle, display));
      return;
    }
    if (visited_.count(key)) return;
    if (on_disk) {
      std::optional<std::string> content = reader_.Read(display);
      if (!content) {
        diags_.Report(DiagKind::ImportNotFound, import.range,
                      fmt::format("cannot find module '{}' (looked for '{}')", import.target, display));
        return;
      }
      text = std::move(*content);
      result_.disk_files.push_back(display);
    }
    Visit(key, display, std::move(text), on_disk, chain);
  }

  const FileReader& reader_;
  SourceManager& sources_;
  DiagnosticEngine& diags_;
  LoadedModules result_;
  std::map<std::string, FileId> visited_;
};

}  // namespace

std::optional<std::string> DiskFileReader::Read(const std::string& path) const {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

LoadedModules LoadStack(const std::string& path, const FileReader& reader, SourceManager& sources,
                        DiagnosticEngine& diags) {
  return Loader(reader, sources, diags).Run(path, std::nullopt);
}

LoadedModules LoadStackText(const std::string& path, std::string text, const FileReader& reader,
                            SourceManager& sources, DiagnosticEngine& diags) {
  return Loader(reader, sources, diags).Run(path, std::move(text));
}

}  // namespace stackc
