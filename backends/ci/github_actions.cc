// The pipeline as a GitHub Actions workflow: one job per stage chained with
// needs, one step per command so that the run's page names each, secrets
// passed to the steps that use them only, and the deploy jobs in a GitHub
// environment named after the profile (where protection rules and
// environment secrets live).
#include <fmt/format.h>

#include "backends/ci/pipeline.h"
#include "backends/common/provenance.h"
#include "backends/common/yaml.h"

namespace stackc::ci {
namespace {

using yaml::BeginMap;
using yaml::BeginSeq;
using yaml::EndMap;
using yaml::EndSeq;
using yaml::Flow;
using yaml::Key;
using yaml::Value;

constexpr std::string_view kRunner = "ubuntu-24.04";
// Pinned to a release: a workflow that deploys must not change under a
// moving tag.
constexpr std::string_view kCheckout = "actions/checkout@v4.2.2";

std::string SecretExpression(std::string_view name) { return fmt::format("${{{{ secrets.{} }}}}", name); }

class WorkflowWriter {
 public:
  explicit WorkflowWriter(const Pipeline& pipeline) : p_(pipeline) {}

  std::string Render() {
    out_ << BeginMap;
    out_ << Key << "name" << Value << p_.stack;
    out_ << Key << "on" << Value << BeginMap;
    out_ << Key << "push" << Value << BeginMap << Key << "branches" << Value << Flow << BeginSeq << p_.branch << EndSeq
         << EndMap;
    out_ << Key << "pull_request" << Value << BeginMap << Key << "branches" << Value << Flow << BeginSeq << p_.branch
         << EndSeq << EndMap;
    out_ << EndMap;
    out_ << Key << "permissions" << Value << BeginMap << Key << "contents" << Value << "read" << EndMap;
    // Runs of one branch queue up instead of deploying side by side (a
    // group does not cancel runs in progress unless told to).
    out_ << Key << "concurrency" << Value << BeginMap;
    out_ << Key << "group" << Value << "${{ github.workflow }}-${{ github.ref }}";
    out_ << EndMap;
    out_ << Key << "jobs" << Value << BeginMap;
    const Stage* previous = nullptr;
    for (const Stage& stage : p_.stages) {
      Job(stage, previous);
      previous = &stage;
    }
    out_ << EndMap << EndMap;
    return Header() + out_.str() + "\n";
  }

 private:
  std::string Header() const {
    std::string text = GeneratedNotice(p_.source_name, p_.profile) + "\n\n" + Wrap(p_.summary) + "\n\n";
    text += Wrap("Secrets it reads (Settings > Secrets and variables > Actions" +
                 (p_.profile.empty() ? std::string("):")
                                     : fmt::format("; those of the migrate and deploy jobs may be secrets of "
                                                   "environment {}):",
                                                   p_.profile))) +
            "\n";
    text += VariableTable(p_, "the file's contents", "a variable");
    return yaml::Comment(text);
  }

  std::string DeployCondition() const {
    return fmt::format("github.event_name == 'push' && github.ref == 'refs/heads/{}'", p_.branch);
  }

  void Job(const Stage& stage, const Stage* previous) {
    out_ << Key << StageJobName(stage.id) << Value << BeginMap;
    out_ << Key << "name" << Value << StageTitle(stage.id);
    if (previous) out_ << Key << "needs" << Value << StageJobName(previous->id);
    if (stage.id != Stage::Id::Test) out_ << Key << "if" << Value << DeployCondition();
    out_ << Key << "runs-on" << Value << kRunner;
    bool deploys = stage.id == Stage::Id::Migrate || stage.id == Stage::Id::Deploy;
    if (deploys && !p_.profile.empty()) out_ << Key << "environment" << Value << p_.profile;
    JobEnv(stage);
    out_ << Key << "steps" << Value << BeginSeq;
    out_ << BeginMap << Key << "name" << Value << "Check out" << Key << "uses" << Value << kCheckout << EndMap;
    if (stage.id == Stage::Id::Test) {
      TestSteps(stage);
    } else {
      Step("Tag with the short commit", "echo \"TAG=$(git rev-parse --short HEAD)\" >>\"$GITHUB_ENV\"");
      for (size_t index : stage.credentials) {
        const Credential& c = p_.credentials[index];
        if (c.kind == Credential::Kind::File) {
          Step(fmt::format("Write {}", c.variable),
               fmt::format("umask 077 && printf '%s\\n' \"${0}_DATA\" >\"$RUNNER_TEMP/{1}\" && echo "
                           "\"{0}=$RUNNER_TEMP/{1}\" >>\"$GITHUB_ENV\"",
                           c.variable, ToLower(c.variable)),
               {{c.variable + "_DATA", SecretExpression(c.variable)}});
        }
      }
      for (const Command& command : stage.commands) Step(command.title, command.shell, StepEnv(stage, command));
    }
    out_ << EndSeq;
    out_ << EndMap;
  }

