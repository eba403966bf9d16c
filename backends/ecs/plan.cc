#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "backends/ecs/plan.h"

#include "backends/common/secrets.h"

namespace stackc::ecs {
namespace {

using ir::Component;
using ir::ComponentKind;
using ir::TextPart;
using ir::Value;

constexpr size_t kMaxLoadBalancerName = 32;  // ALB, classic ELB and target group names
constexpr size_t kMaxDbIdentifier = 63;
constexpr int64_t kMinAllocatedStorageGib = 20;  // RDS gp2 minimum for postgres and mysql
constexpr int64_t kDefaultMemoryMib = 512;
constexpr int64_t kDefaultFargateCpu = 256;
constexpr int64_t kHealthCheckGraceSeconds = 60;
constexpr double kMib = 1024.0 * 1024.0;
constexpr double kGib = kMib * 1024.0;

// Stack-level settings of the top-level `ecs { }` block, with the schema's
// defaults, so that the backend also works while no stack sets any.
class Settings {
 public:
  explicit Settings(const ir::Stack& stack) : stack_(stack) {}
  const Value* Find(std::string_view name) const {
    return stack_.FindSetting(fmt::format(FMT_COMPILE("ecs.{}"), name));
  }
  std::string Text(std::string_view name, std::string_view fallback = "") const {
    const Value* value = Find(name);
    return value && !value->is_none() ? value->LiteralText() : std::string(fallback);
  }
  int64_t Int(std::string_view name, int64_t fallback) const {
    const Value* value = Find(name);
    return value && value->kind == Value::Kind::Int ? value->number : fallback;
  }
  bool Bool(std::string_view name, bool fallback) const {
    const Value* value = Find(name);
    return value && value->kind == Value::Kind::Bool ? value->flag : fallback;
  }
  std::vector<std::string> List(std::string_view name) const {
    std::vector<std::string> out;
    if (const Value* value = Find(name)) {
      for (const Value& item : value->items) out.push_back(item.LiteralText());
    }
    return out;
  }

 private:
  const ir::Stack& stack_;
};

// Fargate accepts these task sizes only: CPU units, and for each the memory
// sizes in MiB from `min` to `max` in steps of `step`.
struct FargateSize {
  int64_t cpu, min, max, step;
};
constexpr FargateSize kFargateSizes[] = {
    {256, 512, 512, 512},  // 512, 1024, 2048 (listed below)
    {512, 1024, 4096, 1024},
    {1024, 2048, 8192, 1024},
    {2048, 4096, 16384, 1024},
    {4096, 8192, 30720, 1024},
    {8192, 16384, 61440, 4096},
    {16384, 32768, 122880, 8192},
};

// The smallest Fargate size that holds `cpu` units and `memory` MiB; the
// largest there is when nothing does.
std::pair<int64_t, int64_t> FargateTaskSize(int64_t cpu, int64_t memory) {
  for (const FargateSize& size : kFargateSizes) {
    if (size.cpu < cpu) continue;
    if (size.cpu == 256) {
      for (int64_t mib : {512, 1024, 2048}) {
        if (mib >= memory) return {size.cpu, mib};
      }
      continue;
    }
    if (memory > size.max) continue;
    int64_t mib = size.min;
    while (mib < memory) mib += size.step;
    return {size.cpu, mib};
  }
  return {16384, 122880};
}

Step NewStep(Step::Kind kind, std::string component) {
  Step step;
  step.kind = kind;
  step.component = std::move(component);
  return step;
}

bool SameValue(const Value& a, const Value& b) {
  return a.kind == b.kind && a.text == b.text && a.number == b.number && a.flag == b.flag &&
         a.literal == b.literal && a.amount == b.amount;
}

bool IsWholeSecret(const Value& value) {
  return value.kind == Value::Kind::Text && value.text.size() == 1 &&
         value.text.front().kind == TextPart::Kind::Secret;
}

class Planner {
 public:
  Planner(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags)
      : stack_(stack), settings_(stack), diags_(diags) {
    plan_.stack = stack.name;
    plan_.source_name = options.source_name;
    plan_.profile = stack.profile;
  }

