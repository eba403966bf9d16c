// The JSON files of a Plan, each the input of one AWS CLI command:
// register-task-definition (ecs/task-definitions/FAMILY.json), run-task
// --overrides (ecs/task-definitions/TASK-overrides.json) and create-service
// (ecs/services/APP-service.json). Keys come in the order of the CLI's
// --generate-cli-skeleton, so a file reads like the AWS documentation and
// prints the same bytes on every run. JSON has no comments: the scripts'
// headers and .stackc-manifest say where these files come from.
#include <nlohmann/json.hpp>

#include "backends/ecs/plan.h"

namespace stackc::ecs {
namespace {

using Json = nlohmann::ordered_json;

Json Environment(const std::vector<EnvVar>& variables) {
  Json list = Json::array();
  for (const EnvVar& var : variables) list.push_back({{"name", var.name}, {"value", var.value}});
  return list;
}

Json Secrets(const std::vector<EnvVar>& variables) {
  Json list = Json::array();
  for (const EnvVar& var : variables) list.push_back({{"name", var.name}, {"valueFrom", var.parameter}});
  return list;
}

Json ContainerDefinition(const TaskDefinition& td) {
  const Container& c = td.container;
  Json container;
  container["name"] = c.name;
  container["image"] = c.image;
  if (c.cpu_units) container["cpu"] = *c.cpu_units;
  container["memory"] = c.memory_mib;
  if (!c.ports.empty()) {
    Json ports = Json::array();
    for (const PortMapping& port : c.ports) {
      ports.push_back({{"containerPort", port.container_port}, {"hostPort", port.host_port}, {"protocol", "tcp"}});
    }
    container["portMappings"] = ports;
  }
  container["essential"] = true;
  if (!c.command.empty()) container["command"] = c.command;
  if (!c.environment.empty()) container["environment"] = Environment(c.environment);
  if (!c.secrets.empty()) container["secrets"] = Secrets(c.secrets);
  container["logConfiguration"] = {
      {"logDriver", "awslogs"},
      {"options",
       {{"awslogs-group", td.log_group},
        {"awslogs-region", "@{region}"},
        {"awslogs-stream-prefix", td.log_stream_prefix}}}};
  return container;
}

Json TaskDefinitionJson(const TaskDefinition& td) {
  Json json;
  json["family"] = td.family;
  json["executionRoleArn"] = "@{execution_role_arn}";
  json["networkMode"] = td.network_mode;
  json["containerDefinitions"] = Json::array({ContainerDefinition(td)});
  json["requiresCompatibilities"] = Json::array({td.requires_compatibility});
  if (!td.task_cpu.empty()) json["cpu"] = td.task_cpu;
  if (!td.task_memory.empty()) json["memory"] = td.task_memory;
  return json;
}

Json OverridesJson(const TaskRun& run) {
  Json container;
  container["name"] = run.container;
  if (!run.command.empty()) container["command"] = run.command;
  if (!run.environment.empty()) container["environment"] = Environment(run.environment);
  return {{"containerOverrides", Json::array({container})}};
}

Json ServiceJson(const Plan& plan, const Service& service) {
  const TaskDefinition& td = plan.task_definitions[service.task_definition];
  bool fargate = plan.launch_type == LaunchType::Fargate;
  Json json;
  json["cluster"] = plan.cluster;
  json["serviceName"] = service.name;
  json["taskDefinition"] = td.family;
  if (!service.balancers.empty()) {
    Json balancers = Json::array();
    for (int index : service.balancers) {
      const Balancer& b = plan.balancers[index];
      Json entry;
      if (fargate) {
        entry["targetGroupArn"] = "@{" + b.target_group_placeholder + "}";
      } else {
        entry["loadBalancerName"] = b.name;
      }
      entry["containerName"] = td.container.name;
      entry["containerPort"] = b.target_port;
      balancers.push_back(entry);
    }
    json["loadBalancers"] = balancers;
  }
  json["desiredCount"] = service.desired_count;
  json["launchType"] = fargate ? "FARGATE" : "EC2";
  json["deploymentConfiguration"] = {{"maximumPercent", service.maximum_percent},
                                     {"minimumHealthyPercent", service.minimum_healthy_percent}};
  if (fargate) json["networkConfiguration"] = Json::parse(plan.network.configuration_json);
  if (service.health_check_grace_seconds > 0) {
    json["healthCheckGracePeriodSeconds"] = service.health_check_grace_seconds;
  }
  return json;
}

void WriteJson(OutputSink& out, const std::string& path, const Json& json) {
  out.Write(path, json.dump(2) + "\n", FileMode::Regular);
}

}  // namespace

void WriteTaskDefinitions(const Plan& plan, OutputSink& out) {
  for (const TaskDefinition& td : plan.task_definitions) WriteJson(out, td.path, TaskDefinitionJson(td));
  for (const TaskRun& run : plan.runs) {
    if (!run.overrides_path.empty()) WriteJson(out, run.overrides_path, OverridesJson(run));
  }
  for (const Service& service : plan.services) WriteJson(out, service.path, ServiceJson(plan, service));
}

}  // namespace stackc::ecs
