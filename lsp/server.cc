#include "lsp/server.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <istream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <ostream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "driver/compilation.h"
#include "frontend/diag/render.h"
#include "frontend/format/formatter.h"
#include "frontend/sema/schema.h"
#include "lsp/completion.h"
#include "lsp/protocol.h"

namespace stackc::lsp {
namespace {

using nlohmann::json;

// JSON-RPC and LSP error codes.
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kServerNotInitialized = -32002;

struct RpcError {
  int code;
  std::string message;
};

// Open documents are read from memory, everything else from disk, so that
// a module imported by the stack being edited is checked as it is in the
// editor.
class DocumentReader : public FileReader {
 public:
  explicit DocumentReader(std::map<std::string, const std::string*> open) : open_(std::move(open)) {}
  std::optional<std::string> Read(const std::string& path) const override {
    auto it = open_.find(path);
    if (it != open_.end()) return *it->second;
    return disk_.Read(path);
  }

 private:
  std::map<std::string, const std::string*> open_;
  DiskFileReader disk_;
};

std::string PathOf(const std::string& uri) { return PathOfUri(uri).value_or(uri); }

int SeverityOf(Severity severity) {
  switch (severity) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    case Severity::Note: return 3;
  }
  return 1;
}

// What the cursor is on, found by walking the syntax tree of the document.
struct Target {
  enum Kind { None, ComponentName, TemplateName, ParamName, Attribute, Property } kind = None;
  const ast::Ident* ident = nullptr;   // under the cursor
  std::string name;                    // the component, template or param it names
  std::string attribute;               // Attribute: the part after the component
  std::optional<ast::ComponentKind> component_kind;  // Property: of the enclosing component
};

Target Named(Target::Kind kind, const ast::Ident& ident, std::string name, std::string attribute = {},
             std::optional<ast::ComponentKind> component_kind = {}) {
  return {kind, &ident, std::move(name), std::move(attribute), component_kind};
}

bool Contains(const SourceRange& range, FileId file, uint32_t offset) {
  return range.file == file && range.begin <= offset && offset <= range.end;
}

class TargetFinder {
 public:
  TargetFinder(FileId file, uint32_t offset) : file_(file), offset_(offset) {}

  Target Find(const ast::Module& module) {
    for (const ast::ComponentDecl& c : module.components) {
      if (Hit(c.name)) return Named(Target::ComponentName, c.name, c.name.name);
      if (c.base && Hit(*c.base)) return Named(Target::TemplateName, *c.base, c.base->name);
      Walk(c.body, c.kind);
    }
    for (const ast::TemplateDecl& t : module.templates) {
      if (Hit(t.name)) return Named(Target::TemplateName, t.name, t.name.name);
      if (Hit(t.base)) return Named(Target::TemplateName, t.base, t.base.name);
      Walk(t.body, std::nullopt);
    }
    for (const ast::ParamDecl& p : module.params) {
      if (Hit(p.name)) return Named(Target::ParamName, p.name, p.name.name);
      if (p.default_value) Walk(*p.default_value);
    }
    for (const ast::ProfileDecl& profile : module.profiles) {
      for (const ast::Override& o : profile.overrides) {
        WalkPath(o.path);
        if (o.value) Walk(*o.value);
      }
    }
    for (const ast::SettingsDecl& s : module.settings) Walk(s.body, std::nullopt);
    return found_;
  }

 private:
  bool Hit(const ast::Ident& ident) const { return Contains(ident.range, file_, offset_); }

  void Walk(const ast::Block& block, std::optional<ast::ComponentKind> kind) {
    for (const ast::Member& member : block.members) {
      if (found_.kind != Target::None) return;
      if (Hit(member.name)) {
        found_ = Named(Target::Property, member.name, member.name.name, "", kind);
        return;
      }
      if (member.value) Walk(*member.value);
      // A nested block (a target's own settings) is not the component's.
      if (member.block) Walk(*member.block, std::nullopt);
    }
  }