  Plan Run() {
    Cluster();
    for (const Component& c : stack_.components()) {
      if (c.kind == ComponentKind::Database) AddDatabase(c);
    }
    for (const Component& c : stack_.components()) {
      if (c.kind == ComponentKind::Balancer) AddBalancer(c);
    }
    for (size_t i = 0; i < plan_.balancers.size(); ++i) {
      balancers_by_app_[plan_.balancers[i].app].push_back(static_cast<int>(i));
    }
    // At most one task definition per component: reserved, so that the
    // large TaskDefinitions are not moved as the vector grows.
    plan_.task_definitions.reserve(stack_.components().size());
    for (const Component* c : stack_.TopologicalOrder()) {
      switch (c->kind) {
        case ComponentKind::Database: PushStep(NewStep(Step::Kind::Database, c->name), {}); break;
        case ComponentKind::Balancer: PushStep(NewStep(Step::Kind::Balancer, c->name), {}); break;
        case ComponentKind::App: AddApp(*c); break;
        case ComponentKind::Task: AddTask(*c); break;
      }
    }
    HostPortCapacity();
    Ingress();
    for (auto& [name, secret] : secrets_) plan_.secrets.push_back(secret);
    std::sort(plan_.secrets.begin(), plan_.secrets.end(),
              [](const SecretInfo& a, const SecretInfo& b) { return a.name < b.name; });
    for (auto& [name, placeholder] : placeholders_) plan_.placeholders.push_back(placeholder);
    std::sort(plan_.placeholders.begin(), plan_.placeholders.end(),
              [](const Placeholder& a, const Placeholder& b) { return a.name < b.name; });
    plan_.images = images_.Sorted();
    std::sort(plan_.composed.begin(), plan_.composed.end(),
              [](const ComposedParameter& a, const ComposedParameter& b) { return a.parameter < b.parameter; });
    return std::move(plan_);
  }

 private:
  bool Fargate() const { return plan_.launch_type == LaunchType::Fargate; }

  // ---- Stack-wide -----------------------------------------------------------

  void Cluster() {
    std::string launch_type = settings_.Text("launch_type", "fargate");
    plan_.launch_type = launch_type == "ec2" ? LaunchType::Ec2 : LaunchType::Fargate;
    plan_.cluster = settings_.Text("cluster", plan_.stack);
    plan_.region = settings_.Text("region");
    plan_.execution_role = settings_.Text("execution_role", "ecsTaskExecutionRole");
    plan_.log_group = "/ecs/" + plan_.stack;
    plan_.parameter_prefix = "/" + plan_.stack + "/";
    Network& network = plan_.network;
    network.vpc = settings_.Text("vpc");
    network.subnets = settings_.List("subnets");
    network.security_group = settings_.Text("security_group");
    network.assign_public_ip = settings_.Bool("assign_public_ip", true);
    if (Fargate()) {
      network.configuration_json = fmt::format(
          R"({{"awsvpcConfiguration":{{"subnets":["@{{subnets}}"],"securityGroups":["@{{security_group}}"],)"
          R"("assignPublicIp":"{}"}}}})",
          network.assign_public_ip ? "ENABLED" : "DISABLED");
    } else {
      plan_.instances.count = settings_.Int("instances", 1);
      plan_.instances.instance_type = settings_.Text("instance_type", "t3.medium");
      plan_.instances.key_pair = settings_.Text("key_pair");
      plan_.instances.ssh_from = settings_.Text("ssh_from");
    }
  }

  // What the components need open: each database's port and each balancer's
  // target port to the group itself (tasks, balancers and databases share
  // it), a public balancer's listener to everyone, ssh when asked for.
  void Ingress() {
    std::set<std::pair<int64_t, std::string>> seen;
    auto add = [&](int64_t port, std::string cidr, std::string reason) {
      if (seen.insert({port, cidr}).second) plan_.network.ingress.push_back({port, std::move(cidr), std::move(reason)});
    };
    for (const Database& db : plan_.databases) add(db.port, "", "database " + db.component);
    for (const Balancer& b : plan_.balancers) {
      add(b.port, b.internet_facing ? "0.0.0.0/0" : "", "balancer " + b.component);
      add(b.target_port, "", fmt::format(FMT_COMPILE("balancer {} to app {}"), b.component, b.app));
    }
    if (!Fargate() && !plan_.instances.ssh_from.empty()) add(22, plan_.instances.ssh_from, "ssh");
    std::sort(plan_.network.ingress.begin(), plan_.network.ingress.end(),
              [](const IngressRule& a, const IngressRule& b) {
                return std::tie(a.port, a.cidr) < std::tie(b.port, b.cidr);
              });
  }

  // ---- Names ----------------------------------------------------------------

  bool CheckLength(const Component& c, const std::string& derived, size_t limit, std::string_view what) {
    if (derived.size() <= limit) return true;
    diags_
        .Report(DiagKind::InvalidDnsName, c.name_range,
                fmt::format(FMT_COMPILE("ecs: {} would be named '{}', {} characters; AWS allows at most {}"), what,
                            derived, derived.size(), limit))
        .Note({},
              fmt::format(FMT_COMPILE("shorten the stack or component name by {} characters"), derived.size() - limit));
    return false;
  }

