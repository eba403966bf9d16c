// The test environment every target agrees on: test tasks (role "test") run
// with docker-compose.test.yml against services of their own, never against
// a deployment. The Compose target writes that file and the CI target runs
// it, so both take its contents from here.
#pragma once

#include <vector>

#include "ir/stack.h"

namespace stackc {

bool IsTestTask(const ir::Component& c);

/// Every test task and what it needs, transitively (balancers left out),
/// sorted by name: the services of docker-compose.test.yml.
std::vector<const ir::Component*> TestEnvironment(const ir::Stack& stack);

}  // namespace stackc
