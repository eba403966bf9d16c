#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "backends/kubernetes/plan.h"

#include "backends/common/secrets.h"

namespace stackc::kubernetes {
namespace {

using ir::Component;
using ir::ComponentKind;
using ir::TextPart;
using ir::Value;

constexpr size_t kMaxLabel = 63;    // DNS-1123 label: container, volume, Service names
constexpr size_t kMaxPortName = 15; // IANA service name: container and Service port names
constexpr int64_t kBackoffLimit = 2;


// Container and Service port names: at most 15 lower-case letters, digits
// and '-', with a letter, no '-' at either end and no "--".
bool IsPortName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPortName || name.front() == '-' || name.back() == '-') return false;
  bool letter = false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'a' && c <= 'z') letter = true;
    else if (!((c >= '0' && c <= '9') || c == '-')) return false;
    if (c == '-' && i > 0 && name[i - 1] == '-') return false;
  }
  return letter;
}

// A piece of lowered text: literal characters, or (part of) a $(VAR)
// reference that Kubernetes expands. The text belongs to the IR, the plan or
// the caller, and outlives the piece.
struct Piece {
  std::string_view text;
  bool literal;
};

// Kubernetes expands $(VAR) in env values, command and args, and reads "$$"
// as one "$". A literal "$" is doubled exactly where it would otherwise
// start one of those, so other text reads as written.
void JoinTo(std::string& out, const Piece* pieces, size_t count) {
  for (size_t p = 0; p < count; ++p) {
    std::string_view text = pieces[p].text;
    if (!pieces[p].literal) {
      out += text;
      continue;
    }
    // Text up to and including each '$' is copied whole.
    size_t start = 0;
    for (size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', start)) {
      out.append(text.substr(start, i + 1 - start));
      start = i + 1;
      char next = 0;
      if (i + 1 < text.size()) {
        next = text[i + 1];
      } else {
        for (size_t q = p + 1; q < count && !next; ++q) {
          if (!pieces[q].text.empty()) next = pieces[q].text.front();
        }
      }
      if (next == '$' || next == '(') out += '$';
    }
    out.append(text.substr(start));
  }
}

std::string Join(const std::vector<Piece>& pieces) {
  std::string out;
  // Enough unless a '$' is doubled, so that the text grows at most once.
  size_t size = 0;
  for (const Piece& piece : pieces) size += piece.text.size();
  out.reserve(size);
  JoinTo(out, pieces.data(), pieces.size());
  return out;
}

// One literal word.
std::string Join(std::string_view word) {
  Piece piece{word, true};
  std::string out;
  out.reserve(word.size());
  JoinTo(out, &piece, 1);
  return out;
}

class Planner {
 public:
  Planner(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags)
      : stack_(stack), diags_(diags) {
    plan_.stack = stack.name;
    plan_.source_name = options.source_name;
    plan_.profile = stack.profile;
  }

  Plan Run() {
    // At most one workload and one step per component: reserved, so that
    // the large Workloads are not moved as the vectors grow.
    plan_.workloads.reserve(stack_.components().size());
    plan_.steps.reserve(stack_.components().size());
    for (const Component* c : stack_.TopologicalOrder()) {
      switch (c->kind) {
        case ComponentKind::Database: AddDatabase(*c); break;
        case ComponentKind::App: AddApp(*c); break;
        case ComponentKind::Task: AddTask(*c); break;
        case ComponentKind::Balancer: AddBalancer(*c); break;
      }
    }
    for (const auto& [name, secret] : secrets_) plan_.secrets.push_back(secret);
    plan_.images = images_.Sorted();
    return std::move(plan_);
  }

 private:
  // ---- Names ----------------------------------------------------------------

  // The Service other components reach `name` at: its own, or for a
  // balancer the Service of the app it routes to.
  // The result is `name` or text of the IR.
  std::string_view ServiceName(const std::string& name) const {
    const Component* c = stack_.Find(name);
    if (c && c->kind == ComponentKind::Balancer && SharesAppService(*c)) return c->Find("route")->literal;
    return name;
  }

