#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: policy
short_description: Manage custom RAM policies, their document versions and tags
version_added: 0.1.0
description:
  - Create, update and delete custom policies in Alibaba Cloud Resource Access Management (RAM).
  - A policy document is compared with the policy's default version by meaning, not by text. Key order,
    whitespace, statement order, a single value versus a one-element list and the case of C(Effect) make no difference,
    so a document that RAM hands back reformatted never causes a change.
  - When the document means something else, it becomes the new default version. If a stored non-default version
    already means the same, that version is made the default instead of adding another one.
  - RAM keeps at most five versions of a policy. At that limit the oldest non-default version is deleted before the new
    version is created; the default version is never deleted.
  - With O(state=absent) the policy is first detached from every role, user and group that uses it and its
    non-default versions are deleted, then the policy itself is deleted.
  - Only custom policies can be managed. System policies can be attached with M(alibabacloud.ram.policy_attachment).
  - A run that changes nothing makes one API call (C(GetPolicy)), plus one C(ListTagResources) when O(tags) is given.
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  name:
    description:
      - Name of the custom policy, 1 to 128 characters, letters, digits and C(-).
      - RAM policy names are unique regardless of case.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the policy, V(absent) detaches and deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the policy, at most 1024 characters.
      - When not given, the description of an existing policy is left alone.
    type: str
  policy_document:
    description:
      - The policy document, as a dictionary or as a string holding JSON.
      - Checked against the RAM policy grammar (C(Version) V("1"), a list of C(Statement) objects with C(Effect),
        C(Action) or C(NotAction), C(Resource) or C(NotResource), optional C(Condition)) and against the limit of
        6144 characters of compact JSON before any API call.
      - Required to create a policy. When not given, the document of an existing policy is left alone.
    type: raw
  tags:
    description:
      - Tags of the policy as a dictionary, at most 20. Keys must not start with C(acs:) or C(aliyun).
      - When not given, the tags are left alone.
    type: dict
  purge_tags:
    description:
      - Remove tags that are not in O(tags).
      - Has no effect when O(tags) is not given.
    type: bool
    default: true
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the policy (and, when the document changes or O(state=absent), its versions and attachments)
        but sends no write call. It reports exactly the change a real run would make.
  diff_mode:
    support: full
    details:
      - The diff shows description, document (in one canonical layout), default version and, when O(tags) is given, tags.
  idempotent:
    support: full
notes:
  - Policies created in check mode are reported with default version V(v1), the version RAM gives every new policy.
    A new version added in check mode is shown as V((new version\)) because RAM assigns its id only when it is created.
  - After a real change the policy is read back once more, so that RV(policy) shows exactly what RAM stored.
seealso:
  - module: alibabacloud.ram.policy_info
  - module: alibabacloud.ram.policy_attachment
  - name: RAM policy language
    description: The grammar of RAM policy documents.
    link: https://www.alibabacloud.com/help/en/ram/user-guide/policy-structure-and-syntax
