#include "driver/diff_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "backends/backend.h"
#include "driver/arguments.h"
#include "driver/compilation.h"
#include "driver/output.h"
#include "frontend/diag/render.h"
#include "frontend/load/loader.h"

namespace stackc {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct DiffOptions {
  std::vector<std::string> stacks;
  std::string against;
  std::vector<std::string> targets;
  std::string profile;
  std::vector<std::pair<std::string, std::string>> sets;
  std::string format = "text";
  std::string color = "auto";
  std::string diagnostics_format = "text";
};

DiffOptions ParseDiffOptions(const std::vector<std::string>& args) {
  DiffOptions options;
  ArgumentReader reader(args);
  CommonFlags common{options.profile, options.sets, options.color, options.diagnostics_format};
  for (; !reader.Done(); reader.Next()) {
    const std::string& arg = reader.Current();
    if (ReadCommonFlag(reader, common)) continue;
    if (arg == "-t" || reader.Is("--target")) {
      std::stringstream list(reader.Value("--target"));
      for (std::string t; std::getline(list, t, ',');) options.targets.push_back(t);
    } else if (reader.Is("--against")) {
      options.against = reader.Value("--against");
    } else if (reader.Is("--format")) {
      options.format = reader.Choice("--format", {"text", "json"});
    } else if (arg.starts_with("-") && arg != "-") {
      throw UsageError{fmt::format("unknown option '{}'", arg)};
    } else {
      options.stacks.push_back(arg);
    }
  }
  if (options.against.empty() && options.stacks.size() != 2) {
    throw UsageError{options.stacks.size() < 2 ? "two stack files are needed, OLD and NEW (or STACK --against DIR)"
                                                 : "too many arguments: two stack files, OLD and NEW"};
  }
  if (!options.against.empty() && options.stacks.size() != 1) {
    throw UsageError{"--against compares one stack file with a directory"};
  }
  return options;
}

// ---------------------------------------------------------------------------
// Objects: what a target's files are made of, each under a stable key.

struct Object {
  std::string file;
  bool structured = false;
  Json value;        // when structured
  std::string text;  // otherwise
};

using Objects = std::map<std::string, Object>;

Json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node) object[entry.first.Scalar()] = ToJson(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const auto& item : node) array.push_back(ToJson(item));
      return array;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() != "?") return s;  // quoted: a string whatever it looks like
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      if (!s.empty() && s.size() < 18 &&
          std::all_of(s.begin() + (s[0] == '-' ? 1 : 0), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          s != "-") {
        return std::stoll(s);
      }
      return s;
    }
    default:
      return nullptr;
  }
}

bool IsYaml(const std::string& path) { return path.ends_with(".yaml") || path.ends_with(".yml"); }

void AddObject(Objects& objects, std::string key, Object object) {
  std::string unique = key;
  for (int n = 2; objects.count(unique); ++n) unique = fmt::format("{}#{}", key, n);
  objects.emplace(std::move(unique), std::move(object));
}