  // A balancer that listens on its app's port and sends traffic to it shapes
  // the app's Service; any other gets a Service of its own, so that the app
  // does not publish a port the balancer does not.
  bool SharesAppService(const Component& b) const {
    const Value* route = b.Find("route");
    const Component* app = route ? stack_.Find(route->literal) : nullptr;
    std::optional<int64_t> app_port = app ? app->Int("port") : std::nullopt;
    if (!app_port) return false;
    int64_t port = b.Int("port").value_or(80);
    return port == *app_port && b.Int("target_port").value_or(*app_port) == *app_port;
  }

  // Names derived from a component name must still fit in a label.
  bool CheckDerivedName(const Component& c, const std::string& derived, std::string_view what) {
    if (derived.size() <= kMaxLabel) return true;
    if (!reported_long_.insert(derived).second) return false;
    diags_.Report(DiagKind::InvalidDnsName, c.name_range,
                  fmt::format("kubernetes: {} would be named '{}', {} characters; Kubernetes allows at most {}", what,
                              derived, derived.size(), kMaxLabel))
        .Note({}, fmt::format("shorten the name '{}' to at most {} characters", c.name,
                              c.name.size() - (derived.size() - kMaxLabel)));
    return false;
  }

  static std::string PortName(const Component& c, std::string_view fallback) {
    return IsPortName(c.name) ? c.name : std::string(fallback);
  }

  // ---- Text -----------------------------------------------------------------

  // Secret names are DNS labels, as Secret object names must be.
  SecretInfo& UseSecret(const std::string& name) {
    auto it = secrets_.find(name);
    if (it != secrets_.end()) return it->second;
    return secrets_.emplace(name, SecretInfo{name, plan_.stack + "-" + name, SecretVariable(name)}).first->second;
  }

  // Text where secrets cannot go: probes and wait commands, which Kubernetes
  // runs without expansion.
  std::string Plain(const Value& value, const Component& c, std::string_view what) {
    if (value.kind != Value::Kind::Text) return value.LiteralText();
    std::string out;
    for (const TextPart& part : value.text) {
      switch (part.kind) {
        case TextPart::Kind::Literal: out += part.text; break;
        case TextPart::Kind::Symbol: out += ServiceName(part.text); break;
        case TextPart::Kind::Secret:
          diags_.Report(DiagKind::NotExpressibleInTarget, c.OriginOf(&value),
                        fmt::format("kubernetes: the {} of {} '{}' uses secret(\"{}\"), but Kubernetes cannot pass "
                                    "a secret to it; the secret is left out",
                                    what, ast::KindName(c.kind), c.name, part.text));
          break;
      }
    }
    return out;
  }

  static bool IsWholeSecret(const Value& value) {
    return value.kind == Value::Kind::Text && value.text.size() == 1 &&
           value.text.front().kind == TextPart::Kind::Secret;
  }

  // Text that Kubernetes expands (env values, command, args): a secret is a
  // $(VAR) reference to the env var that holds it.
  std::string Expanded(const Value& value, const std::map<std::string, std::string>& holders) {
    if (value.kind != Value::Kind::Text) return Join(value.LiteralText());
    // A secret is three pieces, "$(", the variable and ")": Join reads only
    // the first character of what follows a literal '$'.
    pieces_.clear();
    for (const TextPart& part : value.text) {
      switch (part.kind) {
        case TextPart::Kind::Literal: pieces_.push_back({part.text, true}); break;
        case TextPart::Kind::Symbol: pieces_.push_back({ServiceName(part.text), true}); break;
        case TextPart::Kind::Secret:
          pieces_.push_back({"$(", false});
          pieces_.push_back({holders.at(part.text), false});
          pieces_.push_back({")", false});
          break;
      }
    }
    return Join(pieces_);
  }

