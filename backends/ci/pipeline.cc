#include "backends/ci/pipeline.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "backends/common/images.h"
#include "backends/common/secrets.h"
#include "backends/common/shell.h"
#include "backends/common/test_environment.h"

namespace stackc::ci {
namespace {

using ir::Component;
using ir::ComponentKind;
using ir::Value;

// Secret names, each with where it is first used.
using Secrets = std::map<std::string, SourceRange>;

void CollectSecrets(const Component& c, const Value& value, Secrets& out) {
  for (const ir::TextPart& part : value.text) {
    if (part.kind == ir::TextPart::Kind::Secret) out.emplace(part.text, c.OriginOf(&value));
  }
  for (const Value& item : value.items) CollectSecrets(c, item, out);
  for (const auto& [key, entry] : value.entries) CollectSecrets(c, entry, out);
}

Secrets SecretsOf(const std::vector<const Component*>& components) {
  Secrets secrets;
  for (const Component* c : components) {
    for (const auto& [name, value] : c->properties) CollectSecrets(*c, value, secrets);
  }
  return secrets;
}

std::string Setting(const ir::Stack& stack, std::string_view key) {
  const Value* value = stack.FindSetting(key);
  return value ? value->LiteralText() : std::string();
}

// "dir" joined with a path relative to it, without "./" noise.
std::string Join(std::string_view dir, std::string_view path) {
  if (dir.empty() || dir == ".") return path.empty() ? "." : std::string(path);
  if (path.empty() || path == ".") return std::string(dir);
  std::string joined(dir);
  if (!joined.ends_with('/')) joined += '/';
  if (path.starts_with("./")) path.remove_prefix(2);
  return joined + std::string(path);
}

// A path or image name as a shell word: bare when no character is special
// to the shell, so that the common case reads naturally.
std::string Word(std::string_view text) {
  bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._/:@%+=,-").find(c) != std::string_view::npos;
  });
  return plain ? std::string(text) : shell::Quote(text);
}

// Where an image is pushed: the registry host of its repository, "" for
// Docker Hub (a first path component without '.' or ':' is a namespace).
std::string RegistryOf(std::string_view repository) {
  size_t slash = repository.find('/');
  if (slash == std::string_view::npos) return "";
  std::string_view first = repository.substr(0, slash);
  if (first.find('.') == std::string_view::npos && first.find(':') == std::string_view::npos && first != "localhost") {
    return "";
  }
  return std::string(first);
}

// "123456789012.dkr.ecr.eu-west-1.amazonaws.com" -> "eu-west-1".
std::string EcrRegion(std::string_view host) {
  static constexpr std::string_view kMarker = ".dkr.ecr.";
  size_t marker = host.find(kMarker);
  if (marker == std::string_view::npos || !host.ends_with(".amazonaws.com")) return "";
  std::string_view rest = host.substr(marker + kMarker.size());
  return std::string(rest.substr(0, rest.find('.')));
}

class PipelineBuilder {
 public:
  PipelineBuilder(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags)
      : stack_(stack), options_(options), diags_(diags) {}

  Pipeline Build() {
    pipeline_.source_name = options_.source_name;
    pipeline_.stack = stack_.name;
    pipeline_.deploy_target = Setting(stack_, "ci.deploy");
    pipeline_.branch = Setting(stack_, "ci.branch");
    pipeline_.region = Setting(stack_, "ecs.region");
    const ir::Stack& deployed = DeployedStack();
    pipeline_.profile = deployed.profile;
    stack_dir_ = Setting(stack_, "ci.stack_dir");
    deploy_dir_ = Join(Setting(stack_, "ci.deploy_dir"), pipeline_.IsEcs() ? "ecs/deploy" : "kube/deploy");

    std::vector<const Component*> deployed_components;
    for (const Component& c : deployed.components()) {
      if (!IsTestTask(c)) deployed_components.push_back(&c);
    }
    bool has_tests = std::any_of(deployed.components().begin(), deployed.components().end(),
                                 [](const Component& c) { return IsTestTask(c); });
    if (has_tests) {
      AddTestStage();
    } else if (SourceRange ci = WhereCiIsDeclared(stack_); ci.valid()) {
      // Only a stack that asks for a pipeline hears about it; the header of
      // every pipeline file says it anyway.
      diags_.Report(DiagKind::UntestedPipeline, ci,
                    fmt::format("ci: stack '{}' has no test task, so its pipeline deploys what it builds without "
                                "testing it",
                                stack_.name))
          .Note({}, "a task with role = \"test\" runs in the pipeline's test stage, e.g. "
                    "task web-test : rails_test { from = web }");
    }
    AddBuildStage(deployed_components);
    bool has_setup_tasks = std::any_of(deployed_components.begin(), deployed_components.end(),
                                       [](const Component* c) { return c->kind == ComponentKind::Task; });
    if (has_setup_tasks) AddMigrateStage();
    AddDeployStage(deployed_components);
    pipeline_.summary = Summary(has_tests);
    return std::move(pipeline_);
  }

