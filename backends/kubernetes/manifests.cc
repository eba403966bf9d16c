// The YAML manifests of a Plan: one file per component, every object built
// with the emitter of backends/common/yaml in a fixed key order (apiVersion,
// kind, metadata, spec, then the order kubectl prints), documents separated
// by "---".
#include <fmt/format.h>

#include "backends/common/provenance.h"
#include "backends/common/yaml.h"
#include "backends/kubernetes/plan.h"

namespace stackc::kubernetes {
namespace {

using yaml::String;

class ManifestWriter {
 public:
  explicit ManifestWriter(const Plan& plan)
      : plan_(plan),
        comment_(yaml::Comment(GeneratedNotice(plan_.source_name, plan_.profile) +
                               "\nkube/deploy/apply.sh applies it in the order the stack needs.")) {}

  // Every file starts with the same comment; the emitter writes after it.
  std::string File(const Workload& w) {
    yaml::Emitter out = Start();
    if (!w.claim.empty()) Claim(out, w);
    if (w.service) ServiceObject(out, *w.service);
    if (w.is_job) {
      JobObject(out, w);
    } else {
      DeploymentObject(out, w);
    }
    return out.Take("\n");
  }

  std::string File(const BalancerService& b) {
    yaml::Emitter out = Start();
    ServiceObject(out, b.service);
    return out.Take("\n");
  }

 private:
  yaml::Emitter Start() const {
    std::string text;
    text.reserve(kFileReserve);
    text = comment_;
    return yaml::Emitter(std::move(text));
  }

  // More than most manifests need, so that the text is not copied as it grows.
  static constexpr size_t kFileReserve = 2048;

  void Labels(yaml::Emitter& out, const std::string& tier) {
    out << yaml::BeginMap;
    out << yaml::Key << "app" << yaml::Value;
    String(out, plan_.stack);
    out << yaml::Key << "tier" << yaml::Value;
    String(out, tier);
    out << yaml::EndMap;
  }

  void Labels(yaml::Emitter& out, const Workload& w) { Labels(out, w.tier); }

  void Header(yaml::Emitter& out, std::string_view api_version, std::string_view kind, const std::string& name,
              const std::string& tier) {
    out << yaml::BeginDoc << yaml::BeginMap;
    out << yaml::Key << "apiVersion" << yaml::Value << api_version;
    out << yaml::Key << "kind" << yaml::Value << kind;
    out << yaml::Key << "metadata" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "name" << yaml::Value;
    String(out, name);
    out << yaml::Key << "labels" << yaml::Value;
    Labels(out, tier);
    out << yaml::EndMap;
  }

  void Claim(yaml::Emitter& out, const Workload& w) {
    Header(out, "v1", "PersistentVolumeClaim", w.claim, w.tier);
    out << yaml::Key << "spec" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "accessModes" << yaml::Value << yaml::BeginSeq << "ReadWriteOnce" << yaml::EndSeq;
    out << yaml::Key << "resources" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "requests" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "storage" << yaml::Value;
    String(out, w.claim_storage);
    out << yaml::EndMap << yaml::EndMap << yaml::EndMap << yaml::EndMap;
  }

  void ServiceObject(yaml::Emitter& out, const Service& s) {
    Header(out, "v1", "Service", s.name, s.tier);
    out << yaml::Key << "spec" << yaml::Value << yaml::BeginMap;
    if (s.headless) {
      out << yaml::Key << "clusterIP" << yaml::Value << "None";
    } else {
      out << yaml::Key << "type" << yaml::Value << s.type;
    }
    out << yaml::Key << "ports" << yaml::Value << yaml::BeginSeq;
    for (const ServicePort& p : s.ports) {
      out << yaml::BeginMap;
      out << yaml::Key << "name" << yaml::Value;
      String(out, p.name);
      out << yaml::Key << "port" << yaml::Value << p.port;
      out << yaml::Key << "targetPort" << yaml::Value;
      if (p.target_name.empty()) {
        out << p.target_number;
      } else {
        String(out, p.target_name);
      }
      if (p.node_port) out << yaml::Key << "nodePort" << yaml::Value << *p.node_port;
      out << yaml::EndMap;
    }
    out << yaml::EndSeq;
    out << yaml::Key << "selector" << yaml::Value;
    Labels(out, s.selector_tier);
    out << yaml::EndMap << yaml::EndMap;
  }