  // Lowers a container's env and args. A value that is one whole secret
  // reads it through secretKeyRef. A secret inside a larger value (or an
  // argument) is a $(VAR) reference to an env var holding the secret: the
  // one that already does, or a new one named after the secret; those come
  // first, so that Kubernetes has defined them when it expands the others.
  void Environment(const Component& c, Container& container) {
    const Value* env = c.Find("env");
    const Value* command = c.Find("command");
    std::map<std::string, std::string> holders;  // secret -> env var holding it
    // The env's names are its keys; `added` holds the variables made here.
    std::set<std::string> added;
    auto taken = [&](const std::string& name) {
      return (env && env->entries.count(name)) || added.count(name);
    };
    std::vector<const Value*> expanded;
    if (env) {
      for (const auto& [key, value] : env->entries) {
        if (IsWholeSecret(value)) {
          holders.emplace(value.text.front().text, key);
        } else {
          expanded.push_back(&value);
        }
      }
    }
    if (command) {
      for (const Value& item : command->items) expanded.push_back(&item);
    }
    std::vector<EnvVar> first;
    std::set<std::string> referenced;
    for (const Value* value : expanded) {
      for (const TextPart& part : value->text) {
        if (part.kind != TextPart::Kind::Secret) continue;
        auto holder = holders.find(part.text);
        if (holder == holders.end()) {
          std::string var = SecretVariable(part.text);
          while (taken(var)) var = "STACKC_" + var;
          added.insert(var);
          holder = holders.emplace(part.text, var).first;
          first.push_back({var, {}, UseSecret(part.text).object});
        }
        referenced.insert(holder->second);
      }
    }
    std::vector<EnvVar> rest;
    if (env) {
      rest.reserve(env->entries.size());
      for (const auto& [key, value] : env->entries) {
        EnvVar var{key, {}, {}};
        if (IsWholeSecret(value)) {
          var.secret_object = UseSecret(value.text.front().text).object;
        } else {
          var.value = Expanded(value, holders);
        }
        (referenced.count(key) ? first : rest).push_back(std::move(var));
      }
    }
    if (first.empty()) {
      // Most containers reference no secret through another variable.
      container.env = std::move(rest);
    } else {
      std::sort(first.begin(), first.end(), [](const EnvVar& a, const EnvVar& b) { return a.name < b.name; });
      first.reserve(first.size() + rest.size());
      container.env = std::move(first);
      container.env.insert(container.env.end(), std::make_move_iterator(rest.begin()),
                           std::make_move_iterator(rest.end()));
    }
    if (command) {
      for (const Value& item : command->items) container.args.push_back(Expanded(item, holders));
    }
  }

  // Probe periods are whole seconds.
  int64_t Seconds(const Component& c, std::string_view property, int64_t fallback_ms) {
    const Value* value = c.Find(property);
    int64_t ms = value ? value->number : fallback_ms;
    int64_t seconds = std::max<int64_t>(1, (ms + 999) / 1000);
    if (value && seconds * 1000 != ms) {
      diags_.Report(DiagKind::NotExpressibleInTarget, c.OriginOf(value),
                    fmt::format("kubernetes: probes count in whole seconds; '{} = {}' of {} '{}' becomes {}s",
                                property, value->literal, ast::KindName(c.kind), c.name, seconds));
    }
    return seconds;
  }

  // ---- Images ---------------------------------------------------------------

  // The container's image. A component built from source with no image
  // name runs the name Compose gives such a build, STACK-APP, which only a
  // node that built it has: push.sh cannot push it anywhere.
  bool Image(const Component& c, const Component* from, Container& container) {
    if (const Value* image = c.Find("image"); image && !image->LiteralText().empty()) {
      container.image = Plain(*image, c, "image");
      return true;
    }
    const Component& builder = from ? *from : c;
    container.image = plan_.stack + "-" + builder.name;
    const Value* policy = builder.Find("kubernetes.image_pull_policy");
    container.pull_policy = policy ? policy->LiteralText() : "IfNotPresent";
    if (&builder == &c) {
      diags_.Report(DiagKind::NotExpressibleInTarget, c.OriginOf(c.Find("build")),
                    fmt::format("kubernetes: {} '{}' is built from source but names no image to push; its pods run "
                                "'{}', which only a node that built it has",
                                ast::KindName(c.kind), c.name, container.image))
          .Note(c.name_range, fmt::format("name the image in a registry, e.g. image = \"registry.example.com/{}\", "
                                          "and push.sh builds and pushes it",
                                          container.image));
    }
    return false;
  }

  // An image the stack builds: push.sh builds and pushes it; Kubernetes
  // pulls it again on every start, as the book does, unless told otherwise.
  void Build(const Component& c, const Component& policy_source, Workload& w) {
    if (const Value* policy = policy_source.Find("kubernetes.image_pull_policy")) {
      w.container.pull_policy = policy->LiteralText();
    }
    const Value* build = c.Find("build");
    if (!build) return;
    if (w.container.pull_policy.empty()) w.container.pull_policy = "Always";
    w.built_repository = images_.Add(c, w.container.image, *build, c.name, diags_);
  }