  // RDS takes database and user names of letters, digits and '_' that start
  // with a letter; create-db-instance fails on any other.
  void CheckRdsName(const Component& c, std::string_view property, const std::string& name, size_t limit) {
    if (name.empty()) return;
    bool valid = name.size() <= limit && std::isalpha(static_cast<unsigned char>(name.front()));
    for (char ch : name) valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (valid) return;
    diags_.Report(
        DiagKind::NotExpressibleInTarget, c.OriginOf(c.Find(property)),
        fmt::format(FMT_COMPILE("ecs: RDS rejects the {} '{}' of database '{}': it takes at most {} letters, digits "
                                "and '_', starting with a letter"),
                    property, name, c.name, limit));
  }

  std::string UsePlaceholder(std::string name, Placeholder::Source source, std::string component = "",
                             bool list = false) {
    // Looked up first: most uses are of a placeholder already known.
    if (placeholders_.find(name) == placeholders_.end()) {
      placeholders_.emplace(name, Placeholder{name, source, std::move(component), list});
    }
    return name;
  }

  // ---- Text -----------------------------------------------------------------

  // Who answers `${NAME.host}` on ECS: an RDS endpoint, a load balancer's
  // DNS name, or for an app the balancer in front of it on its own port.
  // Nothing else has an address: ECS services have no DNS names of their own.
  Piece Host(const TextPart& part, const Value& value, const Component& user) {
    auto db = database_index_.find(part.text);
    if (db != database_index_.end()) {
      return {Piece::Kind::Placeholder, plan_.databases[db->second].host_placeholder};
    }
    auto b = balancer_index_.find(part.text);
    if (b != balancer_index_.end()) return {Piece::Kind::Placeholder, plan_.balancers[b->second].host_placeholder};
    const Component* target = stack_.Find(part.text);
    if (target && target->kind == ComponentKind::App) {
      std::optional<int64_t> port = target->Int("port");
      auto routed = balancers_by_app_.find(target->name);
      if (port && routed != balancers_by_app_.end()) {
        for (int index : routed->second) {
          const Balancer& balancer = plan_.balancers[index];
          if (balancer.port == *port) return {Piece::Kind::Placeholder, balancer.host_placeholder};
        }
      }
    }
    if (reported_hosts_.insert({user.name, part.text}).second) {
      diags_.Report(
          DiagKind::NotExpressibleInTarget, user.OriginOf(&value),
          fmt::format(FMT_COMPILE("ecs: {} '{}' uses the host of {} '{}', which has no address on ECS (no RDS "
                                  "instance, no balancer in front of it on its port); it stays '{}'"),
                      ast::KindName(user.kind), user.name, target ? ast::KindName(target->kind) : "component",
                      part.text, part.text));
    }
    return {Piece::Kind::Literal, part.text};
  }

  // Literal text with "@{" inside, reported once per component.
  void ReportAt(const TextPart& part, const Value& value, const Component& user) {
    if (part.text.find("@{") != std::string::npos && reported_at_.insert(user.name).second) {
      diags_.Report(DiagKind::NotExpressibleInTarget, user.OriginOf(&value),
                    fmt::format(FMT_COMPILE("ecs: a value of {} '{}' contains '@{{', which the ECS scripts read as the "
                                            "start of a placeholder"),
                                ast::KindName(user.kind), user.name));
    }
  }

  // `${BALANCER.port}`: the balancer's listener port, 80 for anything else.
  int64_t BalancerPort(const std::string& name) const {
    auto b = balancer_index_.find(name);
    return b != balancer_index_.end() ? plan_.balancers[b->second].port : 80;
  }

  std::vector<Piece> Pieces(const Value& value, const Component& user) {
    std::vector<Piece> pieces;
    if (value.kind != Value::Kind::Text) {
      pieces.push_back({Piece::Kind::Literal, value.LiteralText()});
      return pieces;
    }
    for (const TextPart& part : value.text) {
      switch (part.kind) {
        case TextPart::Kind::Literal:
          ReportAt(part, value, user);
          pieces.push_back({Piece::Kind::Literal, part.text});
          break;
        case TextPart::Kind::Secret: pieces.push_back({Piece::Kind::Secret, part.text}); break;
        case TextPart::Kind::Symbol:
          if (part.attribute == "port") {
            pieces.push_back({Piece::Kind::Literal, std::to_string(BalancerPort(part.text))});
          } else {
            pieces.push_back(Host(part, value, user));
          }
          break;
      }
    }
    return pieces;
  }

