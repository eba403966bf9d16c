#!/usr/bin/env bash
# The generated ECS scripts end to end, against moto's local AWS endpoint:
# compiles the book's stack (profile production, Fargate) and an EC2-launch-
# type stack (tests/ecs/ec2.stack), runs each generated up.sh twice (the two
# stacks at the same time), then asserts through the AWS CLI that everything exists exactly once, with the
# fields as compiled.
#
# moto never runs containers; two of its switches make the waits testable
# without changing the scripts: its state manager moves every task to
# STOPPED (exit code 0) as soon as it is described, and
# MOTO_ECS_SERVICE_RUNNING makes a new service report that many running
# tasks. tests/ecs/fake-agent.py registers the EC2 instances up.sh starts
# with their cluster, as the ECS agent on the real AMI does. The scripts'
# handling of failed and hanging tasks is tests/ecs/scripts-test.sh's.
#
# Usage: tests/ecs/moto-test.sh STACKC SOURCE_DIR
# shellcheck disable=SC2016,SC2119 # JMESPath literals are `quoted` in single quotes
set -euo pipefail

stackc="${1:?usage: moto-test.sh STACKC SOURCE_DIR}"
source_dir="$(cd "${2:?usage: moto-test.sh STACKC SOURCE_DIR}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stackc-ecs-moto.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# A new service reports this many running tasks: both stacks run three.
export MOTO_ECS_SERVICE_RUNNING=3
# The server and the fake agent outlive the slowest run ctest allows.
export MOTO_LIFETIME=1800
# shellcheck source=SCRIPTDIR/moto.sh
. "$here/moto.sh"
moto_start
python3 - "$MOTO_ENDPOINT" <<'PY'
import json, sys, urllib.request
body = {"model_name": "ecs::task", "transition": {"progression": "immediate"}}
request = urllib.request.Request(sys.argv[1] + "/moto-api/state-manager/set-transition",
                                 data=json.dumps(body).encode(), method="POST")
urllib.request.urlopen(request, timeout=10)
PY
timeout 1850 python3 "$here/fake-agent.py" "$MOTO_ENDPOINT" 1800 us-east-1 us-west-2 >"$tmp/agent.log" 2>&1 &
# shellcheck disable=SC2046 # one pid per word
trap 'kill $(jobs -p) 2>/dev/null || true; moto_stop; rm -rf "$tmp"' EXIT

# Short waits: moto answers at once.
export POLL_INTERVAL=1 TASK_TIMEOUT=60 SERVICE_TIMEOUT=20 DB_TIMEOUT=20 INSTANCES_TIMEOUT=60

passed=0
failed=0
check() {
    local what="$1" expected="$2" actual="$3"
    if [[ "$expected" == "$actual" ]]; then
        passed=$((passed + 1))
        echo "ok   $what"
    else
        failed=$((failed + 1))
        echo "FAIL $what"
        echo "     expected: $expected"
        echo "     actual:   $actual"
    fi
}

# up NAME TREE TAG: runs TREE's up.sh; its output goes to a log, shown on failure.
up() {
    local name="$1" tree="$2" start=$SECONDS status=0
    shift 2
    DB_PASSWORD='pa$$ "word"' timeout 900 bash "$tree/ecs/deploy/up.sh" "$@" >"$tmp/$name.log" 2>&1 || status=$?
    echo "up.sh ($name) exited $status after $((SECONDS - start))s"
    if ((status != 0)); then
        sed 's/^/    /' "$tmp/$name.log"
        echo "FAIL $name: up.sh exited $status"
        exit 1
    fi
}

# The two stacks deploy side by side, as two runs at once: the EC2 one to
# another region, with an execution role of its own.
book="$tmp/book"
"$stackc" build "$source_dir/examples/rails-webapp/webapp.stack" -t ecs --profile production \
    --set tag=built1 -o "$book" >/dev/null
shop="$tmp/shop"
"$stackc" build "$here/ec2.stack" -t ecs -o "$shop" >/dev/null
for run in 1 2; do
    up "book-$run" "$book" e2e1 &
    book_up=$!
    up "shop-$run" "$shop" e2e2 &
    shop_up=$!
    wait "$book_up"
    wait "$shop_up"
done

