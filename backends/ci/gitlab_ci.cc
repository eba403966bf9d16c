// The pipeline as a .gitlab-ci.yml: one job per stage chained with needs,
// rules (not only/except) for the deploy branch, Docker in Docker for the
// jobs that run Compose or build images, and a resource group so that two
// pipelines never deploy at once.
#include <algorithm>

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

// Pinned images: Docker's CLI with the Compose plugin, and one with bash,
// coreutils and the deploy target's CLI for the generated scripts.
constexpr std::string_view kDockerImage = "docker:27.3";
constexpr std::string_view kDockerService = "docker:27.3-dind";
constexpr std::string_view kKubectlImage = "alpine/k8s:1.31.2";
constexpr std::string_view kAwsImage = "amazon/aws-cli:2.22.0";

class GitLabWriter {
 public:
  explicit GitLabWriter(const Pipeline& pipeline) : p_(pipeline) {}

  std::string Render() {
    out_ << BeginMap;
    // Merge request pipelines, and branch pipelines unless a merge request
    // is open for the branch: never both for one push.
    out_ << Key << "workflow" << Value << BeginMap << Key << "rules" << Value << BeginSeq;
    out_ << BeginMap << Key << "if" << Value << "$CI_PIPELINE_SOURCE == 'merge_request_event'" << EndMap;
    out_ << BeginMap << Key << "if" << Value << "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS" << Key << "when"
         << Value << "never" << EndMap;
    out_ << BeginMap << Key << "if" << Value << "$CI_COMMIT_BRANCH" << EndMap;
    out_ << EndSeq << EndMap;
    out_ << Key << "stages" << Value << BeginSeq;
    for (const Stage& stage : p_.stages) out_ << StageJobName(stage.id);
    out_ << EndSeq;
    out_ << Key << "variables" << Value << BeginMap << Key << "TAG" << Value << "$CI_COMMIT_SHORT_SHA" << EndMap;
    const Stage* previous = nullptr;
    for (const Stage& stage : p_.stages) {
      Job(stage, previous);
      previous = &stage;
    }
    out_ << EndMap;
    return Header() + out_.str() + "\n";
  }

 private:
  std::string Header() const {
    std::string text = GeneratedNotice(p_.source_name, p_.profile) + "\n\n" + Wrap(p_.summary) + "\n\n";
    text += Wrap("CI/CD variables it reads (Settings > CI/CD > Variables; mark the secrets masked and "
                 "protected, and protect the deploy branch):") +
            "\n";
    text += VariableTable(p_, "type File", "not masked");
    return yaml::Comment(text);
  }

  void Job(const Stage& stage, const Stage* previous) {
    out_ << Key << StageJobName(stage.id) << Value << BeginMap;
    out_ << Key << "stage" << Value << StageJobName(stage.id);
    if (previous) out_ << Key << "needs" << Value << Flow << BeginSeq << StageJobName(previous->id) << EndSeq;
    bool docker = stage.id == Stage::Id::Test || stage.id == Stage::Id::Build;
    if (docker) {
      out_ << Key << "image" << Value << kDockerImage;
      out_ << Key << "services" << Value << BeginSeq << kDockerService << EndSeq;
      out_ << Key << "variables" << Value << BeginMap << Key << "DOCKER_TLS_CERTDIR" << Value << "/certs" << EndMap;
    } else if (p_.IsEcs()) {
      // The image's entrypoint is the AWS CLI itself.
      out_ << Key << "image" << Value << BeginMap << Key << "name" << Value << kAwsImage << Key << "entrypoint"
           << Value << Flow << BeginSeq << "" << EndSeq << EndMap;
    } else {
      out_ << Key << "image" << Value << kKubectlImage;
    }
    if (stage.id != Stage::Id::Test) {
      out_ << Key << "rules" << Value << BeginSeq;
      out_ << BeginMap << Key << "if" << Value << fmt::format("$CI_COMMIT_BRANCH == '{}'", p_.branch) << EndMap;
      out_ << EndSeq;
    }
    if (stage.id == Stage::Id::Migrate || stage.id == Stage::Id::Deploy) {
      if (!p_.profile.empty()) {
        out_ << Key << "environment" << Value << BeginMap << Key << "name" << Value << p_.profile << EndMap;
      }
      out_ << Key << "resource_group" << Value << p_.stack + "-deploy";
    }
    // Docker's image is Alpine without the AWS CLI, which an ECR login needs.
    bool needs_aws = docker && std::any_of(stage.commands.begin(), stage.commands.end(), [](const Command& c) {
      return c.shell.starts_with("aws ");
    });
    if (needs_aws) out_ << Key << "before_script" << Value << BeginSeq << "apk add --no-cache aws-cli" << EndSeq;
    out_ << Key << "script" << Value << BeginSeq;
    if (stage.id == Stage::Id::Test) {
      for (const std::string& variable : p_.test_secret_variables) {
        out_ << ThrowawaySecret(variable) << "export " + variable;
      }
      for (const std::string& command : stage.compose_commands) out_ << ComposeV2(p_, command);
    }
    for (const Command& command : stage.commands) out_ << command.shell;
    out_ << EndSeq;
    if (!stage.compose_teardown.empty()) {
      out_ << Key << "after_script" << Value << BeginSeq << TeardownAssignments(p_) + ComposeV2(p_, stage.compose_teardown)
           << EndSeq;
    }
    out_ << EndMap;
  }

  const Pipeline& p_;
  yaml::Emitter out_;
};

}  // namespace

std::string RenderGitLabCi(const Pipeline& pipeline) { return GitLabWriter(pipeline).Render(); }

}  // namespace stackc::ci