"""

EXAMPLES = r"""
# Step 2 of the Container Registry guide "use a custom OSS bucket": the policy that lets Container Registry use
# the bucket, attached to the role AliyunContainerRegistryCustomizedOSSBucketRole (created in step 1 with
# alibabacloud.ram.role).
- name: Create the policy Container Registry needs for a custom OSS bucket
  alibabacloud.ram.policy:
    name: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    description: Lets Container Registry read and write its repositories in a custom OSS bucket
    policy_document:
      Version: "1"
      Statement:
        - Effect: Allow
          Action:
            - oss:GetObject
            - oss:PutObject
            - oss:DeleteObject
            - oss:ListParts
            - oss:AbortMultipartUpload
            - oss:InitiateMultipartUpload
            - oss:CompleteMultipartUpload
            - oss:DeleteMultipleObjects
            - oss:ListMultipartUploads
            - oss:ListObjects
          Resource:
            - "acs:oss:*:*:{{ cr_bucket_name }}"
            - "acs:oss:*:*:{{ cr_bucket_name }}/*"
        - Effect: Allow
          Action:
            - oss:PutBucket
            - oss:GetBucket
            - oss:GetBucketLocation
            - oss:PutBucketEncryption
            - oss:GetBucketEncryption
            - oss:PutBucketAcl
            - oss:GetBucketAcl
            - oss:PutBucketLogging
            - oss:GetBucketReferer
            - oss:PutBucketReferer
            - oss:GetBucketLogging
          Resource:
            - "acs:oss:*:*:{{ cr_bucket_name }}"
            - "acs:oss:*:*:{{ cr_bucket_name }}/*"
        - Effect: Allow
          Action: oss:ListBuckets
          Resource:
            - "acs:oss:*:*:*"
            - "acs:oss:*:*:*/*"
        - Effect: Allow
          Action:
            - vpc:DescribeVpcs
          Resource: "acs:vpc:*:*:vpc/*"
        - Effect: Allow
          Action:
            - cms:QueryMetricLast
            - cms:QueryMetricList
          Resource: "*"
  vars:
    cr_bucket_name: my-registry-bucket

- name: Attach it to the Container Registry role
  alibabacloud.ram.policy_attachment:
    policy_name: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    role_name: AliyunContainerRegistryCustomizedOSSBucketRole

- name: Keep a policy document in a file, with tags (tags not listed are removed)
  alibabacloud.ram.policy:
    name: ci-artifacts-read
    policy_document: "{{ lookup('ansible.builtin.file', 'policies/ci-artifacts-read.json') }}"
    tags:
      team: platform
      managed-by: ansible

- name: Add a tag without touching the others
  alibabacloud.ram.policy:
    name: ci-artifacts-read
    tags:
      cost-center: "4711"
    purge_tags: false

- name: Change only the description
  alibabacloud.ram.policy:
    name: ci-artifacts-read
    description: Read access to the CI artifact bucket

- name: Detach the policy from everything, drop its versions and delete it
  alibabacloud.ram.policy:
    name: ci-artifacts-read
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The policy after the run. In check mode, what a real run would leave.
    - With O(state=absent), the policy as it was before it was deleted; empty when it did not exist.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the policy as RAM stores it.
      type: str
      returned: when the policy exists
      sample: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    type:
      description: Type of the policy, always C(Custom).
      type: str
      returned: when the policy exists
      sample: Custom
    description:
      description: Description of the policy.
      type: str
      returned: when the policy exists
      sample: Lets Container Registry use a custom OSS bucket
    default_version:
      description: Id of the default version. V((new version\)) in check mode when a version would be created.
      type: str
      returned: when the policy exists
      sample: v3
    document:
      description:
        - The document of the default version exactly as RAM stores it (parsed from JSON, not normalised).
        - Text that is not JSON is returned as it is.
      type: dict
      returned: when the policy exists
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:ListBuckets", "Resource": "*"}]}
    attachment_count:
      description: Number of roles, users and groups the policy is attached to.
      type: int
      returned: when the policy exists
      sample: 1
    create_date:
      description: When the policy was created (UTC).
      type: str
      returned: when the policy exists, except for a policy created in check mode
      sample: "2026-01-12T09:30:00Z"
    update_date:
      description: When the policy was last changed (UTC).
      type: str
      returned: when the policy exists, except for a policy created in check mode
      sample: "2026-01-12T09:45:00Z"
    tags:
      description: Tags of the policy.
      type: dict
      returned: when O(tags) was given or the policy was created
      sample: {"team": "platform"}
    versions:
      description:
        - Ids of the versions the policy holds, oldest first.
        - Listing the versions costs an API call, so they are only returned when the run listed them anyway
          (the document changed, or O(state=absent)) and when the policy was created.
      type: list
      elements: str
      returned: when the versions were listed
      sample: [v1, v2, v3]
