#include "backends/ecs/ecs_backend.h"

#include "backends/ecs/plan.h"

namespace stackc::ecs {
namespace {

class EcsBackend : public Backend {
 public:
  void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out,
            DiagnosticEngine& diags) const override {
    Plan plan = MakePlan(stack, options, diags);
    WriteTaskDefinitions(plan, out);
    WriteScripts(plan, out);
  }
};

}  // namespace

std::unique_ptr<Backend> Create() { return std::make_unique<EcsBackend>(); }

}  // namespace stackc::ecs