 private:
  // The stack as the deploy target's files were built: ci.profile when set.
  const ir::Stack& DeployedStack() {
    const Value* profile = stack_.FindSetting("ci.deploy_profile");
    if (!profile || profile->LiteralText() == stack_.profile) return stack_;
    const ir::Stack* other = options_.stack_for_profile ? options_.stack_for_profile(profile->LiteralText()) : nullptr;
    if (other) return *other;
    diags_.Report(DiagKind::UnknownProfile, profile->origin,
                  fmt::format("ci.deploy_profile names profile '{}', which the stack does not declare",
                              profile->LiteralText()));
    return stack_;
  }

  // A setting of the stack's `ci { }` block, or an invalid range when it has
  // none.
  static SourceRange WhereCiIsDeclared(const ir::Stack& stack) {
    for (const auto& [key, value] : stack.settings) {
      if (key.starts_with("ci.") && value.origin.valid()) return value.origin;
    }
    return {};
  }

  size_t AddCredential(Credential credential) {
    for (size_t i = 0; i < pipeline_.credentials.size(); ++i) {
      if (pipeline_.credentials[i].jenkins_id == credential.jenkins_id) return i;
    }
    pipeline_.credentials.push_back(std::move(credential));
    return pipeline_.credentials.size() - 1;
  }

  size_t AwsCredential() {
    return AddCredential({Credential::Kind::UsernamePassword, stack_.name + "-aws", "AWS_ACCESS_KEY_ID",
                          "AWS_SECRET_ACCESS_KEY", "access key of the AWS account to deploy to"});
  }

  size_t TargetCredential() {
    if (pipeline_.IsEcs()) return AwsCredential();
    return AddCredential({Credential::Kind::File, stack_.name + "-kubeconfig", "KUBECONFIG", "",
                          "kubeconfig of the cluster to deploy to"});
  }

  void AddTestStage() {
    const ir::Stack* test_stack = options_.stack_for_profile ? options_.stack_for_profile("test") : nullptr;
    if (!test_stack) test_stack = &stack_;
    std::vector<const Component*> services = TestEnvironment(*test_stack);
    for (const auto& [secret, origin] : SecretsOf(services)) {
      pipeline_.test_secret_variables.push_back(SecretVariable(secret));
    }

    std::string compose_file = Join(Setting(stack_, "ci.compose_dir"), "docker-compose.test.yml");
    pipeline_.compose_file_args = "-f " + Word(compose_file);
    // Build contexts in the test file are relative to the stack file's folder.
    if (Join(Setting(stack_, "ci.compose_dir"), ".") != Join(stack_dir_, ".")) {
      pipeline_.compose_file_args += " --project-directory " + Word(stack_dir_);
    }
    Stage stage;
    stage.id = Stage::Id::Test;
    stage.compose_commands.push_back("build");
    for (const Component* c : services) {
      if (IsTestTask(*c)) stage.compose_commands.push_back("run --rm " + c->name);
    }
    stage.compose_teardown = "down --volumes --remove-orphans";
    pipeline_.stages.push_back(std::move(stage));
  }

  void AddBuildStage(const std::vector<const Component*>& components) {
    BuiltImages images("ci");
    for (const Component* c : components) {
      if (const Value* build = c->Find("build")) images.Add(*c, c->Text("image"), *build, c->name, diags_);
    }
    std::vector<BuiltImage> built = images.Sorted();
    if (built.empty()) return;
    Stage stage;
    stage.id = Stage::Id::Build;
    std::set<std::string> registries;
    for (const BuiltImage& image : built) registries.insert(RegistryOf(image.repository));
    for (const std::string& registry : registries) Login(registry, built, stage);
    for (const BuiltImage& image : built) {
      std::string context = Join(stack_dir_, image.context);
      std::string dockerfile = image.dockerfile.empty() ? "" : " -f " + Word(Join(context, image.dockerfile));
      std::string tagged = fmt::format("{}:\"$TAG\"", Word(image.repository));
      stage.commands.push_back({fmt::format("Build {}", image.repository),
                                fmt::format("docker build -t {}{} {}", tagged, dockerfile, Word(context))});
      stage.commands.push_back({fmt::format("Push {}", image.repository), fmt::format("docker push {}", tagged)});
    }
    pipeline_.stages.push_back(std::move(stage));
  }

