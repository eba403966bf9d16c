// CI target: the pipeline of the book's last chapter (test, then build and
// push, migrate, deploy) for Jenkins, GitHub Actions and GitLab CI, calling
// the files the Compose target and the deploy target (Kubernetes or ECS,
// `ci { deploy = ... }`) generate.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace stackc::ci {

std::unique_ptr<Backend> Create();

}  // namespace stackc::ci
