"""Feeds ECS JSON files to the AWS CLI, against a local moto server.

Run by validate-ecs-golden.sh, which starts the server and sets
MOTO_ENDPOINT and fake credentials. The AWS CLI runs in this process
(awscli's own driver, the code behind the `aws` command, with the same
parameter validation against the service model), because starting `aws`
once per call makes the test several times slower.

  validate_ecs.py GOLDEN_DIR
      every tests/golden/*/expected/ecs tree: placeholders filled with
      plausible values, then
        ecs/task-definitions/FAMILY.json     ecs register-task-definition --cli-input-json
        ecs/services/APP-service.json        ecs create-service --cli-input-json
        ecs/task-definitions/TASK-overrides.json
                                             ecs run-task --overrides (the definition of its container)
  validate_ecs.py --expect-invalid FILE...
      each FILE (task-definition-*.json, service-*.json, overrides-*.json)
      must be rejected by the CLI's parameter validation.
"""

import contextlib
import io
import json
import os
import re
import sys
import urllib.request
from pathlib import Path

import botocore.loaders
from awscli.clidriver import create_clidriver

ENDPOINT = os.environ["MOTO_ENDPOINT"]
ACCOUNT = "123456789012"
REGION = "us-east-1"
failures = []


# One data loader for every call: a new driver loads the service models
# and lists the available services (some 1,700 directory listings) again,
# half a second a call, which is most of this test's time. Each call still
# gets a driver and session of its own; only the files read are shared.
LOADER = botocore.loaders.create_loader(os.environ["AWS_DATA_PATH"])


