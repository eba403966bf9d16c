// The JSON files of a Plan, each the input of one AWS CLI command:
// register-task-definition (ecs/task-definitions/FAMILY.json), run-task
// --overrides (ecs/task-definitions/TASK-overrides.json) and create-service
// (ecs/services/APP-service.json). Keys come in the order of the CLI's
// --generate-cli-skeleton, so a file reads like the AWS documentation and
// prints the same bytes on every run. JSON has no comments: the scripts'
// headers and .stackc-manifest say where these files come from.
//
// The files are written straight into a string in the layout of nlohmann's
// dump(2) (two-space indent, "key": value, {} and [] when empty): building an
// ordered_json per file and dumping it was most of the ECS target's time on
// large stacks. nlohmann still escapes strings with non-ASCII bytes (so that
// invalid UTF-8 fails as before) and prints the network configuration.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/ecs/plan.h"

namespace stackc::ecs {
namespace {

using Json = nlohmann::ordered_json;

// Writes one JSON document byte for byte as nlohmann's dump(2) would.
class JsonWriter {
 public:
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // An object member's key; its value follows. Keys are the CLI's names,
  // constants of this file made of letters and '-', so they are written
  // without looking for characters to escape.
  void Key(std::string_view key) {
    Separate();
    text_ += '"';
    text_ += key;
    text_ += std::string_view("\": ");  // its length known here, unlike a char*'s
    after_key_ = true;
  }

  void String(std::string_view value) {
    Separate();
    Quoted(value);
  }
  void Int(int64_t value) {
    Separate();
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    text_.append(buffer, end);
  }
  void Bool(bool value) {
    Separate();
    text_ += value ? "true" : "false";
  }
  // A value already printed by nlohmann's dump(2) at the top level: its
  // lines are indented to where it goes.
  void Dumped(std::string_view dumped) {
    Separate();
    size_t indent = 2 * counts_.size();
    size_t start = 0;
    for (size_t end = dumped.find('\n'); end != std::string_view::npos; end = dumped.find('\n', start)) {
      text_.append(dumped.substr(start, end + 1 - start));
      text_.append(indent, ' ');
      start = end + 1;
    }
    text_.append(dumped.substr(start));
  }

  void Member(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void Member(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }
  void StringArray(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    BeginArray();
    for (const std::string& value : values) String(value);
    EndArray();
  }

  JsonWriter() { text_.reserve(kReserve); }

  std::string Finish() {
    text_ += '\n';
    return std::move(text_);
  }

 private:
  // More than most files need, so that the text is not copied as it grows.
  static constexpr size_t kReserve = 2048;
  std::string text_;
  std::vector<size_t> counts_;  // values written so far in each open object or array
  bool after_key_ = false;

  // Before a value or key: a comma after the previous one and a new line,
  // except for a member's value, which follows its key.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (counts_.empty()) return;
    if (counts_.back()++ > 0) text_ += ',';
    text_ += '\n';
    text_.append(2 * counts_.size(), ' ');
  }
  void Open(char bracket) {
    Separate();
    text_ += bracket;
    counts_.push_back(0);
  }
  void Close(char bracket) {
    size_t count = counts_.back();
    counts_.pop_back();
    if (count > 0) {
      text_ += '\n';
      text_.append(2 * counts_.size(), ' ');
    }
    text_ += bracket;
  }
  void Quoted(std::string_view value) {
    // Most strings need no escape: appended whole, without the work below.
    bool plain =
        std::none_of(value.begin(), value.end(), [](char c) { return kSpecial[static_cast<unsigned char>(c)]; });
    if (plain) {
      text_ += '"';
      text_ += value;
      text_ += '"';
      return;
    }
    QuotedWithEscapes(value);
  }
  // Kept out of line, so that Quoted() stays small where it is inlined.
  [[gnu::noinline]] void QuotedWithEscapes(std::string_view value) {
    // One pass: runs of characters that need no escape are appended whole;
    // the first non-ASCII byte hands the whole string to nlohmann.
    size_t mark = text_.size();
    text_ += '"';
    size_t plain = 0;  // where the current run of such characters began
    for (size_t i = 0; i < value.size(); ++i) {
      auto c = static_cast<unsigned char>(value[i]);
      if (!kSpecial[c]) continue;
      if (c >= 0x80) {
        text_.resize(mark);
        text_ += Json(std::string(value)).dump();
        return;
      }
      text_.append(value.substr(plain, i - plain));
      plain = i + 1;
      const char* escape = nullptr;
      switch (c) {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
      }
      if (escape) {
        text_ += escape;
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        text_ += "\\u00";
        text_ += kHex[(c >> 4) & 0xF];
        text_ += kHex[c & 0xF];
      }
    }
    text_.append(value.substr(plain));
    text_ += '"';
  }

