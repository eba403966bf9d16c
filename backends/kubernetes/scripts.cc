// The scripts of a Plan: apply.sh (everything, in dependency order, with
// waits), push.sh (build, push, roll out a new tag) and migrate.sh (run the
// setup tasks again), plus the template of the secrets apply.sh reads.
//
// Scripts are text, so every value taken from the stack is single-quoted
// (Quote) and every variable double-quoted; the fixed parts are written to
// pass `bash -n` and `shellcheck`, which the test suite runs on each golden
// tree.
#include <iterator>
#include <set>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "backends/common/provenance.h"
#include "backends/common/shell.h"
#include "backends/common/yaml.h"
#include "backends/kubernetes/plan.h"

namespace stackc::kubernetes {
namespace {

using shell::EscapeDoubleQuoted;
using shell::Quote;

// A build context as a shell word: relative ones start at $stack_dir.
std::string Context(std::string context) {
  if (context.starts_with("/")) return Quote(context);
  while (context.starts_with("./")) context.erase(0, 2);
  if (context == "." || context.empty()) return "\"$stack_dir\"";
  return "\"$stack_dir/" + EscapeDoubleQuoted(context) + "\"";
}

// A generated file as a shell word; its path is made of component names.
std::string KubePath(const std::string& path) {
  std::string word;
  word.reserve(path.size() + 4);
  word += "\"$kube/";
  word += EscapeDoubleQuoted(std::string_view(path).substr(5));
  word += '"';
  return word;
}

constexpr std::string_view kPrelude = R"SH(set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kube="$(dirname "$here")"
)SH";

// For scripts with nothing to do.
constexpr std::string_view kNothing = R"SH(set -euo pipefail
)SH";

constexpr std::string_view kCommon = R"SH(
fail() {
    printf '%s: %s\n' "$script" "$*" >&2
    exit 1
}

step() {
    printf '\n==> %s\n' "$*"
}
)SH";

constexpr std::string_view kRollOut = R"SH(
# Applies a Deployment's file (with its Service and volume claim), gives its
# container CONTAINER=IMAGE when one is given, and waits until every replica
# is ready.
roll_out() {
    kubectl apply -f "$1"
    if [[ -n "${3:-}" ]]; then
        kubectl set image "deployment/$2" "$3"
    fi
    kubectl rollout status "deployment/$2" --timeout="$rollout_timeout"
}
)SH";

// apply.sh's TAG is optional: without it the images keep the tag the files
// were generated with.
constexpr std::string_view kOptionalTag = R"SH(
tag="${1:-}"
if [[ -n "$tag" && ! "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
    fail "'$tag' is not a valid image tag"
fi
)SH";

constexpr std::string_view kSetImage = R"SH(
# Gives a Deployment's container a new image and waits for the rollout.
set_image() {
    kubectl set image "deployment/$1" "$2"
    kubectl rollout status "deployment/$1" --timeout="$rollout_timeout"
}
)SH";

constexpr std::string_view kRunJob = R"SH(
# run_job once|again JOB FILE [CONTAINER=IMAGE]: runs a Job to completion.
# The Job is created from its file, with CONTAINER=IMAGE when given (a Job's
# pod template cannot be changed, so a new image means a new Job), and is
# annotated stackc/spec-digest with the sha256 of that manifest. `again`
# deletes the previous run and creates the Job. `once` keeps a Job with the
# same digest: one that has completed is not run again, one still running is
# waited for; any other (another digest, failed) is replaced as with `again`.
run_job() {
    local mode="$1" job="$2" file="$3" image="${4:-}" manifest digest state
    if [[ -n "$image" ]]; then
        manifest="$(kubectl set image --local -f "$file" "$image" -o yaml)"
    else
        manifest="$(<"$file")"
    fi
    digest="$(printf '%s\n' "$manifest" | sha256sum)"
    digest="${digest%% *}"
    if [[ "$mode" == once ]]; then
        state="$(kubectl get job "$job" --ignore-not-found \
            -o 'jsonpath={.metadata.annotations.stackc/spec-digest},{.status.conditions[?(@.status=="True")].type}')"
        if [[ -n "$state" && "${state%%,*}" == "$digest" ]]; then
            case " ${state#*,} " in
                *" Complete "*)
                    echo "job $job has already completed with this spec"
                    return
                    ;;
                *" Failed "* | *" FailureTarget "*) ;;
                *)
                    echo "job $job is already running with this spec; waiting for it"
                    wait_for_job "$job"
                    return
                    ;;
            esac
        fi
    fi
    kubectl delete job "$job" --ignore-not-found --cascade=foreground
    printf '%s\n' "$manifest" |
        kubectl annotate --local -f - "stackc/spec-digest=$digest" -o yaml |
        kubectl create -f -
    wait_for_job "$job"
}