// Splits one file into objects. YAML that does not parse, or that is neither
// Kubernetes documents nor a Compose file, and JSON that does not parse are
// compared as text.
void AddFile(Objects& objects, const std::string& path, const std::string& contents) {
  if (IsYaml(path)) {
    std::vector<Json> documents;
    bool parsed = true;
    try {
      for (const YAML::Node& node : YAML::LoadAll(contents)) {
        if (!node.IsNull()) documents.push_back(ToJson(node));
      }
    } catch (const YAML::Exception&) {
      parsed = false;
    }
    if (parsed && documents.size() == 1 && documents[0].is_object() && documents[0].contains("services") &&
        documents[0]["services"].is_object()) {
      Json rest = documents[0];
      for (const char* section : {"services", "volumes"}) {
        if (!rest.contains(section) || !rest[section].is_object()) continue;
        std::string kind = std::string(section).substr(0, std::string(section).size() - 1);
        for (const auto& [name, value] : rest[section].items()) {
          AddObject(objects, fmt::format("{}: {} {}", path, kind, name), {path, true, value, {}});
        }
        rest.erase(section);
      }
      if (!rest.empty()) AddObject(objects, path, {path, true, rest, {}});
      return;
    }
    if (parsed && !documents.empty()) {
      size_t index = 0;
      for (const Json& doc : documents) {
        ++index;
        if (doc.is_object() && doc.contains("kind") && doc["kind"].is_string() && doc.contains("metadata") &&
            doc["metadata"].is_object() && doc["metadata"].contains("name") && doc["metadata"]["name"].is_string()) {
          std::string key = doc["kind"].get<std::string>() + "/";
          if (doc["metadata"].contains("namespace") && doc["metadata"]["namespace"].is_string()) {
            key += doc["metadata"]["namespace"].get<std::string>() + "/";
          }
          AddObject(objects, key + doc["metadata"]["name"].get<std::string>(), {path, true, doc, {}});
        } else {
          AddObject(objects, documents.size() == 1 ? path : fmt::format("{} (document {})", path, index),
                    {path, true, doc, {}});
        }
      }
      return;
    }
  }
  if (path.ends_with(".json")) {
    // ECS inputs: one object per file, compared by JSON path.
    Json value = Json::parse(contents, nullptr, /*allow_exceptions=*/false);
    if (!value.is_discarded()) {
      AddObject(objects, path, {path, true, std::move(value), {}});
      return;
    }
  }
  AddObject(objects, path, {path, false, {}, contents});
}

Objects ObjectsOf(const std::map<std::string, std::string>& files) {
  Objects objects;
  for (const auto& [path, contents] : files) AddFile(objects, path, contents);
  return objects;
}

// ---------------------------------------------------------------------------
// Field differences of structured objects.

struct FieldChange {
  std::string path;
  std::optional<Json> before;  // nullopt: absent
  std::optional<Json> after;
};

std::string Segment(const std::string& key) {
  bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return plain ? key : Json(key).dump();
}

std::string Join(const std::string& path, const std::string& key) {
  std::string segment = Segment(key);
  if (path.empty()) return segment;
  return path + "." + segment;
}

// Items of both lists are maps with a unique string `name`.
bool NamedItems(const Json& a, const Json& b) {
  for (const Json* list : {&a, &b}) {
    std::set<std::string> names;
    for (const Json& item : *list) {
      if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) return false;
      if (!names.insert(item["name"].get<std::string>()).second) return false;
    }
  }
  return !(a.empty() && b.empty());
}

void DiffValues(const std::string& path, const Json& before, const Json& after, std::vector<FieldChange>& out) {
  if (before == after) return;
  if (before.is_object() && after.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : before.items()) keys.insert(k);
    for (const auto& [k, v] : after.items()) keys.insert(k);
    for (const std::string& k : keys) {
      std::string sub = Join(path, k);
      bool in_before = before.contains(k), in_after = after.contains(k);
      if (in_before && in_after) {
        DiffValues(sub, before[k], after[k], out);
      } else {
        out.push_back({sub, in_before ? std::optional<Json>(before[k]) : std::nullopt,
                       in_after ? std::optional<Json>(after[k]) : std::nullopt});
      }
    }
    return;
  }
  if (before.is_array() && after.is_array()) {
    if (NamedItems(before, after)) {
      std::map<std::string, const Json*> old_items, new_items;
      for (const Json& item : before) old_items[item["name"].get<std::string>()] = &item;
      for (const Json& item : after) new_items[item["name"].get<std::string>()] = &item;
      std::set<std::string> names;
      for (const auto& [n, item] : old_items) names.insert(n);
      for (const auto& [n, item] : new_items) names.insert(n);
      for (const std::string& name : names) {
        std::string sub = path + "[" + Segment(name) + "]";
        auto o = old_items.find(name);
        auto n = new_items.find(name);
        if (o != old_items.end() && n != new_items.end()) {
          DiffValues(sub, *o->second, *n->second, out);
        } else {
          out.push_back({sub, o != old_items.end() ? std::optional<Json>(*o->second) : std::nullopt,
                         n != new_items.end() ? std::optional<Json>(*n->second) : std::nullopt});
        }
      }
      return;
    }
    size_t count = std::max(before.size(), after.size());
    for (size_t i = 0; i < count; ++i) {
      std::string sub = fmt::format("{}[{}]", path, i);
      if (i < before.size() && i < after.size()) {
        DiffValues(sub, before[i], after[i], out);
      } else {
        out.push_back({sub, i < before.size() ? std::optional<Json>(before[i]) : std::nullopt,
                       i < after.size() ? std::optional<Json>(after[i]) : std::nullopt});
      }
    }
    return;
  }
  out.push_back({path.empty() ? "(whole object)" : path, before, after});
}

