# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of this collection's modules and of its resource_directory inventory plugin."""

from __future__ import annotations


class ModuleDocFragment:
    # Shared by the modules and the resource_directory inventory plugin (which gives O(endpoint) its own default).
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - AccessKey ID of a RAM user or of the account.
      - When none of O(access_key_id), O(access_key_secret), O(security_token) and O(profile) is set (an empty string
        counts as unset), the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID) then E(ALICLOUD_ACCESS_KEY) are used.
      - When neither keys nor a profile are found, the default credential chain of the Alibaba Cloud SDK applies
        (environment, OIDC, C(~/.aliyun/config.json) current profile, C(~/.alibabacloud/credentials.ini), ECS RAM role,
        E(ALIBABA_CLOUD_CREDENTIALS_URI)).
      - Requires O(access_key_secret); cannot be combined with O(profile).
    type: str
  access_key_secret:
    description:
      - AccessKey secret matching O(access_key_id).
      - Environment fallback E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) then E(ALICLOUD_SECRET_KEY), under the same rule as O(access_key_id).
    type: str
  security_token:
    description:
      - STS security token, when O(access_key_id) and O(access_key_secret) are temporary STS credentials.
      - Environment fallback E(ALIBABA_CLOUD_SECURITY_TOKEN) then E(ALICLOUD_SECURITY_TOKEN), under the same rule as O(access_key_id).
    type: str
  profile:
    description:
      - Name of a profile in C(~/.aliyun/config.json) (the Alibaba Cloud CLI configuration, found through E(HOME)).
      - Every mode of the CLI configuration is supported (C(AK), C(StsToken), C(RamRoleArn), C(ChainableRamRoleArn),
        C(EcsRamRole), C(OIDC), C(CloudSSO), C(OAuth), C(External)). For C(RamRoleArn) and C(ChainableRamRoleArn)
        profiles, O(sts_endpoint) chooses the STS endpoint when set, otherwise the profile's C(sts_region).
      - Environment fallback E(ALIBABA_CLOUD_PROFILE) then E(ALICLOUD_PROFILE), under the same rule as O(access_key_id).
      - Cannot be combined with O(access_key_id), O(access_key_secret) or O(security_token).
    type: str
  endpoint:
    description:
      - RAM endpoint, as C(host), C(host:port), C(https://host[:port]) or C(http://host:port).
      - Without a scheme HTTPS is used. Falls back to the environment variable E(ALIBABA_CLOUD_RAM_ENDPOINT), then C(ram.aliyuncs.com).
    type: str
  sts_endpoint:
    description:
      - STS endpoint used by O(assume_role) and by role-ARN profiles, in the same forms as O(endpoint).
      - Falls back to the environment variable E(ALIBABA_CLOUD_STS_ENDPOINT), then C(sts.aliyuncs.com).
    type: str
  connect_timeout:
    description: Seconds to wait for a connection to the endpoint.
    type: float
    default: 5.0
  read_timeout:
    description: Seconds to wait for a reply once connected.
    type: float
    default: 10.0
  max_attempts:
    description:
      - How many times one API call is attempted in all (at least 1). Throttling, C(ServiceUnavailable), C(InternalError),
        other 5xx replies and transport failures are retried with jittered exponential backoff, honouring the
        server's C(x-acs-retry-after).
      - A create whose reply was lost and that then meets "already exists" reads the resource back; a delete or detach
        that meets "does not exist" counts as done.
    type: int
    default: 5
requirements:
  - alibabacloud-tea-openapi >= 0.4.6
  - alibabacloud-credentials >= 1.0.12
"""

    # What the modules add: O(assume_role) with its suboptions (C(policy) is of type json, which only modules can
    # declare; the inventory plugin documents a plain dictionary) and the RAM SDK.
    MODULES = r"""
options:
  assume_role:
    description:
      - Assume this RAM role with STS on top of the credentials the other options resolve to, and act with the
        role's temporary credentials (for example in a Resource Directory member account).
      - STS is called once per module run, on the first API call.
    type: dict
    suboptions:
      role_arn:
        description: ARN of the role, C(acs:ram::<account id>:role/<role name>).
        type: str
        required: true
      session_name:
        description: Role session name (2 to 64 letters, digits and C(.@-_)), visible in the target account's audit logs.
        type: str
        default: alibabacloud-ram-ansible
      duration_seconds:
        description: Lifetime of the temporary credentials, from 900 to 43200 seconds (and at most the role's maximum session duration).
        type: int
        default: 3600
      external_id:
        description: External ID the role's trust policy requires (condition C(sts:ExternalId)).
        type: str
      policy:
        description: A policy document (JSON string or dictionary) further restricting the assumed session.
        type: json
requirements:
  - alibabacloud-ram20150501 >= 1.3.0
"""
