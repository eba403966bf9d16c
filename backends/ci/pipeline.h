// What the generated pipelines do, independent of the CI system that runs
// them: the stages in order, the commands of each, and the credentials they
// read. The Jenkinsfile, the GitHub Actions workflow and the GitLab CI file
// are three renderings of one Pipeline, so they cannot drift apart.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.h"

namespace stackc::ci {

/// A credential the pipeline reads from the CI system's secret store. Jenkins
/// binds it by id with withCredentials; GitHub and GitLab read secrets or
/// CI/CD variables named after the environment variables.
struct Credential {
  enum class Kind { UsernamePassword, File, Text };
  Kind kind = Kind::Text;
  std::string jenkins_id;         // "webapp-dockerhub"
  std::string variable;           // Text and File: the variable; UsernamePassword: the user name's
  std::string password_variable;  // UsernamePassword only
  std::string description;        // "Docker Hub login that pushes pacuna/webapp"
};

/// One shell command, POSIX sh, on one line. `title` names it where a CI
/// system shows commands as steps (GitHub Actions).
struct Command {
  std::string title;
  std::string shell;
};

struct Stage {
  enum class Id { Test, Build, Migrate, Deploy };
  Id id = Id::Test;
  /// Indices into Pipeline::credentials.
  std::vector<size_t> credentials;
  std::vector<Command> commands;
  /// The test stage only: its arguments to docker compose after the project
  /// name ("build", "run --rm webapp-test", "down ..."), since each CI
  /// system invokes Compose its own way.
  std::vector<std::string> compose_commands;
  std::string compose_teardown;
};

std::string_view StageJobName(Stage::Id id);   // "test", "build", "migrate", "deploy"
std::string_view StageTitle(Stage::Id id);     // "Test", "Build and push", ...

struct Pipeline {
  std::string source_name;
  std::string stack;
  std::string profile;         // of the deploy files; "" for none
  std::string deploy_target;   // "kubernetes" or "ecs"
  std::string branch;          // the branch that deploys
  std::string region;          // ecs.region, or "" when the runner must provide one
  /// "-f docker-compose.test.yml [--project-directory DIR]".
  std::string compose_file_args;
  /// Secrets of the test environment: each gets a throwaway random value.
  std::vector<std::string> test_secret_variables;
  std::vector<Credential> credentials;
  std::vector<Stage> stages;
  /// What the pipeline does, for the header comment of every file.
  std::string summary;

  bool IsEcs() const { return deploy_target == "ecs"; }
};

/// Reports what the CI systems cannot express, and a pipeline that would
/// deploy untested code.
Pipeline MakePipeline(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags);

/// The other profiles MakePipeline reads: "test" for the test stage and
/// ci.deploy_profile for the deployment.
std::vector<std::string> PipelineProfiles(const ir::Stack& stack);

std::string RenderJenkinsfile(const Pipeline& pipeline);
std::string RenderGitHubWorkflow(const Pipeline& pipeline);
std::string RenderGitLabCi(const Pipeline& pipeline);

/// A command substitution that prints a random value for a test secret.
inline constexpr std::string_view kRandomValue = "$(od -An -N16 -tx1 /dev/urandom | tr -dc 0-9a-f)";

/// The command that gives a test secret a throwaway value, without export.
std::string ThrowawaySecret(std::string_view variable);

/// `docker compose` (Compose v2, as GitHub's runners and Docker's image
/// have it) on the test file, in the test project, with `arguments`.
std::string ComposeV2(const Pipeline& pipeline, std::string_view arguments);

/// "DB_PASSWORD=unused ": Compose reads every variable of the test file for
/// any command, so tearing it down needs them set too.
std::string TeardownAssignments(const Pipeline& pipeline);

/// The credentials as the environment variables GitHub and GitLab read them
/// from, one row each ("NAME[, PASSWORD]  description"), for a file's header;
/// `file_note` qualifies a file credential, `region_note` the AWS region
/// when the runner must provide it.
std::string VariableTable(const Pipeline& pipeline, std::string_view file_note, std::string_view region_note);

/// `text` broken into lines of at most `width` characters at spaces.
std::string Wrap(std::string_view text, size_t width = 76);

}  // namespace stackc::ci
