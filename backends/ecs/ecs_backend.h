// ECS target: the book's chapter 4 on today's APIs. Task definitions, task
// overrides and services as AWS CLI input JSON, and the scripts that stand
// everything up with the AWS CLI in dependency order (databases as RDS,
// balancers as ALBs or classic ELBs). See docs/targets/ecs.md.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace stackc::ecs {

std::unique_ptr<Backend> Create();

}  // namespace stackc::ecs