# Waits until a Job completes. When it fails, or JOB_TIMEOUT runs out,
# prints its logs and exits non-zero.
wait_for_job() {
    local job="$1" failed
    local deadline=$((SECONDS + job_timeout))
    local condition='jsonpath={.status.conditions[?(@.type=="Failed")].status}'
    while ! kubectl wait --for=condition=complete "job/$job" --timeout=5s >/dev/null 2>&1; do
        failed="$(kubectl get "job/$job" -o "$condition" 2>/dev/null || true)"
        if [[ "$failed" == True ]]; then
            job_failed "$job" "failed"
        fi
        if ((SECONDS >= deadline)); then
            job_failed "$job" "did not complete within ${job_timeout}s"
        fi
    done
    echo "job $job completed"
}

job_failed() {
    printf '%s: job %s %s; its logs:\n' "$script" "$1" "$2" >&2
    kubectl logs "job/$1" --all-containers=true --prefix=true >&2 || true
    exit 1
}
)SH";

constexpr std::string_view kPutSecret = R"SH(
# Creates or updates a Secret from a value, which goes through a pipe only:
# never into a file or onto a command line.
put_secret() {
    printf '%s' "$2" |
        kubectl create secret generic "$1" --from-file=value=/dev/stdin --dry-run=client -o yaml |
        kubectl label --local -f - "app=$stack" -o yaml |
        kubectl apply -f -
}
)SH";

constexpr std::string_view kTag = R"SH(
tag="${1:-}"
if [[ -z "$tag" ]]; then
    tag="$(git -C "$here" rev-parse --short HEAD 2>/dev/null)" ||
        fail "give the image tag (usage: $script TAG): $here is not in a git repository"
fi
if [[ ! "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
    fail "'$tag' is not a valid image tag"
fi
)SH";

constexpr std::string_view kJobTimeout = R"SH(job_timeout="${JOB_TIMEOUT:-600}"
)SH";

constexpr std::string_view kCheckJobTimeout = R"SH(if [[ ! "$job_timeout" =~ ^[0-9]+$ ]]; then
    fail "JOB_TIMEOUT must be a number of seconds, not '$job_timeout'"
fi
)SH";

constexpr std::string_view kRolloutTimeoutDoc =
    "  ROLLOUT_TIMEOUT  how long to wait for each Deployment (default 300s)\n";
constexpr std::string_view kJobTimeoutDoc = "  JOB_TIMEOUT      seconds to wait for each Job (default 600)\n";

std::string_view KindWord(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::Database: return "database";
    case Step::Kind::Task: return "task";
    case Step::Kind::App: return "app";
    case Step::Kind::Balancer: return "balancer";
  }
  return "";
}

class ScriptWriter {
 public:
  explicit ScriptWriter(const Plan& plan) : plan_(plan) {}

