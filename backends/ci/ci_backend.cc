#include "backends/ci/ci_backend.h"

#include "backends/ci/pipeline.h"

namespace stackc::ci {
namespace {

class CiBackend : public Backend {
 public:
  void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out,
            DiagnosticEngine& diags) const override {
    Pipeline pipeline = MakePipeline(stack, options, diags);
    out.Write("Jenkinsfile", RenderJenkinsfile(pipeline), FileMode::Regular);
    out.Write(".github/workflows/deploy.yml", RenderGitHubWorkflow(pipeline), FileMode::Regular);
    out.Write(".gitlab-ci.yml", RenderGitLabCi(pipeline), FileMode::Regular);
  }

  std::vector<std::string> ProfilesUsed(const ir::Stack& stack) const override { return PipelineProfiles(stack); }
};

}  // namespace

std::unique_ptr<Backend> Create() { return std::make_unique<CiBackend>(); }

}  // namespace stackc::ci
