// The one table of targets. A new target is a folder under backends/ and a
// row here.
#include "backends/backend.h"
#include "backends/ci/ci_backend.h"
#include "backends/compose/compose_backend.h"
#include "backends/ecs/ecs_backend.h"
#include "backends/kubernetes/kubernetes_backend.h"

namespace stackc {

const std::vector<BackendEntry>& Backends() {
  static const std::vector<BackendEntry> backends = {
      {"compose", "Docker Compose files for development and tests", &compose::Create},
      {"kubernetes", "Kubernetes manifests and apply/update scripts", &kubernetes::Create},
      {"ecs", "Amazon ECS task definitions, services and AWS CLI scripts", &ecs::Create},
      {"ci", "Jenkins, GitHub Actions and GitLab CI pipelines that test, push, migrate and deploy", &ci::Create},
  };
  return backends;
}

const BackendEntry* FindBackend(std::string_view name) {
  for (const BackendEntry& entry : Backends()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace stackc
