#include "frontend/sema/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace stackc {
namespace {

using ast::ComponentKind;

// Properties that every kind shares: ordering.
std::vector<PropertySchema> WithOrdering(std::vector<PropertySchema> properties) {
  properties.push_back({"needs", ValueType::RefList,
                        "components that must be up (databases healthy, tasks finished) before this one starts"});
  properties.push_back({"before", ValueType::RefList, "components that must wait until this one is ready"});
  properties.push_back({"after", ValueType::RefList, "components this one waits for, without using them"});
  return properties;
}

std::vector<KindSchema> BuildSchemas() {
  constexpr int64_t kMaxPort = 65535;
  std::vector<KindSchema> schemas;

  schemas.push_back(KindSchema{
      ComponentKind::App,
      "a long-running service built from your code, such as a web server",
      WithOrdering({
          {"image", ValueType::String, "container image to run and to tag builds with, e.g. \"pacuna/webapp:${tag}\""},
          {"build", ValueType::String, "build context directory, relative to the stack file"},
          {"dockerfile", ValueType::String, "Dockerfile path inside the build context"},
          {"command", ValueType::StringList, "command that replaces the image's default command"},
          {"port", ValueType::Int, "port the app listens on inside its container", {}, false, kAnyComponent, {}, 1, kMaxPort},
          {"replicas", ValueType::Int, "number of copies to run", "1", false, kAnyComponent, {}, 0, 1000},
          {"env", ValueType::Env, "environment variables; values may reference secrets and other components", "{}", true},
          {"health", ValueType::String, "HTTP path that answers 200 when the app is healthy, e.g. \"/\""},
          {"cpu", ValueType::Quantity, "CPU the app may use, in cores: 250m, 1"},
          {"memory", ValueType::Quantity, "memory the app may use: 500Mi, 1Gi"},
      }),
      {{"compose", "settings only the Docker Compose target uses",
        {{"source_mount", ValueType::String,
          "in development, mount the build context at this path so code changes show without a rebuild"}}},
       {"kubernetes", "settings only the Kubernetes target uses",
        {{"image_pull_policy", ValueType::String,
          "when the kubelet pulls the image; default \"Always\" for images the stack builds", {}, false,
          kAnyComponent, {"Always", "IfNotPresent", "Never"}}}},
       {"ecs", "settings only the ECS target uses",
        {{"cpu_units", ValueType::Int,
          "CPU units of the container (1024 per core), instead of those derived from `cpu`", {}, false,
          kAnyComponent, {}, 2, 262144},
         {"memory_mib", ValueType::Int, "memory limit of the container in MiB, instead of the one derived from `memory`",
          {}, false, kAnyComponent, {}, 6, 1048576}}}},
      {
          {"host", ValueType::String, "host name other components reach the app at", true, true},
          {"port", ValueType::Int, "the app's port"},
          {"url", ValueType::String, "http://host:port", true, true},
          {"image", ValueType::String, "the app's image", false},
      }});

  schemas.push_back(KindSchema{
      ComponentKind::Database,
      "a database server; a container on Compose and Kubernetes, a managed RDS instance on ECS",
      WithOrdering({
          {"image", ValueType::String, "engine image, e.g. \"postgres:9.5.3\""},
          {"port", ValueType::Int, "port the engine listens on", {}, false, kAnyComponent, {}, 1, kMaxPort},
          {"engine", ValueType::String, "engine family, used for managed databases", {}, false, kAnyComponent,
           {"postgres", "mysql", "redis"}},
          {"scheme", ValueType::String, "URL scheme of the `url` attribute, e.g. \"postgres\""},
          {"data_dir", ValueType::String, "directory inside the container where the engine keeps its data"},
          {"env", ValueType::Env, "environment of the engine container", "{}", true},
          {"ready", ValueType::StringList, "command that exits 0 once the engine accepts connections"},
          {"ready_interval", ValueType::Duration, "time between two readiness checks", "5s"},
          {"ready_retries", ValueType::Int, "readiness checks to fail before the engine counts as down", "10",
           false, kAnyComponent, {}, 1, 1000},
          {"name", ValueType::String, "name of the database to create"},
          {"user", ValueType::String, "user that owns the database"},
          {"password", ValueType::String, "password of that user; write secret(\"name\"), never a literal", {}, true},
          {"storage", ValueType::Quantity, "size of the persistent volume for the data; without it data is lost on restart"},
      }),
      {{"ecs", "settings only the ECS target uses (the database becomes an RDS instance)",
        {{"instance_class", ValueType::String, "RDS instance class", "\"db.t3.micro\""},
         {"engine_version", ValueType::String, "RDS engine version, e.g. \"9.5\"; unset: RDS's default for the engine"},
         {"multi_az", ValueType::Bool, "keep a standby copy in a second availability zone", "false"},
         {"publicly_accessible", ValueType::Bool,
          "give the instance an address reachable from outside its VPC (lint when true)", "false"}}}},
      {
          {"host", ValueType::String, "host name of the database server", true, true},
          {"port", ValueType::Int, "port of the database server"},
          {"name", ValueType::String, "database name"},
          {"user", ValueType::String, "database user"},
          {"password", ValueType::String, "database password (a secret when declared as one)"},
          {"url", ValueType::String, "scheme://user:password@host:port/name", true, true},
      }});

  schemas.push_back(KindSchema{
      ComponentKind::Task,
      "a one-off command that runs to completion: a migration, a seed, a test suite",
      WithOrdering({
          {"from", ValueType::Ref, "app whose image, build and environment the task reuses", {}, false, kApps},
          {"image", ValueType::String, "container image, when not taken from an app"},
          {"build", ValueType::String, "build context directory, when not taken from an app"},
          {"command", ValueType::StringList, "command to run"},
          {"env", ValueType::Env, "environment variables, added to those of `from`", "{}", true},
          {"role", ValueType::String, "setup tasks prepare a deployment; test tasks run the test suite", "\"setup\"",
           false, kAnyComponent, {"setup", "test"}},
      }),
      {},
      {}});

  schemas.push_back(KindSchema{
      ComponentKind::Balancer,
      "a load balancer that publishes an app to the outside",
      WithOrdering({
          {"route", ValueType::Ref, "app that receives the traffic", {}, false, kApps},
          {"port", ValueType::Int, "port the balancer listens on", "80", false, kAnyComponent, {}, 1, kMaxPort},
          {"target_port", ValueType::Int, "port of the app to send traffic to; defaults to the app's port", {},
           false, kAnyComponent, {}, 1, kMaxPort},
          {"health", ValueType::String, "HTTP path to health-check; defaults to the app's health path"},
          {"public", ValueType::Bool, "reachable from the internet, not only inside the cluster", "false"},
      }),
      {{"kubernetes", "settings only the Kubernetes target uses",
        {{"service_type", ValueType::String,
          "type of the target's Service; default \"LoadBalancer\" when public, else \"NodePort\"", {}, false,
          kAnyComponent, {"LoadBalancer", "NodePort", "ClusterIP"}},
         {"node_port", ValueType::Int, "port to open on every node for a NodePort or LoadBalancer Service", {},
          false, kAnyComponent, {}, 30000, 32767}}}},
      {
          {"host", ValueType::String, "host name of the balancer", true, true},
          {"port", ValueType::Int, "port of the balancer"},
          {"url", ValueType::String, "http://host:port", true, true},
      }});
  return schemas;
}

std::vector<BlockSchema> BuildStackSettings() {
  std::vector<BlockSchema> settings;
  settings.push_back(BlockSchema{
      "ecs",
      "settings of the ECS deployment as a whole",
      {
          {.name = "cluster", .type = ValueType::String, .doc = "ECS cluster name; unset: the stack's name",
           .format = TextFormat::EcsName},
          {"launch_type", ValueType::String,
           "\"fargate\": Fargate tasks behind an application load balancer (awsvpc networking); \"ec2\": tasks on "
           "the cluster's EC2 instances behind a classic ELB, with host ports (bridge networking)",
           "\"fargate\"", false, kAnyComponent, {"fargate", "ec2"}},
          {"instances", ValueType::Int, "EC2: number of container instances in the cluster", "1", false,
           kAnyComponent, {}, 1, 1000},
          {"instance_type", ValueType::String, "EC2: instance type of the container instances", "\"t3.medium\""},
          {"key_pair", ValueType::String, "EC2: name of the key pair to log in to the instances with ssh"},
          {.name = "ssh_from", .type = ValueType::String,
           .doc = "EC2: CIDR block to open port 22 to, e.g. \"203.0.113.7/32\"; unset: ssh stays closed",
           .format = TextFormat::Cidr},
          {.name = "region", .type = ValueType::String,
           .doc = "AWS region the scripts deploy to (they export AWS_DEFAULT_REGION); unset: the AWS CLI's "
                  "configured region",
           .format = TextFormat::AwsRegion},
          {.name = "vpc", .type = ValueType::String, .doc = "VPC id; unset: the account's default VPC",
           .format = TextFormat::VpcId},
          {.name = "subnets", .type = ValueType::StringList, .doc = "subnet ids; unset: the subnets of the VPC",
           .format = TextFormat::SubnetId},
          {.name = "security_group", .type = ValueType::String,
           .doc = "security group id; unset: the VPC's \"default\" group", .format = TextFormat::SecurityGroupId},
          {.name = "execution_role", .type = ValueType::String,
           .doc = "name of the task execution role, created when missing",
           .default_value = "\"ecsTaskExecutionRole\"", .format = TextFormat::IamName},
          {"assign_public_ip", ValueType::Bool,
           "Fargate: give tasks a public IP address, needed to pull public images from public subnets", "true"},
      }});
  settings.push_back(BlockSchema{
      "ci",
      "settings of the CI pipelines (Jenkins, GitHub Actions, GitLab CI)",
      {
          {"deploy", ValueType::String, "the target the pipelines deploy with: its migrate and deploy scripts run",
           "\"kubernetes\"", false, kAnyComponent, {"kubernetes", "ecs"}},
          {.name = "deploy_profile", .type = ValueType::String,
           .doc = "the profile the deploy target's files are built with, whose secrets the pipelines pass; unset: "
                  "the profile of the build"},
          {.name = "branch", .type = ValueType::String,
           .doc = "the branch whose pushes are deployed; every other push and pull request only runs the tests",
           .default_value = "\"main\"", .format = TextFormat::GitBranch},
          {.name = "stack_dir", .type = ValueType::String,
           .doc = "folder of the stack file in the repository, where build contexts start",
           .default_value = "\".\"", .format = TextFormat::RelativePath},
          {.name = "compose_dir", .type = ValueType::String,
           .doc = "folder in the repository that holds docker-compose.test.yml (stackc build -t compose)",
           .default_value = "\".\"", .format = TextFormat::RelativePath},
          {.name = "deploy_dir", .type = ValueType::String,
           .doc = "folder in the repository that holds the deploy target's kube/ or ecs/ folder",
           .default_value = "\".\"", .format = TextFormat::RelativePath},
      }});
  return settings;
}

}  // namespace