  void Login(const std::string& registry, const std::vector<BuiltImage>& built, Stage& stage) {
    std::vector<std::string> pushed;
    for (const BuiltImage& image : built) {
      if (RegistryOf(image.repository) == registry) pushed.push_back(image.repository);
    }
    std::string what = fmt::format("{}", fmt::join(pushed, ", "));
    std::string region = EcrRegion(registry);
    if (!region.empty()) {
      stage.credentials.push_back(AwsCredential());
      stage.commands.push_back({fmt::format("Log in to {}", registry),
                                fmt::format("aws ecr get-login-password --region {} | docker login --username AWS "
                                            "--password-stdin {}",
                                            region, Word(registry))});
      return;
    }
    Credential login;
    login.kind = Credential::Kind::UsernamePassword;
    if (registry.empty()) {
      login.jenkins_id = stack_.name + "-dockerhub";
      login.variable = "DOCKERHUB_USERNAME";
      login.password_variable = "DOCKERHUB_TOKEN";
      login.description = "Docker Hub login that pushes " + what;
    } else {
      login.jenkins_id = fmt::format("{}-{}", stack_.name, ToLabel(registry));
      login.variable = VariableName(registry, "REGISTRY_") + "_USERNAME";
      login.password_variable = VariableName(registry, "REGISTRY_") + "_PASSWORD";
      login.description = fmt::format("login to {} that pushes {}", registry, what);
    }
    stage.credentials.push_back(AddCredential(login));
    stage.commands.push_back(
        {fmt::format("Log in to {}", registry.empty() ? "Docker Hub" : registry),
         fmt::format("printf '%s' \"${}\" | docker login --username \"${}\" --password-stdin{}", login.password_variable,
                     login.variable, registry.empty() ? "" : " " + Word(registry))});
  }

  static std::string ToLabel(std::string_view text) {
    std::string out;
    for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    return out;
  }

  void AddMigrateStage() {
    Stage stage;
    stage.id = Stage::Id::Migrate;
    stage.credentials.push_back(TargetCredential());
    stage.commands.push_back({"Run the setup tasks", fmt::format("bash {}/migrate.sh \"$TAG\"", deploy_dir_)});
    pipeline_.stages.push_back(std::move(stage));
  }

  void AddDeployStage(const std::vector<const Component*>& components) {
    Stage stage;
    stage.id = Stage::Id::Deploy;
    stage.credentials.push_back(TargetCredential());
    for (const auto& [secret, origin] : SecretsOf(components)) {
      std::string variable = SecretVariable(secret);
      if (!CheckSecretVariable(secret, variable, origin)) continue;
      stage.credentials.push_back(AddCredential({Credential::Kind::Text, fmt::format("{}-{}", stack_.name, secret),
                                                 variable, "", fmt::format("value of secret(\"{}\")", secret)}));
    }
    std::string script = pipeline_.IsEcs() ? "up.sh" : "apply.sh";
    stage.commands.push_back({pipeline_.IsEcs() ? "Bring the stack up to date on ECS" : "Apply the stack",
                              fmt::format("bash {}/{} \"$TAG\"", deploy_dir_, script)});
    pipeline_.stages.push_back(std::move(stage));
  }

  // A secret read from a variable that the pipeline itself sets would be
  // overwritten (or overwrite the pipeline's own); GitHub refuses secrets
  // whose names start with GITHUB_.
  bool CheckSecretVariable(const std::string& secret, const std::string& variable, SourceRange origin) {
    static const std::set<std::string, std::less<>> kReserved = {
        "TAG", "KUBECONFIG", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "PATH", "HOME"};
    bool taken = std::any_of(pipeline_.credentials.begin(), pipeline_.credentials.end(), [&](const Credential& c) {
      return c.kind != Credential::Kind::Text && (c.variable == variable || c.password_variable == variable);
    });
    if (taken || kReserved.count(variable) || variable.starts_with("GITHUB_") || variable.starts_with("CI_")) {
      diags_.Report(DiagKind::NotExpressibleInTarget, origin,
                    fmt::format("ci: secret(\"{}\") is passed as ${}, a name the CI systems or the pipeline use for "
                                "themselves; the pipelines leave it out, so the deploy step will miss it",
                                secret, variable))
          .Note({}, "rename the secret");
      return false;
    }
    return true;
  }

