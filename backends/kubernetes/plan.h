// The Kubernetes target in two steps: Plan() decides every object, name and
// order from the IR (and reports what Kubernetes cannot express); the
// manifest and script writers only print a Plan, so they make no decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/common/images.h"

namespace stackc::kubernetes {

/// One entry of a container's `env` list.
struct EnvVar {
  std::string name;
  /// The value, already escaped for Kubernetes' $(VAR) expansion; unused
  /// when `secret_object` is set.
  std::string value;
  /// Set for a value read from a Secret (key `value`) through secretKeyRef.
  std::string secret_object;
};

struct Probe {
  /// An exec probe when non-empty, else an HTTP GET of `http_path`.
  std::vector<std::string> exec;
  std::string http_path;
  std::string port_name;
  int64_t period_seconds = 10;
  int64_t timeout_seconds = 5;
  int64_t failure_threshold = 5;
};

struct ContainerPort {
  std::string name;
  int64_t number = 0;
};

struct Container {
  std::string name;
  std::string image;
  std::string pull_policy;         // "" to leave Kubernetes' default
  std::vector<std::string> command;  // replaces the image's entrypoint
  std::vector<std::string> args;     // replaces the image's command
  std::vector<EnvVar> env;
  std::optional<ContainerPort> port;
  std::optional<Probe> readiness;
  std::string cpu;     // resources, "" when not declared
  std::string memory;
  std::string mount_volume;  // "" for none
  std::string mount_path;
};

struct ServicePort {
  std::string name;
  int64_t port = 0;
  /// The container port's name, or a number when it has none.
  std::string target_name;
  int64_t target_number = 0;
  std::optional<int64_t> node_port;
};

struct Service {
  std::string name;
  std::string type;  // ClusterIP, NodePort, LoadBalancer
  bool headless = false;
  std::vector<ServicePort> ports;
  std::string tier;           // its own `tier` label
  std::string selector_tier;  // the pods it sends traffic to
};

/// The Service of a balancer that listens on another port than its app: a
/// Service of its own, so that the app's other port stays internal.
struct BalancerService {
  const ir::Component* component = nullptr;
  std::string path;
  Service service;
};

/// What one component becomes: a file with a Deployment (plus Service and
/// claim) or a Job.
struct Workload {
  const ir::Component* component = nullptr;
  std::string path;  // relative to the output directory
  std::string tier;
  bool is_job = false;
  std::optional<Service> service;
  std::string claim;          // PersistentVolumeClaim name, "" for none
  std::string claim_storage;  // its size
  int64_t replicas = 1;
  std::string strategy;       // Deployments: Recreate or RollingUpdate
  int64_t backoff_limit = 2;  // Jobs
  std::vector<Container> init_containers;
  Container container;
  /// The repository of the image this stack builds and push.sh retags, or
  /// "" when the image comes from elsewhere.
  std::string built_repository;
};

/// A secret("name") of the stack: a Secret object holding key `value`,
/// created by apply.sh from an environment variable.
struct SecretInfo {
  std::string name;
  std::string object;
  std::string variable;
};

/// One step of apply.sh, in the IR's topological order.
struct Step {
  enum class Kind { Database, Task, App, Balancer };
  Kind kind;
  const ir::Component* component;
  int workload = -1;         // index into Plan::workloads; -1 for balancers
  std::string service_name;  // Balancer: the Service it shapes or owns
  int service = -1;          // Balancer: index into Plan::services when it owns one
};

struct Plan {
  std::string stack;
  std::string source_name;  // the stack file, for headers
  std::string profile;
  std::vector<Workload> workloads;  // in topological order
  std::vector<BalancerService> services;  // in topological order
  std::vector<SecretInfo> secrets;  // sorted by name
  std::vector<BuiltImage> images;   // sorted by repository
  std::vector<Step> steps;
  std::vector<std::string> test_tasks;  // not deployed: they run on Compose
};

/// Lowers the stack. Reports to `diags`; the plan is complete even when it
/// reports errors, so that every problem is reported in one run.
Plan MakePlan(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags);

/// The files: YAML manifests and scripts, keyed by path.
void WriteManifests(const Plan& plan, OutputSink& out);
void WriteScripts(const Plan& plan, OutputSink& out);

}  // namespace stackc::kubernetes
