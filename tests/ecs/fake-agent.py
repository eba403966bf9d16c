"""Plays the ECS agent of the container instances against moto.

On AWS, an instance started from the ECS-optimized AMI runs the ECS agent,
which registers the instance with the cluster named in its user data
(ECS_CLUSTER=NAME in /etc/ecs/ecs.config). moto starts no agent, so the
EC2-launch-type end-to-end test runs this next to up.sh: every half second it
registers each running instance whose user data names a cluster, once.

Usage: python3 fake-agent.py ENDPOINT SECONDS REGION...   (it stops after SECONDS)
"""
import base64
import json
import re
import sys
import time

import boto3

endpoint, lifetime, regions = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
clients = [(boto3.client("ec2", endpoint_url=endpoint, region_name=region),
            boto3.client("ecs", endpoint_url=endpoint, region_name=region)) for region in regions]
registered = set()
deadline = time.monotonic() + lifetime
while time.monotonic() < deadline:
    for ec2, ecs in clients:
        try:
            pages = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])
            for reservation in pages["Reservations"]:
                for instance in reservation["Instances"]:
                    instance_id = instance["InstanceId"]
                    if instance_id in registered:
                        continue
                    data = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
                    text = base64.b64decode(data.get("UserData", {}).get("Value", "") or "").decode()
                    match = re.search(r"ECS_CLUSTER=([A-Za-z0-9_-]+)", text)
                    if not match:
                        continue
                    document = json.dumps({"instanceId": instance_id, "region": ec2.meta.region_name})
                    ecs.register_container_instance(cluster=match.group(1), instanceIdentityDocument=document)
                    registered.add(instance_id)
                    print(f"fake-agent: registered {instance_id} with cluster {match.group(1)}", flush=True)
        except Exception as error:  # the cluster may not exist yet; try again
            print(f"fake-agent: {error}", flush=True)
    time.sleep(0.5)