  void DeploymentObject(yaml::Emitter& out, const Workload& w) {
    Header(out, "apps/v1", "Deployment", w.component->name, w.tier);
    out << yaml::Key << "spec" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "replicas" << yaml::Value << w.replicas;
    out << yaml::Key << "selector" << yaml::Value << yaml::BeginMap << yaml::Key << "matchLabels" << yaml::Value;
    Labels(out, w);
    out << yaml::EndMap;
    out << yaml::Key << "strategy" << yaml::Value << yaml::BeginMap << yaml::Key << "type" << yaml::Value
        << w.strategy << yaml::EndMap;
    Template(out, w);
    out << yaml::EndMap << yaml::EndMap;
  }

  void JobObject(yaml::Emitter& out, const Workload& w) {
    Header(out, "batch/v1", "Job", w.component->name, w.tier);
    out << yaml::Key << "spec" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "backoffLimit" << yaml::Value << w.backoff_limit;
    Template(out, w);
    out << yaml::EndMap << yaml::EndMap;
  }

  void Template(yaml::Emitter& out, const Workload& w) {
    out << yaml::Key << "template" << yaml::Value << yaml::BeginMap;
    out << yaml::Key << "metadata" << yaml::Value << yaml::BeginMap << yaml::Key << "labels" << yaml::Value;
    Labels(out, w);
    out << yaml::EndMap;
    out << yaml::Key << "spec" << yaml::Value << yaml::BeginMap;
    if (w.is_job) out << yaml::Key << "restartPolicy" << yaml::Value << "Never";
    if (!w.init_containers.empty()) {
      out << yaml::Key << "initContainers" << yaml::Value << yaml::BeginSeq;
      for (const Container& c : w.init_containers) ContainerSpec(out, c);
      out << yaml::EndSeq;
    }
    out << yaml::Key << "containers" << yaml::Value << yaml::BeginSeq;
    ContainerSpec(out, w.container);
    out << yaml::EndSeq;
    if (!w.claim.empty()) {
      out << yaml::Key << "volumes" << yaml::Value << yaml::BeginSeq << yaml::BeginMap;
      out << yaml::Key << "name" << yaml::Value;
      String(out, w.claim);
      out << yaml::Key << "persistentVolumeClaim" << yaml::Value << yaml::BeginMap;
      out << yaml::Key << "claimName" << yaml::Value;
      String(out, w.claim);
      out << yaml::EndMap << yaml::EndMap << yaml::EndSeq;
    }
    out << yaml::EndMap << yaml::EndMap;
  }

  static void Words(yaml::Emitter& out, const std::vector<std::string>& words) {
    out << yaml::Flow << yaml::BeginSeq;
    for (const std::string& word : words) String(out, word);
    out << yaml::EndSeq;
  }