  void Walk(const ast::Expr& expr) {
    if (found_.kind != Target::None || !Contains(expr.range, file_, offset_)) return;
    WalkPath(expr.path);
    for (const ast::StringPart& part : expr.parts) WalkPath(part.path);
    for (const ast::ExprPtr& item : expr.items) Walk(*item);
    for (const ast::MapEntry& entry : expr.entries) Walk(*entry.value);
  }

  // `name.attribute`, `name`, `self.x`: the first part names a component or
  // a param.
  void WalkPath(const std::vector<ast::Ident>& path) {
    if (found_.kind != Target::None || path.empty() || path[0].name == "self") return;
    for (size_t i = 0; i < path.size(); ++i) {
      if (!Hit(path[i])) continue;
      if (i == 0) {
        found_ = Named(Target::ComponentName, path[0], path[0].name);
      } else {
        found_ = Named(Target::Attribute, path[i], path[0].name, path[i].name);
      }
      return;
    }
  }

  FileId file_;
  uint32_t offset_;
  Target found_;
};

// A declaration somewhere in the loaded modules.
struct Declaration {
  const ast::Ident* name = nullptr;
  std::string summary;  // "app web", "param tag: string", "template rails: app"
  std::optional<ast::ComponentKind> kind;
};

// Components, params and templates share one namespace across a stack's
// modules, so the first declaration of the name is the one.
std::optional<Declaration> Declared(const LoadedModules& modules, const SourceManager& sources,
                                    const Target& target) {
  for (const ast::Module& module : modules.modules) {
    for (const ast::ComponentDecl& c : module.components) {
      if (c.name.name != target.name) continue;
      std::string summary = fmt::format("{} {}", ast::KindName(c.kind), c.name.name);
      if (c.base) summary += " : " + c.base->name;
      return Declaration{&c.name, summary, c.kind};
    }
    for (const ast::ParamDecl& p : module.params) {
      // As written: the name, its type and its default.
      if (p.name.name == target.name) {
        std::string_view text = sources.text(p.range.file);
        return Declaration{&p.name, std::string(text.substr(p.range.begin, p.range.end - p.range.begin)), {}};
      }
    }
    for (const ast::TemplateDecl& t : module.templates) {
      if (t.name.name == target.name) {
        return Declaration{&t.name, fmt::format("template {} : {}", t.name.name, t.base.name), {}};
      }
    }
  }
  return std::nullopt;
}

// Whether `compilation` read the file at `path` as one of its imports.
bool Imports(const Compilation& compilation, const std::string& path) {
  const auto& modules = compilation.modules().modules;
  return std::any_of(modules.begin() + (modules.empty() ? 0 : 1), modules.end(),
                     [&](const ast::Module& m) { return compilation.sources().name(m.file) == path; });
}

// A file without a `stack` declaration is a module, checked only through
// the stacks that import it (alone, it would be told it lacks one).
bool IsModule(const Compilation& compilation) {
  const auto& modules = compilation.modules().modules;
  return !modules.empty() && modules[0].stacks.empty();
}

}  // namespace

Server::Server(std::ostream& out) : out_(out) {}
Server::~Server() = default;

bool Server::Handle(const json& message, bool more_pending) {
  bool keep_going = HandleOne(message);
  // Edits that arrive together (typing faster than a check takes) are
  // checked once, after the last of them.
  if (!more_pending) CheckEdited();
  return keep_going;
}

bool Server::HandleOne(const json& message) {
  if (!message.is_object()) return true;
  bool is_request = message.contains("id") && message.contains("method");
  std::string method = message.value("method", "");
  json params = message.contains("params") ? message["params"] : json::object();
  if (!is_request) {
    if (method == "exit") return false;
    if (!initialized_) return true;  // notifications before initialize are dropped
    try {
      Dispatch(method, params);
    } catch (const RpcError&) {
      // A notification has no one to report to.
    } catch (const json::exception&) {
    }
    return true;
  }
  json response = {{"jsonrpc", "2.0"}, {"id", message["id"]}};
  try {
    if (!initialized_ && method != "initialize") {
      throw RpcError{kServerNotInitialized, "the server is not initialized"};
    }
    if (shutdown_requested_) throw RpcError{kInvalidRequest, "the server is shutting down"};
    response["result"] = Dispatch(method, params);
  } catch (const RpcError& error) {
    response["error"] = {{"code", error.code}, {"message", error.message}};
  } catch (const json::exception& error) {
    response["error"] = {{"code", kInvalidParams}, {"message", error.what()}};
  }
  WriteMessage(out_, response);
  return true;
}