  std::string Apply() {
    bool jobs = false;
    bool deployments = false;
    std::string summary;
    if (!plan_.secrets.empty()) {
      std::vector<std::string> names;
      for (const SecretInfo& s : plan_.secrets) names.push_back(s.name);
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  secrets   {}\n"), fmt::join(names, ", "));
    }
    for (const Step& s : plan_.steps) {
      std::string what;
      switch (s.kind) {
        case Step::Kind::Database: what = "waits until it is ready"; deployments = true; break;
        case Step::Kind::Task: what = "waits until it completes"; jobs = true; break;
        case Step::Kind::App: what = "waits until it is rolled out"; deployments = true; break;
        case Step::Kind::Balancer: what = fmt::format(FMT_COMPILE("Service {}"), s.service_name); break;
      }
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  {:<9} {} ({})\n"), KindWord(s.kind), s.component->name,
                     what);
    }
    if (jobs) {
      summary +=
          "\nSetup tasks run once per spec: each Job carries a digest of what it runs (its file\n"
          "and image) in annotation stackc/spec-digest. A Job that has already completed with\n"
          "the same digest is not run again, and one still running with it is waited for;\n"
          "migrate.sh runs the tasks again.\n";
    }
    if (!plan_.test_tasks.empty()) {
      fmt::format_to(std::back_inserter(summary),
                     FMT_COMPILE("\nTest task{} {} {} not deployed: test suites run with docker-compose.test.yml\n"
                                 "(stackc build -t compose), against a database of their own.\n"),
                     plan_.test_tasks.size() > 1 ? "s" : "", fmt::join(plan_.test_tasks, ", "),
                     plan_.test_tasks.size() > 1 ? "are" : "is");
    }
    std::string env;
    for (const SecretInfo& s : plan_.secrets) {
      fmt::format_to(std::back_inserter(env),
                     FMT_COMPILE("  {:<16} value of secret(\"{}\"), see secrets.env.example\n"), s.variable, s.name);
    }
    if (deployments) env += kRolloutTimeoutDoc;
    if (jobs) env += kJobTimeoutDoc;