// ---------------------------------------------------------------------------
// Unified line diff through a longest common subsequence.

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string UnifiedDiff(const std::string& before, const std::string& after) {
  constexpr size_t kContext = 3;
  std::vector<std::string> a = Lines(before), b = Lines(after);
  size_t n = a.size(), m = b.size();
  if (n * m > 16'000'000) return fmt::format("@@ too large to compare line by line: {} -> {} lines @@\n", n, m);
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Op {
    char kind;  // ' ', '-', '+'
    size_t old_line, new_line;
  };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i++, j});
    } else {
      ops.push_back({'+', i, j++});
    }
  }
  std::string text;
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;  // one past the last change of the hunk
    for (size_t scan = k; scan < ops.size(); ++scan) {
      if (ops[scan].kind != ' ') {
        end = scan + 1;
      } else if (scan - end >= 2 * kContext) {
        break;
      }
    }
    size_t stop = std::min(ops.size(), end + kContext);
    size_t old_count = 0, new_count = 0;
    for (size_t s = start; s < stop; ++s) {
      if (ops[s].kind != '+') ++old_count;
      if (ops[s].kind != '-') ++new_count;
    }
    size_t old_start = ops[start].old_line + (old_count ? 1 : 0);
    size_t new_start = ops[start].new_line + (new_count ? 1 : 0);
    text += fmt::format("@@ -{},{} +{},{} @@\n", old_start, old_count, new_start, new_count);
    for (size_t s = start; s < stop; ++s) {
      const std::string& line = ops[s].kind == '+' ? b[ops[s].new_line] : a[ops[s].old_line];
      text += ops[s].kind;
      text += line;
      text += '\n';
    }
    k = stop;
  }
  return text;
}

// ---------------------------------------------------------------------------
// Comparison and rendering.

struct ObjectChange {
  std::string change;  // added, removed, changed
  std::string key;
  std::string file;
  std::string moved_from;  // the old file, when the object moved
  std::vector<FieldChange> fields;
  std::string diff;  // unified diff, for text objects
};

struct TargetDiff {
  std::string target;
  std::vector<ObjectChange> changes;
};

TargetDiff Compare(const std::string& target, const Objects& before, const Objects& after) {
  TargetDiff result{target, {}};
  std::set<std::string> keys;
  for (const auto& [k, o] : before) keys.insert(k);
  for (const auto& [k, o] : after) keys.insert(k);
  for (const std::string& key : keys) {
    auto o = before.find(key);
    auto n = after.find(key);
    if (o == before.end()) {
      result.changes.push_back({"added", key, n->second.file, {}, {}, {}});
      continue;
    }
    if (n == after.end()) {
      result.changes.push_back({"removed", key, o->second.file, {}, {}, {}});
      continue;
    }
    ObjectChange change{"changed", key, n->second.file, {}, {}, {}};
    if (o->second.file != n->second.file) change.moved_from = o->second.file;
    if (o->second.structured && n->second.structured) {
      DiffValues("", o->second.value, n->second.value, change.fields);
    } else if (!o->second.structured && !n->second.structured) {
      if (o->second.text != n->second.text) change.diff = UnifiedDiff(o->second.text, n->second.text);
    } else {
      change.diff = "(changed between structured YAML and text)\n";
    }
    if (!change.fields.empty() || !change.diff.empty() || !change.moved_from.empty()) {
      result.changes.push_back(std::move(change));
    }
  }
  return result;
}

