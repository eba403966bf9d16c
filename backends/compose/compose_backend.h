// Docker Compose target: docker-compose.yml for development and, when the
// stack declares a test task, docker-compose.test.yml that runs the suite
// against a fresh database; plus .env.example naming the secrets to provide.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace stackc::compose {

std::unique_ptr<Backend> Create();

}  // namespace stackc::compose