detached:
  description: The roles, users and groups the policy was (or in check mode would be) detached from before deletion.
  returned: when O(state=absent) and the policy existed
  type: list
  elements: dict
  contains:
    principal_type:
      description: V(role), V(user) or V(group).
      type: str
      sample: role
    principal_name:
      description: Name of the role, user or group.
      type: str
      sample: AliyunContainerRegistryCustomizedOSSBucketRole
"""

from dataclasses import dataclass, field, replace
from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import (
    PolicyDocumentError,
    canonical_or_stored,
    documents_equal,
    dump_policy_document,
    load_policy_document,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import (
    default_document,
    description_error,
    name_error,
    normalize_tags,
    parse_stored_document,
    policy_view,
    reconcile_tags,
)

MAX_POLICY_VERSIONS = 5
# RAM names a version only when it creates it; check mode cannot know the id and says so instead of guessing.
NEW_VERSION_PLACEHOLDER = "(new version)"
# Every new policy starts with this version.
FIRST_VERSION = "v1"
PRINCIPAL_KINDS = (("Roles", "Role", "role"), ("Users", "User", "user"), ("Groups", "Group", "group"))


@dataclass
class DesiredPolicy:
    name: str
    state: str
    description: str | None
    document: dict | None
    tags: dict[str, str] | None
    purge_tags: bool


@dataclass
class PolicyState:
    """What RAM holds (or, in check mode, would hold) for the policy; the ensure_* steps keep it up to date."""

    summary: dict[str, Any]
    document: Any
    default_version: str | None
    tags: dict[str, str] | None = None
    versions: list[str] | None = None
    detached: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_get_policy(cls, reply: dict[str, Any]) -> PolicyState:
        summary = dict(reply.get("Policy") or {})
        default_version = (reply.get("DefaultPolicyVersion") or {}).get("VersionId") or summary.get("DefaultVersion")
        return cls(summary=summary, document=default_document(reply), default_version=default_version)

    @property
    def description(self) -> str:
        return self.summary.get("Description") or ""

    def result(self) -> dict[str, Any]:
        # default_version is this state's own: check mode puts a placeholder there before RAM names the version.
        policy = {**policy_view(self.summary), "default_version": self.default_version, "document": self.document}
        if self.tags is not None:
            policy["tags"] = dict(self.tags)
        if self.versions is not None:
            policy["versions"] = list(self.versions)
        return policy

    def diff_view(self, tags_managed: bool) -> dict[str, Any]:
        view = {
            "name": self.summary.get("PolicyName"),
            "description": self.description,
            "document": canonical_or_stored(self.document),
            "default_version": self.default_version,
        }
        if tags_managed:
            view["tags"] = dict(self.tags or {})
        return view


def argument_spec() -> dict[str, Any]:
    return {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "description": {"type": "str"},
        "policy_document": {"type": "raw"},
        "tags": {"type": "dict"},
        "purge_tags": {"type": "bool", "default": True},
    }


def validate(module: AlibabaCloudRAMModule) -> DesiredPolicy:
    """Check every option before any API call; all problems are reported at once, each naming its option."""
    params = module.params
    errors = [
        message
        for message in (name_error(params["name"], "name", "policy"), description_error(params["description"]))
        if message
    ]
    document = None
    if params["policy_document"] is not None:
        try:
            document = load_policy_document(params["policy_document"], "policy_document")
        except PolicyDocumentError as error:
            errors.append(str(error))
    tags, tags_error = normalize_tags(params["tags"])
    if tags_error:
        errors.append(tags_error)
    if errors:
        module.fail_json(msg="; ".join(errors))
    return DesiredPolicy(
        name=params["name"],
        state=params["state"],
        description=params["description"],
        document=document,
        tags=tags,
        purge_tags=params["purge_tags"],
    )


# --- state=present --------------------------------------------------------------------------------------------
def create_policy(api: Any, desired: DesiredPolicy, check_mode: bool) -> PolicyState:
    """Create the policy (with its tags, in the same call); in check mode, only describe what would be created."""
    state = PolicyState(
        summary={"PolicyName": desired.name, "PolicyType": "Custom", "Description": desired.description or "", "AttachmentCount": 0},
        document=desired.document,
        default_version=FIRST_VERSION,
        tags=dict(desired.tags or {}),
        versions=[FIRST_VERSION],
    )
    if check_mode:
        return state
    created = api.create_policy(desired.name, dump_policy_document(desired.document), description=desired.description, tags=desired.tags or None)
    state.summary.update(created)
    state.default_version = state.summary.get("DefaultVersion") or FIRST_VERSION
    state.versions = [state.default_version]
    return state


def ensure_description(api: Any, desired: DesiredPolicy, state: PolicyState, check_mode: bool) -> bool:
    if desired.description is None or desired.description == state.description:
        return False
    state.summary["Description"] = desired.description
    if check_mode:
        return True
    api.update_policy_description(desired.name, desired.description)
    return True


def version_age(version: dict[str, Any]) -> tuple[str, int]:
    """Sort key, oldest first: creation time, then the number in the id (versions made in the same second)."""
    version_id = version.get("VersionId") or ""
    number = int(version_id[1:]) if version_id[1:].isdigit() else 0
    return (version.get("CreateDate") or "", number)


def ensure_document(api: Any, desired: DesiredPolicy, state: PolicyState, check_mode: bool) -> bool:
    """Make a version meaning the desired document the default: reuse a stored one, or create one."""
    if desired.document is None or documents_equal(desired.document, state.document):
        return False
    versions = sorted(api.list_policy_versions(desired.name), key=version_age)
    version_ids = [version["VersionId"] for version in versions]
    state.versions = version_ids
    reusable = next(
        (version for version in versions if not version.get("IsDefaultVersion") and documents_equal(desired.document, version.get("PolicyDocument"))),
        None,
    )
    if reusable is not None:
        state.default_version = reusable["VersionId"]
        state.document = parse_stored_document(reusable.get("PolicyDocument"))
        if check_mode:
            return True
        api.set_default_policy_version(desired.name, reusable["VersionId"])
        return True

    oldest_non_default = None
    if len(versions) >= MAX_POLICY_VERSIONS:
        # The default version is never a candidate: it is what the policy grants right now.
        oldest_non_default = next((version["VersionId"] for version in versions if version["VersionId"] != state.default_version), None)
    if oldest_non_default is not None:
        version_ids.remove(oldest_non_default)
    state.document = desired.document
    if check_mode:
        state.default_version = NEW_VERSION_PLACEHOLDER
        version_ids.append(NEW_VERSION_PLACEHOLDER)
        return True
    if oldest_non_default is not None:
        api.delete_policy_version(desired.name, oldest_non_default)
    created = api.create_policy_version(desired.name, dump_policy_document(desired.document), set_as_default=True)
    state.default_version = created["VersionId"]
    version_ids.append(state.default_version)
    return True


def ensure_tags(api: Any, desired: DesiredPolicy, state: PolicyState, check_mode: bool) -> bool:
    tags = reconcile_tags(api, "policy", desired.name, state.tags, desired.tags, desired.purge_tags, check_mode)
    if tags is None:
        return False
    state.tags = tags
    return True


def refresh(api: Any, name: str, state: PolicyState) -> PolicyState:
    """Read the policy back after a real change, keeping what GetPolicy does not return (tags, version list)."""
    reply = api.get_policy(name)
    if reply is None:
        return state
    fresh = PolicyState.from_get_policy(reply)
    fresh.tags = state.tags
    fresh.versions = state.versions
    return fresh


# --- state=absent ---------------------------------------------------------------------------------------------
def attached_principals(entities: dict[str, Any]) -> list[dict[str, str]]:
    """Flatten ListEntitiesForPolicy into (principal_type, principal_name) pairs."""
    return [
        {"principal_type": kind, "principal_name": item[f"{singular}Name"]}
        for plural, singular, kind in PRINCIPAL_KINDS
        for item in entities.get(plural) or []
    ]


def ensure_detached(api: Any, name: str, state: PolicyState, check_mode: bool) -> bool:
    """Detach the policy from every principal; RAM refuses to delete a policy that is still attached."""
    state.detached = attached_principals(api.list_entities_for_policy(name))
    if not state.detached or check_mode:
        return bool(state.detached)
    for principal in state.detached:
        api.detach_policy(name, "Custom", **{f"{principal['principal_type']}_name": principal["principal_name"]})
    return True


def ensure_versions_pruned(api: Any, name: str, state: PolicyState, check_mode: bool) -> bool:
    """Delete the non-default versions; RAM refuses to delete a policy that still has them."""
    versions = sorted(api.list_policy_versions(name), key=version_age)
    state.versions = [version["VersionId"] for version in versions]
    extra = [version["VersionId"] for version in versions if not version.get("IsDefaultVersion")]
    if not extra or check_mode:
        return bool(extra)
    for version_id in extra:
        api.delete_policy_version(name, version_id)
    return True


def ensure_deleted(api: Any, name: str, check_mode: bool) -> bool:
    if check_mode:
        return True
    # False means someone else deleted it meanwhile: the outcome the task asked for, and still a change.
    api.delete_policy(name)
    return True


def run_absent(module: AlibabaCloudRAMModule, desired: DesiredPolicy) -> dict[str, Any]:
    api = module.ram
    reply = api.get_policy(desired.name)
    if reply is None:
        return {"changed": False, "policy": {}, "diff": {"before": {}, "after": {}}}
    state = PolicyState.from_get_policy(reply)
    before = state.diff_view(tags_managed=False)
    name = state.summary.get("PolicyName") or desired.name
    changed = ensure_detached(api, name, state, module.check_mode)
    changed |= ensure_versions_pruned(api, name, state, module.check_mode)
    changed |= ensure_deleted(api, name, module.check_mode)
    return {"changed": changed, "policy": state.result(), "detached": state.detached, "diff": {"before": before, "after": {}}}


def run_present(module: AlibabaCloudRAMModule, desired: DesiredPolicy) -> dict[str, Any]:
    api = module.ram
    tags_managed = desired.tags is not None
    reply = api.get_policy(desired.name)
    if reply is None:
        if desired.document is None:
            module.fail_json(msg=f"policy_document: required to create the policy {desired.name!r}, which does not exist")
        state = create_policy(api, desired, module.check_mode)
        after = state.diff_view(tags_managed)
        if not module.check_mode:
            state = refresh(api, desired.name, state)
        return {"changed": True, "policy": state.result(), "diff": {"before": {}, "after": after}}

    state = PolicyState.from_get_policy(reply)
    # RAM matches names regardless of case; later calls use its spelling so that replies keyed by name match.
    desired = replace(desired, name=state.summary.get("PolicyName") or desired.name)
    if tags_managed:
        state.tags = api.list_tags("policy", desired.name)
    before = state.diff_view(tags_managed)
    changed = ensure_description(api, desired, state, module.check_mode)
    changed |= ensure_document(api, desired, state, module.check_mode)
    changed |= ensure_tags(api, desired, state, module.check_mode)
    after = state.diff_view(tags_managed)
    if changed and not module.check_mode:
        state = refresh(api, desired.name, state)
    return {"changed": changed, "policy": state.result(), "diff": {"before": before, "after": after}}


def main() -> None:
    module = AlibabaCloudRAMModule(argument_spec=argument_spec(), supports_check_mode=True)
    desired = validate(module)
    try:
        if desired.state == "absent":
            result = run_absent(module, desired)
        else:
            result = run_present(module, desired)
    except RamError as error:
        module.fail_ram_error(error)
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