json Server::Dispatch(const std::string& method, const json& params) {
  if (method == "initialize") return Initialize(params);
  if (method == "shutdown") {
    shutdown_requested_ = true;
    return nullptr;
  }
  if (method == "textDocument/didOpen") {
    const json& item = params.at("textDocument");
    std::string uri = item.at("uri");
    Document& document = documents_[uri];
    document.text = item.at("text");
    document.version = item.value("version", 0);
    edited_.insert(uri);
    return nullptr;
  }
  if (method == "textDocument/didChange") {
    std::string uri = params.at("textDocument").at("uri");
    auto it = documents_.find(uri);
    if (it == documents_.end()) return nullptr;
    // Full synchronization: the last change holds the whole text.
    const json& changes = params.at("contentChanges");
    if (!changes.empty()) it->second.text = changes.back().at("text");
    it->second.version = params.at("textDocument").value("version", it->second.version);
    edited_.insert(uri);
    return nullptr;
  }
  if (method == "textDocument/didClose") {
    std::string uri = params.at("textDocument").at("uri");
    documents_.erase(uri);
    edited_.erase(uri);
    // Stacks that read it from the editor read it from disk now.
    for (const auto& [other_uri, other] : documents_) {
      if (other.compilation && Imports(*other.compilation, PathOf(uri))) edited_.insert(other_uri);
    }
    Notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
    return nullptr;
  }
  if (method == "textDocument/formatting") return Formatting(params);
  if (method == "textDocument/definition" || method == "textDocument/hover" ||
      method == "textDocument/completion" || method == "textDocument/documentSymbol") {
    // Answers from the syntax trees must see every edit made before them.
    CheckEdited();
    if (method == "textDocument/definition") return Definition(params);
    if (method == "textDocument/hover") return Hover(params);
    if (method == "textDocument/documentSymbol") return Symbols(params);
    return Completion(params);
  }
  if (method == "initialized" || method.starts_with("$/")) return nullptr;
  throw RpcError{kMethodNotFound, fmt::format("stackc does not handle '{}'", method)};
}