  std::string Summary(bool has_tests) const {
    std::vector<std::string> steps;
    for (const Stage& stage : pipeline_.stages) {
      switch (stage.id) {
        case Stage::Id::Test: break;
        case Stage::Id::Build: steps.push_back("builds and pushes its images tagged with the short commit"); break;
        case Stage::Id::Migrate:
          steps.push_back(fmt::format("runs the setup tasks ({}/migrate.sh)", deploy_dir_));
          break;
        case Stage::Id::Deploy:
          steps.push_back(fmt::format("brings the stack up to date on {} ({}/{})",
                                      pipeline_.IsEcs() ? "Amazon ECS" : "Kubernetes", deploy_dir_,
                                      pipeline_.IsEcs() ? "up.sh" : "apply.sh"));
          break;
      }
    }
    std::string text = fmt::format("The pipeline of stack {}. ", stack_.name);
    if (has_tests) {
      text += "On every push and pull request, the test suite runs in containers against services of its own "
              "(docker-compose.test.yml, from stackc build -t compose); a failure stops the pipeline. ";
    } else {
      text += "The stack has no test task, so nothing is tested before it is deployed. ";
    }
    text += has_tests ? fmt::format("On branch {} it then ", pipeline_.branch)
                      : fmt::format("On every push to branch {} it ", pipeline_.branch);
    for (size_t i = 0; i < steps.size(); ++i) {
      if (i > 0) text += i + 1 == steps.size() ? " and " : ", ";
      text += steps[i];
    }
    text += ". A failed stage stops the pipeline.";
    std::string profile = pipeline_.profile.empty() ? "" : fmt::format(" --profile {}", pipeline_.profile);
    text += fmt::format(" It runs the scripts that `stackc build -t {}{} -o {}` writes, committed to the "
                        "repository.",
                        pipeline_.deploy_target, profile, Join(Setting(stack_, "ci.deploy_dir"), "."));
    return text;
  }

  const ir::Stack& stack_;
  const EmitOptions& options_;
  DiagnosticEngine& diags_;
  Pipeline pipeline_;
  std::string stack_dir_;
  std::string deploy_dir_;
};

}  // namespace

std::string_view StageJobName(Stage::Id id) {
  switch (id) {
    case Stage::Id::Test: return "test";
    case Stage::Id::Build: return "build";
    case Stage::Id::Migrate: return "migrate";
    case Stage::Id::Deploy: return "deploy";
  }
  return "";
}

std::string_view StageTitle(Stage::Id id) {
  switch (id) {
    case Stage::Id::Test: return "Test";
    case Stage::Id::Build: return "Build and push";
    case Stage::Id::Migrate: return "Migrate";
    case Stage::Id::Deploy: return "Deploy";
  }
  return "";
}

std::string ThrowawaySecret(std::string_view variable) {
  return fmt::format("{}=\"{}\"", variable, kRandomValue);
}

std::string ComposeV2(const Pipeline& pipeline, std::string_view arguments) {
  return fmt::format("docker compose -p {}-test {} {}", pipeline.stack, pipeline.compose_file_args, arguments);
}

std::string TeardownAssignments(const Pipeline& pipeline) {
  std::string out;
  for (const std::string& variable : pipeline.test_secret_variables) out += variable + "=unused ";
  return out;
}

std::string VariableTable(const Pipeline& pipeline, std::string_view file_note, std::string_view region_note) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Credential& c : pipeline.credentials) {
    std::string names = c.kind == Credential::Kind::UsernamePassword
                            ? fmt::format("{}, {}", c.variable, c.password_variable)
                            : c.variable;
    rows.emplace_back(names, c.kind == Credential::Kind::File ? fmt::format("{} ({})", c.description, file_note)
                                                             : c.description);
  }
  if (pipeline.IsEcs() && pipeline.region.empty()) {
    rows.emplace_back("AWS_DEFAULT_REGION", fmt::format("the region to deploy to ({}; ecs.region is not set)",
                                                        region_note));
  }
  size_t width = 0;
  for (const auto& [names, what] : rows) width = std::max(width, names.size());
  std::string text;
  for (const auto& [names, what] : rows) text += fmt::format("  {:<{}}  {}\n", names, width, what);
  return text;
}

std::string Wrap(std::string_view text, size_t width) {
  std::string out;
  size_t column = 0;
  while (!text.empty()) {
    size_t end = text.find(' ');
    std::string_view word = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (word.empty()) continue;
    if (column > 0 && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  return out;
}

std::vector<std::string> PipelineProfiles(const ir::Stack& stack) {
  std::vector<std::string> profiles{"test"};
  if (const Value* deploy = stack.FindSetting("ci.deploy_profile")) profiles.push_back(deploy->LiteralText());
  return profiles;
}

Pipeline MakePipeline(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags) {
  return PipelineBuilder(stack, options, diags).Build();
}

}  // namespace stackc::ci