  // Text that goes into JSON as is (a command word, an environment value):
  // a secret cannot, since ECS expands nothing there. What Pieces() would
  // make, written straight into the text, with the same reports in the same
  // order: those of Pieces() first, then one per secret.
  std::string Plain(const Value& value, const Component& c, std::string_view what) {
    if (value.kind != Value::Kind::Text) return value.LiteralText();
    std::string out;
    bool secrets = false;
    for (const TextPart& part : value.text) {
      switch (part.kind) {
        case TextPart::Kind::Literal:
          ReportAt(part, value, c);
          out += part.text;
          break;
        case TextPart::Kind::Secret: secrets = true; break;
        case TextPart::Kind::Symbol:
          if (part.attribute == "port") {
            out += std::to_string(BalancerPort(part.text));
          } else {
            Piece host = Host(part, value, c);
            if (host.kind == Piece::Kind::Placeholder) {
              out += "@{";
              out += host.text;
              out += '}';
            } else {
              out += host.text;
            }
          }
          break;
      }
    }
    if (!secrets) return out;
    for (const TextPart& part : value.text) {
      if (part.kind != TextPart::Kind::Secret) continue;
      diags_.Report(
          DiagKind::NotExpressibleInTarget, c.OriginOf(&value),
          fmt::format(FMT_COMPILE("ecs: the {} of {} '{}' uses secret(\"{}\"), but ECS passes secrets only as "
                                  "whole environment variables; the secret is left out"),
                      what, ast::KindName(c.kind), c.name, part.text));
    }
    return out;
  }

  SecretInfo& UseSecret(const std::string& name) {
    auto it = secrets_.find(name);
    if (it != secrets_.end()) return it->second;
    return secrets_.emplace(name, SecretInfo{name, SecretVariable(name), plan_.parameter_prefix + name, false})
        .first->second;
  }

  // One environment variable of `c`'s container. A whole secret is read
  // from its own parameter; a secret inside a larger value from a parameter
  // up.sh composes for this component and variable.
  EnvVar Variable(const Component& c, const std::string& name, const Value& value) {
    if (IsWholeSecret(value)) {
      SecretInfo& secret = UseSecret(value.text.front().text);
      secret.stored = true;
      return {name, {}, secret.parameter};
    }
    if (value.HasSecret()) {
      ComposedParameter composed{plan_.parameter_prefix + c.name + "/" + name, c.name, name, Pieces(value, c)};
      for (const Piece& piece : composed.pieces) {
        if (piece.kind == Piece::Kind::Secret) UseSecret(piece.text);
      }
      std::string parameter = composed.parameter;
      plan_.composed.push_back(std::move(composed));
      return {name, {}, std::move(parameter)};
    }
    return {name, Plain(value, c, "environment"), {}};
  }

  static void AddTo(Container& container, EnvVar var) {
    (var.parameter.empty() ? container.environment : container.secrets).push_back(std::move(var));
  }

  // ---- Images ---------------------------------------------------------------

  // ECS pulls every image from a registry: a component built from source
  // with no image name runs STACK-NAME, which no registry has.
  void Image(const Component& c, const Component* from, Container& container) {
    const Component& builder = from ? *from : c;
    if (const Value* image = c.Find("image"); image && !image->LiteralText().empty()) {
      container.image = Plain(*image, c, "image");
    } else {
      container.image = plan_.stack + "-" + builder.name;
      if (&builder == &c && c.Find("build")) {
        diags_
            .Report(
                DiagKind::NotExpressibleInTarget, c.OriginOf(c.Find("build")),
                fmt::format(FMT_COMPILE("ecs: {} '{}' is built from source but names no image to push; ECS would pull "
                                        "'{}', which no registry has"),
                            ast::KindName(c.kind), c.name, container.image))
            .Note(c.name_range,
                  fmt::format(FMT_COMPILE("name the image in a registry, e.g. image = \"registry.example.com/{}\", "
                                          "and push.sh builds and pushes it"),
                              container.image));
      }
      return;
    }
    const Value* build = c.Find("build");
    if (!build) return;
    container.built_repository = images_.Add(c, container.image, *build, builder.name, diags_);
  }

  // cpu in units of 1/1024 vCPU, memory in MiB: the stack's quantities, or
  // the component's `ecs { cpu_units, memory_mib }`.
  static void Resources(const Component& c, Container& container) {
    if (const Value* units = c.Find("ecs.cpu_units")) {
      container.cpu_units = units->number;
    } else if (const Value* cpu = c.Find("cpu")) {
      container.cpu_units = std::max<int64_t>(1, std::llround(cpu->amount * 1024));
    }
    if (const Value* mib = c.Find("ecs.memory_mib")) {
      container.memory_mib = mib->number;
    } else if (const Value* memory = c.Find("memory")) {
      container.memory_mib = std::max<int64_t>(4, static_cast<int64_t>(std::ceil(memory->amount / kMib)));
    } else {
      container.memory_mib = kDefaultMemoryMib;
    }
  }