  // Bytes Quoted() cannot copy as they are: '"', '\\', control characters
  // and non-ASCII bytes.
  static constexpr std::array<bool, 256> kSpecial = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
    return table;
  }();
};

void Environment(JsonWriter& json, const std::vector<EnvVar>& variables) {
  json.Key("environment");
  json.BeginArray();
  for (const EnvVar& var : variables) {
    json.BeginObject();
    json.Member("name", var.name);
    json.Member("value", var.value);
    json.EndObject();
  }
  json.EndArray();
}

void Secrets(JsonWriter& json, const std::vector<EnvVar>& variables) {
  json.Key("secrets");
  json.BeginArray();
  for (const EnvVar& var : variables) {
    json.BeginObject();
    json.Member("name", var.name);
    json.Member("valueFrom", var.parameter);
    json.EndObject();
  }
  json.EndArray();
}

void ContainerDefinition(JsonWriter& json, const TaskDefinition& td) {
  const Container& c = td.container;
  json.BeginObject();
  json.Member("name", c.name);
  json.Member("image", c.image);
  if (c.cpu_units) json.Member("cpu", *c.cpu_units);
  json.Member("memory", c.memory_mib);
  if (!c.ports.empty()) {
    json.Key("portMappings");
    json.BeginArray();
    for (const PortMapping& port : c.ports) {
      json.BeginObject();
      json.Member("containerPort", port.container_port);
      json.Member("hostPort", port.host_port);
      json.Member("protocol", "tcp");
      json.EndObject();
    }
    json.EndArray();
  }
  json.Key("essential");
  json.Bool(true);
  if (!c.command.empty()) json.StringArray("command", c.command);
  if (!c.environment.empty()) Environment(json, c.environment);
  if (!c.secrets.empty()) Secrets(json, c.secrets);
  json.Key("logConfiguration");
  json.BeginObject();
  json.Member("logDriver", "awslogs");
  json.Key("options");
  json.BeginObject();
  json.Member("awslogs-group", td.log_group);
  json.Member("awslogs-region", "@{region}");
  json.Member("awslogs-stream-prefix", td.log_stream_prefix);
  json.EndObject();
  json.EndObject();
  json.EndObject();
}

std::string TaskDefinitionJson(const TaskDefinition& td) {
  JsonWriter json;
  json.BeginObject();
  json.Member("family", td.family);
  json.Member("executionRoleArn", "@{execution_role_arn}");
  json.Member("networkMode", td.network_mode);
  json.Key("containerDefinitions");
  json.BeginArray();
  ContainerDefinition(json, td);
  json.EndArray();
  json.Key("requiresCompatibilities");
  json.BeginArray();
  json.String(td.requires_compatibility);
  json.EndArray();
  if (!td.task_cpu.empty()) json.Member("cpu", td.task_cpu);
  if (!td.task_memory.empty()) json.Member("memory", td.task_memory);
  json.EndObject();
  return json.Finish();
}

std::string OverridesJson(const TaskRun& run) {
  JsonWriter json;
  json.BeginObject();
  json.Key("containerOverrides");
  json.BeginArray();
  json.BeginObject();
  json.Member("name", run.container);
  if (!run.command.empty()) json.StringArray("command", run.command);
  if (!run.environment.empty()) Environment(json, run.environment);
  json.EndObject();
  json.EndArray();
  json.EndObject();
  return json.Finish();
}

// `network` is the network configuration as nlohmann prints it, parsed and
// printed once for every service.
std::string ServiceJson(const Plan& plan, const Service& service, std::optional<std::string>& network) {
  const TaskDefinition& td = plan.task_definitions[service.task_definition];
  bool fargate = plan.launch_type == LaunchType::Fargate;
  JsonWriter json;
  json.BeginObject();
  json.Member("cluster", plan.cluster);
  json.Member("serviceName", service.name);
  json.Member("taskDefinition", td.family);
  if (!service.balancers.empty()) {
    json.Key("loadBalancers");
    json.BeginArray();
    for (int index : service.balancers) {
      const Balancer& b = plan.balancers[index];
      json.BeginObject();
      if (fargate) {
        json.Member("targetGroupArn", "@{" + b.target_group_placeholder + "}");
      } else {
        json.Member("loadBalancerName", b.name);
      }
      json.Member("containerName", td.container.name);
      json.Member("containerPort", b.target_port);
      json.EndObject();
    }
    json.EndArray();
  }
  json.Member("desiredCount", service.desired_count);
  json.Member("launchType", fargate ? "FARGATE" : "EC2");
  json.Key("deploymentConfiguration");
  json.BeginObject();
  json.Member("maximumPercent", service.maximum_percent);
  json.Member("minimumHealthyPercent", service.minimum_healthy_percent);
  json.EndObject();
  if (fargate) {
    if (!network) network = Json::parse(plan.network.configuration_json).dump(2);
    json.Key("networkConfiguration");
    json.Dumped(*network);
  }
  if (service.health_check_grace_seconds > 0) {
    json.Member("healthCheckGracePeriodSeconds", service.health_check_grace_seconds);
  }
  json.EndObject();
  return json.Finish();
}

}  // namespace

void WriteTaskDefinitions(const Plan& plan, OutputSink& out) {
  for (const TaskDefinition& td : plan.task_definitions) out.Write(td.path, TaskDefinitionJson(td), FileMode::Regular);
  for (const TaskRun& run : plan.runs) {
    if (!run.overrides_path.empty()) out.Write(run.overrides_path, OverridesJson(run), FileMode::Regular);
  }
  std::optional<std::string> network;
  for (const Service& service : plan.services) {
    out.Write(service.path, ServiceJson(plan, service, network), FileMode::Regular);
  }
}

}  // namespace stackc::ecs
