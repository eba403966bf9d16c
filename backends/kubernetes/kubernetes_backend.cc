#include "backends/kubernetes/kubernetes_backend.h"

#include "backends/kubernetes/plan.h"

namespace stackc::kubernetes {
namespace {

class KubernetesBackend : public Backend {
 public:
  void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out,
            DiagnosticEngine& diags) const override {
    Plan plan = MakePlan(stack, options, diags);
    WriteManifests(plan, out);
    WriteScripts(plan, out);
  }
};

}  // namespace

std::unique_ptr<Backend> Create() { return std::make_unique<KubernetesBackend>(); }

}  // namespace stackc::kubernetes