# ---- the book's stack: Fargate, RDS, an ALB, the migration ------------------

# What a run creates, it says: "created ...", "opened port ...", ...
creations='^(created|opened|registered|started|creating|stored parameter /webapp/db)'
check "the second up.sh creates, opens and registers nothing" "" "$(grep -E "$creations" "$tmp/book-2.log" || true)"

check "one cluster ecs-cluster" 1 \
    "$(aws ecs describe-clusters --clusters ecs-cluster --query "length(clusters[?status=='ACTIVE'])" --output text)"
check "one revision of task definition webapp" "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:1" \
    "$(aws ecs list-task-definitions --family-prefix webapp --query 'taskDefinitionArns' --output text)"
td="$(aws ecs describe-task-definition --task-definition webapp --query 'taskDefinition.[
    containerDefinitions[0].image, networkMode, requiresCompatibilities[0], cpu, memory,
    containerDefinitions[0].portMappings[0].containerPort,
    containerDefinitions[0].environment[?name==`PASSENGER_APP_ENV`].value | [0],
    containerDefinitions[0].secrets[?name==`DATABASE_URL`].valueFrom | [0],
    containerDefinitions[0].logConfiguration.options."awslogs-region", executionRoleArn]' --output text)"
check "task definition webapp as compiled, image tagged e2e1, placeholders filled" \
    "pacuna/webapp:e2e1	awsvpc	FARGATE	256	512	80	production	/webapp/webapp/DATABASE_URL	us-east-1	arn:aws:iam::123456789012:role/ecsTaskExecutionRole" \
    "$td"
endpoint="$(aws rds describe-db-instances --db-instance-identifier webapp-postgres \
    --query 'DBInstances[0].Endpoint.Address' --output text)"
check "DATABASE_URL holds the RDS endpoint and the password" \
    "postgres://webapp:pa\$\$ \"word\"@$endpoint:5432/webapp_production" \
    "$(aws ssm get-parameter --name /webapp/webapp/DATABASE_URL --with-decryption --query Parameter.Value --output text)"
check "one RDS instance, as compiled" "webapp-postgres	postgres	webapp_production	webapp	20	db.t3.micro	webapp-db-subnets" \
    "$(aws rds describe-db-instances --query 'DBInstances[].[DBInstanceIdentifier, Engine, DBName, MasterUsername,
        AllocatedStorage, DBInstanceClass, DBSubnetGroup.DBSubnetGroupName]' --output text)"
tg="$(aws elbv2 describe-target-groups --query 'TargetGroups[].TargetGroupArn' --output text)"
check "one load balancer, one target group, one listener" "webapp-front	internet-facing	application | 1 | 80	HTTP" \
    "$(aws elbv2 describe-load-balancers --query 'LoadBalancers[].[LoadBalancerName, Scheme, Type]' --output text) | $(wc -w <<<"$tg") | $(
        aws elbv2 describe-listeners --load-balancer-arn "$(aws elbv2 describe-load-balancers --names webapp-front \
            --query 'LoadBalancers[0].LoadBalancerArn' --output text)" --query 'Listeners[].[Port, Protocol]' --output text)"
check "service webapp-service, once, behind the target group" \
    "1 | webapp-service	3	FARGATE	$tg	webapp	80" \
    "$(aws ecs list-services --cluster ecs-cluster --query 'length(serviceArns)' --output text) | $(
        aws ecs describe-services --cluster ecs-cluster --services webapp-service --query 'services[0].[serviceName,
            desiredCount, launchType, loadBalancers[0].targetGroupArn, loadBalancers[0].containerName,
            loadBalancers[0].containerPort]' --output text)"
sg="$(aws ec2 describe-security-groups --filters Name=group-name,Values=default \
    "Name=vpc-id,Values=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)" \
    --query 'SecurityGroups[0].GroupId' --output text)"
check "the ingress rules, each once" "tcp	5432	$sg
tcp	80	0.0.0.0/0
tcp	80	$sg" \
    "$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$sg" \
        --query 'SecurityGroupRules[?!IsEgress && IpProtocol==`tcp`].[IpProtocol, FromPort, CidrIpv4 || ReferencedGroupInfo.GroupId]' \
        --output text | LC_ALL=C sort)"