    bool tagged = false;
    for (const Step& s : plan_.steps) {
      if (s.workload >= 0) tagged = tagged || !plan_.workloads[static_cast<size_t>(s.workload)].built_repository.empty();
    }
    std::string text =
        Header(fmt::format(FMT_COMPILE("Applies stack {} to the cluster of the current kubectl context, in the order\n"
                                       "its components need each other; Kubernetes itself knows no such order.\n{}\n"
                                       "Usage: kube/deploy/apply.sh{}{}"),
                           plan_.stack, summary,
                           tagged ? " [TAG]   (the images this stack builds run tagged TAG; without it they\n"
                                    "                              keep the tag these files were generated with)"
                                  : "",
                           env.empty() ? "" : "\n\nEnvironment:\n" + env));
    text += kPrelude;
    if (!plan_.secrets.empty()) fmt::format_to(std::back_inserter(text), FMT_COMPILE("stack={}\n"), Quote(plan_.stack));
    if (deployments) text += "rollout_timeout=\"${ROLLOUT_TIMEOUT:-300s}\"\n";
    if (jobs) text += kJobTimeout;
    text += "script=apply.sh\n";
    text += kCommon;
    if (deployments) text += kRollOut;
    if (jobs) text += kRunJob;
    if (!plan_.secrets.empty()) text += kPutSecret;
    text += "\n";
    text += RequireKubectl();
    if (jobs) text += kCheckJobTimeout;
    if (tagged) text += kOptionalTag;
    if (!plan_.secrets.empty()) {
      text += "\n# Every secret is checked before anything is applied.\nmissing=()\n";
      for (const SecretInfo& s : plan_.secrets) {
        fmt::format_to(std::back_inserter(text),
                       FMT_COMPILE("if [[ -z \"${{{}:-}}\" ]]; then\n    missing+=({})\nfi\n"), s.variable,
                       Quote(s.variable));
      }
      text +=
          "if ((${#missing[@]} > 0)); then\n"
          "    printf '%s: set these environment variables first (see %s):\\n' \"$script\" "
          "\"$here/secrets.env.example\" >&2\n"
          "    printf '  %s\\n' \"${missing[@]}\" >&2\n"
          "    exit 1\n"
          "fi\n";
      text += "\nstep \"secrets\"\n";
      for (const SecretInfo& s : plan_.secrets) {
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("put_secret {} \"${}\"\n"), Quote(s.object), s.variable);
      }
    }
    for (const Step& s : plan_.steps) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                     Quote(fmt::format(FMT_COMPILE("{} {}"), KindWord(s.kind), s.component->name)));
      const Workload* w = s.workload >= 0 ? &plan_.workloads[static_cast<size_t>(s.workload)] : nullptr;
      switch (s.kind) {
        case Step::Kind::Database:
        case Step::Kind::App:
          fmt::format_to(std::back_inserter(text), FMT_COMPILE("roll_out {} {}{}\n"), KubePath(w->path),
                         Quote(w->component->name), RetagArgument(*w));
          break;
        case Step::Kind::Task:
          fmt::format_to(std::back_inserter(text), FMT_COMPILE("run_job once {} {}{}\n"), Quote(w->component->name),
                         KubePath(w->path), RetagArgument(*w));
          break;
        case Step::Kind::Balancer:
          if (s.service >= 0) {
            fmt::format_to(std::back_inserter(text), FMT_COMPILE("kubectl apply -f {}\n"),
                           KubePath(plan_.services[static_cast<size_t>(s.service)].path));
          }
          fmt::format_to(std::back_inserter(text), FMT_COMPILE("kubectl get service {} -o wide\n"),
                         Quote(s.service_name));
          fmt::format_to(std::back_inserter(text), FMT_COMPILE("echo {}\n"), Quote(BalancerHint(s)));
          break;
      }
    }
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                   Quote(fmt::format(FMT_COMPILE("stack {} is applied"), plan_.stack)));
    return text;
  }

  std::string Migrate() {
    std::vector<const Workload*> jobs;
    bool tagged = false;
    for (const Step& s : plan_.steps) {
      if (s.kind != Step::Kind::Task) continue;
      jobs.push_back(&plan_.workloads[static_cast<size_t>(s.workload)]);
      tagged = tagged || !jobs.back()->built_repository.empty();
    }
    std::string names;
    for (const Workload* w : jobs) fmt::format_to(std::back_inserter(names), FMT_COMPILE("  {}\n"), w->component->name);
    std::string text = Header(
        jobs.empty()
            ? fmt::format(FMT_COMPILE("Stack {} has no setup task, so there is nothing to run again.\n\nUsage: "
                                      "kube/deploy/migrate.sh"),
                          plan_.stack)
            : fmt::format(FMT_COMPILE("Runs the setup tasks of stack {} again{} and waits for each\n"
                                      "to complete, in dependency order:\n{}\n"
                                      "Each runs even when its Job has already completed with the same spec. The Jobs\n"
                                      "carry a digest of that spec, so apply.sh run after it with the same TAG\n"
                                      "does not run them twice.\n\nUsage: kube/deploy/migrate.sh{}\n\n"
                                      "Environment:\n{}"),
                          plan_.stack, tagged ? ", with the images tagged TAG," : "", names,
                          tagged ? " [TAG]   (default: the current short git commit)" : "", kJobTimeoutDoc));
    if (jobs.empty()) {
      text += kNothing;
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\necho {}\n"),
                     Quote(fmt::format(FMT_COMPILE("migrate.sh: stack {} has no setup task"), plan_.stack)));
      return text;
    }
    text += kPrelude;
    text += kJobTimeout;
    text += "script=migrate.sh\n";
    text += kCommon;
    text += kRunJob;
    text += "\n";
    text += RequireKubectl();
    text += kCheckJobTimeout;
    if (tagged) text += kTag;
    for (const Workload* w : jobs) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"), Quote("task " + w->component->name));
      text += RunJob(*w);
    }
    return text;
  }

  std::string Push() {
    std::string summary;
    for (const BuiltImage& image : plan_.images) {
      std::vector<std::string> users;
      for (const Workload& w : plan_.workloads) {
        if (w.built_repository == image.repository) users.push_back(w.component->name);
      }
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  {} (build context {}), used by {}\n"),
                     image.repository, image.context, fmt::join(users, ", "));
    }
    bool jobs = false;
    bool deployments = false;
    for (const Workload& w : plan_.workloads) {
      if (w.built_repository.empty()) continue;
      (w.is_job ? jobs : deployments) = true;
    }
    std::string env =
        fmt::format(FMT_COMPILE("  {:<16} folder of {}, where build contexts start\n  {:<16} (default: the "
                                "folder that holds kube/)\n"),
                    "STACK_DIR", plan_.source_name, "");
    if (deployments) env += kRolloutTimeoutDoc;
    if (jobs) env += kJobTimeoutDoc;
    std::string text = Header(
        plan_.images.empty()
            ? fmt::format(
                  FMT_COMPILE("Stack {} builds no image, so there is nothing to push.\n\nUsage: kube/deploy/push.sh"),
                  plan_.stack)
            : fmt::format(
                  FMT_COMPILE("Builds and pushes the images of stack {} tagged TAG:\n{}then rolls the new tag out in "
                              "dependency order: setup tasks that use an\n"
                              "image run again with it (what migrate.sh does), then each Deployment\n"
                              "that uses one gets it with kubectl set image.\n\n"
                              "Usage: kube/deploy/push.sh [TAG]   (default: the current short git commit)\n\n"
                              "Environment:\n{}"),
                  plan_.stack, summary, env));
    if (plan_.images.empty()) {
      text += kNothing;
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\necho {}\n"),
                     Quote(fmt::format(FMT_COMPILE("push.sh: stack {} builds no image"), plan_.stack)));
      return text;
    }
    text += kPrelude;
    text += "script=push.sh\n";
    text += "stack_dir=\"${STACK_DIR:-$(dirname \"$kube\")}\"\n";
    if (deployments) text += "rollout_timeout=\"${ROLLOUT_TIMEOUT:-300s}\"\n";
    if (jobs) text += kJobTimeout;
    text += kCommon;
    text += R"SH(
