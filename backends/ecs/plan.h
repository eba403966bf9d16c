// The ECS target in two steps: MakePlan() decides every file, name,
// placeholder and the order of up.sh from the IR (and reports what ECS
// cannot express); the JSON and script writers only print a Plan, so they
// make no decisions.
//
// Late-bound values. What only exists once AWS has created it (an RDS
// endpoint, a target group ARN, the subnets of the default VPC) is written
// into JSON strings as a placeholder `@{NAME}`, which the scripts replace
// before they hand a file to the AWS CLI. Every placeholder a file uses is
// listed in Plan::placeholders, with where its value comes from. Placeholder
// names are made of component names, '.' and '_', so they never need
// escaping; the values the scripts put in are ids, ARNs and host names,
// which need no JSON escaping either (the scripts check that they match
// [A-Za-z0-9._:/-]* before substituting).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/common/images.h"

namespace stackc::ecs {

enum class LaunchType {
  Fargate,  // awsvpc networking, Application Load Balancers (the default)
  Ec2,      // the book's: bridge networking, host ports, classic ELBs, container instances
};

/// A late-bound value written as "@{name}" inside JSON strings.
struct Placeholder {
  enum class Source {
    Region,            // "region": ecs.region, else the AWS CLI's configured region
    ExecutionRoleArn,  // "execution_role_arn": the ARN of role Plan::execution_role
    Subnets,           // "subnets": Network::subnets, else the VPC's subnets (a list, see `list`)
    SecurityGroup,     // "security_group": Network::security_group, else the VPC's "default" group
    DatabaseHost,      // "DB.host": the RDS instance's endpoint address, known after its step
    BalancerHost,      // "BALANCER.host": the load balancer's DNS name, known after its step
    TargetGroupArn,    // "BALANCER.target_group_arn": the ALB target group's ARN (Fargate only)
  };
  std::string name;       // without "@{" and "}": "postgres.host", "subnets"
  Source source;
  std::string component;  // DatabaseHost, BalancerHost, TargetGroupArn: the database or balancer
  /// A list placeholder only ever fills a whole JSON string that is an array
  /// element, ["@{subnets}"]: the scripts replace "\"@{subnets}\"" (quotes
  /// included) with one or more comma-separated JSON strings.
  bool list = false;
};

/// A piece of a value the scripts compose at deploy time (a password, a
/// DATABASE_URL with the password inside).
struct Piece {
  enum class Kind {
    Literal,      // `text` as is
    Secret,       // the value of Plan::secrets[`text`-named].variable
    Placeholder,  // the value of placeholder `text` ("postgres.host")
  };
  Kind kind;
  std::string text;
};

/// A secret("name") of the stack. up.sh reads it from `variable` (as every
/// target does, backends/common/secrets.h) and stops before any AWS call
/// when one is missing; it stores the value in SSM Parameter Store as a
/// SecureString named `parameter` only when a container reads the secret as
/// a whole (`stored`).
struct SecretInfo {
  std::string name;       // "db-password"
  std::string variable;   // "DB_PASSWORD"
  std::string parameter;  // "/webapp/db-password"
  bool stored = false;    // some container's `secrets` entry reads `parameter`
};

/// A value with a secret inside a larger string (DATABASE_URL with the
/// password): up.sh composes it from `pieces` and stores it as a SecureString
/// parameter, which the container reads through its `secrets` list.
struct ComposedParameter {
  std::string parameter;  // "/webapp/webapp/DATABASE_URL": /STACK/COMPONENT/VARIABLE
  std::string component;  // the app or task whose container reads it
  std::string variable;   // "DATABASE_URL"
  std::vector<Piece> pieces;
};

/// One environment variable of a container.
struct EnvVar {
  std::string name;
  /// The value, possibly with placeholders; unused when `parameter` is set.
  std::string value;
  /// Set for a variable read from SSM Parameter Store (the container's
  /// `secrets` list, valueFrom this parameter name).
  std::string parameter;
};

struct PortMapping {
  int64_t container_port = 0;
  int64_t host_port = 0;  // = container_port: awsvpc requires it, and the book maps host ports on EC2
};

struct Container {
  std::string name;
  std::string image;  // as compiled, with its tag
  /// The repository of an image this stack builds ("pacuna/webapp"): the
  /// scripts replace the image by REPOSITORY:TAG; "" for images from elsewhere.
  std::string built_repository;
  std::vector<std::string> command;  // replaces the image's command; may hold placeholders
  std::vector<EnvVar> environment;   // plain values, sorted by name
  std::vector<EnvVar> secrets;       // values from SSM parameters, sorted by name
  std::vector<PortMapping> ports;
  std::optional<int64_t> cpu_units;  // 1024 = one vCPU; unset leaves it to the task
  int64_t memory_mib = 512;          // always written: moto needs it, and it caps the container
};

/// ecs/task-definitions/FAMILY.json: register-task-definition input.
struct TaskDefinition {
  std::string component;  // the app, or the task without `from`
  std::string family;
  std::string path;  // relative to the output directory
  Container container;
  std::string network_mode;  // "awsvpc" (Fargate) or "bridge" (EC2)
  std::string requires_compatibility;  // "FARGATE" or "EC2"
  std::string task_cpu;     // Fargate: task-level size ("256"); "" on EC2
  std::string task_memory;  // Fargate: "512"; "" on EC2
  std::string log_group;    // "/ecs/STACK"
  std::string log_stream_prefix;  // the component
  std::vector<std::string> placeholders;  // names used in the file, sorted
};

/// A setup task: run-task with an app's definition plus
/// ecs/task-definitions/TASK-overrides.json, or with its own definition.
struct TaskRun {
  std::string component;
  int task_definition = -1;   // index into Plan::task_definitions: the family to run
  std::string container;      // the container the overrides address
  /// "" when the task runs its own definition unchanged (no `from`, or a
  /// `from` whose container overrides cannot express the task: another
  /// image, or secrets the app's definition does not read).
  std::string overrides_path;
  std::vector<std::string> command;  // overrides: empty keeps the app's
  std::vector<EnvVar> environment;   // overrides: only what differs from the app's, sorted
  std::vector<std::string> placeholders;  // in the overrides file, sorted
};

/// A load balancer in front of one app.
struct Balancer {
  std::string component;
  std::string app;                 // the app it routes to
  std::string name;                // the load balancer's name: STACK-BALANCER (at most 32 characters)
  std::string target_group;        // Fargate: the target group's name (same as `name`); "" on EC2
  bool internet_facing = false;    // `public`: scheme internet-facing, else internal
  int64_t port = 80;               // the listener's port (HTTP)
  int64_t target_port = 0;         // the container's (and on EC2 the instance's) port
  std::string health_path;         // "/" when neither the balancer nor its app sets one
  std::string host_placeholder;    // "BALANCER.host"
  std::string target_group_placeholder;  // Fargate: "BALANCER.target_group_arn"; "" on EC2
};

/// A database as an RDS instance (engines postgres and mysql).
struct Database {
  std::string component;
  std::string identifier;    // "webapp-postgres": STACK-DB
  std::string engine;        // "postgres" or "mysql"
  std::string engine_version;  // "" for RDS's default
  std::string db_name;       // "webapp_production"
  std::string master_user;   // "webapp"
  /// Usually one Secret piece. Empty when the stack sets no password
  /// (reported): up.sh passes --manage-master-user-password instead.
  std::vector<Piece> password;
  int64_t port = 0;
  int64_t allocated_storage_gib = 20;  // `storage` rounded up to GiB, at least 20
  std::string instance_class;          // "db.t3.micro"
  bool multi_az = false;
  bool publicly_accessible = false;
  std::string subnet_group;       // "STACK-db-subnets", shared by every database of the stack
  std::string host_placeholder;   // "DB.host"
};

/// An app as an ECS service: ecs/services/APP-service.json.
struct Service {
  std::string component;
  std::string name;  // "webapp-service"
  std::string path;
  int task_definition = -1;  // index into Plan::task_definitions
  int64_t desired_count = 1;
  std::vector<int> balancers;  // indices into Plan::balancers, by name
  int64_t health_check_grace_seconds = 0;  // when behind a balancer
  int64_t maximum_percent = 200;
  int64_t minimum_healthy_percent = 100;
  std::vector<std::string> placeholders;  // used in the file, sorted
};

/// A security group ingress rule up.sh makes sure exists (checking first).
struct IngressRule {
  int64_t port = 0;
  std::string cidr;         // "0.0.0.0/0", or "" for traffic from the group itself
  std::string reason;       // "balancer front", "database postgres", "ssh"
};

struct Network {
  std::string vpc;             // "" to discover the default VPC
  std::vector<std::string> subnets;  // empty to discover the VPC's subnets
  std::string security_group;  // "" for the VPC's "default" group
  bool assign_public_ip = true;  // Fargate tasks
  /// Fargate: the awsvpcConfiguration every service and run-task uses, as
  /// compact JSON with placeholders ({"awsvpcConfiguration":{...}}), for
  /// run-task's --network-configuration; "" on EC2 (bridge).
  std::string configuration_json;
  std::vector<IngressRule> ingress;  // sorted by port, then cidr
};

/// EC2 launch type: the container instances of the cluster.
struct Instances {
  int64_t count = 1;
  std::string instance_type;  // "t3.medium"
  std::string key_pair;       // "" for none
  std::string ssh_from;       // CIDR to open port 22 from; "" for none
  /// The instances' IAM role and instance profile (same name), created when
  /// missing with the managed AmazonEC2ContainerServiceforEC2Role policy.
  std::string role = "ecsInstanceRole";
  /// The SSM parameter that names the current ECS-optimized AMI.
  std::string ami_parameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
};

/// One step of up.sh, after the common set-up (secrets check, cluster,
/// network lookups, ingress rules, execution role, log group, SSM
/// parameters). The IR's topological order, except that a database or
/// balancer moves up to just before the first step that needs its
/// placeholders or its load balancer.
struct Step {
  enum class Kind {
    Database,  // create the subnet group and the instance, wait, read the endpoint: `database`
    Balancer,  // create the load balancer (and target group + listener): `balancer`
    RunTask,   // register `register`, run `run`, wait for STOPPED, check the exit code
    Service,   // register `register`, create or update `service`
  };
  Kind kind;
  std::string component;
  int database = -1;  // index into Plan::databases
  int balancer = -1;  // index into Plan::balancers
  int run = -1;       // index into Plan::runs
  int service = -1;   // index into Plan::services
  /// Task definitions to register at this step (indices into
  /// Plan::task_definitions): each once, at the first step that uses it.
  std::vector<int> register_definitions;
};

struct Plan {
  std::string stack;
  std::string source_name;  // the stack file, for headers
  std::string profile;
  LaunchType launch_type = LaunchType::Fargate;
  std::string cluster;         // ecs.cluster, else the stack's name
  std::string region;          // "" for the CLI's configured region
  std::string execution_role;  // role name, created when missing
  std::string log_group;       // "/ecs/STACK"
  std::string parameter_prefix;  // "/STACK/": every SSM parameter is below it
  Network network;
  Instances instances;  // EC2 only
  std::vector<TaskDefinition> task_definitions;  // in the order steps first register them
  std::vector<TaskRun> runs;                     // in step order
  std::vector<Service> services;                 // in step order
  std::vector<Balancer> balancers;               // by name
  std::vector<Database> databases;               // by name
  std::vector<SecretInfo> secrets;               // by name
  std::vector<ComposedParameter> composed;       // by parameter
  /// Every placeholder the files and composed values may use (each database
  /// and balancer defines its own, used or not), by name.
  std::vector<Placeholder> placeholders;
  std::vector<BuiltImage> images;                // by repository
  std::vector<Step> steps;
  std::vector<std::string> test_tasks;  // not deployed: they run on Compose
};

/// Lowers the stack. Reports to `diags`; the plan is complete even when it
/// reports errors, so that every problem is reported in one run.
Plan MakePlan(const ir::Stack& stack, const EmitOptions& options, DiagnosticEngine& diags);

/// The JSON files: task definitions, overrides, services.
void WriteTaskDefinitions(const Plan& plan, OutputSink& out);
/// ecs/deploy/: lib.sh, up.sh, push.sh, migrate.sh, secrets.env.example.
void WriteScripts(const Plan& plan, OutputSink& out);

}  // namespace stackc::ecs