std::string Dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Shown(const std::optional<Json>& value) { return value ? Dump(*value) : "(none)"; }

struct Palette {
  bool on = false;
  std::string Paint(std::string_view code, const std::string& text) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
  }
};

std::string RenderText(const std::vector<TargetDiff>& targets, const Palette& palette) {
  std::string text;
  size_t total = 0;
  for (const TargetDiff& target : targets) {
    size_t added = 0, removed = 0, changed = 0;
    for (const ObjectChange& c : target.changes) {
      (c.change == "added" ? added : c.change == "removed" ? removed : changed)++;
    }
    total += target.changes.size();
    if (target.changes.empty()) {
      text += fmt::format("{}: no changes\n", target.target);
      continue;
    }
    text += fmt::format("{}: {} added, {} removed, {} changed\n", target.target, added, removed, changed);
    for (const ObjectChange& c : target.changes) {
      std::string code = c.change == "added" ? "32" : c.change == "removed" ? "31" : "33";
      std::string where = c.key.starts_with(c.file) ? "" : fmt::format("  ({})", c.file);
      text += fmt::format("  {} {}{}\n", palette.Paint(code, fmt::format("{:<7}", c.change)), c.key, where);
      if (!c.moved_from.empty()) text += fmt::format("      moved from {}\n", c.moved_from);
      for (const FieldChange& f : c.fields) {
        text += fmt::format("      {}: {} -> {}\n", f.path, Shown(f.before), Shown(f.after));
      }
      for (const std::string& line : Lines(c.diff)) {
        std::string painted = line;
        if (line.starts_with("+")) painted = palette.Paint("32", line);
        if (line.starts_with("-")) painted = palette.Paint("31", line);
        if (line.starts_with("@@")) painted = palette.Paint("36", line);
        text += "      " + painted + "\n";
      }
    }
  }
  text += total == 0 ? "no changes\n" : fmt::format("{} object{} changed\n", total, total == 1 ? "" : "s");
  return text;
}

