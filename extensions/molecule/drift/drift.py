"""Out-of-band drift, made the way any other RAM client would: the official SDK, signed requests over HTTP.

Changes the Container Registry set-up of one account behind the collection's back:
  1. the role's trust policy now trusts the central account instead of cr.aliyuncs.com (UpdateRole);
  2. the policy gets a new default version granting every bucket (CreatePolicyVersion, SetAsDefault);
  3. the policy is detached from the role (DetachPolicyFromRole).

Environment: DRIFT_ENDPOINT (http://host:port), DRIFT_ACCESS_KEY_ID, DRIFT_ACCESS_KEY_SECRET. Prints what it did,
never the keys.
"""

from __future__ import annotations

import json
import os
import sys

from alibabacloud_ram20150501 import models
from alibabacloud_ram20150501.client import Client
from alibabacloud_tea_openapi import models as open_api_models

ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
POLICY = "AliyunContainerRegistryCustomizedOSSBucketRolePolicy"
CENTRAL_ACCOUNT = "1000000000000001"


def client_from_environment() -> Client:
    endpoint = os.environ["DRIFT_ENDPOINT"]
    protocol, _separator, host = endpoint.partition("://")
    return Client(
        open_api_models.Config(
            access_key_id=os.environ["DRIFT_ACCESS_KEY_ID"],
            access_key_secret=os.environ["DRIFT_ACCESS_KEY_SECRET"],
            endpoint=host.rstrip("/"),
            protocol=protocol,
        )
    )


def main() -> int:
    client = client_from_environment()
    trust = {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": [f"acs:ram::{CENTRAL_ACCOUNT}:root"]}}],
    }
    client.update_role(models.UpdateRoleRequest(role_name=ROLE, new_assume_role_policy_document=json.dumps(trust)))
    print(f"trust policy of {ROLE} replaced: trusts acs:ram::{CENTRAL_ACCOUNT}:root")

    everything = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:*", "Resource": "acs:oss:*:*:*"}]}
    version = client.create_policy_version(
        models.CreatePolicyVersionRequest(policy_name=POLICY, policy_document=json.dumps(everything), set_as_default=True)
    )
    print(f"policy {POLICY}: new default version {version.body.policy_version.version_id} grants every bucket")

    client.detach_policy_from_role(models.DetachPolicyFromRoleRequest(policy_type="Custom", policy_name=POLICY, role_name=ROLE))
    print(f"policy {POLICY} detached from {ROLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
