#include "ir/lint.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace stackc::ir {
namespace {

void LiteralPasswords(const Component& c, DiagnosticEngine& diags) {
  auto report = [&](const Value& value, std::string what, std::string secret) {
    if (!value.IsLiteralText() || value.derived || !value.origin.valid()) return;
    // Switches such as MYSQL_RANDOM_ROOT_PASSWORD=yes are not passwords.
    static const std::set<std::string> kFlags = {"", "yes", "no", "true", "false", "0", "1", "on", "off"};
    std::string lower = value.LiteralText();
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (kFlags.count(lower)) return;
    diags.Report(DiagKind::LiteralPassword, value.origin, fmt::format("{} is a literal, not a secret", what))
        .Note({}, "it would be written into every generated file and into version control; "
                  "read it from a secret store instead")
        .Fix(value.origin, fmt::format("secret(\"{}\")", secret));
  };
  if (c.kind == ComponentKind::Database) {
    if (const Value* password = c.Find("password")) {
      report(*password, fmt::format("the password of database '{}'", c.name), c.name + "-password");
    }
  }
  if (const Value* env = c.Find("env")) {
    for (const auto& [key, value] : env->entries) {
      std::string upper = key;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
      if (upper.find("PASSWORD") == std::string::npos) continue;
      std::string secret;
      for (char ch : key) secret += ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      report(value, fmt::format("'{}' in the environment of {} '{}'", key, ast::KindName(c.kind), c.name), secret);
    }
  }
}

void MutableImageTag(const Component& c, DiagnosticEngine& diags) {
  // An image copied from another component (a task's `from`, NAME.image)
  // is reported where it is written.
  const Value* image = c.Find("image");
  if (!image || image->derived || image->kind != Value::Kind::Text || !image->origin.valid()) return;
  std::string text = image->LiteralText();
  size_t slash = text.rfind('/');
  size_t colon = text.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  bool digest = text.find('@') != std::string::npos;
  if (digest) return;
  std::string tag = tagged ? text.substr(colon + 1) : "";
  if (tagged && tag != "latest") return;
  diags.Report(DiagKind::MutableImageTag, image->origin,
               fmt::format("{} '{}' runs image '{}' in the production profile, {}", ast::KindName(c.kind), c.name,
                           text, tagged ? "tagged 'latest'" : "with no tag"))
      .Note({}, "a moving tag makes deployments unrepeatable and rollbacks impossible; tag images with the "
                "commit, e.g. --set tag=$(git rev-parse --short HEAD)");
}

void DatabaseWithoutStorage(const Component& c, DiagnosticEngine& diags) {
  if (c.kind != ComponentKind::Database || c.Find("storage")) return;
  diags.Report(DiagKind::DatabaseWithoutStorage, c.name_range,
               fmt::format("database '{}' has no persistent storage in the production profile", c.name))
      .Note({}, "its data is lost whenever its container is replaced; set e.g. storage = 10Gi");
}

void BalancerTargetWithoutHealth(const Stack& stack, const Component& c, DiagnosticEngine& diags) {
  if (c.kind != ComponentKind::Balancer || c.Find("health")) return;
  const Value* route = c.Find("route");
  const Component* target = route ? stack.Find(route->literal) : nullptr;
  if (!target || target->Find("health")) return;
  diags.Report(DiagKind::BalancerTargetWithoutHealth, route->origin,
               fmt::format("balancer '{}' routes to app '{}', which has no health path", c.name, target->name))
      .Note(target->name_range, fmt::format("set health = \"/\" (or another path that answers 200) in app '{}'",
                                            target->name))
      .Note({}, "without one the balancer cannot tell a starting or broken app from a healthy one");
}

void SetupTaskNotOrdered(const Stack& stack, const Component& task, DiagnosticEngine& diags) {
  if (task.kind != ComponentKind::Task || task.Text("role") != "setup") return;
  const Value* from = task.Find("from");
  const Component* app = from ? stack.Find(from->literal) : nullptr;
  // Ordered either way is a decision: after the app it is a post-deploy job.
  if (!app || stack.Reaches(task, *app) || stack.Reaches(*app, task)) return;
  SourceRange closing{task.body_range.file, task.body_range.end - 1, task.body_range.end - 1};
  diags.Report(DiagKind::SetupTaskNotOrdered, task.name_range,
               fmt::format("setup task '{}' is not ordered before app '{}', which it prepares", task.name, app->name))
      .Note(from->origin, fmt::format("'{}' runs with the image and environment of '{}'", task.name, app->name))
      .Note({}, fmt::format("without an order the app may start before the task has finished; "
                            "add before = [{}]", app->name))
      .Fix(closing, fmt::format("  before = [{}]\n", app->name));
}

// The book opens ssh to 0.0.0.0/0 on its ECS instances; a managed database
// can be made public the same way. Both invite the whole internet to guess.
void OpenToTheWorld(const Stack& stack, DiagnosticEngine& diags) {
  const Value* ssh = stack.FindSetting("ecs.ssh_from");
  if (ssh && ssh->origin.valid()) {
    std::string cidr = ssh->LiteralText();
    if (cidr == "0.0.0.0/0" || cidr == "::/0") {
      diags.Report(DiagKind::OpenToTheWorld, ssh->origin,
                   fmt::format("ssh (port 22) on the ECS instances is open to every address ({})", cidr))
          .Note({}, "allow only the addresses you connect from, e.g. ssh_from = \"203.0.113.7/32\", or leave "
                    "ssh_from unset and reach the instances through Session Manager");
    }
  }
  for (const Component& c : stack.components()) {
    if (c.kind != ComponentKind::Database || !c.Bool("ecs.publicly_accessible")) continue;
    const Value* flag = c.Find("ecs.publicly_accessible");
    diags.Report(DiagKind::OpenToTheWorld, flag->origin.valid() ? flag->origin : c.name_range,
                 fmt::format("database '{}' gets a public address on ECS (RDS publicly_accessible)", c.name))
        .Note({}, "its port is then reachable from outside the VPC wherever the security group allows it; the "
                  "apps reach it inside the VPC without a public address");
  }
}

}  // namespace

void Lint(const Stack& stack, DiagnosticEngine& diags) {
  bool production = stack.profile == kProductionProfile;
  for (const Component& c : stack.components()) {
    LiteralPasswords(c, diags);
    if (production) {
      MutableImageTag(c, diags);
      DatabaseWithoutStorage(c, diags);
    }
    BalancerTargetWithoutHealth(stack, c, diags);
    SetupTaskNotOrdered(stack, c, diags);
  }
  OpenToTheWorld(stack, diags);
}

}  // namespace stackc::ir