std::string RenderJsonDiff(const std::vector<TargetDiff>& targets) {
  Json root = Json::object();
  Json list = Json::array();
  size_t total = 0;
  for (const TargetDiff& target : targets) {
    Json t = {{"target", target.target}, {"objects", Json::array()}};
    size_t added = 0, removed = 0, changed = 0;
    for (const ObjectChange& c : target.changes) {
      (c.change == "added" ? added : c.change == "removed" ? removed : changed)++;
      Json object = {{"change", c.change}, {"key", c.key}, {"file", c.file}};
      if (!c.moved_from.empty()) object["moved_from"] = c.moved_from;
      if (c.change == "changed") {
        Json fields = Json::array();
        for (const FieldChange& f : c.fields) {
          Json field = {{"path", f.path}};
          if (f.before) field["old"] = *f.before;
          if (f.after) field["new"] = *f.after;
          fields.push_back(std::move(field));
        }
        object["fields"] = std::move(fields);
        if (!c.diff.empty()) object["diff"] = c.diff;
      }
      t["objects"].push_back(std::move(object));
    }
    t["added"] = added;
    t["removed"] = removed;
    t["changed"] = changed;
    total += target.changes.size();
    list.push_back(std::move(t));
  }
  root["changes"] = total;
  root["targets"] = std::move(list);
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// ---------------------------------------------------------------------------
// The two sides.

using TargetFiles = std::map<std::string, std::map<std::string, std::string>>;

void PrintDiagnostics(Compilation& compilation, const DiffOptions& options, Terminal& terminal) {
  bool color = options.color == "always" || (options.color == "auto" && terminal.err_is_terminal);
  terminal.err << compilation.RenderDiagnostics(options.diagnostics_format, color);
}

// Compiles `path` for every backend into memory. Diagnostics are printed
// only when the stack has errors: both sides would repeat the same warnings.
bool CompileSide(const std::string& path, const std::string& source_name,
                 const std::vector<const BackendEntry*>& backends, const DiffOptions& options, TargetFiles& files,
                 Terminal& terminal) {
  Compilation compilation;
  DiskFileReader reader;
  compilation.set_primary_profile(options.profile);
  const ir::Stack* stack = nullptr;
  if (compilation.Load(path, reader)) stack = compilation.StackFor(options.profile, options.sets);
  if (stack) {
    for (const auto& [name, generated] : compilation.EmitAll(backends, options.profile, options.sets, source_name)) {
      auto& target = files[name];
      for (const auto& [file, contents] : generated) target[file] = contents.contents;
    }
  }
  if (!stack || compilation.diags().HasErrors()) {
    PrintDiagnostics(compilation, options, terminal);
    return false;
  }
  return true;
}

std::optional<std::string> ReadText(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What DIR holds of the files the build would write and of those its
// manifest lists, for the targets being compared.
TargetFiles ReadDirectory(const fs::path& directory, const TargetFiles& generated) {
  TargetFiles files;
  std::map<std::string, std::set<std::string>> paths;
  for (const auto& [target, contents] : generated) {
    for (const auto& [path, text] : contents) paths[target].insert(path);
  }
  for (const auto& [target, path] : Manifest::Read(directory).entries) {
    if (generated.count(target)) paths[target].insert(path);
  }
  for (const auto& [target, list] : paths) {
    auto& side = files[target];
    for (const std::string& path : list) {
      if (std::optional<std::string> text = ReadText(directory / path)) side[path] = *text;
    }
  }
  return files;
}

std::vector<const BackendEntry*> SelectBackends(const DiffOptions& options) {
  TargetSelection selection = SelectTargets(options.targets);
  return selection.backends;
}

}  // namespace

int RunDiff(const std::vector<std::string>& args, Terminal& terminal) {
  DiffOptions options;
  std::vector<const BackendEntry*> backends;
  try {
    options = ParseDiffOptions(args);
    backends = SelectBackends(options);
  } catch (const UsageError& problem) {
    terminal.err << fmt::format("stackc diff: {}\n{}", problem.message, kDiffUsage);
    return kExitUsage;
  }

  const std::string& new_stack = options.stacks.back();
  std::string source_name = fs::path(new_stack).filename().string();
  TargetFiles before, after;
  bool ok = CompileSide(new_stack, source_name, backends, options, after, terminal);
  if (options.against.empty()) {
    ok = CompileSide(options.stacks.front(), source_name, backends, options, before, terminal) && ok;
  } else {
    std::error_code ec;
    if (!fs::is_directory(options.against, ec)) {
      terminal.err << fmt::format("stackc diff: '{}' is not a directory\n", options.against);
      return kExitUsage;
    }
    if (ok) before = ReadDirectory(options.against, after);
  }
  if (!ok) return kExitUsage;

  std::vector<TargetDiff> targets;
  bool changed = false;
  for (const BackendEntry* entry : backends) {
    std::string name(entry->name);
    targets.push_back(Compare(name, ObjectsOf(before[name]), ObjectsOf(after[name])));
    changed = changed || !targets.back().changes.empty();
  }
  if (options.format == "json") {
    terminal.out << RenderJsonDiff(targets);
  } else {
    terminal.out << RenderText(targets, Palette{options.color == "always"});
  }
  return changed ? kExitInputErrors : kExitSuccess;
}

}  // namespace stackc