  static std::string ToLower(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

  // The AWS account's keys serve every step of a job, as the AWS CLI reads
  // them from the environment.
  void JobEnv(const Stage& stage) {
    std::vector<std::pair<std::string, std::string>> env;
    for (size_t index : stage.credentials) {
      const Credential& c = p_.credentials[index];
      if (c.variable == "AWS_ACCESS_KEY_ID") {
        env.emplace_back(c.variable, SecretExpression(c.variable));
        env.emplace_back(c.password_variable, SecretExpression(c.password_variable));
        if (p_.region.empty()) env.emplace_back("AWS_DEFAULT_REGION", "${{ vars.AWS_DEFAULT_REGION }}");
      }
    }
    if (env.empty()) return;
    out_ << Key << "env" << Value << BeginMap;
    for (const auto& [name, value] : env) out_ << Key << name << Value << value;
    out_ << EndMap;
  }

  // Registry logins get their user and password; the deploy step the
  // stack's secrets.
  std::vector<std::pair<std::string, std::string>> StepEnv(const Stage& stage, const Command& command) const {
    std::vector<std::pair<std::string, std::string>> env;
    for (size_t index : stage.credentials) {
      const Credential& c = p_.credentials[index];
      if (c.variable == "AWS_ACCESS_KEY_ID" || c.kind == Credential::Kind::File) continue;
      bool used = command.shell.find("$" + c.variable) != std::string::npos ||
                  (stage.id == Stage::Id::Deploy && c.kind == Credential::Kind::Text);
      if (!used) continue;
      env.emplace_back(c.variable, SecretExpression(c.variable));
      if (!c.password_variable.empty()) env.emplace_back(c.password_variable, SecretExpression(c.password_variable));
    }
    return env;
  }

  void TestSteps(const Stage& stage) {
    for (const std::string& variable : p_.test_secret_variables) {
      Step(fmt::format("Throwaway {} for the test environment", variable),
           fmt::format("echo \"{}={}\" >>\"$GITHUB_ENV\"", variable, kRandomValue));
    }
    for (const std::string& command : stage.compose_commands) {
      std::string title = command == "build" ? "Build the test images" : "Run " + command.substr(command.rfind(' ') + 1);
      Step(title, ComposeV2(p_, command));
    }
    out_ << BeginMap;
    out_ << Key << "name" << Value << "Remove the test environment";
    out_ << Key << "if" << Value << "always()";
    out_ << Key << "run" << Value << TeardownAssignments(p_) + ComposeV2(p_, stage.compose_teardown);
    out_ << EndMap;
  }

  void Step(std::string_view name, std::string_view run,
            const std::vector<std::pair<std::string, std::string>>& env = {}) {
    out_ << BeginMap;
    out_ << Key << "name" << Value << name;
    if (!env.empty()) {
      out_ << Key << "env" << Value << BeginMap;
      for (const auto& [key, value] : env) out_ << Key << key << Value << value;
      out_ << EndMap;
    }
    out_ << Key << "run" << Value << run;
    out_ << EndMap;
  }

  const Pipeline& p_;
  yaml::Emitter out_;
};

}  // namespace

std::string RenderGitHubWorkflow(const Pipeline& pipeline) { return WorkflowWriter(pipeline).Render(); }

}  // namespace stackc::ci