def aws(*args):
    """Runs one AWS CLI command; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    driver = create_clidriver()
    driver.session.register_component("data_loader", LOADER)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = driver.main(["--endpoint-url", ENDPOINT, "--region", REGION, "--output", "json", *args])
    return code, out.getvalue(), err.getvalue()


def aws_json(*args):
    code, out, err = aws(*args)
    if code != 0:
        raise RuntimeError(f"aws {' '.join(args[:2])}: {err.strip()}")
    return json.loads(out) if out.strip() else {}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    failures.append(message)


def expect_ok(what, *args):
    code, out, err = aws(*args)
    if code != 0:
        fail(f"{what}: {err.strip()}")
        return None
    return json.loads(out) if out.strip() else {}


def expect_invalid(path):
    name = path.name
    if name.startswith("task-definition-"):
        args = ["ecs", "register-task-definition", "--cli-input-json", f"file://{path}"]
    elif name.startswith("service-"):
        args = ["ecs", "create-service", "--cli-input-json", f"file://{path}"]
    elif name.startswith("overrides-"):
        args = ["ecs", "run-task", "--cluster", "none", "--task-definition", "none", "--overrides", f"file://{path}"]
    else:
        fail(f"{name}: name it task-definition-*, service-* or overrides-*")
        return
    code, _, err = aws(*args)
    if code == 0:
        fail(f"{name}: accepted, but it is invalid")
    elif "Parameter validation failed" not in err:
        fail(f"{name}: rejected, but not by the CLI's validation: {err.strip()}")
    else:
        print(f"rejected as expected: {name}: {err.strip().splitlines()[-1]}")


class Network:
    """The default VPC as up.sh would discover it."""

    def __init__(self):
        self.vpc = aws_json("ec2", "describe-vpcs", "--filters", "Name=isDefault,Values=true")["Vpcs"][0]["VpcId"]
        subnets = aws_json("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={self.vpc}")["Subnets"]
        self.subnets = sorted(s["SubnetId"] for s in subnets)[:2]
        groups = aws_json("ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={self.vpc}",
                          "Name=group-name,Values=default")["SecurityGroups"]
        self.security_group = groups[0]["GroupId"]


def fill(path, network, target_groups):
    """The file with every @{NAME} replaced; raises on an unknown one."""
    text = path.read_text()
    # A list placeholder fills a whole array element, quotes included.
    text = text.replace('"@{subnets}"', ", ".join(json.dumps(s) for s in network.subnets))

    def value(match):
        name = match.group(1)
        component, _, attribute = name.rpartition(".")
        if name == "region":
            return REGION
        if name == "execution_role_arn":
            return f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
        if name == "security_group":
            return network.security_group
        if attribute == "host" and component:
            return f"{component}.c9akciq32xyz.{REGION}.rds.amazonaws.com"
        if attribute == "target_group_arn" and component in target_groups:
            return target_groups[component]
        raise ValueError(f"unknown placeholder @{{{name}}}")

    text = re.sub(r"@\{([A-Za-z0-9_.-]+)\}", value, text)
    if "@{" in text:
        raise ValueError(f"a placeholder is left: {text[text.index('@{'):][:40]}")
    json.loads(text)
    return text


def validate_tree(case, tree, work):
    # A fresh server state per tree: clusters and families do not mix.
    urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/moto-api/reset", method="POST"), timeout=10)
    network = Network()
    services = sorted((tree / "services").glob("*.json"))
    definitions = sorted(p for p in (tree / "task-definitions").glob("*.json")
                         if not p.name.endswith("-overrides.json"))
    overrides = sorted((tree / "task-definitions").glob("*-overrides.json"))
    checked = 0

    # What the services point at: target groups (real ARNs) and classic ELBs.
    target_groups = {}
    cluster = case
    for service in services:
        data = json.loads(service.read_text())
        cluster = data.get("cluster", cluster)
        for balancer in data.get("loadBalancers", []):
            match = re.fullmatch(r"@\{(.+)\.target_group_arn\}", balancer.get("targetGroupArn", ""))
            if match and match.group(1) not in target_groups:
                created = aws_json("elbv2", "create-target-group", "--name", f"tg-{len(target_groups)}-{case}"[:32],
                                   "--protocol", "HTTP", "--port", str(balancer["containerPort"]), "--vpc-id",
                                   network.vpc, "--target-type", "ip")
                target_groups[match.group(1)] = created["TargetGroups"][0]["TargetGroupArn"]
            if "loadBalancerName" in balancer:
                aws_json("elb", "create-load-balancer", "--load-balancer-name", balancer["loadBalancerName"],
                         "--availability-zones", f"{REGION}a", "--listeners",
                         f"Protocol=HTTP,LoadBalancerPort=80,InstanceProtocol=HTTP,"
                         f"InstancePort={balancer['containerPort']}")
    aws_json("ecs", "create-cluster", "--cluster-name", cluster)

    def filled(path):
        try:
            target = work / f"{case}-{path.name}"
            target.write_text(fill(path, network, target_groups))
            return target
        except ValueError as error:
            fail(f"{case}/{path.name}: {error}")
            return None

    for path in definitions:
        target = filled(path)
        if not target:
            continue
        result = expect_ok(f"{case}/{path.name}", "ecs", "register-task-definition", "--cli-input-json",
                           f"file://{target}")
        if result is None:
            continue
        expected = json.loads(target.read_text())
        registered = result["taskDefinition"]
        for key in ("family", "networkMode", "requiresCompatibilities", "cpu", "memory"):
            if key in expected and registered.get(key) != expected[key]:
                fail(f"{case}/{path.name}: registered {key} {registered.get(key)!r}, file has {expected[key]!r}")
        container = registered["containerDefinitions"][0]
        for key, value in expected["containerDefinitions"][0].items():
            if container.get(key) != value:
                fail(f"{case}/{path.name}: registered container {key} {container.get(key)!r}, file has {value!r}")
        checked += 1

    for path in services:
        target = filled(path)
        if target and expect_ok(f"{case}/{path.name}", "ecs", "create-service", "--cli-input-json",
                                f"file://{target}") is not None:
            checked += 1

    instance_registered = False
    for path in overrides:
        target = filled(path)
        if not target:
            continue
        family = json.loads(target.read_text())["containerOverrides"][0]["name"]
        definition = tree / "task-definitions" / f"{family}.json"
        if not definition.exists():
            fail(f"{case}/{path.name}: no task definition {family}.json for its container")
            continue
        args = ["ecs", "run-task", "--cluster", cluster, "--task-definition", family]
        if json.loads(definition.read_text())["requiresCompatibilities"] == ["FARGATE"]:
            configuration = {"awsvpcConfiguration": {"subnets": network.subnets,
                                                     "securityGroups": [network.security_group]}}
            args += ["--launch-type", "FARGATE", "--network-configuration", json.dumps(configuration)]
        else:
            # An EC2 run-task needs a container instance in the cluster.
            if not instance_registered:
                image = aws_json("ec2", "describe-images", "--owners", "amazon")["Images"][0]["ImageId"]
                instance = aws_json("ec2", "run-instances", "--image-id", image, "--instance-type",
                                    "t3.medium")["Instances"][0]["InstanceId"]
                document = {"instanceId": instance, "region": REGION, "availabilityZone": f"{REGION}a"}
                aws_json("ecs", "register-container-instance", "--cluster", cluster,
                         "--instance-identity-document", json.dumps(document))
                instance_registered = True
            args += ["--launch-type", "EC2"]
        result = expect_ok(f"{case}/{path.name}", *args, "--overrides", f"file://{target}")
        if result is None:
            continue
        if result.get("failures"):
            fail(f"{case}/{path.name}: run-task failures {result['failures']}")
            continue
        checked += 1
    return checked


def main(argv):
    if argv and argv[0] == "--expect-invalid":
        if len(argv) < 2:
            print("validate_ecs.py: no files to check", file=sys.stderr)
            return 2
        for name in argv[1:]:
            expect_invalid(Path(name))
        return 1 if failures else 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    golden, work = Path(argv[0]), Path(argv[1])
    checked = 0
    for tree in sorted(golden.glob("*/expected/ecs")):
        case = tree.parent.parent.name
        print(f"== {case}")
        try:
            checked += validate_tree(case, tree, work)
        except RuntimeError as error:
            fail(f"{case}: {error}")
    if checked == 0:
        fail(f"no ECS JSON file found under {golden}/*/expected/ecs")
    print(f"{checked} ECS JSON files accepted, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