  // ---- Task definitions -----------------------------------------------------

  int AddTaskDefinition(const Component& c, Container container) {
    TaskDefinition td;
    td.component = c.name;
    td.family = c.name;
    td.path = fmt::format(FMT_COMPILE("ecs/task-definitions/{}.json"), c.name);
    td.network_mode = Fargate() ? "awsvpc" : "bridge";
    td.requires_compatibility = Fargate() ? "FARGATE" : "EC2";
    if (Fargate()) {
      auto [cpu, memory] =
          FargateTaskSize(container.cpu_units.value_or(kDefaultFargateCpu), container.memory_mib);
      td.task_cpu = std::to_string(cpu);
      td.task_memory = std::to_string(memory);
    }
    td.log_group = plan_.log_group;
    td.log_stream_prefix = c.name;
    td.container = std::move(container);
    std::set<std::string> used = {UsePlaceholder("region", Placeholder::Source::Region),
                                  UsePlaceholder("execution_role_arn", Placeholder::Source::ExecutionRoleArn)};
    auto scan = [&](const std::string& text) { Scan(text, used); };
    scan(td.container.image);
    for (const std::string& word : td.container.command) scan(word);
    for (const EnvVar& var : td.container.environment) scan(var.value);
    td.placeholders.assign(used.begin(), used.end());
    definition_index_[c.name] = static_cast<int>(plan_.task_definitions.size());
    plan_.task_definitions.push_back(std::move(td));
    return static_cast<int>(plan_.task_definitions.size()) - 1;
  }

  // The placeholders in `text`, which only Pieces() wrote.
  static void Scan(const std::string& text, std::set<std::string>& used) {
    for (size_t at = text.find("@{"); at != std::string::npos; at = text.find("@{", at + 2)) {
      size_t end = text.find('}', at);
      if (end == std::string::npos) break;
      used.insert(text.substr(at + 2, end - at - 2));
    }
  }

  // ---- Components -----------------------------------------------------------

  void AddDatabase(const Component& c) {
    std::string engine = c.Text("engine");
    if (engine != "postgres" && engine != "mysql") {
      // At the declaration: the engine usually comes from a std/ template.
      diags_
          .Report(
              DiagKind::NotExpressibleInTarget, c.name_range,
              fmt::format(FMT_COMPILE("ecs: database '{}' {}, and RDS hosts only postgres and mysql; the ECS target "
                                      "leaves it out"),
                          c.name, engine.empty() ? "sets no engine" : "has engine '" + engine + "'"))
          .Note({}, "run it as an app with its image, or use a managed service outside the stack");
      return;
    }
    Database db;
    db.component = c.name;
    db.identifier = plan_.stack + "-" + c.name;
    CheckLength(c, db.identifier, kMaxDbIdentifier,
                fmt::format(FMT_COMPILE("the RDS instance of database '{}'"), c.name));
    db.engine = engine;
    db.engine_version = c.Text("ecs.engine_version");
    db.db_name = c.Text("name");
    db.master_user = c.Text("user");
    if (db.master_user.empty()) db.master_user = engine == "postgres" ? "postgres" : "admin";
    CheckRdsName(c, "name", db.db_name, engine == "postgres" ? 63 : 64);
    CheckRdsName(c, "user", db.master_user, engine == "postgres" ? 63 : 32);
    if (const Value* password = c.Find("password")) {
      db.password = Pieces(*password, c);
      for (const Piece& piece : db.password) {
        if (piece.kind == Piece::Kind::Secret) UseSecret(piece.text);
      }
    } else {
      diags_.Report(
          DiagKind::NotExpressibleInTarget, c.name_range,
          fmt::format(FMT_COMPILE("ecs: database '{}' sets no password, and RDS requires one; up.sh lets RDS "
                                  "manage it in Secrets Manager, where the apps cannot read it from the stack"),
                      c.name));
    }
    db.port = c.Int("port").value_or(engine == "postgres" ? 5432 : 3306);
    if (const Value* storage = c.Find("storage")) {
      db.allocated_storage_gib = std::max<int64_t>(kMinAllocatedStorageGib,
                                                   static_cast<int64_t>(std::ceil(storage->amount / kGib)));
    }
    db.instance_class = c.Text("ecs.instance_class");
    if (db.instance_class.empty()) db.instance_class = "db.t3.micro";
    db.multi_az = c.Bool("ecs.multi_az");
    db.publicly_accessible = c.Bool("ecs.publicly_accessible");
    db.subnet_group = plan_.stack + "-db-subnets";
    db.host_placeholder = UsePlaceholder(c.name + ".host", Placeholder::Source::DatabaseHost, c.name);
    database_index_[c.name] = static_cast<int>(plan_.databases.size());
    plan_.databases.push_back(std::move(db));
  }