void Server::Notify(const std::string& method, const json& params) {
  WriteMessage(out_, {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

json Server::Initialize(const json&) {
  initialized_ = true;
  return {{"capabilities",
           {{"positionEncoding", "utf-16"},
            {"textDocumentSync", {{"openClose", true}, {"change", 1}}},
            {"documentFormattingProvider", true},
            {"definitionProvider", true},
            {"hoverProvider", true},
            {"completionProvider", {{"triggerCharacters", {"."}}}},
            {"documentSymbolProvider", true}}},
          {"serverInfo", {{"name", "stackc"}, {"version", STACKC_VERSION}}}};
}

void Server::CheckEdited() {
  std::set<std::string> edited = std::move(edited_);
  edited_.clear();
  for (const std::string& uri : edited) CheckWithImporters(uri);
}

void Server::CheckWithImporters(const std::string& uri) {
  Check(uri, documents_.at(uri));
  // Open stacks that import this document see the change too, and the open
  // modules they import get their diagnostics from those checks.
  std::string path = PathOf(uri);
  // Everything is checked before anything is published: a module's
  // diagnostics come from the checks of its importers.
  std::vector<std::string> checked{uri};
  for (auto& [other_uri, other] : documents_) {
    if (other_uri == uri || !other.compilation || !Imports(*other.compilation, path)) continue;
    Check(other_uri, other);
    checked.push_back(other_uri);
  }
  for (auto& [open_uri, open] : documents_) {
    if (!open.compilation) continue;
    bool was_checked = std::find(checked.begin(), checked.end(), open_uri) != checked.end();
    std::string open_path = PathOf(open_uri);
    bool imported = std::any_of(checked.begin(), checked.end(), [&](const std::string& c) {
      return Imports(*documents_.at(c).compilation, open_path);
    });
    if (was_checked || imported) PublishDiagnostics(open_uri, open);
  }
}

void Server::Check(const std::string& uri, Document& document) {
  std::map<std::string, const std::string*> open;
  for (const auto& [other_uri, other] : documents_) open[PathOf(other_uri)] = &other.text;
  DocumentReader reader(std::move(open));
  std::string path = PathOf(uri);
  document.compilation = std::make_unique<Compilation>();
  if (document.compilation->Load(path, reader)) {
    document.compilation->CheckProfiles("", {}, std::filesystem::path(path).filename().string());
  }
}

void Server::PublishDiagnostics(const std::string& uri, const Document& document) {
  std::string path = PathOf(uri);
  // A module's diagnostics come from the open stacks importing it, if any.
  std::vector<const Compilation*> sources_of_truth;
  if (IsModule(*document.compilation)) {
    for (const auto& [other_uri, other] : documents_) {
      if (other_uri != uri && other.compilation && !IsModule(*other.compilation) && Imports(*other.compilation, path)) {
        sources_of_truth.push_back(other.compilation.get());
      }
    }
  }
  bool through_importers = !sources_of_truth.empty();
  if (!through_importers) sources_of_truth.push_back(document.compilation.get());

  PositionMap positions(document.text);
  json diagnostics = json::array();
  for (const Compilation* compilation : sources_of_truth) {
    const SourceManager& sources = compilation->sources();
    auto here = [&](const SourceRange& range) { return range.valid() && sources.name(range.file) == path; };
    auto place = [&](const SourceRange& range) {
      std::string text;
      AppendLocation(text, sources, range);
      return text;
    };
    for (const Diagnostic& d : compilation->diags().Sorted()) {
      if (through_importers && !here(d.range)) continue;  // the importer's own
      std::string message = d.message;
      json range = positions.Range(0, 0);
      if (here(d.range)) {
        range = positions.Range(d.range.begin, d.range.end);
      } else if (d.range.valid()) {
        // In an imported module: said where, at the top of this document.
        message = place(d.range) + ": " + message;
      }
      for (const DiagNote& note : d.notes) {
        message += "\nnote: ";
        if (note.range.valid()) message += place(note.range) + ": ";
        message += note.message;
      }
      json diagnostic = {{"range", range},
                         {"severity", SeverityOf(d.severity)},
                         {"code", std::string(d.code())},
                         {"source", "stackc"},
                         {"message", message}};
      // Two open stacks importing one module find its problems twice.
      if (std::find(diagnostics.begin(), diagnostics.end(), diagnostic) == diagnostics.end()) {
        diagnostics.push_back(std::move(diagnostic));
      }
    }
  }
  Notify("textDocument/publishDiagnostics",
         {{"uri", uri}, {"version", document.version}, {"diagnostics", diagnostics}});
}

Server::Document* Server::Find(const json& params) {
  auto it = documents_.find(params.at("textDocument").at("uri").get<std::string>());
  return it == documents_.end() ? nullptr : &it->second;
}

json Server::Formatting(const json& params) {
  Document* document = Find(params);
  if (!document) return nullptr;
  SourceManager sources;
  FileId file = sources.AddFile(PathOf(params["textDocument"]["uri"]), document->text, true);
  DiagnosticEngine diags;
  std::optional<std::string> formatted = FormatStack(file, sources, diags);
  if (!formatted) return nullptr;  // syntax errors: never formatted
  if (*formatted == document->text) return json::array();
  return json::array({{{"range", PositionMap(document->text).Whole()}, {"newText", *formatted}}});
}

// What is under the LSP `position` in `text`, the document whose last check
// `compilation` is (a document that did not load has no syntax to search).
static Target TargetAt(const Compilation& compilation, const std::string& text, const json& position) {
  if (compilation.modules().modules.empty()) return {};
  const ast::Module& module = compilation.modules().modules[0];
  uint32_t offset = PositionMap(text).Offset(position.at("line"), position.at("character"));
  return TargetFinder(module.file, offset).Find(module);
}

json Server::Definition(const json& params) {
  Document* document = Find(params);
  if (!document) return nullptr;
  Compilation& compilation = *document->compilation;
  Target target = TargetAt(compilation, document->text, params.at("position"));
  if (target.kind == Target::None || target.kind == Target::Property) return nullptr;
  const ast::Module& module = compilation.modules().modules[0];
  std::optional<Declaration> declaration = Declared(compilation.modules(), compilation.sources(), target);
  if (!declaration) return nullptr;
  FileId file = declaration->name->range.file;
  if (!compilation.sources().on_disk(file)) return nullptr;  // a module built into stackc
  const std::string& name = compilation.sources().name(file);
  const std::string& text = file == module.file ? document->text : compilation.sources().text(file);
  return {{"uri", file == module.file ? params["textDocument"]["uri"].get<std::string>() : UriOfPath(name)},
          {"range", PositionMap(text).Range(declaration->name->range.begin, declaration->name->range.end)}};
}

json Server::Hover(const json& params) {
  Document* document = Find(params);
  if (!document) return nullptr;
  Compilation& compilation = *document->compilation;
  Target target = TargetAt(compilation, document->text, params.at("position"));
  std::string text;
  if (target.kind == Target::Property) {
    if (!target.component_kind) return nullptr;
    const PropertySchema* property = SchemaOf(*target.component_kind).FindProperty(target.name);
    if (!property) return nullptr;
    text = fmt::format("```\n{} {}: {}\n```\n{}", ast::KindName(*target.component_kind), property->name,
                       TypeName(property->type), property->doc);
  } else if (target.kind != Target::None) {
    std::optional<Declaration> declaration = Declared(compilation.modules(), compilation.sources(), target);
    if (!declaration) return nullptr;
    if (target.kind == Target::Attribute) {
      if (!declaration->kind) return nullptr;
      const AttributeSchema* attribute = SchemaOf(*declaration->kind).FindAttribute(target.attribute);
      if (!attribute) return nullptr;
      text = fmt::format("```\n{}.{}: {}\n```\n{}", target.name, attribute->name, TypeName(attribute->type),
                         attribute->doc);
    } else {
      text = fmt::format("```\n{}\n```", declaration->summary);
      if (declaration->kind) text += "\n" + std::string(SchemaOf(*declaration->kind).doc);
    }
  } else {
    return nullptr;
  }
  return {{"contents", {{"kind", "markdown"}, {"value", text}}},
          {"range", PositionMap(document->text).Range(target.ident->range.begin, target.ident->range.end)}};
}

json Server::Completion(const json& params) {
  Document* document = Find(params);
  if (!document) return json::array();
  const json& position = params.at("position");
  uint32_t offset = PositionMap(document->text).Offset(position.at("line"), position.at("character"));
  return Complete(document->text, offset, document->compilation->modules());
}

// The outline: the stack, its params, templates, components with their
// properties, profiles with their overrides, and settings blocks.
json Server::Symbols(const json& params) {
  Document* document = Find(params);
  if (!document || document->compilation->modules().modules.empty()) return json::array();
  const ast::Module& module = document->compilation->modules().modules[0];
  PositionMap positions(document->text);
  // LSP SymbolKind values.
  constexpr int kNamespace = 3, kClass = 5, kProperty = 7, kInterface = 11, kVariable = 13, kStruct = 23, kModule = 2;
  auto symbol = [&](std::string name, std::string detail, int kind, const SourceRange& whole,
                    const SourceRange& selected) {
    // The selection must lie within the whole range.
    SourceRange outer{whole.file, std::min(whole.begin, selected.begin), std::max(whole.end, selected.end)};
    return json{{"name", std::move(name)},
                {"detail", std::move(detail)},
                {"kind", kind},
                {"range", positions.Range(outer.begin, outer.end)},
                {"selectionRange", positions.Range(selected.begin, selected.end)}};
  };
  auto members = [&](const ast::Block& block) {
    json children = json::array();
    for (const ast::Member& m : block.members) {
      children.push_back(symbol(m.name.name, m.block ? "settings" : "", m.block ? kStruct : kProperty, m.range,
                                m.name.range));
    }
    return children;
  };
  json symbols = json::array();
  for (const ast::StackDecl& stack : module.stacks) {
    symbols.push_back(symbol(stack.name.name, "stack", kNamespace, stack.range, stack.name.range));
  }
  for (const ast::ParamDecl& p : module.params) {
    symbols.push_back(symbol(p.name.name, p.type ? "param: " + p.type->name : "param", kVariable, p.range, p.name.range));
  }
  for (const ast::TemplateDecl& t : module.templates) {
    json item = symbol(t.name.name, "template : " + t.base.name, kInterface, t.range, t.name.range);
    item["children"] = members(t.body);
    symbols.push_back(std::move(item));
  }
  for (const ast::ComponentDecl& c : module.components) {
    std::string detail(ast::KindName(c.kind));
    if (c.base) detail += " : " + c.base->name;
    json item = symbol(c.name.name, detail, kClass, c.range, c.name.range);
    item["children"] = members(c.body);
    symbols.push_back(std::move(item));
  }
  for (const ast::ProfileDecl& profile : module.profiles) {
    json item = symbol(profile.name.name, "profile", kModule, profile.range, profile.name.range);
    item["children"] = json::array();
    for (const ast::Override& o : profile.overrides) {
      if (o.path.empty()) continue;
      std::string path;
      for (const ast::Ident& part : o.path) path += (path.empty() ? "" : ".") + part.name;
      SourceRange selected{o.path.front().range.file, o.path.front().range.begin, o.path.back().range.end};
      item["children"].push_back(symbol(path, "override", kProperty, o.range, selected));
    }
    symbols.push_back(std::move(item));
  }
  for (const ast::SettingsDecl& settings : module.settings) {
    json item = symbol(settings.name.name, "settings", kStruct, settings.range, settings.name.range);
    item["children"] = members(settings.body);
    symbols.push_back(std::move(item));
  }
  // In the order of the document, as an outline reads.
  std::stable_sort(symbols.begin(), symbols.end(), [](const json& a, const json& b) {
    const json& x = a["range"]["start"];
    const json& y = b["range"]["start"];
    return std::make_pair(x["line"].get<int>(), x["character"].get<int>()) <
           std::make_pair(y["line"].get<int>(), y["character"].get<int>());
  });
  return symbols;
}

int Serve(std::istream& in, std::ostream& out) {
  // A thread reads while the server checks, so that the server knows
  // whether more messages are waiting (see Server::Handle).
  struct Inbox {
    std::mutex mutex;
    std::condition_variable arrived;
    std::deque<std::optional<std::string>> messages;  // nullopt: the input ended
  };
  auto inbox = std::make_shared<Inbox>();
  std::thread([inbox, &in] {
    for (;;) {
      std::optional<std::string> body = ReadMessage(in);
      bool ended = !body;
      {
        std::lock_guard lock(inbox->mutex);
        inbox->messages.push_back(std::move(body));
      }
      inbox->arrived.notify_one();
      if (ended) return;
    }
  }).detach();  // it may be blocked reading when `exit` ends the process

  Server server(out);
  for (;;) {
    std::optional<std::string> body;
    bool more_pending = false;
    {
      std::unique_lock lock(inbox->mutex);
      inbox->arrived.wait(lock, [&] { return !inbox->messages.empty(); });
      body = std::move(inbox->messages.front());
      inbox->messages.pop_front();
      more_pending = !inbox->messages.empty() && inbox->messages.front().has_value();
    }
    if (!body) return 1;  // the input ended without `exit`: the client is gone
    json message = json::parse(*body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      WriteMessage(out, {{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "parse error"}}}});
      continue;
    }
    if (!server.Handle(message, more_pending)) return server.exit_code();
  }
}

}  // namespace stackc::lsp