  // ---- Components -----------------------------------------------------------

  void AddDatabase(const Component& c) {
    Workload w;
    w.component = &c;
    w.path = fmt::format("kube/deployments/{}-deployment.yaml", c.name);
    w.tier = c.name;
    w.strategy = "Recreate";
    w.container.name = c.name;
    Image(c, nullptr, w.container);
    Environment(c, w.container);
    if (std::optional<int64_t> port = c.Int("port")) {
      std::string engine = c.Text("engine");
      std::string name = PortName(c, IsPortName(engine) ? engine : "db");
      w.container.port = ContainerPort{name, *port};
      w.service = Service{c.name, "ClusterIP", true, {ServicePort{name, *port, name, 0, std::nullopt}}, c.name, c.name};
    }
    if (const Value* ready = c.Find("ready"); ready && !ready->items.empty()) {
      Probe probe;
      for (const Value& item : ready->items) probe.exec.push_back(Plain(item, c, "readiness command"));
      probe.period_seconds = Seconds(c, "ready_interval", 5000);
      probe.timeout_seconds = probe.period_seconds;
      probe.failure_threshold = c.Int("ready_retries").value_or(10);
      w.container.readiness = probe;
    }
    if (const Value* storage = c.Find("storage")) {
      const Value* data_dir = c.Find("data_dir");
      if (!data_dir) {
        diags_.Report(DiagKind::NotExpressibleInTarget, c.OriginOf(storage),
                      fmt::format("kubernetes: database '{}' sets no data_dir to mount its volume at; "
                                  "'storage = {}' is left out",
                                  c.name, storage->literal));
      } else if (CheckDerivedName(c, c.name + "-data", fmt::format("the data volume of database '{}'", c.name))) {
        w.claim = c.name + "-data";
        w.claim_storage = storage->literal;
        w.container.mount_volume = w.claim;
        w.container.mount_path = data_dir->LiteralText();
      }
    }
    AddWorkload(Step::Kind::Database, std::move(w));
  }

  void AddApp(const Component& c) {
    Workload w;
    w.component = &c;
    w.path = fmt::format("kube/deployments/{}-deployment.yaml", c.name);
    w.tier = c.name;
    w.strategy = "RollingUpdate";
    w.replicas = c.Int("replicas").value_or(1);
    w.container.name = c.name;
    if (Image(c, nullptr, w.container)) Build(c, c, w);
    Environment(c, w.container);
    std::optional<int64_t> port = c.Int("port");
    if (port) w.container.port = ContainerPort{PortName(c, "http"), *port};
    if (const Value* cpu = c.Find("cpu")) w.container.cpu = cpu->literal;
    if (const Value* memory = c.Find("memory")) w.container.memory = memory->literal;

    std::vector<const Component*> balancers;
    for (const auto& [dependent, edge] : stack_.DependentsOf(c)) {
      if (dependent->kind == ComponentKind::Balancer && edge->kind == ir::EdgeKind::Route) {
        balancers.push_back(dependent);
      }
    }
    Readiness(c, balancers, w.container);
    if (port) {
      const std::string& name = w.container.port->name;
      Service service{c.name, "ClusterIP", false, {{name, *port, name, 0, std::nullopt}}, c.name, c.name};
      std::vector<const Component*> shaping;
      for (const Component* b : balancers) {
        if (SharesAppService(*b)) shaping.push_back(b);
      }
      Shape(shaping, service);
      w.service = std::move(service);
    }
    AddWorkload(Step::Kind::App, std::move(w));
  }

  // Pods receive traffic once their readiness probe passes: the app's health
  // path, or its balancer's when the app has none.
  void Readiness(const Component& c, const std::vector<const Component*>& balancers, Container& container) {
    const Value* health = c.Find("health");
    for (const Component* b : balancers) {
      const Value* path = b->Find("health");
      if (!path) continue;
      if (!health) {
        health = path;
      } else if (path->LiteralText() != health->LiteralText()) {
        diags_.Report(DiagKind::NotExpressibleInTarget, path->origin,
                      fmt::format("kubernetes: balancer '{}' health-checks \"{}\", but its Service sends traffic to "
                                  "the pods that pass the readiness probe of app '{}' (\"{}\")",
                                  b->name, path->LiteralText(), c.name, health->LiteralText()));
      }
    }
    if (!health) return;
    if (!container.port) {
      diags_.Report(DiagKind::NotExpressibleInTarget, health->origin,
                    fmt::format("kubernetes: app '{}' has no port to probe \"{}\" on; it gets no readiness probe",
                                c.name, health->LiteralText()));
      return;
    }
    Probe probe;
    probe.http_path = health->LiteralText();
    if (!probe.http_path.starts_with("/")) probe.http_path = "/" + probe.http_path;
    probe.port_name = container.port->name;
    container.readiness = probe;
  }

