// The scripts of a Plan, in ecs/deploy/: lib.sh (the stack's names and the
// functions the others share), up.sh (everything, in the plan's order),
// push.sh (build, push, roll out a new tag), migrate.sh (run the setup tasks
// again) and the template of the secrets up.sh reads.
//
// Everything here prints the plan; the order, names and placeholders come
// from plan.cc. Every value taken from the stack is single-quoted
// (shell::Quote) and every variable double-quoted, so that the scripts pass
// `bash -n` and `shellcheck -x`, which the test suite runs on each golden
// tree. The AWS CLI is only asked for JSON fields through --query and
// --output text, so the scripts need nothing but bash and the CLI.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "backends/common/provenance.h"
#include "backends/common/shell.h"
#include "backends/common/yaml.h"
#include "backends/ecs/plan.h"

namespace stackc::ecs {
namespace {

using shell::Quote;

// The functions every script shares. They read the stack's names from the
// variables lib.sh sets before this text.
constexpr std::string_view kLibFunctions = R"SH(
# Limits of every wait, in seconds; POLL_INTERVAL is the pause between checks.
poll_interval="${POLL_INTERVAL:-10}"
task_timeout="${TASK_TIMEOUT:-1800}"
service_timeout="${SERVICE_TIMEOUT:-900}"
db_timeout="${DB_TIMEOUT:-2400}"
instances_timeout="${INSTANCES_TIMEOUT:-600}"
for limit in "$poll_interval" "$task_timeout" "$service_timeout" "$db_timeout" "$instances_timeout"; do
    if [[ ! "$limit" =~ ^[0-9]+$ ]]; then
        printf '%s: POLL_INTERVAL and the *_TIMEOUT variables are whole seconds, not %s\n' "$script" "'$limit'" >&2
        exit 1
    fi
done

fail() {
    printf '%s: %s\n' "$script" "$*" >&2
    exit 1
}

# A command that fails stops the script (set -e); say which one.
set -E
trap 'printf "%s: failed (exit %s): %s\n" "$script" "$?" "$BASH_COMMAND" >&2' ERR

step() {
    printf '\n==> %s\n' "$*"
}

require_aws() {
    if ! command -v aws >/dev/null 2>&1; then
        fail "the AWS CLI (aws) is not on PATH"
    fi
}

# The errors of the last `describe` call, to tell "not found" from failures.
aws_errors="$(mktemp "${TMPDIR:-/tmp}/stackc-ecs.XXXXXX")"
trap 'rm -f "$aws_errors"' EXIT

# describe ARGS...: an AWS CLI call that reads one object. Returns 0 and
# keeps its output in $described when the object exists, returns 1 when AWS
# says it does not, and stops the script on any other error (credentials,
# throttling, ...). Not for $(...): the stop must end the script.
described=""
describe() {
    if described="$(aws "$@" 2>"$aws_errors")"; then
        return 0
    fi
    if grep -qE 'NotFound|NoSuchEntity|does not exist|Unable to describe task definition' "$aws_errors"; then
        return 1
    fi
    cat "$aws_errors" >&2
    fail "aws $1 $2 failed"
}

# Late-bound values: what AWS knows only once it has created something. The
# JSON files hold placeholders @{NAME}; fill replaces them with these.
declare -A values=() lists=()

# set_value NAME VALUE: ids, ARNs and host names only, so that no value needs
# JSON escaping and none can change the structure of a file.
set_value() {
    if [[ -z "$2" || "$2" == None || ! "$2" =~ ^[A-Za-z0-9._:/-]+$ ]]; then
        fail "AWS returned an unexpected value for $1: '$2'"
    fi
    values["$1"]="$2"
}

# set_list NAME VALUE...: a list placeholder, which fills a whole JSON string
# inside an array: ["@{NAME}"] becomes ["a","b"].
set_list() {
    local name="$1" item joined=""
    shift
    if (($# == 0)); then
        fail "AWS returned no value for $name"
    fi
    for item in "$@"; do
        if [[ ! "$item" =~ ^[A-Za-z0-9._:/-]+$ ]]; then
            fail "AWS returned an unexpected value for $name: '$item'"
        fi
        joined+="${joined:+,}\"$item\""
    done
    values["$name"]="$joined"
    lists["$name"]=1
}

value_of() {
    if [[ -z "${values[$1]:-}" ]]; then
        fail "no value for @{$1} yet"
    fi
    printf '%s' "${values[$1]}"
}

# fill FILE [REPOSITORY]: prints FILE with every placeholder replaced, and,
# when REPOSITORY is given, every "image": "REPOSITORY:..." tagged $tag.
fill() {
    local text name
    text="$(<"$1")"
    for name in "${!values[@]}"; do
        if [[ -n "${lists[$name]:-}" ]]; then
            text="${text//"\"@{$name}\""/"${values[$name]}"}"
        else
            text="${text//"@{$name}"/"${values[$name]}"}"
        fi
    done
    if [[ "$text" =~ @\{[^}]*\} ]]; then
        fail "$1: no value for ${BASH_REMATCH[0]}"
    fi
    if [[ -n "${2:-}" ]]; then
        text="$(retag "$text" "$2")"
    fi
    printf '%s\n' "$text"
}

# retag JSON REPOSITORY: the image REPOSITORY or REPOSITORY:ANY becomes
# REPOSITORY:$tag.
retag() {
    local text="$1" prefix="\"image\": \"$2" out="" rest
    while [[ "$text" == *"$prefix"* ]]; do
        out+="${text%%"$prefix"*}"
        rest="${text#*"$prefix"}"
        if [[ "$rest" == \"* || "$rest" == :* ]]; then
            out+="$prefix:$tag\""
            rest="${rest#*\"}"
        else
            out+="$prefix"
        fi
        text="$rest"
    done
    text="$out$text"
    if [[ "$text" != *"$prefix:$tag\""* ]]; then
        fail "no image $2 to tag $tag"
    fi
    printf '%s' "$text"
}

check_tag() {
    if [[ ! "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
        fail "'$tag' is not a valid image tag"
    fi
}

# wait_until LIMIT WHAT COMMAND...: runs COMMAND every $poll_interval seconds
# until it succeeds; fails when LIMIT seconds have passed. COMMAND may stop
# the script itself when what it waits for has failed for good.
wait_until() {
    local limit="$1" what="$2" deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@"; do
        if ((SECONDS >= deadline)); then
            fail "$what: not done within ${limit}s"
        fi
        sleep "$poll_interval"
    done
}

lookup_region() {
    local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
    if [[ -z "$region" ]]; then
        region="$(aws configure get region || true)"
    fi
    if [[ -z "$region" ]]; then
        fail "no AWS region: set AWS_DEFAULT_REGION or run aws configure"
    fi
    set_value region "$region"
}

# The VPC, its subnets and the security group: the stack's, or the default
# VPC's (as the book does).
lookup_network() {
    local vpc="$network_vpc" subnets group="$network_security_group"
    if [[ -z "$vpc" ]]; then
        vpc="$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true \
            --query 'Vpcs[0].VpcId' --output text)"
        if [[ "$vpc" == None ]]; then
            fail "this region has no default VPC: set ecs.vpc, ecs.subnets and ecs.security_group in the stack"
        fi
    fi
    set_value vpc "$vpc"
    if ((${#network_subnets[@]} > 0)); then
        subnets=("${network_subnets[@]}")
    else
        subnets=()
        read -ra subnets < <(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" \
            --query 'Subnets[].SubnetId' --output text) || true
    fi
    set_list subnets "${subnets[@]}"
    subnet_ids=("${subnets[@]}")
    if [[ -z "$group" ]]; then
        group="$(aws ec2 describe-security-groups \
            --filters "Name=vpc-id,Values=$vpc" Name=group-name,Values=default \
            --query 'SecurityGroups[0].GroupId' --output text)"
    fi
    set_value security_group "$group"
    echo "vpc $vpc, subnets ${subnets[*]}, security group $group"
}

# ensure_ingress PORT [CIDR]: lets TCP traffic to PORT into the security
# group, from CIDR or, without one, from the group itself. AWS rejects a rule
# that exists already, so it looks first.
ensure_ingress() {
    local port="$1" cidr="${2:-}" group found
    group="$(value_of security_group)"
    if [[ -n "$cidr" ]]; then
        found="$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$group" \
            --query "SecurityGroupRules[?!IsEgress && IpProtocol=='tcp' && FromPort<=\`$port\` && ToPort>=\`$port\` && CidrIpv4=='$cidr'].SecurityGroupRuleId" \
            --output text)"
    else
        found="$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$group" \
            --query "SecurityGroupRules[?!IsEgress && (IpProtocol=='-1' || (IpProtocol=='tcp' && FromPort<=\`$port\` && ToPort>=\`$port\`)) && ReferencedGroupInfo.GroupId=='$group'].SecurityGroupRuleId" \
            --output text)"
    fi
    if [[ -n "$found" ]]; then
        echo "port $port is open from ${cidr:-the group itself} ($found)"
    elif [[ -n "$cidr" ]]; then
        aws ec2 authorize-security-group-ingress --group-id "$group" --protocol tcp --port "$port" \
            --cidr "$cidr" >/dev/null
        echo "opened port $port from $cidr"
    else
        aws ec2 authorize-security-group-ingress --group-id "$group" --protocol tcp --port "$port" \
            --source-group "$group" >/dev/null
        echo "opened port $port within the group"
    fi
}

# ensure_role NAME SERVICE POLICY_ARN: an IAM role SERVICE can assume, with
# a managed policy attached (attaching twice changes nothing). Sets the
# execution_role_arn value when NAME is the execution role.
ensure_role() {
    local name="$1" service="$2" policy="$3" arn
    if describe iam get-role --role-name "$name" --query Role.Arn --output text; then
        arn="$described"
    else
        arn="$(aws iam create-role --role-name "$name" \
            --assume-role-policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"$service\"},\"Action\":\"sts:AssumeRole\"}]}" \
            --query Role.Arn --output text)"
        echo "created role $name"
    fi
    aws iam attach-role-policy --role-name "$name" --policy-arn "$policy"
    if [[ "$name" == "$execution_role" ]]; then
        set_value execution_role_arn "$arn"
    fi
}

lookup_execution_role() {
    describe iam get-role --role-name "$execution_role" --query Role.Arn --output text ||
        fail "role $execution_role does not exist: run up.sh first"
    set_value execution_role_arn "$described"
}

ensure_log_group() {
    local found
    found="$(aws logs describe-log-groups --log-group-name-prefix "$log_group" \
        --query "logGroups[?logGroupName=='$log_group'].logGroupName" --output text)"
    if [[ -z "$found" ]]; then
        aws logs create-log-group --log-group-name "$log_group"
        echo "created log group $log_group"
    fi
}

# put_parameter NAME VALUE: a SecureString in SSM Parameter Store. The value
# goes through a pipe only, never into a file or onto a command line.
put_parameter() {
    printf '%s' "$2" | aws ssm put-parameter --name "$1" --type SecureString --overwrite \
        --value file:///dev/stdin --query Version --output text >/dev/null
    echo "stored parameter $1"
}

ensure_cluster() {
    local found
    found="$(aws ecs describe-clusters --clusters "$cluster" \
        --query "clusters[?status=='ACTIVE'].clusterName" --output text)"
    if [[ -z "$found" ]]; then
        aws ecs create-cluster --cluster-name "$cluster" --query cluster.clusterArn --output text
    else
        echo "cluster $cluster exists"
    fi
}

# database_available ID: true once the instance is available; stops the script
# when RDS says it never will be.
database_available() {
    local status
    status="$(aws rds describe-db-instances --db-instance-identifier "$1" \
        --query 'DBInstances[0].DBInstanceStatus' --output text)"
    case "$status" in
        available) return 0 ;;
        failed | incompatible-* | inaccessible-encryption-credentials* | storage-full | deleting)
            fail "RDS instance $1 is $status" ;;
        *) echo "RDS instance $1 is $status"; return 1 ;;
    esac
}

# lookup_database ID PLACEHOLDER: the endpoint address of an available
# instance.
lookup_database() {
    describe rds describe-db-instances --db-instance-identifier "$1" \
        --query 'DBInstances[0].Endpoint.Address' --output text ||
        fail "RDS instance $1 does not exist: run up.sh first"
    set_value "$2" "$described"
}

# register FAMILY FILE [REPOSITORY]: registers FILE, filled in (and its
# image tagged $tag when REPOSITORY is given), unless the latest revision of
# FAMILY is that very text: a tag with its digest tells. Sets
# revisions[FAMILY] to the revision's ARN.
declare -A revisions=()
register() {
    local family="$1" text digest arn
    text="$(fill "$2" "${3:-}")"
    digest="$(printf '%s' "$text" | sha256sum)"
    digest="${digest%% *}"
    if describe ecs describe-task-definition --task-definition "$family" --include TAGS \
        --query "[taskDefinition.taskDefinitionArn, tags[?key=='stackc-digest'].value | [0]]" --output text &&
        [[ "${described#*$'\t'}" == "$digest" ]]; then
        arn="${described%%$'\t'*}"
        echo "task definition $arn is up to date"
    else
        arn="$(aws ecs register-task-definition --cli-input-json "$text" \
            --tags "key=stackc-digest,value=$digest" \
            --query taskDefinition.taskDefinitionArn --output text)"
        echo "registered $arn"
    fi
    revisions["$family"]="$arn"
}

# run_task once|again NAME FAMILY CONTAINER [OVERRIDES_FILE]: runs the
# latest registered revision of FAMILY, with the overrides filled in, waits
# until it stops and fails unless CONTAINER exited 0. Each run is marked
# (--started-by) with a digest of what it runs; with `once` (up.sh), a run
# with the same mark that is still going is waited for instead, and one that
# exited 0 (ECS lists stopped tasks for about an hour) is not repeated.
run_task() {
    local mode="$1" name="$2" family="$3" container="$4" overrides="${5:-}" args result arn mark digest previous stopped
    args=(ecs run-task --cluster "$cluster" --task-definition "${revisions[$family]}"
        --launch-type "$launch_type" --count 1)
    if [[ -n "$network_configuration" ]]; then
        args+=(--network-configuration "$(fill_text "$network_configuration")")
    fi
    if [[ -n "$overrides" ]]; then
        args+=(--overrides "$(fill "$overrides")")
    fi
    digest="$(printf '%s\n' "$name" "${args[@]}" | sha256sum)"
    mark="stackc-${digest:0:29}"
    if [[ "$mode" == once ]]; then
        previous="$(aws ecs list-tasks --cluster "$cluster" --started-by "$mark" --desired-status RUNNING \
            --query 'taskArns[0]' --output text)"
        if [[ -n "$previous" && "$previous" != None ]]; then
            echo "task $name already runs as $previous"
            wait_for_task "$name" "$previous" "$container"
            return
        fi
        stopped=()
        read -ra stopped < <(aws ecs list-tasks --cluster "$cluster" --started-by "$mark" --desired-status STOPPED \
            --max-items 100 --query 'taskArns' --output text) || true
        if ((${#stopped[@]} > 0)) && [[ "${stopped[0]}" != None ]] && [[ "$(aws ecs describe-tasks --cluster "$cluster" \
            --tasks "${stopped[@]}" --query "length(tasks[?containers[?name=='$container' && exitCode==\`0\`]])" \
            --output text)" != 0 ]]; then
            echo "task $name has already run with this definition and these overrides, and exited 0"
            return
        fi
    fi
    args+=(--started-by "$mark")
    result="$(aws "${args[@]}" --query '[tasks[0].taskArn, failures[0].reason]' --output text)"
    arn="${result%%$'\t'*}"
    if [[ -z "$arn" || "$arn" == None ]]; then
        fail "task $name did not start: ${result#*$'\t'}"
    fi
    echo "task $name runs as $arn"
    wait_for_task "$name" "$arn" "$container"
}

# fill_text TEXT: fill for a value held in a variable.
fill_text() {
    local file
    file="$(mktemp "${TMPDIR:-/tmp}/stackc-ecs.XXXXXX")"
    printf '%s' "$1" >"$file"
    fill "$file" || { rm -f "$file"; return 1; }
    rm -f "$file"
}

# wait_for_task NAME ARN CONTAINER: waits until the task has STOPPED, for at
# most TASK_TIMEOUT seconds, then fails loudly unless CONTAINER exited 0.
wait_for_task() {
    local name="$1" arn="$2" container="$3" deadline status="" reason="" code="" why="" detail=""
    deadline=$((SECONDS + task_timeout))
    while :; do
        IFS=$'\t' read -r status reason code why < <(aws ecs describe-tasks --cluster "$cluster" --tasks "$arn" \
            --query "tasks[0].[lastStatus, stoppedReason || '-', to_string(containers[?name=='$container'].exitCode | [0]), containers[?name=='$container'].reason | [0] || '-']" \
            --output text) || true
        if [[ "${status:-}" == STOPPED ]]; then
            break
        fi
        if ((SECONDS >= deadline)); then
            fail "task $name ($arn) did not stop within ${task_timeout}s (last status: ${status:-unknown}); it may still be running"
        fi
        sleep "$poll_interval"
    done
    if [[ "$code" != 0 ]]; then
        if [[ "$why" != - ]]; then
            detail=", container reason: $why"
        fi
        printf '%s: task %s (%s) failed: container %s exit code %s, stopped reason: %s%s\n' \
            "$script" "$name" "$arn" "$container" "${code/null/none}" "$reason" "$detail" >&2
        printf '%s: its logs: aws logs get-log-events --log-group-name %s --log-stream-name %s\n' \
            "$script" "$log_group" "$name/$container/${arn##*/}" >&2
        exit 1
    fi
    echo "task $name exited 0"
}

# service_stable NAME: one deployment left, running every desired task.
service_stable() {
    local state deployments running desired
    state="$(aws ecs describe-services --cluster "$cluster" --services "$1" \
        --query 'services[0].[length(deployments), runningCount, desiredCount]' --output text)"
    read -r deployments running desired <<<"$state"
    echo "service $1: $running of $desired tasks running, $deployments deployment(s)"
    [[ "$deployments" == 1 && "$running" == "$desired" ]]
}

# ensure_service NAME FILE FAMILY COUNT: creates the service from FILE, or
# moves an existing one to the latest revision of FAMILY and COUNT tasks,
# then waits until it is stable.
ensure_service() {
    local name="$1" file="$2" family="$3" count="$4" found
    found="$(aws ecs describe-services --cluster "$cluster" --services "$name" \
        --query "services[?status=='ACTIVE'].serviceName" --output text)"
    if [[ -n "$found" ]]; then
        aws ecs update-service --cluster "$cluster" --service "$name" \
            --task-definition "${revisions[$family]}" --desired-count "$count" \
            --query service.serviceArn --output text
    else
        aws ecs create-service --cli-input-json "$(fill "$file")" --query service.serviceArn --output text
    fi
    wait_until "$service_timeout" "service $name" service_stable "$name"
}

# update_service NAME FAMILY: the latest revision of FAMILY, same count.
update_service() {
    aws ecs update-service --cluster "$cluster" --service "$1" --task-definition "${revisions[$2]}" \
        --query service.serviceArn --output text
    wait_until "$service_timeout" "service $1" service_stable "$1"
}
)SH";

// Application Load Balancers (Fargate).
constexpr std::string_view kAlbFunctions = R"SH(
# ensure_alb NAME SCHEME PORT TARGET_PORT HEALTH_PATH HOST_VALUE TG_VALUE: an
# Application Load Balancer with a target group of task IPs and an HTTP
# listener on PORT forwarding to it; sets the DNS name and the target
# group's ARN as HOST_VALUE and TG_VALUE.
ensure_alb() {
    local name="$1" scheme="$2" port="$3" target_port="$4" health="$5" lb dns group listener
    if describe elbv2 describe-load-balancers --names "$name" \
        --query 'LoadBalancers[0].[LoadBalancerArn, DNSName]' --output text; then
        read -r lb dns <<<"$described"
    else
        described="$(aws elbv2 create-load-balancer --name "$name" --type application \
            --scheme "$scheme" --subnets "${subnet_ids[@]}" --security-groups "$(value_of security_group)" \
            --query 'LoadBalancers[0].[LoadBalancerArn, DNSName]' --output text)"
        read -r lb dns <<<"$described"
        echo "created load balancer $name"
    fi
    if describe elbv2 describe-target-groups --names "$name" \
        --query 'TargetGroups[0].TargetGroupArn' --output text; then
        group="$described"
    else
        group="$(aws elbv2 create-target-group --name "$name" --protocol HTTP --port "$target_port" \
            --target-type ip --vpc-id "$(value_of vpc)" --health-check-path "$health" \
            --query 'TargetGroups[0].TargetGroupArn' --output text)"
        echo "created target group $name"
    fi
    listener="$(aws elbv2 describe-listeners --load-balancer-arn "$lb" \
        --query "Listeners[?Port==\`$port\`].ListenerArn" --output text)"
    if [[ -z "$listener" ]]; then
        aws elbv2 create-listener --load-balancer-arn "$lb" --protocol HTTP --port "$port" \
            --default-actions "Type=forward,TargetGroupArn=$group" --query 'Listeners[0].ListenerArn' --output text
    fi
    set_value "$6" "$dns"
    set_value "$7" "$group"
    echo "load balancer $name: http://$dns:$port"
}

lookup_alb() {
    describe elbv2 describe-load-balancers --names "$1" --query 'LoadBalancers[0].DNSName' --output text ||
        fail "load balancer $1 does not exist: run up.sh first"
    set_value "$2" "$described"
    if [[ -n "${3:-}" ]]; then
        describe elbv2 describe-target-groups --names "$1" --query 'TargetGroups[0].TargetGroupArn' --output text ||
            fail "target group $1 does not exist: run up.sh first"
        set_value "$3" "$described"
    fi
}
)SH";

// Classic ELBs and container instances (EC2 launch type, the book's).
constexpr std::string_view kEc2Functions = R"SH(
# ensure_elb NAME SCHEME PORT INSTANCE_PORT HEALTH_PATH HOST_VALUE: a classic
# load balancer (the book's) from PORT to INSTANCE_PORT on the container
# instances, which ECS registers as the service places tasks; sets its DNS
# name as HOST_VALUE.
ensure_elb() {
    local name="$1" scheme="$2" port="$3" instance_port="$4" health="$5" dns args
    if describe elb describe-load-balancers --load-balancer-names "$name" \
        --query 'LoadBalancerDescriptions[0].DNSName' --output text; then
        dns="$described"
    else
        args=(elb create-load-balancer --load-balancer-name "$name"
            --listeners "Protocol=HTTP,LoadBalancerPort=$port,InstanceProtocol=HTTP,InstancePort=$instance_port"
            --subnets "${subnet_ids[@]}" --security-groups "$(value_of security_group)")
        if [[ "$scheme" == internal ]]; then
            args+=(--scheme internal)
        fi
        dns="$(aws "${args[@]}" --query DNSName --output text)"
        echo "created load balancer $name"
    fi
    aws elb configure-health-check --load-balancer-name "$name" \
        --health-check "Target=HTTP:$instance_port$health,Interval=30,Timeout=5,UnhealthyThreshold=2,HealthyThreshold=3" \
        --query HealthCheck.Target --output text
    set_value "$6" "$dns"
    echo "load balancer $name: http://$dns:$port"
}

lookup_elb() {
    describe elb describe-load-balancers --load-balancer-names "$1" \
        --query 'LoadBalancerDescriptions[0].DNSName' --output text ||
        fail "load balancer $1 does not exist: run up.sh first"
    set_value "$2" "$described"
}

# The instance profile the container instances run with, holding the role of
# the same name.
ensure_instance_profile() {
    ensure_role "$instance_role" ec2.amazonaws.com \
        arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role
    if ! describe iam get-instance-profile --instance-profile-name "$instance_role" \
        --query InstanceProfile.Arn --output text; then
        aws iam create-instance-profile --instance-profile-name "$instance_role" >/dev/null
        aws iam add-role-to-instance-profile --instance-profile-name "$instance_role" --role-name "$instance_role"
        echo "created instance profile $instance_role"
    fi
}

instances_registered() {
    local count
    count="$(aws ecs list-container-instances --cluster "$cluster" --status ACTIVE \
        --query 'length(containerInstanceArns)' --output text)"
    echo "$count of $instance_count container instances registered"
    ((count >= instance_count))
}

# Starts the container instances the cluster lacks (those tagged with the
# cluster's name count), from the current ECS-optimized AMI, and waits until
# they have registered with the cluster.
ensure_instances() {
    local running missing ami args attempt
    running="$(aws ec2 describe-instances \
        --filters "Name=tag:stackc-cluster,Values=$cluster" Name=instance-state-name,Values=pending,running \
        --query 'length(Reservations[].Instances[])' --output text)"
    missing=$((instance_count - running))
    if ((missing > 0)); then
        ami="$(aws ssm get-parameters --names "$ami_parameter" --query 'Parameters[0].Value' --output text)"
        if [[ -z "$ami" || "$ami" == None ]]; then
            fail "no ECS-optimized AMI at $ami_parameter in this region"
        fi
        args=(ec2 run-instances --image-id "$ami" --instance-type "$instance_type" --count "$missing"
            --iam-instance-profile "Name=$instance_role" --security-group-ids "$(value_of security_group)"
            --subnet-id "${subnet_ids[0]}"
            --user-data "$(printf '#!/bin/bash\necho ECS_CLUSTER=%s >>/etc/ecs/ecs.config\n' "$cluster")"
            --tag-specifications "ResourceType=instance,Tags=[{Key=stackc-cluster,Value=$cluster},{Key=Name,Value=$cluster}]")
        if [[ -n "$key_pair" ]]; then
            args+=(--key-name "$key_pair")
        fi
        # A new instance profile takes a few seconds to be usable.
        for attempt in 1 2 3 4 5 6; do
            if aws "${args[@]}" --query 'Instances[].InstanceId' --output text 2>"$aws_errors"; then
                break
            fi
            if ((attempt == 6)) || ! grep -q 'Invalid IAM Instance Profile' "$aws_errors"; then
                cat "$aws_errors" >&2
                fail "could not start container instances"
            fi
            sleep 10
        done
        echo "started $missing container instance(s)"
    fi
    wait_until "$instances_timeout" "container instances of cluster $cluster" instances_registered
}
)SH";

class ScriptWriter {
 public:
  explicit ScriptWriter(const Plan& plan) : plan_(plan), fargate_(plan.launch_type == LaunchType::Fargate) {
    for (const ComposedParameter& c : plan_.composed) composed_by_parameter_[c.parameter].push_back(&c);
  }

  std::string Lib() {
    std::string text = Header(
        fmt::format(FMT_COMPILE("Sourced by up.sh, push.sh and migrate.sh: the names of stack {} on ECS and the\n"
                                "functions the scripts share. Not meant to be run."),
                    plan_.stack));
    text += "# shellcheck shell=bash\n";
    text += "# shellcheck disable=SC2034 # the names are used by the scripts that source this file\n\n";
    if (!plan_.region.empty()) {
      fmt::format_to(
          std::back_inserter(text),
          FMT_COMPILE("# The stack's region, whatever the CLI is configured with.\nexport AWS_DEFAULT_REGION={0}\n"
                      "export AWS_REGION={0}\n"),
          Quote(plan_.region));
    }
    text += "script=\"${script:-lib.sh}\"  # the name errors start with\n";
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("stack={}\n"), Quote(plan_.stack));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("cluster={}\n"), Quote(plan_.cluster));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("launch_type={}\n"), Quote(fargate_ ? "FARGATE" : "EC2"));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("execution_role={}\n"), Quote(plan_.execution_role));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("log_group={}\n"), Quote(plan_.log_group));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("network_vpc={}\n"), Quote(plan_.network.vpc));
    std::vector<std::string> subnets;
    for (const std::string& s : plan_.network.subnets) subnets.push_back(Quote(s));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("network_subnets=({})\n"), fmt::join(subnets, " "));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("network_security_group={}\n"),
                   Quote(plan_.network.security_group));
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("network_configuration={}\n"),
                   Quote(plan_.network.configuration_json));
    if (!fargate_) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("instance_count={}\n"), plan_.instances.count);
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("instance_type={}\n"), Quote(plan_.instances.instance_type));
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("instance_role={}\n"), Quote(plan_.instances.role));
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("key_pair={}\n"), Quote(plan_.instances.key_pair));
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("ami_parameter={}\n"), Quote(plan_.instances.ami_parameter));
    }
    text += "subnet_ids=()\n";
    text += "tag=\"\"\n";
    text += kLibFunctions;
    text += fargate_ ? kAlbFunctions : kEc2Functions;
    return text;
  }

  std::string Up() {
    std::string summary;
    if (!plan_.secrets.empty()) {
      std::vector<std::string> names;
      for (const SecretInfo& s : plan_.secrets) names.push_back(s.name);
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  secrets   {}\n"), fmt::join(names, ", "));
    }
    fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  cluster   {} ({})\n"), plan_.cluster,
                   fargate_ ? "Fargate" : "EC2 launch type");
    for (const Step& s : plan_.steps)
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  {:<9} {}\n"), StepWord(s), s.component);
    if (!plan_.test_tasks.empty()) {
      fmt::format_to(std::back_inserter(summary),
                     FMT_COMPILE("\nTest task{} {} {} not deployed: test suites run with docker-compose.test.yml\n"
                                 "(stackc build -t compose), against a database of their own.\n"),
                     plan_.test_tasks.size() > 1 ? "s" : "", fmt::join(plan_.test_tasks, ", "),
                     plan_.test_tasks.size() > 1 ? "are" : "is");
    }
    bool tagged = Tagged();
    std::string env;
    for (const SecretInfo& s : plan_.secrets) {
      fmt::format_to(std::back_inserter(env),
                     FMT_COMPILE("  {:<17} value of secret(\"{}\"), see secrets.env.example\n"), s.variable, s.name);
    }
    env += WaitsDoc();
    std::string text =
        Header(fmt::format(FMT_COMPILE("Stands up stack {} on Amazon ECS, or brings it up to date: every step looks\n"
                                       "before it creates, so running it again creates nothing twice. In order:\n{}\n"
                                       "Usage: ecs/deploy/up.sh{}\n\nEnvironment:\n{}"),
                           plan_.stack, summary,
                           tagged ? " TAG   (the tag of the images this stack builds, pushed by push.sh)" : "", env));
    text += Prelude("up.sh");
    text += "\nrequire_aws\n";
    if (tagged) {
      text += "tag=\"${1:-}\"\nif [[ -z \"$tag\" ]]; then\n    fail \"usage: up.sh TAG (the tag of the images push.sh pushed)\"\nfi\n"
              "check_tag\n";
    }
    if (!plan_.secrets.empty()) {
      text += "\n# Every secret is checked before any AWS call.\nmissing=()\n";
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
    }
    text += "\nstep \"cluster $cluster\"\nensure_cluster\n";
    text += "\nstep \"network\"\nlookup_region\nlookup_network\n";
    for (const IngressRule& rule : plan_.network.ingress) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("ensure_ingress {}{} # {}\n"), rule.port,
                     rule.cidr.empty() ? "" : " " + Quote(rule.cidr), rule.reason);
    }
    text += "\nstep \"execution role $execution_role\"\n"
            "ensure_role \"$execution_role\" ecs-tasks.amazonaws.com "
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\n";
    if (!plan_.secrets.empty() || !plan_.composed.empty()) {
      fmt::format_to(
          std::back_inserter(text),
          FMT_COMPILE(
              "# Containers read their secrets from the parameters below {}.\n"
              "aws iam put-role-policy --role-name \"$execution_role\" --policy-name {} --policy-document {}\n"),
          plan_.parameter_prefix, Quote(plan_.stack + "-parameters"),
          Quote(fmt::format(
              FMT_COMPILE("{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":"
                          "[\"ssm:GetParameters\",\"kms:Decrypt\"],\"Resource\":[\"arn:aws:ssm:*:*:parameter{}*\","
                          "\"arn:aws:kms:*:*:key/*\"]}}]}}"),
              plan_.parameter_prefix)));
    }
    text += "\nstep \"log group $log_group\"\nensure_log_group\n";
    bool stored = false;
    for (const SecretInfo& s : plan_.secrets) stored = stored || s.stored;
    if (stored) {
      text += "\nstep \"secrets\"\n";
      for (const SecretInfo& s : plan_.secrets) {
        if (s.stored)
          fmt::format_to(std::back_inserter(text), FMT_COMPILE("put_parameter {} \"${}\"\n"), Quote(s.parameter),
                         s.variable);
      }
    }
    if (!fargate_) {
      text += "\nstep \"container instances\"\nensure_instance_profile\nensure_instances\n";
    }
    std::set<std::string> composed_done;
    bool subnet_group = false;
    for (const Step& s : plan_.steps) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                     Quote(fmt::format(FMT_COMPILE("{} {}"), StepWord(s), s.component)));
      switch (s.kind) {
        case Step::Kind::Database: {
          const Database& db = plan_.databases[static_cast<size_t>(s.database)];
          if (!subnet_group) {
            fmt::format_to(
                std::back_inserter(text),
                FMT_COMPILE("if ! describe rds describe-db-subnet-groups --db-subnet-group-name {0} \\\n"
                            "    --query 'DBSubnetGroups[0].DBSubnetGroupName' --output text; then\n"
                            "    aws rds create-db-subnet-group --db-subnet-group-name {0} \\\n"
                            "        --db-subnet-group-description {1} --subnet-ids \"${{subnet_ids[@]}}\" \\\n"
                            "        --query DBSubnetGroup.DBSubnetGroupName --output text\n"
                            "fi\n"),
                Quote(db.subnet_group), Quote(fmt::format(FMT_COMPILE("databases of stack {}"), plan_.stack)));
            subnet_group = true;
          }
          std::string args = fmt::format(
              FMT_COMPILE("    args=(rds create-db-instance --db-instance-identifier {} --engine {}\n"
                          "        --db-instance-class {} --allocated-storage {} --db-name {}\n"
                          "        --master-username {} {} --port {}\n"
                          "        --db-subnet-group-name {} --vpc-security-group-ids \"$(value_of security_group)\"\n"
                          "        {} {})\n"),
              Quote(db.identifier), Quote(db.engine), Quote(db.instance_class), db.allocated_storage_gib,
              Quote(db.db_name), Quote(db.master_user),
              // Without a password in the stack, RDS keeps one in Secrets Manager.
              db.password.empty() ? "--manage-master-user-password" : "--master-user-password file:///dev/stdin",
              db.port, Quote(db.subnet_group), db.multi_az ? "--multi-az" : "--no-multi-az",
              db.publicly_accessible ? "--publicly-accessible" : "--no-publicly-accessible");
          if (!db.engine_version.empty()) {
            fmt::format_to(std::back_inserter(args), FMT_COMPILE("    args+=(--engine-version {})\n"),
                           Quote(db.engine_version));
          }
          fmt::format_to(
              std::back_inserter(text),
              FMT_COMPILE("if ! describe rds describe-db-instances --db-instance-identifier {0} \\\n"
                          "    --query 'DBInstances[0].DBInstanceStatus' --output text; then\n"
                          "{1}"
                          "{2}"
                          "    echo \"creating RDS instance {3}\"\n"
                          "fi\n"
                          "wait_until \"$db_timeout\" {4} database_available {0}\n"
                          "lookup_database {0} {5}\n"),
              Quote(db.identifier), args,
              db.password.empty()
                  ? std::string("    aws \"${args[@]}\" --query DBInstance.DBInstanceStatus --output text\n")
                  : fmt::format(
                        FMT_COMPILE("    # The password goes through a pipe, never onto the command line.\n"
                                    "    printf '%s' {} | aws \"${{args[@]}}\" --query DBInstance.DBInstanceStatus "
                                    "--output text\n"),
                        Compose(db.password)),
              db.identifier, Quote("RDS instance " + db.identifier), Quote(db.host_placeholder));
          break;
        }
        case Step::Kind::Balancer: {
          const Balancer& b = plan_.balancers[static_cast<size_t>(s.balancer)];
          std::string scheme = b.internet_facing ? "internet-facing" : "internal";
          if (fargate_) {
            fmt::format_to(std::back_inserter(text), FMT_COMPILE("ensure_alb {} {} {} {} {} {} {}\n"), Quote(b.name),
                           scheme, b.port, b.target_port, Quote(b.health_path), Quote(b.host_placeholder),
                           Quote(b.target_group_placeholder));
          } else {
            fmt::format_to(std::back_inserter(text), FMT_COMPILE("ensure_elb {} {} {} {} {} {}\n"), Quote(b.name),
                           scheme, b.port, b.target_port, Quote(b.health_path), Quote(b.host_placeholder));
          }
          break;
        }
        case Step::Kind::RunTask:
        case Step::Kind::Service: {
          for (int index : s.register_definitions) {
            const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(index)];
            StoreComposed(text, td, composed_done);
            Register(text, td);
          }
          if (s.kind == Step::Kind::RunTask) {
            RunTask(text, plan_.runs[static_cast<size_t>(s.run)], "once");
          } else {
            const Service& svc = plan_.services[static_cast<size_t>(s.service)];
            const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(svc.task_definition)];
            fmt::format_to(std::back_inserter(text), FMT_COMPILE("ensure_service {} {} {} {}\n"), Quote(svc.name),
                           EcsPath(svc.path), Quote(td.family), svc.desired_count);
          }
          break;
        }
      }
    }
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                   Quote(fmt::format(FMT_COMPILE("stack {} is up"), plan_.stack)));
    for (const Balancer& b : plan_.balancers) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("echo {}\"$(value_of {})\"{}\n"),
                     Quote(fmt::format(FMT_COMPILE("balancer {} (app {}): http://"), b.component, b.app)),
                     Quote(b.host_placeholder), Quote(fmt::format(FMT_COMPILE(":{}/"), b.port)));
    }
    return text;
  }

  std::string Push() {
    std::string summary;
    for (const BuiltImage& image : plan_.images) {
      fmt::format_to(std::back_inserter(summary), FMT_COMPILE("  {} (build context {})\n"), image.repository,
                     image.context);
    }
    std::string text = Header(
        plan_.images.empty()
            ? fmt::format(
                  FMT_COMPILE("Stack {} builds no image, so there is nothing to push.\n\nUsage: ecs/deploy/push.sh"),
                  plan_.stack)
            : fmt::format(
                  FMT_COMPILE(
                      "Builds and pushes the images of stack {} tagged TAG:\n{}then registers new revisions of\n"
                      "the task definitions that use them, runs the setup tasks that use them\n"
                      "(what migrate.sh does) and moves the services to the new revisions.\n"
                      "up.sh must have run once.\n\n"
                      "Usage: ecs/deploy/push.sh [TAG]   (default: the current short git commit)\n\n"
                      "Environment:\n"
                      "  STACK_DIR         folder of {}, where build contexts start\n"
                      "                    (default: the folder that holds ecs/)\n{}"),
                  plan_.stack, summary, plan_.source_name, WaitsDoc()));
    if (plan_.images.empty()) {
      text += "set -euo pipefail\n";
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\necho {}\n"),
                     Quote(fmt::format(FMT_COMPILE("push.sh: stack {} builds no image"), plan_.stack)));
      return text;
    }
    text += Prelude("push.sh");
    text += "stack_dir=\"${STACK_DIR:-$(dirname \"$ecs\")}\"\n";
    text += "\nrequire_aws\nif ! command -v docker >/dev/null 2>&1; then\n    fail \"docker not found on PATH\"\nfi\n";
    text += R"SH(tag="${1:-}"
if [[ -z "$tag" ]]; then
    tag="$(git -C "$here" rev-parse --short HEAD 2>/dev/null)" ||
        fail "give the image tag (usage: $script TAG): $here is not in a git repository"
fi
check_tag
)SH";
    for (const BuiltImage& image : plan_.images) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep \"build and push {}:$tag\"\n"),
                     shell::EscapeDoubleQuoted(image.repository));
      std::string context = BuildContext(image.context);
      if (image.dockerfile.empty()) {
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("docker build -t {}\":$tag\" {}\n"),
                       Quote(image.repository), context);
      } else {
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("docker build -t {}\":$tag\" -f {}/{} {}\n"),
                       Quote(image.repository), context, Quote(image.dockerfile), context);
      }
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("docker push {}\":$tag\"\n"), Quote(image.repository));
    }
    text += RollOut(/*only_built=*/true, /*services=*/true);
    return text;
  }

  std::string Migrate() {
    bool any = false;
    std::string names;
    for (const Step& s : plan_.steps) {
      if (s.kind != Step::Kind::RunTask) continue;
      any = true;
      fmt::format_to(std::back_inserter(names), FMT_COMPILE("  {}\n"), s.component);
    }
    bool tagged = Tagged();
    std::string text = Header(
        !any ? fmt::format(FMT_COMPILE("Stack {} has no setup task, so there is nothing to run again.\n\nUsage: "
                                       "ecs/deploy/migrate.sh"),
                           plan_.stack)
             : fmt::format(
                   FMT_COMPILE("Runs the setup tasks of stack {} again, in dependency order, each with\n"
                               "its overrides against the latest revision of its task definition{},\n"
                               "and waits until it stops; fails unless it exits 0:\n{}\n"
                               "up.sh must have run once.\n\nUsage: ecs/deploy/migrate.sh{}\n\nEnvironment:\n{}"),
                   plan_.stack, tagged ? " (registered\nwith the images tagged TAG when it has another tag)" : "",
                   names, tagged ? " TAG" : "", WaitsDoc()));
    if (!any) {
      text += "set -euo pipefail\n";
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\necho {}\n"),
                     Quote(fmt::format(FMT_COMPILE("migrate.sh: stack {} has no setup task"), plan_.stack)));
      return text;
    }
    text += Prelude("migrate.sh");
    text += "\nrequire_aws\n";
    if (tagged) {
      text += "tag=\"${1:-}\"\nif [[ -z \"$tag\" ]]; then\n    fail \"usage: migrate.sh TAG\"\nfi\ncheck_tag\n";
    }
    text += RollOut(/*only_built=*/false, /*services=*/false);
    return text;
  }

  std::string SecretsTemplate() {
    std::string text = yaml::Comment(fmt::format(
        FMT_COMPILE("{}\n"
                    "The secrets ecs/deploy/up.sh stores in SSM Parameter Store (SecureString). Copy\n"
                    "this file (e.g. to secrets.env, and never commit the copy), fill in each value, then:\n"
                    "  set -a; . ./secrets.env; set +a; ecs/deploy/up.sh TAG"),
        GeneratedNotice(plan_.source_name, "")));
    for (const SecretInfo& s : plan_.secrets) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\n# secret(\"{}\"){}\n{}=\n"), s.name,
                     s.stored ? fmt::format(FMT_COMPILE(", stored as parameter {}"), s.parameter) : "", s.variable);
    }
    return text;
  }

 private:
  std::string Header(std::string description) const {
    return ScriptHeader(plan_.source_name, plan_.profile, std::move(description));
  }

  static std::string Prelude(std::string_view script) {
    return fmt::format(FMT_COMPILE("set -euo pipefail\n\n"
                                   "here=\"$(cd \"$(dirname \"${{BASH_SOURCE[0]}}\")\" && pwd)\"\n"
                                   "ecs=\"$(dirname \"$here\")\"\n"
                                   "script={}\n"
                                   "# shellcheck source=SCRIPTDIR/lib.sh\n"
                                   ". \"$here/lib.sh\"\n"),
                       script);
  }

  std::string WaitsDoc() const {
    std::string doc =
        "  POLL_INTERVAL     seconds between two checks of a wait (default 10)\n"
        "  TASK_TIMEOUT      seconds to wait for a task to stop (default 1800)\n"
        "  SERVICE_TIMEOUT   seconds to wait for a service to be stable (default 900)\n";
    if (!plan_.databases.empty()) doc += "  DB_TIMEOUT        seconds to wait for an RDS instance (default 2400)\n";
    if (!fargate_) doc += "  INSTANCES_TIMEOUT seconds to wait for container instances (default 600)\n";
    return doc;
  }

  bool Tagged() const {
    for (const TaskDefinition& td : plan_.task_definitions) {
      if (!td.container.built_repository.empty()) return true;
    }
    return false;
  }

  static std::string StepWord(const Step& s) {
    switch (s.kind) {
      case Step::Kind::Database: return "database";
      case Step::Kind::Balancer: return "balancer";
      case Step::Kind::RunTask: return "task";
      case Step::Kind::Service: return "app";
    }
    return "";
  }

  // A file of the output tree as a shell word: paths start with "ecs/".
  static std::string EcsPath(const std::string& path) {
    std::string word;
    word.reserve(path.size() + 4);
    word += "\"$ecs/";
    word += shell::EscapeDoubleQuoted(std::string_view(path).substr(4));
    word += '"';
    return word;
  }

  static std::string BuildContext(std::string context) {
    if (context.starts_with("/")) return Quote(context);
    while (context.starts_with("./")) context.erase(0, 2);
    if (context == "." || context.empty()) return "\"$stack_dir\"";
    return "\"$stack_dir/" + shell::EscapeDoubleQuoted(context) + "\"";
  }

  // A composed value as one shell word.
  std::string Compose(const std::vector<Piece>& pieces) const {
    std::string out;
    for (const Piece& p : pieces) {
      switch (p.kind) {
        case Piece::Kind::Literal: out += Quote(p.text); break;
        case Piece::Kind::Secret:
          fmt::format_to(std::back_inserter(out), FMT_COMPILE("\"${}\""), SecretVariableOf(p.text));
          break;
        // ${...:?} stops the script when the value is not known, even
        // inside an argument, where a failing $(...) would not.
        case Piece::Kind::Placeholder:
          fmt::format_to(std::back_inserter(out), FMT_COMPILE("\"${{values[{}]:?{} is not known yet}}\""),
                         Quote(p.text), p.text);
          break;
      }
    }
    if (out.empty()) return "''";
    return out;
  }

  // Plan::secrets is sorted by name, one entry per name.
  const std::string& SecretVariableOf(const std::string& name) const {
    auto it = std::lower_bound(plan_.secrets.begin(), plan_.secrets.end(), name,
                               [](const SecretInfo& s, const std::string& n) { return s.name < n; });
    return it != plan_.secrets.end() && it->name == name ? it->variable : name;
  }

  // The composed parameters a definition's container reads, stored before
  // it is registered (they may need a database's endpoint).
  void StoreComposed(std::string& text, const TaskDefinition& td, std::set<std::string>& done) const {
    for (const EnvVar& var : td.container.secrets) {
      auto found = composed_by_parameter_.find(var.parameter);
      if (found == composed_by_parameter_.end()) continue;
      for (const ComposedParameter* c : found->second) {
        if (!done.insert(c->parameter).second) continue;
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("put_parameter {} {}\n"), Quote(c->parameter),
                       Compose(c->pieces));
      }
    }
  }

  // The lines below are appended to the script's text rather than returned:
  // scripts of large stacks have thousands of them.
  void Register(std::string& text, const TaskDefinition& td) const {
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("register {} {}"), Quote(td.family), EcsPath(td.path));
    if (!td.container.built_repository.empty()) {
      text += ' ';
      text += Quote(td.container.built_repository);
    }
    text += '\n';
  }

  void RunTask(std::string& text, const TaskRun& run, std::string_view mode) const {
    const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(run.task_definition)];
    fmt::format_to(std::back_inserter(text), FMT_COMPILE("run_task {} {} {} {}"), mode, Quote(run.component),
                   Quote(td.family), Quote(run.container));
    if (!run.overrides_path.empty()) {
      text += ' ';
      text += EcsPath(run.overrides_path);
    }
    text += '\n';
  }

  // push.sh and migrate.sh: look up what up.sh created, then register and
  // run (and, for push.sh, update the services) in the order of up.sh.
  std::string RollOut(bool only_built, bool services) const {
    std::vector<const Step*> steps;
    std::set<std::string> needed;
    for (const Step& s : plan_.steps) {
      if (s.kind == Step::Kind::RunTask) {
        const TaskRun& run = plan_.runs[static_cast<size_t>(s.run)];
        const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(run.task_definition)];
        if (only_built && td.container.built_repository.empty()) continue;
        steps.push_back(&s);
        needed.insert(td.placeholders.begin(), td.placeholders.end());
        needed.insert(run.placeholders.begin(), run.placeholders.end());
        needed.insert("subnets");  // run-task's network configuration
        needed.insert("security_group");
      } else if (s.kind == Step::Kind::Service && services) {
        const Service& svc = plan_.services[static_cast<size_t>(s.service)];
        const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(svc.task_definition)];
        if (only_built && td.container.built_repository.empty()) continue;
        steps.push_back(&s);
        needed.insert(td.placeholders.begin(), td.placeholders.end());
      }
    }
    std::string text = "\nstep \"look up what up.sh created\"\n";
    bool network = false;
    for (const Placeholder& p : plan_.placeholders) {
      if (!needed.contains(p.name)) continue;
      switch (p.source) {
        case Placeholder::Source::Region: text += "lookup_region\n"; break;
        case Placeholder::Source::ExecutionRoleArn: text += "lookup_execution_role\n"; break;
        case Placeholder::Source::Subnets:
        case Placeholder::Source::SecurityGroup:
          if (!network && fargate_) text += "lookup_network\n";
          network = true;
          break;
        case Placeholder::Source::DatabaseHost:
          for (const Database& db : plan_.databases) {
            if (db.component == p.component) {
              fmt::format_to(std::back_inserter(text), FMT_COMPILE("lookup_database {} {}\n"), Quote(db.identifier),
                             Quote(p.name));
            }
          }
          break;
        case Placeholder::Source::BalancerHost:
        case Placeholder::Source::TargetGroupArn:
          for (const Balancer& b : plan_.balancers) {
            if (b.component != p.component) continue;
            if (p.source == Placeholder::Source::BalancerHost) {
              fmt::format_to(std::back_inserter(text), FMT_COMPILE("{} {} {}\n"),
                             fargate_ ? "lookup_alb" : "lookup_elb", Quote(b.name), Quote(p.name));
            } else {
              fmt::format_to(std::back_inserter(text), FMT_COMPILE("lookup_alb {} {} {}\n"), Quote(b.name),
                             Quote(b.host_placeholder), Quote(p.name));
            }
          }
          break;
      }
    }
    std::set<int> registered;
    for (const Step* s : steps) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("\nstep {}\n"),
                     Quote(fmt::format(FMT_COMPILE("{} {}"), StepWord(*s), s->component)));
      int index = s->kind == Step::Kind::RunTask ? plan_.runs[static_cast<size_t>(s->run)].task_definition
                                                 : plan_.services[static_cast<size_t>(s->service)].task_definition;
      const TaskDefinition& td = plan_.task_definitions[static_cast<size_t>(index)];
      if (registered.insert(index).second) Register(text, td);
      if (s->kind == Step::Kind::RunTask) {
        RunTask(text, plan_.runs[static_cast<size_t>(s->run)], "again");
      } else {
        const Service& svc = plan_.services[static_cast<size_t>(s->service)];
        fmt::format_to(std::back_inserter(text), FMT_COMPILE("update_service {} {}\n"), Quote(svc.name),
                       Quote(td.family));
      }
    }
    return text;
  }

  const Plan& plan_;
  bool fargate_;
  // plan_.composed by parameter, in plan order: looking up each secret of
  // each definition in the whole list was quadratic in the number of apps.
  std::map<std::string_view, std::vector<const ComposedParameter*>> composed_by_parameter_;
};

}  // namespace

void WriteScripts(const Plan& plan, OutputSink& out) {
  ScriptWriter writer(plan);
  out.Write("ecs/deploy/lib.sh", writer.Lib(), FileMode::Regular);
  out.Write("ecs/deploy/up.sh", writer.Up(), FileMode::Executable);
  out.Write("ecs/deploy/push.sh", writer.Push(), FileMode::Executable);
  out.Write("ecs/deploy/migrate.sh", writer.Migrate(), FileMode::Executable);
  if (!plan.secrets.empty()) {
    out.Write("ecs/deploy/secrets.env.example", writer.SecretsTemplate(), FileMode::Regular);
  }
}

}  // namespace stackc::ecs
