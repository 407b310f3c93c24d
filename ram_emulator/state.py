"""The RAM state of one account: roles, custom policies with versions, users, groups and attachments."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from .accounts import MEMBER_ACCESS_ROLE, SERVICE_LINKED_ROLE, Account
from .documents import SYSTEM_POLICIES


def iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# An attachment is named by the policy (type, lower-cased name) and by the entity (kind, lower-cased name).
PolicyKey = tuple[str, str]
EntityKey = tuple[str, str]


@dataclass
class Role:
    name: str
    role_id: str
    arn: str
    trust_document: str
    description: str
    max_session_duration: int
    create_date: str
    update_date: str
    service_linked: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class PolicyVersion:
    version_id: str
    document: str
    create_date: str


@dataclass
class Policy:
    name: str
    description: str
    create_date: str
    update_date: str
    default_version: str
    versions: dict[str, PolicyVersion]
    next_version_number: int
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class User:
    name: str
    user_id: str
    display_name: str
    comments: str
    create_date: str
    update_date: str


@dataclass
class Group:
    name: str
    group_id: str
    comments: str
    create_date: str
    update_date: str


class AccountState:
    """Everything RAM holds for one account. Keys are lower-cased names: RAM names are unique regardless of case."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.roles: dict[str, Role] = {}
        self.policies: dict[str, Policy] = {}
        self.users: dict[str, User] = {}
        self.groups: dict[str, Group] = {}
        # policy -> {entity -> attach date}, and the same facts indexed from the entity side.
        self.policy_attachments: dict[PolicyKey, dict[EntityKey, str]] = {}
        self.entity_attachments: dict[EntityKey, dict[PolicyKey, str]] = {}
        self._id_counter = 0
        self._seed()

    def new_id(self, prefix: str, width: int) -> str:
        """A long digit string that is unique in the account and stable across resets (ids look like RAM's)."""
        self._id_counter += 1
        account_part = self.account.account_id[-6:]
        return f"{prefix}{account_part}{self._id_counter:0{width - len(prefix) - len(account_part)}d}"

    def role_arn(self, role_name: str) -> str:
        return f"acs:ram::{self.account.account_id}:role/{role_name.lower()}"

    def _seed(self) -> None:
        now = iso_now()
        # Every account has one service-linked role, so "cannot delete a service-linked role" can be tested.
        slr_trust = {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": ["resourcemanager.aliyuncs.com"]}}], "Version": "1"}
        slr_description = "Resource Directory uses this role to access member accounts."
        self.add_role(SERVICE_LINKED_ROLE, json.dumps(slr_trust), slr_description, 3600, now, service_linked=True)
        if self.account.trusted_account_ids:
            principals = [f"acs:ram::{account_id}:root" for account_id in self.account.trusted_account_ids]
            trust = {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"RAM": principals}}], "Version": "1"}
            self.add_role(MEMBER_ACCESS_ROLE, json.dumps(trust), "Resource Directory access role for the management account.", 3600, now)
            self.attach(("System", "administratoraccess"), ("role", MEMBER_ACCESS_ROLE.lower()), now)

    def add_role(self, name: str, trust_document: str, description: str, max_session_duration: int, now: str, service_linked: bool = False) -> Role:
        role = Role(
            name=name,
            role_id=self.new_id("3", 19),
            arn=self.role_arn(name),
            trust_document=trust_document,
            description=description,
            max_session_duration=max_session_duration,
            create_date=now,
            update_date=now,
            service_linked=service_linked,
        )
        self.roles[name.lower()] = role
        return role

    # --- attachments ---------------------------------------------------------------------------------------------
    def attach(self, policy: PolicyKey, entity: EntityKey, now: str) -> None:
        self.policy_attachments.setdefault(policy, {})[entity] = now
        self.entity_attachments.setdefault(entity, {})[policy] = now

    def detach(self, policy: PolicyKey, entity: EntityKey) -> None:
        self.policy_attachments.get(policy, {}).pop(entity, None)
        self.entity_attachments.get(entity, {}).pop(policy, None)

    def is_attached(self, policy: PolicyKey, entity: EntityKey) -> bool:
        return entity in self.policy_attachments.get(policy, {})

    def attachments_of_policy(self, policy: PolicyKey) -> dict[EntityKey, str]:
        return self.policy_attachments.get(policy, {})

    def attachments_of_entity(self, entity: EntityKey) -> dict[PolicyKey, str]:
        return self.entity_attachments.get(entity, {})

    def forget_entity(self, entity: EntityKey) -> None:
        for policy in list(self.entity_attachments.pop(entity, {})):
            self.policy_attachments.get(policy, {}).pop(entity, None)

    def forget_policy(self, policy: PolicyKey) -> None:
        for entity in list(self.policy_attachments.pop(policy, {})):
            self.entity_attachments.get(entity, {}).pop(policy, None)

    # --- the control API's state dump ---------------------------------------------------------------------------
    def dump(self) -> dict:
        def attached(kind: str, key: str) -> list[dict[str, str]]:
            return [
                {"PolicyType": policy_type, "PolicyName": self._policy_display_name(policy_type, policy_key), "AttachDate": date}
                for (policy_type, policy_key), date in self.attachments_of_entity((kind, key)).items()
            ]

        return {
            "account_id": self.account.account_id,
            "name": self.account.name,
            "roles": {
                role.name: {
                    "RoleId": role.role_id,
                    "Arn": role.arn,
                    "Description": role.description,
                    "AssumeRolePolicyDocument": role.trust_document,
                    "MaxSessionDuration": role.max_session_duration,
                    "IsServiceLinkedRole": role.service_linked,
                    "CreateDate": role.create_date,
                    "UpdateDate": role.update_date,
                    "Tags": dict(role.tags),
                    "Policies": attached("role", key),
                }
                for key, role in self.roles.items()
            },
            "policies": {
                policy.name: {
                    "Description": policy.description,
                    "DefaultVersion": policy.default_version,
                    "CreateDate": policy.create_date,
                    "UpdateDate": policy.update_date,
                    "Tags": dict(policy.tags),
                    "Versions": {
                        version.version_id: {"PolicyDocument": version.document, "CreateDate": version.create_date}
                        for version in policy.versions.values()
                    },
                    "AttachedTo": [
                        {"Kind": kind, "Name": self._entity_display_name(kind, name), "AttachDate": date}
                        for (kind, name), date in self.attachments_of_policy(("Custom", key)).items()
                    ],
                }
                for key, policy in self.policies.items()
            },
            "users": {user.name: {"UserId": user.user_id, "Policies": attached("user", key)} for key, user in self.users.items()},
            "groups": {group.name: {"GroupId": group.group_id, "Policies": attached("group", key)} for key, group in self.groups.items()},
        }

    def _policy_display_name(self, policy_type: str, key: str) -> str:
        if policy_type == "Custom" and key in self.policies:
            return self.policies[key].name
        return next((name for name in SYSTEM_POLICIES if name.lower() == key), key)

    def _entity_display_name(self, kind: str, key: str) -> str:
        table = {"role": self.roles, "user": self.users, "group": self.groups}[kind]
        entity = table.get(key)
        return entity.name if entity is not None else key