  void AddBalancer(const Component& c) {
    const Value* route = c.Find("route");
    const Component* app = route ? stack_.Find(route->literal) : nullptr;
    if (!app) return;
    Balancer b;
    b.component = c.name;
    b.app = app->name;
    b.name = plan_.stack + "-" + c.name;
    CheckLength(c, b.name, kMaxLoadBalancerName,
                fmt::format(FMT_COMPILE("the load balancer of balancer '{}'"), c.name));
    b.internet_facing = c.Bool("public");
    b.port = c.Int("port").value_or(80);
    b.target_port = c.Int("target_port").value_or(app->Int("port").value_or(b.port));
    b.health_path = c.Text("health");
    if (b.health_path.empty()) b.health_path = app->Text("health");
    if (b.health_path.empty()) b.health_path = "/";
    if (!b.health_path.starts_with("/")) b.health_path = "/" + b.health_path;
    b.host_placeholder = UsePlaceholder(c.name + ".host", Placeholder::Source::BalancerHost, c.name);
    if (Fargate()) {
      b.target_group = b.name;
      b.target_group_placeholder =
          UsePlaceholder(c.name + ".target_group_arn", Placeholder::Source::TargetGroupArn, c.name);
    }
    balancer_index_[c.name] = static_cast<int>(plan_.balancers.size());
    plan_.balancers.push_back(std::move(b));
  }

  Container AppContainer(const Component& c) {
    Container container;
    container.name = c.name;
    Image(c, nullptr, container);
    if (const Value* command = c.Find("command")) {
      for (const Value& item : command->items) container.command.push_back(Plain(item, c, "command"));
    }
    if (const Value* env = c.Find("env")) {
      container.environment.reserve(env->entries.size());
      for (const auto& [name, value] : env->entries) AddTo(container, Variable(c, name, value));
    }
    Resources(c, container);
    return container;
  }

  // The ports an app's container maps: its own and each balancer's target.
  std::set<int64_t> AppPorts(const Component& c) const {
    std::set<int64_t> ports;
    if (std::optional<int64_t> port = c.Int("port")) ports.insert(*port);
    if (auto routed = balancers_by_app_.find(c.name); routed != balancers_by_app_.end()) {
      for (int index : routed->second) ports.insert(plan_.balancers[index].target_port);
    }
    return ports;
  }

  // An app's task definition, made the first time an app or a task `from`
  // it needs it (a setup task comes before its app).
  int DefinitionOf(const Component& app) {
    if (auto it = definition_index_.find(app.name); it != definition_index_.end()) return it->second;
    Container container = AppContainer(app);
    for (int64_t number : AppPorts(app)) container.ports.push_back({number, number});
    return AddTaskDefinition(app, std::move(container));
  }

  void AddApp(const Component& c) {
    int definition = DefinitionOf(c);
    std::vector<int> balancers;
    if (auto it = balancers_by_app_.find(c.name); it != balancers_by_app_.end()) balancers = it->second;

    Service service;
    service.component = c.name;
    service.name = c.name + "-service";
    service.path = fmt::format(FMT_COMPILE("ecs/services/{}-service.json"), c.name);
    service.task_definition = definition;
    service.desired_count = c.Int("replicas").value_or(1);
    // A service has one classic ELB at most; ALB target groups, several.
    // The one it keeps: a public balancer before an internal one, then by name.
    if (!Fargate() && balancers.size() > 1) {
      std::stable_sort(balancers.begin(), balancers.end(), [&](int a, int b) {
        return plan_.balancers[a].internet_facing && !plan_.balancers[b].internet_facing;
      });
      for (size_t i = 1; i < balancers.size(); ++i) {
        const Component* extra = stack_.Find(plan_.balancers[balancers[i]].component);
        diags_.Report(
            DiagKind::NotExpressibleInTarget, extra->OriginOf(extra->Find("route")),
            fmt::format(FMT_COMPILE("ecs: an EC2 service registers with one classic load balancer; app '{}' stays "
                                    "behind '{}', and balancer '{}' gets no instances"),
                        c.name, plan_.balancers[balancers[0]].component, extra->name));
      }
      // erase, not resize: GCC 12 reports a false -Warray-bounds for
      // resize(1) in optimized builds.
      balancers.erase(balancers.begin() + 1, balancers.end());
    }
    service.balancers = balancers;
    if (!balancers.empty()) service.health_check_grace_seconds = kHealthCheckGraceSeconds;
    std::set<std::string> used;
    std::set<std::string> needs;
    for (int index : balancers) {
      const Balancer& b = plan_.balancers[index];
      needs.insert(b.component);
      if (!b.target_group_placeholder.empty()) used.insert(b.target_group_placeholder);
    }
    if (Fargate()) {
      used.insert(UsePlaceholder("subnets", Placeholder::Source::Subnets, "", true));
      used.insert(UsePlaceholder("security_group", Placeholder::Source::SecurityGroup));
    } else if (std::set<int64_t> ports = AppPorts(c); !ports.empty()) {
      // Host ports: a new task can only start where an old one has stopped.
      service.maximum_percent = 100;
      service.minimum_healthy_percent = 50;
      for (int64_t number : ports) host_ports_[number].push_back(&c);
    }
    service.placeholders.assign(used.begin(), used.end());
    for (const std::string& name : plan_.task_definitions[definition].placeholders) used.insert(name);

    Step step = NewStep(Step::Kind::Service, c.name);
    step.service = static_cast<int>(plan_.services.size());
    plan_.services.push_back(std::move(service));
    PushStep(std::move(step), Needs(used, std::move(needs)), {definition});
  }