  void ContainerSpec(yaml::Emitter& out, const Container& c) {
    out << yaml::BeginMap;
    out << yaml::Key << "name" << yaml::Value;
    String(out, c.name);
    out << yaml::Key << "image" << yaml::Value;
    String(out, c.image);
    if (!c.pull_policy.empty()) out << yaml::Key << "imagePullPolicy" << yaml::Value << c.pull_policy;
    if (!c.command.empty()) {
      out << yaml::Key << "command" << yaml::Value;
      Words(out, c.command);
    }
    if (!c.args.empty()) {
      out << yaml::Key << "args" << yaml::Value;
      Words(out, c.args);
    }
    if (!c.env.empty()) {
      out << yaml::Key << "env" << yaml::Value << yaml::BeginSeq;
      for (const EnvVar& e : c.env) {
        out << yaml::BeginMap << yaml::Key << "name" << yaml::Value;
        String(out, e.name);
        if (e.secret_object.empty()) {
          out << yaml::Key << "value" << yaml::Value;
          String(out, e.value);
        } else {
          out << yaml::Key << "valueFrom" << yaml::Value << yaml::BeginMap;
          out << yaml::Key << "secretKeyRef" << yaml::Value << yaml::BeginMap;
          out << yaml::Key << "name" << yaml::Value;
          String(out, e.secret_object);
          out << yaml::Key << "key" << yaml::Value << "value";
          out << yaml::EndMap << yaml::EndMap;
        }
        out << yaml::EndMap;
      }
      out << yaml::EndSeq;
    }
    if (c.port) {
      out << yaml::Key << "ports" << yaml::Value << yaml::BeginSeq << yaml::BeginMap;
      out << yaml::Key << "name" << yaml::Value;
      String(out, c.port->name);
      out << yaml::Key << "containerPort" << yaml::Value << c.port->number;
      out << yaml::EndMap << yaml::EndSeq;
    }
    if (c.readiness) Readiness(out, *c.readiness);
    if (!c.cpu.empty() || !c.memory.empty()) {
      out << yaml::Key << "resources" << yaml::Value << yaml::BeginMap;
      for (std::string_view which : {"requests", "limits"}) {
        out << yaml::Key << which << yaml::Value << yaml::BeginMap;
        if (!c.cpu.empty()) {
          out << yaml::Key << "cpu" << yaml::Value;
          String(out, c.cpu);
        }
        if (!c.memory.empty()) {
          out << yaml::Key << "memory" << yaml::Value;
          String(out, c.memory);
        }
        out << yaml::EndMap;
      }
      out << yaml::EndMap;
    }
    if (!c.mount_volume.empty()) {
      out << yaml::Key << "volumeMounts" << yaml::Value << yaml::BeginSeq << yaml::BeginMap;
      out << yaml::Key << "name" << yaml::Value;
      String(out, c.mount_volume);
      out << yaml::Key << "mountPath" << yaml::Value;
      String(out, c.mount_path);
      out << yaml::EndMap << yaml::EndSeq;
    }
    out << yaml::EndMap;
  }

  static void Readiness(yaml::Emitter& out, const Probe& p) {
    out << yaml::Key << "readinessProbe" << yaml::Value << yaml::BeginMap;
    if (!p.exec.empty()) {
      out << yaml::Key << "exec" << yaml::Value << yaml::BeginMap << yaml::Key << "command" << yaml::Value;
      Words(out, p.exec);
      out << yaml::EndMap;
    } else {
      out << yaml::Key << "httpGet" << yaml::Value << yaml::BeginMap;
      out << yaml::Key << "path" << yaml::Value;
      String(out, p.http_path);
      out << yaml::Key << "port" << yaml::Value;
      String(out, p.port_name);
      out << yaml::EndMap;
    }
    out << yaml::Key << "periodSeconds" << yaml::Value << p.period_seconds;
    out << yaml::Key << "timeoutSeconds" << yaml::Value << p.timeout_seconds;
    out << yaml::Key << "failureThreshold" << yaml::Value << p.failure_threshold;
    out << yaml::EndMap;
  }

  const Plan& plan_;
  const std::string comment_;
};

}  // namespace

void WriteManifests(const Plan& plan, OutputSink& out) {
  ManifestWriter writer(plan);
  for (const Workload& w : plan.workloads) out.Write(w.path, writer.File(w), FileMode::Regular);
  for (const BalancerService& b : plan.services) out.Write(b.path, writer.File(b), FileMode::Regular);
}

}  // namespace stackc::kubernetes