mapfile -t tasks < <(aws ecs list-tasks --cluster ecs-cluster --query 'taskArns[]' --output text | tr '\t' '\n')
check "the migration ran once, with its overrides" "1 | webapp	bin/rails db:migrate" \
    "$(aws ecs describe-tasks --cluster ecs-cluster --tasks "${tasks[@]}" \
        --query 'length(tasks[?starts_with(startedBy, `stackc-`)])' --output text) | $(
        aws ecs describe-tasks --cluster ecs-cluster --tasks "${tasks[@]}" \
            --query 'tasks[?starts_with(startedBy, `stackc-`)].overrides.containerOverrides[0].[name, join(`" "`, command)]' \
            --output text)"
check "one log group" "/ecs/webapp" \
    "$(aws logs describe-log-groups --query 'logGroups[].logGroupName' --output text)"

# ---- EC2 launch type: container instances, a classic ELB, host ports -------

export AWS_DEFAULT_REGION=us-west-2
check "the second up.sh creates, opens and registers nothing" "" "$(grep -E "$creations" "$tmp/shop-2.log" || true)"

check "three instances started for shop-cluster, registered with it" "3 | 3" \
    "$(aws ec2 describe-instances --filters Name=tag:stackc-cluster,Values=shop-cluster \
        --query 'length(Reservations[].Instances[])' --output text) | $(
        aws ecs list-container-instances --cluster shop-cluster --query 'length(containerInstanceArns)' --output text)"
check "instance profile ecsInstanceRole holds its role" "ecsInstanceRole" \
    "$(aws iam get-instance-profile --instance-profile-name ecsInstanceRole --query 'InstanceProfile.Roles[].RoleName' --output text)"
check "one classic ELB, port 80 to instance port 80, health check on /health" \
    "shop-front	80	80	HTTP:80/health" \
    "$(aws elb describe-load-balancers --query 'LoadBalancerDescriptions[].[LoadBalancerName,
        ListenerDescriptions[0].Listener.LoadBalancerPort, ListenerDescriptions[0].Listener.InstancePort, HealthCheck.Target]' \
        --output text)"
check "task definition web: bridge, host port 80, image tagged e2e2" \
    "arn:aws:ecs:us-west-2:123456789012:task-definition/web:1 | example/shop:e2e2	bridge	EC2	80	80" \
    "$(aws ecs list-task-definitions --family-prefix web --query 'taskDefinitionArns' --output text) | $(
        aws ecs describe-task-definition --task-definition web --query 'taskDefinition.[containerDefinitions[0].image,
            networkMode, requiresCompatibilities[0], containerDefinitions[0].portMappings[0].containerPort,
            containerDefinitions[0].portMappings[0].hostPort]' --output text)"
check "service web-service, once, behind the classic ELB" "1 | web-service	3	EC2	shop-front	web	80" \
    "$(aws ecs list-services --cluster shop-cluster --query 'length(serviceArns)' --output text) | $(
        aws ecs describe-services --cluster shop-cluster --services web-service --query 'services[0].[serviceName,
            desiredCount, launchType, loadBalancers[0].loadBalancerName, loadBalancers[0].containerName,
            loadBalancers[0].containerPort]' --output text)"
elb_host="$(aws elb describe-load-balancers --load-balancer-names shop-front \
    --query 'LoadBalancerDescriptions[0].DNSName' --output text)"
mapfile -t tasks < <(aws ecs list-tasks --cluster shop-cluster --query 'taskArns[]' --output text | tr '\t' '\n')
check "the seed task ran once, with the ELB's address filled in" "1 | web	bin/seed --small	PUBLIC_URL=http://$elb_host:80" \
    "$(aws ecs describe-tasks --cluster shop-cluster --tasks "${tasks[@]}" \
        --query 'length(tasks[?starts_with(startedBy, `stackc-`)])' --output text) | $(
        aws ecs describe-tasks --cluster shop-cluster --tasks "${tasks[@]}" \
            --query 'tasks[?starts_with(startedBy, `stackc-`)].overrides.containerOverrides[0].[name, join(`" "`, command),
                join(`""`, [environment[0].name, `"="`, environment[0].value])]' --output text)"

echo "moto-test: $passed passed, $failed failed"
((failed == 0))