  void AddTask(const Component& c) {
    // Test suites run with docker-compose.test.yml, against a database of
    // their own, never against the deployment's.
    if (c.Text("role") == "test") {
      plan_.test_tasks.push_back(c.name);
      return;
    }
    const Component* from = nullptr;
    if (const Value* ref = c.Find("from")) from = stack_.Find(ref->literal);
    TaskRun run;
    run.component = c.name;
    std::set<std::string> used;
    if (from && from->kind == ComponentKind::App && Overridable(c, *from)) {
      run.task_definition = DefinitionOf(*from);
      run.container = from->name;
      run.overrides_path = fmt::format(FMT_COMPILE("ecs/task-definitions/{}-overrides.json"), c.name);
      if (const Value* command = c.Find("command")) {
        for (const Value& item : command->items) run.command.push_back(Plain(item, c, "command"));
      }
      const Value* app_env = from->Find("env");
      if (const Value* env = c.Find("env")) {
        for (const auto& [name, value] : env->entries) {
          auto same = app_env ? app_env->entries.find(name) : std::map<std::string, Value>::const_iterator{};
          if (app_env && same != app_env->entries.end() && SameValue(same->second, value)) continue;
          run.environment.push_back(Variable(c, name, value));
        }
      }
      for (const std::string& word : run.command) Scan(word, used);
      for (const EnvVar& var : run.environment) Scan(var.value, used);
      run.placeholders.assign(used.begin(), used.end());
    } else {
      Container container;
      container.name = c.name;
      Image(c, from, container);
      if (const Value* command = c.Find("command")) {
        for (const Value& item : command->items) container.command.push_back(Plain(item, c, "command"));
      }
      if (const Value* env = c.Find("env")) {
        for (const auto& [name, value] : env->entries) AddTo(container, Variable(c, name, value));
      }
      Resources(from ? *from : c, container);
      run.task_definition = AddTaskDefinition(c, std::move(container));
      run.container = c.name;
    }
    for (const std::string& name : plan_.task_definitions[run.task_definition].placeholders) used.insert(name);
    Step step = NewStep(Step::Kind::RunTask, c.name);
    step.run = static_cast<int>(plan_.runs.size());
    int definition_to_register = run.task_definition;
    plan_.runs.push_back(std::move(run));
    PushStep(std::move(step), Needs(used, {}), {definition_to_register});
  }

  // containerOverrides change a container's command and environment, not its
  // image or its secrets: a task that needs more runs a definition of its own.
  bool Overridable(const Component& task, const Component& app) {
    const Value* image = task.Find("image");
    const Value* app_image = app.Find("image");
    if ((image == nullptr) != (app_image == nullptr) || (image && !SameValue(*image, *app_image))) return false;
    const Value* env = task.Find("env");
    const Value* app_env = app.Find("env");
    if (!env) return true;
    for (const auto& [name, value] : env->entries) {
      const Value* app_value = nullptr;
      if (app_env) {
        auto it = app_env->entries.find(name);
        if (it != app_env->entries.end()) app_value = &it->second;
      }
      if (app_value && SameValue(*app_value, value)) continue;
      if (value.HasSecret() || (app_value && app_value->HasSecret())) return false;
    }
    return true;
  }