  static int Rank(std::string_view type) { return type == "LoadBalancer" ? 2 : type == "NodePort" ? 1 : 0; }

  // Public balancers make LoadBalancer Services, others NodePort ones (the
  // book's Minikube setup), unless their kubernetes block says otherwise.
  static std::string BalancerType(const Component& b) {
    if (const Value* type = b.Find("kubernetes.service_type")) return type->LiteralText();
    return b.Bool("public") ? "LoadBalancer" : "NodePort";
  }

  // Opens a balancer's node port on `port`, once in the whole cluster.
  void NodePort(const Component& b, const Service& service, ServicePort& port) {
    const Value* node_port = b.Find("kubernetes.node_port");
    if (!node_port) return;
    if (service.type == "ClusterIP") {
      diags_.Report(DiagKind::NotExpressibleInTarget, node_port->origin,
                    fmt::format("kubernetes: Service '{}' is of type ClusterIP, which opens no node port; "
                                "'node_port = {}' of balancer '{}' is left out",
                                service.name, node_port->number, b.name));
      return;
    }
    auto [owner, fresh] = node_ports_.emplace(node_port->number, &b);
    if (!fresh && owner->second != &b) {
      diags_.Report(DiagKind::PortConflict, node_port->origin,
                    fmt::format("kubernetes: balancers '{}' and '{}' both open node port {}", owner->second->name,
                                b.name, node_port->number))
          .Note(owner->second->OriginOf(owner->second->Find("kubernetes.node_port")),
                fmt::format("'{}' opens it here", owner->second->name));
      return;
    }
    port.node_port = node_port->number;
  }

  // Balancers on the app's own port make the app's Service public, as the
  // book's Service webapp is. One Service has one type: the most open one
  // that they ask for.
  void Shape(const std::vector<const Component*>& balancers, Service& service) {
    const Component* chooser = nullptr;
    for (const Component* b : balancers) {
      std::string type = BalancerType(*b);
      if (!chooser) {
        service.type = type;
        chooser = b;
        continue;
      }
      if (type == service.type) continue;
      bool wins = Rank(type) > Rank(service.type);
      const Component& loser = wins ? *chooser : *b;
      const Value* why = loser.Find("kubernetes.service_type");
      if (!why) why = loser.Find("public");
      diags_.Report(DiagKind::NotExpressibleInTarget, loser.OriginOf(why),
                    fmt::format("kubernetes: balancers '{}' ({}) and '{}' ({}) share Service '{}', which has one "
                                "type; it becomes {}",
                                chooser->name, service.type, b->name, type, service.name,
                                wins ? type : service.type));
      if (wins) {
        service.type = type;
        chooser = b;
      }
    }
    for (const Component* b : balancers) NodePort(*b, service, service.ports.front());
  }

  void AddTask(const Component& c) {
    // Test suites run with docker-compose.test.yml, against a database of
    // their own, never against the cluster's; apply.sh says so.
    if (c.Text("role") == "test") {
      plan_.test_tasks.push_back(c.name);
      return;
    }
    Workload w;
    w.component = &c;
    w.path = fmt::format("kube/jobs/{}-job.yaml", c.name);
    w.tier = c.name;
    w.is_job = true;
    w.backoff_limit = kBackoffLimit;
    w.container.name = c.name;
    const Component* from = nullptr;
    if (const Value* ref = c.Find("from")) from = stack_.Find(ref->literal);
    if (Image(c, from, w.container)) Build(c, from ? *from : c, w);
    Environment(c, w.container);
    for (const auto& [dependency, edge] : stack_.DependenciesOf(c)) {
      if (dependency->kind == ComponentKind::Database) WaitFor(c, *dependency, w);
    }
    AddWorkload(Step::Kind::Task, std::move(w));
  }