const std::vector<BlockSchema>& AllStackSettings() {
  static const std::vector<BlockSchema> settings = BuildStackSettings();
  return settings;
}

const BlockSchema* FindStackSettings(std::string_view target) {
  for (const BlockSchema& block : AllStackSettings()) {
    if (block.name == target) return &block;
  }
  return nullptr;
}

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::String: return "string";
    case ValueType::Int: return "int";
    case ValueType::Bool: return "bool";
    case ValueType::Quantity: return "quantity";
    case ValueType::Duration: return "duration";
    case ValueType::Ref: return "reference";
    case ValueType::StringList: return "list of strings";
    case ValueType::RefList: return "list of references";
    case ValueType::Env: return "map";
    case ValueType::Secret: return "secret";
  }
  return "value";
}

std::optional<ValueType> ParamTypeByName(std::string_view name) {
  if (name == "string") return ValueType::String;
  if (name == "int") return ValueType::Int;
  if (name == "bool") return ValueType::Bool;
  if (name == "quantity") return ValueType::Quantity;
  if (name == "duration") return ValueType::Duration;
  return std::nullopt;
}

uint8_t MaskOf(ast::ComponentKind kind) {
  switch (kind) {
    case ComponentKind::App: return kApps;
    case ComponentKind::Database: return kDatabases;
    case ComponentKind::Task: return kTasks;
    case ComponentKind::Balancer: return kBalancers;
  }
  return 0;
}