  // On EC2, every task that maps host port P needs an instance of its own:
  // more tasks than instances never start (the book's desiredCount 1).
  void HostPortCapacity() {
    if (Fargate()) return;
    // A setup task runs with its app's definition and maps the same host
    // port: push.sh and migrate.sh run it while the service's tasks hold
    // theirs, so it needs an instance of its own too.
    for (const TaskRun& run : plan_.runs) {
      const Component* task = stack_.Find(run.component);
      if (!task || run.task_definition < 0) continue;
      for (const PortMapping& mapping : plan_.task_definitions[run.task_definition].container.ports) {
        host_ports_[mapping.host_port].push_back(task);
      }
    }
    for (const auto& [port, apps] : host_ports_) {
      int64_t total = 0;
      std::string counts;
      for (const Component* app : apps) {
        int64_t replicas = app->Int("replicas").value_or(1);
        total += replicas;
        counts += fmt::format(FMT_COMPILE("{}{} '{}': {}"), counts.empty() ? "" : ", ", ast::KindName(app->kind),
                              app->name, replicas);
      }
      if (total <= plan_.instances.count) continue;
      const Component& first = *apps.front();
      bool with_task = std::any_of(apps.begin(), apps.end(),
                                   [](const Component* c) { return c->kind == ast::ComponentKind::Task; });
      auto& report =
          diags_
              .Report(
                  DiagKind::NotExpressibleInTarget, first.OriginOf(first.Find("replicas")),
                  fmt::format(
                      FMT_COMPILE("ecs: {} tasks map host port {} ({}), but an EC2 instance holds one task per host "
                                  "port and the cluster has {} instance{}; {} of them cannot start"),
                      total, port, counts, plan_.instances.count, plan_.instances.count == 1 ? "" : "s",
                      total - plan_.instances.count))
              .Note({}, "raise ecs.instances, lower replicas, or use launch_type = \"fargate\"");
      if (with_task) {
        report.Note({}, "a setup task runs with its app's definition, so push.sh and migrate.sh need a free "
                        "instance for it while the app's tasks run");
      }
    }
  }

  // The databases and balancers whose placeholders are among `used`, plus
  // `balancers` by name.
  std::set<std::string> Needs(const std::set<std::string>& used, std::set<std::string> components) const {
    for (const std::string& name : used) {
      auto it = placeholders_.find(name);
      if (it != placeholders_.end() && !it->second.component.empty()) components.insert(it->second.component);
    }
    return components;
  }

  // Appends `step` in topological order, after the database and balancer
  // steps it needs (moved up when the order had them later: a balancer
  // comes after its app in the graph, but its service needs it to exist).
  void PushStep(Step step, const std::set<std::string>& needs, const std::vector<int>& definitions = {}) {
    for (const std::string& name : needs) {
      if (auto db = database_index_.find(name); db != database_index_.end()) {
        PushStep(NewStep(Step::Kind::Database, name), {});
      } else if (auto b = balancer_index_.find(name); b != balancer_index_.end()) {
        PushStep(NewStep(Step::Kind::Balancer, name), {});
      }
    }
    if (step.kind == Step::Kind::Database || step.kind == Step::Kind::Balancer) {
      if (!stepped_.insert(step.component).second) return;
      if (step.kind == Step::Kind::Database) {
        auto db = database_index_.find(step.component);
        if (db == database_index_.end()) return;  // not expressible, reported
        step.database = db->second;
      } else {
        auto b = balancer_index_.find(step.component);
        if (b == balancer_index_.end()) return;
        step.balancer = b->second;
      }
    }
    for (int definition : definitions) {
      if (registered_.insert(definition).second) step.register_definitions.push_back(definition);
    }
    plan_.steps.push_back(std::move(step));
  }

  const ir::Stack& stack_;
  Settings settings_;
  DiagnosticEngine& diags_;
  Plan plan_;
  std::unordered_map<std::string, SecretInfo> secrets_;        // looked up often, sorted once
  std::unordered_map<std::string, Placeholder> placeholders_;  // looked up often, sorted once
  BuiltImages images_{"ecs"};
  // Indices by component name, only ever looked up.
  std::unordered_map<std::string, int> database_index_;
  std::unordered_map<std::string, int> balancer_index_;
  std::unordered_map<std::string, int> definition_index_;
  std::map<int64_t, std::vector<const Component*>> host_ports_;
  // plan_.balancers indices by the app they route to, ascending: a scan of
  // every balancer per app was quadratic.
  std::unordered_map<std::string, std::vector<int>> balancers_by_app_;
  std::unordered_set<std::string> stepped_;
  std::set<int> registered_;
  // What was reported once, by names of the IR, which outlives the planner.
  std::set<std::pair<std::string_view, std::string_view>> reported_hosts_;
  std::set<std::string_view> reported_at_;
};

}  // namespace

Plan MakePlan(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags) {
  return Planner(stack, options, diags).Run();
}

}  // namespace stackc::ecs
