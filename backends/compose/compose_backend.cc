#include "backends/compose/compose_backend.h"

#include <cmath>
#include <iterator>
#include <set>
#include <unordered_set>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "backends/common/provenance.h"
#include "backends/common/secrets.h"
#include "backends/common/test_environment.h"
#include "backends/common/yaml.h"

namespace stackc::compose {
namespace {

using ir::Component;
using ir::ComponentKind;
using ir::TextPart;
using ir::Value;


std::string FormatDuration(int64_t ms) {
  if (ms % 3'600'000 == 0) return fmt::format(FMT_COMPILE("{}h"), ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format(FMT_COMPILE("{}m"), ms / 60'000);
  if (ms % 1000 == 0) return fmt::format(FMT_COMPILE("{}s"), ms / 1000);
  return fmt::format(FMT_COMPILE("{}ms"), ms);
}

// Docker's memory units are binary: "500m" is 500 MiB.
std::string FormatMemory(double bytes) {
  auto whole = static_cast<int64_t>(std::llround(bytes));
  if (whole > 0 && whole % (1LL << 30) == 0) return fmt::format(FMT_COMPILE("{}g"), whole >> 30);
  if (whole > 0 && whole % (1LL << 20) == 0) return fmt::format(FMT_COMPILE("{}m"), whole >> 20);
  if (whole > 0 && whole % (1LL << 10) == 0) return fmt::format(FMT_COMPILE("{}k"), whole >> 10);
  return std::to_string(whole);
}

struct File {
  std::string name;
  const ir::Stack* stack;
  std::vector<const Component*> services;  // sorted by name
  bool persistent_data;                   // named volumes for database data
};

class ComposeEmitter {
 public:
  ComposeEmitter(const EmitOptions& options, DiagnosticEngine& diags) : options_(options), diags_(diags) {}

  void Emit(const ir::Stack& stack, OutputSink& out) {
    std::vector<const Component*> development;
    std::vector<const Component*> tests;
    for (const Component& c : stack.components()) {
      if (c.kind == ComponentKind::Balancer) continue;
      if (IsTestTask(c)) {
        tests.push_back(&c);
        continue;
      }
      development.push_back(&c);
    }
    out.Write("docker-compose.yml", Render({"docker-compose.yml", &stack, development, true}, ""),
              FileMode::Regular);

    if (!tests.empty()) {
      // The test file is built from the "test" profile when there is one,
      // so that names and environment are those of the test environment.
      const ir::Stack* test_stack = options_.stack_for_profile ? options_.stack_for_profile("test") : nullptr;
      if (!test_stack) test_stack = &stack;
      std::vector<const Component*> services = TestEnvironment(*test_stack);
      std::string usage;
      for (const Component* c : services) {
        if (IsTestTask(*c)) {
          usage += fmt::format(
              FMT_COMPILE("\nRun the test suite: docker-compose -p {}-test -f docker-compose.test.yml run --rm {}"),
              test_stack->name, c->name);
        }
      }
      // A project name of its own keeps the test services apart from the
      // development ones, which have the same names.
      usage += fmt::format(
          FMT_COMPILE("\nthen remove the test environment: docker-compose -p {}-test -f docker-compose.test.yml down"),
          test_stack->name);
      out.Write("docker-compose.test.yml",
                Render({"docker-compose.test.yml", test_stack, services, false}, usage), FileMode::Regular);
    }
    if (!secrets_.empty()) out.Write(".env.example", EnvTemplate(), FileMode::Regular);
  }

 private:
  std::string Render(const File& file, const std::string& usage) {
    current_stack_ = file.stack;
    std::string header =
        fmt::format(FMT_COMPILE("{}\n"
                                "Build contexts are relative to the stack file's folder; run docker-compose with\n"
                                "--project-directory set to it when this file lives elsewhere.{}"),
                    GeneratedNotice(options_.source_name, file.stack->profile), usage);
    // The emitter writes after the comment, so that the file is not copied.
    yaml::Emitter out(yaml::Comment(header));
    out << yaml::BeginMap << yaml::Key << "services" << yaml::Value << yaml::BeginMap;
    // The names of the services, only ever looked up.
    std::unordered_set<std::string_view> in_file;
    in_file.reserve(file.services.size());
    for (const Component* c : file.services) in_file.insert(c->name);
    std::vector<std::string> volumes;
    std::map<int64_t, const Component*> published;
    for (const Component* c : file.services) {
      out << yaml::Key << c->name << yaml::Value;
      Service(out, file, *c, in_file, volumes, published);
    }
    out << yaml::EndMap;
    if (!volumes.empty()) {
      out << yaml::Key << "volumes" << yaml::Value << yaml::BeginMap;
      for (const std::string& volume : volumes) out << yaml::Key << volume << yaml::Value << yaml::Flow << yaml::BeginMap << yaml::EndMap;
      out << yaml::EndMap;
    }
    out << yaml::EndMap;
    return out.Take("\n");
  }

  void Service(yaml::Emitter& out, const File& file, const Component& c,
               const std::unordered_set<std::string_view>& in_file, std::vector<std::string>& volumes,
               std::map<int64_t, const Component*>& published) {
    const ir::Stack& stack = *file.stack;
    out << yaml::BeginMap;
    if (const Value* image = c.Find("image")) {
      out << yaml::Key << "image" << yaml::Value;
      Text(out, *image);
    }
    if (const Value* build = c.Find("build")) {
      out << yaml::Key << "build" << yaml::Value;
      if (const Value* dockerfile = c.Find("dockerfile")) {
        out << yaml::BeginMap << yaml::Key << "context" << yaml::Value;
        Text(out, *build);
        out << yaml::Key << "dockerfile" << yaml::Value;
        Text(out, *dockerfile);
        out << yaml::EndMap;
      } else {
        Text(out, *build);
      }
    }
    if (const Value* command = c.Find("command")) {
      out << yaml::Key << "command" << yaml::Value << yaml::Flow << yaml::BeginSeq;
      for (const Value& item : command->items) Text(out, item);
      out << yaml::EndSeq;
    }
    if (const Value* env = c.Find("env"); env && !env->entries.empty()) {
      out << yaml::Key << "environment" << yaml::Value << yaml::BeginMap;
      for (const auto& [key, value] : env->entries) {
        out << yaml::Key << key << yaml::Value;
        Text(out, value);
      }
      out << yaml::EndMap;
    }
    // Tests reach services on the project network; publishing host ports
    // would only collide with a development environment that is running.
    if (file.persistent_data) Ports(out, stack, c, published);
    Volumes(out, file, c, volumes);
    DependsOn(out, stack, c, in_file);
    Healthcheck(out, c);
    if (c.kind == ComponentKind::Task) out << yaml::Key << "restart" << yaml::Value << yaml::DoubleQuoted << "no";
    Resources(out, c);
    out << yaml::EndMap;
  }

  void Ports(yaml::Emitter& out, const ir::Stack& stack, const Component& c,
             std::map<int64_t, const Component*>& published) {
    std::vector<std::string> ports;
    for (const auto& [balancer, edge] : stack.DependentsOf(c)) {
      if (balancer->kind != ComponentKind::Balancer || edge->kind != ir::EdgeKind::Route) continue;
      int64_t port = balancer->Int("port").value_or(80);
      int64_t target = balancer->Int("target_port").value_or(c.Int("port").value_or(port));
      auto [it, inserted] = published.emplace(port, balancer);
      if (!inserted) {
        const Value* mine = balancer->Find("port");
        const Value* theirs = it->second->Find("port");
        diags_
            .Report(DiagKind::PortConflict, mine && mine->origin.valid() ? mine->origin : balancer->name_range,
                    fmt::format(FMT_COMPILE("balancers '{}' and '{}' both publish host port {}"), it->second->name,
                                balancer->name, port))
            .Note(theirs && theirs->origin.valid() ? theirs->origin : it->second->name_range,
                  fmt::format(FMT_COMPILE("'{}' publishes it here"), it->second->name));
        continue;
      }
      // A balancer that is not public is reachable from this machine only.
      ports.push_back(balancer->Bool("public") ? fmt::format(FMT_COMPILE("{}:{}"), port, target)
                                               : fmt::format(FMT_COMPILE("127.0.0.1:{}:{}"), port, target));
      // Compose has no balancer to health-check through; only the app's own
      // healthcheck exists, so a different path cannot be honoured.
      if (const Value* health = balancer->Find("health"); health && health->LiteralText() != c.Text("health")) {
        diags_.Report(DiagKind::NotExpressibleInTarget, health->origin,
                      fmt::format(FMT_COMPILE("compose: balancer '{}' health-checks \"{}\", but Compose only runs the "
                                              "healthcheck of app '{}'{}"),
                                  balancer->name, health->LiteralText(), c.name,
                                  c.Find("health") ? fmt::format(FMT_COMPILE(" (\"{}\")"), c.Text("health")) : ""));
      }
    }
    if (ports.empty()) return;
    out << yaml::Key << "ports" << yaml::Value << yaml::BeginSeq;
    for (const std::string& port : ports) out << yaml::DoubleQuoted << port;
    out << yaml::EndSeq;
  }

  void Volumes(yaml::Emitter& out, const File& file, const Component& c, std::vector<std::string>& volumes) {
    std::vector<std::string> mounts;
    if (const Value* mount = c.Find("compose.source_mount"); mount && file.persistent_data) {
      const Value* build = c.Find("build");
      if (!build) {
        diags_.Report(
            DiagKind::NotExpressibleInTarget, mount->origin,
            fmt::format(FMT_COMPILE("compose: '{}' has a source_mount but no build context to mount; it is left out"),
                        c.name));
      } else {
        std::string context = build->LiteralText();
        if (!context.starts_with(".") && !context.starts_with("/")) context = "./" + context;
        mounts.push_back(fmt::format(FMT_COMPILE("{}:{}"), context, mount->LiteralText()));
      }
    }
    if (c.kind == ComponentKind::Database && file.persistent_data) {
      const Value* data_dir = c.Find("data_dir");
      if (!data_dir) {
        diags_.Report(
            DiagKind::NotExpressibleInTarget, c.name_range,
            fmt::format(FMT_COMPILE("compose: database '{}' sets no data_dir, so its data cannot be kept in a volume"),
                        c.name));
      } else {
        std::string volume = c.name + "-data";
        volumes.push_back(volume);
        mounts.push_back(fmt::format(FMT_COMPILE("{}:{}"), volume, data_dir->LiteralText()));
        if (const Value* storage = c.Find("storage")) {
          diags_.Report(
              DiagKind::NotExpressibleInTarget, storage->origin,
              fmt::format(FMT_COMPILE("compose: local volumes have no size; 'storage = {}' of database '{}' only "
                                      "makes its data persistent here"),
                          storage->literal, c.name));
        }
      }
    }
    if (c.kind == ComponentKind::Database && !file.persistent_data) {
      // Tests start from an empty database: the data lives in memory and
      // goes away with the container.
      if (const Value* data_dir = c.Find("data_dir")) {
        out << yaml::Key << "tmpfs" << yaml::Value << yaml::BeginSeq;
        yaml::String(out, data_dir->LiteralText());
        out << yaml::EndSeq;
      }
    }
    if (mounts.empty()) return;
    out << yaml::Key << "volumes" << yaml::Value << yaml::BeginSeq;
    for (const std::string& mount : mounts) yaml::String(out, mount);
    out << yaml::EndSeq;
  }

  static std::string_view Condition(const Component& dependency) {
    switch (dependency.kind) {
      case ComponentKind::Database:
        return dependency.Find("ready") ? "service_healthy" : "service_started";
      case ComponentKind::Task:
        return "service_completed_successfully";
      default:
        return dependency.Find("health") && dependency.Find("port") ? "service_healthy" : "service_started";
    }
  }

  static void DependsOn(yaml::Emitter& out, const ir::Stack& stack, const Component& c,
                        const std::unordered_set<std::string_view>& in_file) {
    // Names of the IR, sorted as the strings are.
    std::map<std::string_view, std::string_view> conditions;
    // A balancer is no service here: depending on it means depending on
    // what it depends on, the app behind it first of all.
    std::set<const Component*> seen;
    std::vector<const Component*> work;
    for (const auto& [dependency, edge] : stack.DependenciesOf(c)) work.push_back(dependency);
    while (!work.empty()) {
      const Component* service = work.back();
      work.pop_back();
      if (!seen.insert(service).second) continue;
      if (service->kind == ComponentKind::Balancer) {
        for (const auto& [dependency, edge] : stack.DependenciesOf(*service)) work.push_back(dependency);
        continue;
      }
      if (service == &c || !in_file.count(service->name)) continue;
      conditions[service->name] = Condition(*service);
    }
    if (conditions.empty()) return;
    out << yaml::Key << "depends_on" << yaml::Value << yaml::BeginMap;
    for (const auto& [name, condition] : conditions) {
      out << yaml::Key << name << yaml::Value << yaml::BeginMap << yaml::Key << "condition" << yaml::Value
          << condition << yaml::EndMap;
    }
    out << yaml::EndMap;
  }

  void Healthcheck(yaml::Emitter& out, const Component& c) {
    if (c.kind == ComponentKind::Database) {
      const Value* ready = c.Find("ready");
      if (!ready) return;
      out << yaml::Key << "healthcheck" << yaml::Value << yaml::BeginMap;
      out << yaml::Key << "test" << yaml::Value << yaml::Flow << yaml::BeginSeq << "CMD";
      for (const Value& item : ready->items) Text(out, item);
      out << yaml::EndSeq;
      std::string interval = FormatDuration(c.Find("ready_interval") ? c.Find("ready_interval")->number : 5000);
      out << yaml::Key << "interval" << yaml::Value << interval;
      out << yaml::Key << "timeout" << yaml::Value << interval;
      out << yaml::Key << "retries" << yaml::Value << c.Int("ready_retries").value_or(10);
      out << yaml::EndMap;
      return;
    }
    if (c.kind != ComponentKind::App) return;
    const Value* health = c.Find("health");
    std::optional<int64_t> port = c.Int("port");
    if (!health || !port) return;
    std::string path = health->LiteralText();
    if (!path.starts_with("/")) path = "/" + path;
    out << yaml::Key << "healthcheck" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "test" << yaml::Value << yaml::Flow << yaml::BeginSeq << "CMD-SHELL";
    yaml::String(out, fmt::format(FMT_COMPILE("curl -fsS {} || exit 1"),
                                  ShellQuote(Escape(fmt::format(FMT_COMPILE("http://localhost:{}{}"), *port, path)))));
    out << yaml::EndSeq;
    out << yaml::Key << "interval" << yaml::Value << "10s";
    out << yaml::Key << "timeout" << yaml::Value << "5s";
    out << yaml::Key << "retries" << yaml::Value << 5;
    out << yaml::EndMap;
  }

  void Resources(yaml::Emitter& out, const Component& c) {
    if (const Value* cpu = c.Find("cpu")) {
      out << yaml::Key << "cpus" << yaml::Value << yaml::DoubleQuoted << fmt::format(FMT_COMPILE("{}"), cpu->amount);
    }
    if (const Value* memory = c.Find("memory")) {
      out << yaml::Key << "mem_limit" << yaml::Value << yaml::DoubleQuoted << FormatMemory(memory->amount);
    }
    std::optional<int64_t> replicas = c.Int("replicas");
    if (c.kind != ComponentKind::App || !replicas || *replicas == 1) return;
    const Value* origin = c.Find("replicas");
    if (!Published(c) || *replicas == 0) {
      out << yaml::Key << "scale" << yaml::Value << *replicas;
      return;
    }
    diags_
        .Report(DiagKind::NotExpressibleInTarget, origin->origin.valid() ? origin->origin : c.name_range,
                fmt::format(FMT_COMPILE("compose: app '{}' publishes a host port, so it runs once, not {} times"),
                            c.name, *replicas))
        .Note({}, "one host port can be bound by one container only");
  }

  bool Published(const Component& c) const { return published_apps_.count(c.name) > 0; }

  // Single-quoted for the shell of CMD-SHELL; a quote inside ends the
  // quoting, adds an escaped quote and starts it again.
  static std::string ShellQuote(std::string_view text) {
    bool plain = std::all_of(text.begin(), text.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || std::string_view("/:._-?=&%").find(ch) != std::string_view::npos;
    });
    if (plain) return std::string(text);
    std::string out = "'";
    for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
  }

  // $ is Compose's interpolation character; a literal one is written $$.
  static std::string Escape(std::string_view text) {
    std::string out;
    AppendEscaped(out, text);
    return out;
  }
  static void AppendEscaped(std::string& out, std::string_view text) {
    size_t start = 0;
    for (size_t dollar = text.find('$'); dollar != std::string_view::npos; dollar = text.find('$', start)) {
      out.append(text.substr(start, dollar + 1 - start));
      out += '$';
      start = dollar + 1;
    }
    out.append(text.substr(start));
  }

  // Services reach each other by service name on the project's network. A
  // balancer is only a published port, so inside the network its host and
  // port are those of the app behind it.
  void AppendSymbol(std::string& out, const TextPart& part) const {
    const Component* c = current_stack_ ? current_stack_->Find(part.text) : nullptr;
    if (!c || c->kind != ComponentKind::Balancer) {
      out += part.text;
      return;
    }
    const Value* route = c->Find("route");
    const Component* app = route ? current_stack_->Find(route->literal) : nullptr;
    if (!app) {
      out += part.text;
    } else if (part.attribute == "host") {
      out += app->name;
    } else {
      out += std::to_string(c->Int("target_port").value_or(app->Int("port").value_or(c->Int("port").value_or(80))));
    }
  }

  void Text(yaml::Emitter& out, const Value& value) {
    // text_ is reused, so that most values need no allocation of their own.
    std::string& text = text_;
    text.clear();
    if (value.kind != Value::Kind::Text) {
      AppendEscaped(text, value.LiteralText());
    } else {
      for (const TextPart& part : value.text) {
        switch (part.kind) {
          case TextPart::Kind::Literal: AppendEscaped(text, part.text); break;
          case TextPart::Kind::Secret: {
            std::string variable = SecretVariable(part.text);
            secrets_.insert(part.text);
            fmt::format_to(std::back_inserter(text), FMT_COMPILE("${{{}:?set {} in .env, see .env.example}}"), variable,
                           variable);
            break;
          }
          case TextPart::Kind::Symbol: AppendSymbol(text, part); break;
        }
      }
    }
    yaml::String(out, text);
  }

  std::string EnvTemplate() const {
    std::string out = yaml::Comment(fmt::format(
        FMT_COMPILE("Secrets of {} for docker-compose. Copy this file to .env in the project directory\n"
                    "(or pass it with --env-file) and fill in each value; never commit the filled-in copy."),
        options_.source_name));
    for (const std::string& secret : secrets_) {
      out += fmt::format(FMT_COMPILE("\n# secret(\"{}\")\n{}=\n"), secret, SecretVariable(secret));
    }
    return out;
  }

 public:
  void NotePublished(const ir::Stack& stack) {
    for (const Component& c : stack.components()) {
      if (c.kind != ComponentKind::Balancer) continue;
      const Value* route = c.Find("route");
      if (route) published_apps_.insert(route->literal);
    }
  }

 private:
  const EmitOptions& options_;
  DiagnosticEngine& diags_;
  std::set<std::string> secrets_;
  const ir::Stack* current_stack_ = nullptr;
  std::string text_;  // Text()'s, kept for its capacity
  std::set<std::string> published_apps_;
};

class ComposeBackend : public Backend {
 public:
  void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out,
            DiagnosticEngine& diags) const override {
    ComposeEmitter emitter(options, diags);
    emitter.NotePublished(stack);
    emitter.Emit(stack, out);
  }

  // The test file comes from the "test" profile when the stack has one.
  std::vector<std::string> ProfilesUsed(const ir::Stack&) const override { return {"test"}; }
};

}  // namespace

std::unique_ptr<Backend> Create() { return std::make_unique<ComposeBackend>(); }

}  // namespace stackc::compose
