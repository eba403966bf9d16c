// Kubernetes target: the book's kube/ folder on today's APIs. One file per
// component (Deployments with their Services and volume claims, Jobs for
// setup tasks) and the scripts that apply them in dependency order and roll
// out new image tags. See docs/targets/kubernetes.md.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace stackc::kubernetes {

std::unique_ptr<Backend> Create();

}  // namespace stackc::kubernetes