const std::vector<KindSchema>& AllSchemas() {
  static const std::vector<KindSchema> schemas = BuildSchemas();
  return schemas;
}

const KindSchema& SchemaOf(ast::ComponentKind kind) { return AllSchemas()[static_cast<size_t>(kind)]; }

const PropertySchema* KindSchema::FindProperty(std::string_view name) const {
  for (const PropertySchema& p : properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const BlockSchema* KindSchema::FindBlock(std::string_view name) const {
  for (const BlockSchema& b : blocks) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const AttributeSchema* KindSchema::FindAttribute(std::string_view name) const {
  for (const AttributeSchema& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const PropertySchema* FindProperty(const BlockSchema& block, std::string_view name) {
  for (const PropertySchema& p : block.properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

static std::pair<std::string_view, std::string_view> SplitUnit(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  return {text.substr(0, i), text.substr(i)};
}

static std::optional<double> ParseNumber(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

static std::optional<double> QuantityFactor(std::string_view unit) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1},          {"m", 1e-3},       {"k", 1e3},        {"M", 1e6},        {"G", 1e9},
      {"T", 1e12},      {"P", 1e15},       {"E", 1e18},       {"Ki", 1024.0},    {"Mi", 1048576.0},
      {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  for (const auto& [name, factor] : kUnits) {
    if (name == unit) return factor;
  }
  return std::nullopt;
}

static std::optional<int64_t> DurationFactor(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  return std::nullopt;
}

bool IsQuantityUnit(std::string_view unit) { return !unit.empty() && QuantityFactor(unit).has_value(); }
bool IsDurationUnit(std::string_view unit) { return DurationFactor(unit).has_value(); }

std::optional<double> ParseQuantity(std::string_view text) {
  auto [digits, unit] = SplitUnit(text);
  std::optional<double> number = ParseNumber(digits);
  std::optional<double> factor = QuantityFactor(unit);
  if (!number || !factor) return std::nullopt;
  return *number * *factor;
}

std::optional<int64_t> ParseDuration(std::string_view text) {
  auto [digits, unit] = SplitUnit(text);
  std::optional<double> number = ParseNumber(digits);
  std::optional<int64_t> factor = DurationFactor(unit);
  if (!number || !factor) return std::nullopt;
  return static_cast<int64_t>(std::llround(*number * static_cast<double>(*factor)));
}

namespace {

bool AllOf(std::string_view text, std::string_view extra) {
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// A path inside the repository, relative to its root, that every shell and
// every CI file's syntax reads back unquoted.
bool IsRelativePath(std::string_view text) {
  if (text.empty() || text.front() == '/' || !AllOf(text, "._/-")) return false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find('/', start), text.size());
    std::string_view part = text.substr(start, end - start);
    if (part == ".." || (part.empty() && end < text.size())) return false;
    start = end + 1;
  }
  return true;
}

// A branch name as git allows it, within the characters the CI files can
// hold without quoting.
bool IsGitBranch(std::string_view text) {
  return !text.empty() && AllOf(text, "._/-") && text.front() != '-' && text.front() != '/' && text.back() != '/' &&
         text.back() != '.' && text.find("..") == std::string_view::npos &&
         text.find("//") == std::string_view::npos && !text.ends_with(".lock");
}

bool IsLowerHex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

std::optional<int> SmallNumber(std::string_view text, int max) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

bool IsIpv4(std::string_view text) {
  for (int part = 0; part < 4; ++part) {
    size_t dot = part < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos || !SmallNumber(text.substr(0, dot), 255)) return false;
    text = part < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return true;
}

// Hex groups of 1 to 4 digits separated by ':', with at most one "::".
bool IsIpv6(std::string_view text) {
  size_t gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) return false;
  int groups = 0;
  auto count = [&](std::string_view side) {
    if (side.empty()) return true;
    for (size_t start = 0;;) {
      size_t colon = side.find(':', start);
      std::string_view group = side.substr(start, colon == std::string_view::npos ? colon : colon - start);
      if (group.empty() || group.size() > 4 ||
          !std::all_of(group.begin(), group.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
        return false;
      }
      ++groups;
      if (colon == std::string_view::npos) return true;
      start = colon + 1;
    }
  };
  if (gap == std::string_view::npos) return count(text) && groups == 8;
  return count(text.substr(0, gap)) && count(text.substr(gap + 2)) && groups < 8;
}

bool IsCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view address = text.substr(0, slash), prefix = text.substr(slash + 1);
  if (IsIpv4(address)) return SmallNumber(prefix, 32).has_value();
  return IsIpv6(address) && SmallNumber(prefix, 128).has_value();
}

// "eu-west-1", "us-gov-east-1", "ap-southeast-2".
bool IsAwsRegion(std::string_view text) {
  size_t last = text.rfind('-');
  if (last == std::string_view::npos || !SmallNumber(text.substr(last + 1), 99)) return false;
  std::string_view name = text.substr(0, last);
  if (name.size() < 4 || name[2] != '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; }) &&
         name.back() != '-' && name.find("--") == std::string_view::npos;
}

bool IsAwsId(std::string_view text, std::string_view prefix) {
  return text.starts_with(prefix) && IsLowerHex(text.substr(prefix.size()));
}

}  // namespace

std::string_view FormatProblem(TextFormat format, std::string_view text) {
  switch (format) {
    case TextFormat::Any:
      return {};
    case TextFormat::Cidr:
      return IsCidr(text) ? "" : "a CIDR block such as \"203.0.113.7/32\" or \"2001:db8::/32\"";
    case TextFormat::EcsName:
      return !text.empty() && text.size() <= 255 && AllOf(text, "-_")
                 ? ""
                 : "1 to 255 letters, digits, '-' and '_'";
    case TextFormat::IamName:
      return !text.empty() && text.size() <= 64 && AllOf(text, "+=,.@_-")
                 ? ""
                 : "1 to 64 letters, digits and '+=,.@_-'";
    case TextFormat::AwsRegion:
      return IsAwsRegion(text) ? "" : "an AWS region such as \"eu-west-1\"";
    case TextFormat::VpcId:
      return IsAwsId(text, "vpc-") ? "" : "a VPC id such as \"vpc-0a1b2c3d\"";
    case TextFormat::SubnetId:
      return IsAwsId(text, "subnet-") ? "" : "a subnet id such as \"subnet-0a1b2c3d\"";
    case TextFormat::SecurityGroupId:
      return IsAwsId(text, "sg-") ? "" : "a security group id such as \"sg-0a1b2c3d\"";
    case TextFormat::RelativePath:
      return IsRelativePath(text) ? ""
                                  : "a folder relative to the repository's root, such as \"deploy/kube\", made of "
                                    "letters, digits and '._-', without '..'";
    case TextFormat::GitBranch:
      return IsGitBranch(text) ? "" : "a branch name such as \"main\" or \"release/2\"";
  }
  return {};
}

bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return name.front() != '-' && name.back() != '-';
}

std::string ToDnsLabel(std::string_view name) {
  std::string label;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') label += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) label += c;
    else label += '-';
  }
  while (!label.empty() && label.front() == '-') label.erase(label.begin());
  while (!label.empty() && label.back() == '-') label.pop_back();
  if (label.size() > 63) label.resize(63);
  while (!label.empty() && label.back() == '-') label.pop_back();
  return label.empty() ? "x" : label;
}

}  // namespace stackc