  // The database's own readiness command, pointed at its Service, repeated
  // in an init container until it succeeds.
  void WaitFor(const Component& task, const Component& db, Workload& w) {
    const Value* ready = db.Find("ready");
    std::optional<int64_t> port = db.Int("port");
    if (!ready || ready->items.empty() || !port || !db.Find("image")) return;
    std::vector<std::string> command;
    for (const Value& item : ready->items) command.push_back(Plain(item, db, "readiness command"));
    std::string host = db.name;
    std::string engine = db.Text("engine");
    std::string port_text = std::to_string(*port);
    if (engine == "postgres") {
      command.insert(command.end(), {"-h", host, "-p", port_text});
    } else if (engine == "mysql") {
      auto h = std::find(command.begin(), command.end(), "-h");
      if (h != command.end() && h + 1 != command.end()) *(h + 1) = host;
      else command.insert(command.end(), {"-h", host});
      command.insert(command.end(), {"-P", port_text});
    } else if (engine == "redis") {
      command.insert(command.begin() + 1, {"-h", host, "-p", port_text});
    } else {
      if (reported_wait_.insert(db.name).second) {
        diags_.Report(DiagKind::NotExpressibleInTarget, db.OriginOf(ready),
                      fmt::format("kubernetes: stackc cannot point the readiness command of database '{}' at another "
                                  "host (its engine is {}), so Jobs do not wait for it; apply.sh still does",
                                  db.name, engine.empty() ? "not set" : "'" + engine + "'"));
      }
      return;
    }
    std::string name = "wait-for-" + db.name;
    if (!CheckDerivedName(db, name, fmt::format("the init container in which task '{}' waits for database '{}'",
                                                task.name, db.name))) return;
    Container wait;
    wait.name = name;
    wait.image = Plain(*db.Find("image"), db, "image");
    const Value* ready_interval = db.Find("ready_interval");
    int64_t interval = std::max<int64_t>(1, ((ready_interval ? ready_interval->number : 5000) + 999) / 1000);
    wait.command = {"sh", "-c", fmt::format("until \"$@\"; do echo \"waiting for $0\"; sleep {}; done", interval),
                    db.name};
    for (const std::string& word : command) wait.command.push_back(Join(word));
    w.init_containers.push_back(std::move(wait));
  }

  void AddBalancer(const Component& c) {
    const Value* route = c.Find("route");
    const Component* app = route ? stack_.Find(route->literal) : nullptr;
    if (!app) return;
    if (SharesAppService(c)) {
      plan_.steps.push_back({Step::Kind::Balancer, &c, -1, app->name, -1});
      return;
    }
    std::optional<int64_t> app_port = app->Int("port");
    int64_t port = c.Int("port").value_or(80);
    int64_t target = c.Int("target_port").value_or(app_port.value_or(port));
    ServicePort service_port{PortName(c, "http"), port, "", target, std::nullopt};
    if (app_port && target == *app_port) service_port.target_name = PortName(*app, "http");
    Service service{c.name, BalancerType(c), false, {service_port}, c.name, app->name};
    NodePort(c, service, service.ports.front());
    plan_.steps.push_back({Step::Kind::Balancer, &c, -1, c.name, static_cast<int>(plan_.services.size())});
    plan_.services.push_back({&c, fmt::format("kube/services/{}-service.yaml", c.name), std::move(service)});
  }

  void AddWorkload(Step::Kind kind, Workload&& w) {
    plan_.steps.push_back({kind, w.component, static_cast<int>(plan_.workloads.size()), "", -1});
    plan_.workloads.push_back(std::move(w));
  }

  const ir::Stack& stack_;
  DiagnosticEngine& diags_;
  Plan plan_;
  std::map<std::string, SecretInfo> secrets_;
  BuiltImages images_{"kubernetes"};
  std::map<int64_t, const Component*> node_ports_;
  std::vector<Piece> pieces_;  // Expanded()'s, kept for their capacity
  std::set<std::string> reported_long_;
  std::set<std::string> reported_wait_;
};

}  // namespace

Plan MakePlan(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags) {
  return Planner(stack, options, diags).Run();
}

}  // namespace stackc::kubernetes