# Builds REPOSITORY:TAG from a context (and a Dockerfile inside it) and
# pushes it.
build_and_push() {
    local image="$1:$tag" context="$2" dockerfile="${3:-}"
    if [[ -n "$dockerfile" ]]; then
        docker build -t "$image" -f "$context/$dockerfile" "$context"
    else
        docker build -t "$image" "$context"
    fi
    docker push "$image"
}
)SH";
    if (deployments) text += kSetImage;
    if (jobs) text += kRunJob;
    text += "\n";
    text += "if ! command -v docker >/dev/null 2>&1; then\n    fail \"docker not found on PATH\"\nfi\n";
    text += RequireKubectl();
    if (jobs) text += kCheckJobTimeout;
    text += kTag;
    for (const BuiltImage& image : plan_.images) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep \"build and push {}:$tag\"\n"),
                     EscapeDoubleQuoted(image.repository));
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("build_and_push {} {}{}\n"), Quote(image.repository),
                     Context(image.context), image.dockerfile.empty() ? "" : " " + Quote(image.dockerfile));
    }
    for (const Step& s : plan_.steps) {
      if (s.workload < 0) continue;
      const Workload& w = plan_.workloads[static_cast<size_t>(s.workload)];
      if (w.built_repository.empty()) continue;
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                     Quote(fmt::format(FMT_COMPILE("{} {}"), KindWord(s.kind), w.component->name)));
      if (w.is_job) {
        text += RunJob(w);
      } else {
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("set_image {} {}\"$tag\"\n"), Quote(w.component->name),
                       Quote(fmt::format(FMT_COMPILE("{}={}:"), w.container.name, w.built_repository)));
      }
    }
    return text;
  }

  std::string SecretsTemplate() {
    std::string text = yaml::Comment(
        fmt::format(FMT_COMPILE("{}\n"
                                "The secrets kube/deploy/apply.sh stores in Kubernetes Secrets. Copy this file\n"
                                "(e.g. to secrets.env, and never commit the copy), fill in each value, then:\n"
                                "  set -a; . ./secrets.env; set +a; kube/deploy/apply.sh"),
                    GeneratedNotice(plan_.source_name, "")));
    for (const SecretInfo& s : plan_.secrets) {
      fmt::format_to(std::back_inserter(text),
                     FMT_COMPILE("\n# secret(\"{}\"), stored in Secret {} (key: value)\n{}=\n"), s.name, s.object,
                     s.variable);
    }
    return text;
  }

 private:
  std::string Header(std::string description) {
    return ScriptHeader(plan_.source_name, plan_.profile, std::move(description));
  }

  std::string BalancerHint(const Step& s) const {
    std::string type = "ClusterIP";
    for (const Workload& w : plan_.workloads) {
      if (w.service && w.service->name == s.service_name) type = w.service->type;
    }
    if (s.service >= 0) type = plan_.services[static_cast<size_t>(s.service)].service.type;
    if (type == "LoadBalancer") {
      return fmt::format(FMT_COMPILE("Service {} gets its external address from the cloud provider; "
                                     "kubectl get service {} shows it once assigned."),
                         s.service_name, s.service_name);
    }
    if (type == "NodePort") {
      return fmt::format(FMT_COMPILE("Service {} is open on the NodePort shown above, on every node "
                                     "(on Minikube: minikube service {} --url)."),
                         s.service_name, s.service_name);
    }
    return fmt::format(FMT_COMPILE("Service {} is reachable inside the cluster only (type ClusterIP)."),
                       s.service_name);
  }

  static std::string RequireKubectl() {
    return "if ! command -v kubectl >/dev/null 2>&1; then\n    fail \"kubectl not found on PATH\"\nfi\n";
  }

  // CONTAINER=REPOSITORY:TAG when apply.sh was given a TAG and the stack
  // builds the workload's image; nothing otherwise.
  static std::string RetagArgument(const Workload& w) {
    if (w.built_repository.empty()) return "";
    return fmt::format(FMT_COMPILE(" ${{tag:+{}\"$tag\"}}"),
                       Quote(fmt::format(FMT_COMPILE("{}={}:"), w.container.name, w.built_repository)));
  }

  static std::string RunJob(const Workload& w) {
    std::string call = fmt::format(FMT_COMPILE("run_job again {} {}"), Quote(w.component->name), KubePath(w.path));
    if (!w.built_repository.empty()) {
      fmt::format_to(std::back_inserter(call), FMT_COMPILE(" {}\"$tag\""),
                     Quote(fmt::format(FMT_COMPILE("{}={}:"), w.container.name, w.built_repository)));
    }
    return call + "\n";
  }

  const Plan& plan_;
};

}  // namespace

void WriteScripts(const Plan& plan, OutputSink& out) {
  ScriptWriter writer(plan);
  out.Write("kube/deploy/apply.sh", writer.Apply(), FileMode::Executable);
  out.Write("kube/deploy/push.sh", writer.Push(), FileMode::Executable);
  out.Write("kube/deploy/migrate.sh", writer.Migrate(), FileMode::Executable);
  if (!plan.secrets.empty()) {
    out.Write("kube/deploy/secrets.env.example", writer.SecretsTemplate(), FileMode::Regular);
  }
}

}  // namespace stackc::kubernetes
