# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This file only documents the alibabacloud.ram.sts_assume_role action plugin (plugins/action/sts_assume_role.py),
# which runs on the controller; like ansible.builtin.set_fact, there is no module code to run on a target.

from __future__ import annotations

DOCUMENTATION = r"""
module: sts_assume_role
short_description: Assume a RAM role once and hand its temporary credentials to later tasks
version_added: 1.0.0
description:
  - Resolves the source credentials (O(access_key_id)/O(access_key_secret)/O(security_token), O(profile), the
    environment or the default credential chain), calls STS C(AssumeRole) B(once) for O(assume_role), and returns the
    temporary credentials, to be used through C(register) by every later task of the account.
  - Without it, each module task given O(assume_role) calls STS itself, so N tasks per account make N C(AssumeRole)
    calls. With it, the account's tasks make one, and none of them assumes a role again.
  - Runs on the controller as an action plugin; no module is executed on any host and nothing is written to disk.
  - The result is always marked C(no_log), whatever the task's C(no_log) and the verbosity, because it holds a secret.
  - The credentials are B(not) returned as C(ansible_facts) on purpose. Ansible stores an action's facts in the
    fact cache, and a persistent fact cache (C(jsonfile), C(redis), C(yaml), AWX's fact cache) would write the secret
    and the token to disk or to a shared service. Registered variables live only in the memory of the run. Use
    C(register) (see the examples); the name C(alibabacloud_ram_session) is a convention.
  - It is in the C(alibabacloud.ram.ram) action group, so C(module_defaults) for the group apply to it. Do not
    put O(assume_role) into defaults that also reach the tasks that use the session, or they would assume the role
    again (and fail, since temporary credentials of the member account cannot assume it).
  - Check mode does not change anything here (C(AssumeRole) changes nothing), so the call is made in check mode
    too, letting later tasks read the account in check mode.
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  assume_role:
    description:
      - The role to assume; required here. Same suboptions as in every module of this collection.
    type: dict
    required: true
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
attributes:
  check_mode:
    support: full
    details:
      - AssumeRole does not modify state; the call is made in check mode as well.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state (each run gets new temporary credentials).
  action:
    support: full
    description: Runs on the controller as an action plugin.
notes:
  - The O(endpoint) option is accepted (module_defaults for the group usually set it) but not used; STS is reached
    through O(sts_endpoint).
  - The temporary credentials expire at RV(expiration) (after O(assume_role.duration_seconds)); a run that lasts longer
    must call this again.
seealso:
  - plugin: alibabacloud.ram.resource_directory
    plugin_type: inventory
"""

EXAMPLES = r"""
# One STS call per account: the inventory (alibabacloud.ram.resource_directory) gives every account host the
# alibabacloud_ram_assume_role variable; the source keys come from the environment (or an AWX credential).
# These tasks run in a play with `connection: local` and `gather_facts: false` over the account hosts.
- name: Assume the access role of this account once
  alibabacloud.ram.sts_assume_role:
    assume_role: "{{ alibabacloud_ram_assume_role }}"
    sts_endpoint: "{{ alibabacloud_ram_sts_endpoint | default(omit) }}"
  register: alibabacloud_ram_session

- name: Every RAM task of the account uses the session (no assume_role here)
  module_defaults:
    group/alibabacloud.ram.ram:
      access_key_id: "{{ alibabacloud_ram_session.access_key_id }}"
      access_key_secret: "{{ alibabacloud_ram_session.access_key_secret }}"
      security_token: "{{ alibabacloud_ram_session.security_token }}"
      endpoint: "{{ alibabacloud_ram_endpoint | default(omit) }}"
  block:
    - name: Deployment role
      alibabacloud.ram.role:
        name: deployer
        assume_role_policy_document: "{{ lookup('file', 'deployer-trust.json') }}"
    - name: Its policy
      alibabacloud.ram.policy_attachment:
        role_name: deployer
        policy_name: AliyunOSSReadOnlyAccess
        policy_type: System

- name: Explicit keys and an external id
  alibabacloud.ram.sts_assume_role:
    access_key_id: "{{ central_access_key_id }}"
    access_key_secret: "{{ central_access_key_secret }}"
    assume_role:
      role_arn: acs:ram::1234567890123456:role/ResourceDirectoryAccountAccessRole
      session_name: nightly-converge
      duration_seconds: 7200
      external_id: "{{ rd_external_id }}"
  register: alibabacloud_ram_session
"""

RETURN = r"""
access_key_id:
  description: AccessKey ID of the temporary credentials (starts with C(STS.)).
  returned: success
  type: str
access_key_secret:
  description: AccessKey secret of the temporary credentials. Never shown in output (the result is C(no_log)).
  returned: success
  type: str
security_token:
  description: Security token of the temporary credentials. Never shown in output.
  returned: success
  type: str
expiration:
  description: When the temporary credentials expire, ISO 8601 UTC.
  returned: success
  type: str
  sample: "2026-12-04T21:00:00Z"
arn:
  description: ARN of the assumed-role session.
  returned: success
  type: str
  sample: acs:ram::1234567890123456:assumed-role/resourcedirectoryaccountaccessrole/alibabacloud-ram-ansible
account_id:
  description: The account the role belongs to (from O(assume_role.role_arn)), where the credentials act.
  returned: success
  type: str
  sample: "1234567890123456"
"""
