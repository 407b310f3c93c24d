# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RamApi, one method per RAM call over the official SDK; for this collection's internal use only, may change without notice."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from ansible.module_utils.ansible_release import __version__ as ansible_version

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (
    ConnectionSettings,
    Endpoint,
    MissingSDKError,
    ResolvedCredentials,
    resolve_credentials,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError, ram_error_from_exception
from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import documents_equal
from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import RetryPolicy

USER_AGENT = f"alibabacloud.ram-ansible-collection ansible-core/{ansible_version}"
LIST_PAGE_SIZE = 1000
TAGS_PER_CALL = 20
RESOURCE_TYPES = ("role", "policy")

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")
_sdk_modules: dict[str, Any] = {}


def _load_sdk() -> dict[str, Any]:
    """Import the RAM SDK once per process: it costs about 0.3 s, so it is not imported before a call is needed."""
    if not _sdk_modules:
        try:
            from alibabacloud_ram20150501 import models
            from alibabacloud_ram20150501.client import Client
            from alibabacloud_tea_openapi.utils_models import Config
            from darabonba.runtime import RuntimeOptions
        except ImportError as error:
            raise MissingSDKError("alibabacloud-ram20150501", error) from error
        _sdk_modules.update(models=models, Client=Client, Config=Config, RuntimeOptions=RuntimeOptions)
    return _sdk_modules


def client_config(config_class: Any, settings: ConnectionSettings, endpoint: Endpoint, credentials: ResolvedCredentials) -> Any:
    """The tea-openapi ``Config`` of every client this collection builds (RAM, and the generic RPC one)."""
    return config_class(
        credential=credentials.client,
        endpoint=endpoint.host,
        protocol=endpoint.scheme,
        connect_timeout=settings.connect_timeout_ms,
        read_timeout=settings.read_timeout_ms,
        user_agent=USER_AGENT,
    )


def _method_name(operation: str) -> str:
    return f"{_CAMEL_BOUNDARY.sub('_', operation).lower()}_with_options"


def _items(container: Any, key: str) -> list[dict[str, Any]]:
    """RAM wraps every list in an object (``{"Roles": {"Role": [...]}}``); missing parts mean empty."""
    if not isinstance(container, Mapping):
        return []
    values = container.get(key)
    return list(values) if isinstance(values, list) else []


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class RamApi:
    """Thin wrapper over the RAM SDK client: one method per logical call, each retried per the RetryPolicy.

    Methods return plain dicts in the API's PascalCase wire form. ``get_*`` return None when the resource does
    not exist. ``calls`` lists every attempt sent, by operation name, in order.
    """

    def __init__(
        self,
        client: Any,
        *,
        retry_policy: RetryPolicy,
        endpoint_url: str,
        sts_endpoint_url: str | None = None,
        secrets: set[str] | None = None,
        connect_timeout_ms: int | None = None,
        read_timeout_ms: int | None = None,
        credentials_description: str = "",
    ) -> None:
        self._client = client
        self.retry_policy = retry_policy
        self.endpoint_url = endpoint_url
        self.sts_endpoint_url = sts_endpoint_url
        # Shared with the credentials provider, which adds every secret it hands to the SDK.
        self.secrets = secrets if secrets is not None else set()
        self._connect_timeout_ms = connect_timeout_ms
        self._read_timeout_ms = read_timeout_ms
        self.credentials_description = credentials_description
        self.calls: list[str] = []

    @classmethod
    def from_params(
        cls,
        params: Mapping[str, Any],
        *,
        retry_policy: RetryPolicy | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> RamApi:
        """Build from module-style connection options. Every input error is raised here, before any network call."""
        return cls.from_settings(ConnectionSettings.from_params(params, environ), retry_policy=retry_policy)

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, *, retry_policy: RetryPolicy | None = None) -> RamApi:
        sdk = _load_sdk()
        credentials = resolve_credentials(settings)
        return cls(
            sdk["Client"](client_config(sdk["Config"], settings, settings.endpoint, credentials)),
            retry_policy=retry_policy or RetryPolicy(max_attempts=settings.max_attempts),
            endpoint_url=settings.endpoint.url,
            sts_endpoint_url=settings.sts_endpoint.url,
            secrets=credentials.secrets,
            connect_timeout_ms=settings.connect_timeout_ms,
            read_timeout_ms=settings.read_timeout_ms,
            credentials_description=credentials.description,
        )

    # ----------------------------------------------------------------------------------------------- plumbing

    def _call(
        self,
        operation: str,
        tolerate: Callable[[RamError, int], bool] | None = None,
        landed_earlier: Callable[[], dict[str, Any] | None] | None = None,
        **request_fields: Any,
    ) -> dict[str, Any] | None:
        """One logical call. Returns the body without RequestId, or None when ``tolerate(error, attempt)`` accepted
        the error as an outcome (already gone, already attached, created by an earlier attempt whose reply was lost).

        ``landed_earlier`` guards writes that RAM would happily repeat: before a retry it looks for the effect of an
        earlier attempt whose reply was lost and, when it finds one, returns it as this call's body.
        """
        sdk = _load_sdk()
        request = getattr(sdk["models"], f"{operation}Request")(
            **{name: value for name, value in request_fields.items() if value is not None}
        )
        method = getattr(self._client, _method_name(operation))

        def attempt(number: int) -> dict[str, Any] | None:
            if number > 1 and landed_earlier is not None:
                earlier = landed_earlier()
                if earlier is not None:
                    return earlier
            self.calls.append(operation)
            runtime = sdk["RuntimeOptions"](connect_timeout=self._connect_timeout_ms, read_timeout=self._read_timeout_ms)
            try:
                # A fresh SDK call per attempt: new nonce, date and signature each time.
                response = method(request, runtime)
            except Exception as sdk_error:  # the SDK raises many unrelated types; all are translated
                error = ram_error_from_exception(
                    operation, sdk_error, self.endpoint_url, sts_endpoint=self.sts_endpoint_url, secrets=self.secrets
                )
                # Only this call's own outcome can be tolerated: an STS failure raised while the SDK fetched
                # credentials (say EntityNotExist.Role for a wrong assume_role ARN) must never read as "no such role".
                if tolerate is not None and error.operation == operation and tolerate(error, number):
                    return None
                raise error from None
            body = response.body.to_map() if response is not None and response.body is not None else {}
            body.pop("RequestId", None)
            return body

        return self.retry_policy.run(attempt)

    def _required(self, operation: str, body: dict[str, Any] | None, key: str) -> dict[str, Any]:
        if body is None or not isinstance(body.get(key), Mapping):
            raise RamError(operation, f"the reply has no {key}", endpoint=self.endpoint_url)
        return dict(body[key])

    def _get(self, operation: str, key: str | None, **fields: Any) -> dict[str, Any] | None:
        body = self._call(operation, tolerate=lambda error, _attempt: error.is_not_found, **fields)
        if body is None:
            return None
        return body if key is None else self._required(operation, body, key)

    def _write_gone_ok(self, operation: str, **fields: Any) -> bool:
        """A delete/detach: True when done now, False when the target was already gone."""
        return self._call(operation, tolerate=lambda error, _attempt: error.is_not_found, **fields) is not None

    def _create(self, operation: str, key: str, read_back: Callable[[], dict[str, Any] | None], **fields: Any) -> dict[str, Any]:
        """A create; returns the reply's ``key`` map. When a retry meets "already exists", the attempt whose reply was
        lost made the resource: ``read_back()`` fetches it instead of failing."""
        body = self._call(
            operation,
            # Only on a retry: on the first attempt "already exists" is a real conflict the caller must see.
            tolerate=lambda error, attempt: attempt > 1 and error.is_already_exists,
            **fields,
        )
        if body is not None:
            return self._required(operation, body, key)
        resource = read_back()
        if resource is None:
            raise RamError(
                operation,
                "an earlier attempt's reply was lost and the resource said to exist could not be read back",
                endpoint=self.endpoint_url,
            )
        return resource

    def _paged(self, operation: str, outer: str, inner: str, **fields: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        marker = None
        while True:
            body = self._call(operation, marker=marker, max_items=LIST_PAGE_SIZE, **fields) or {}
            items.extend(_items(body.get(outer), inner))
            marker = body.get("Marker")
            if not body.get("IsTruncated") or not marker:
                return items

    @staticmethod
    def _tag_list(model: Any, tags: Mapping[str, str] | None) -> list[Any] | None:
        if not tags:
            return None
        return [model(key=str(key), value="" if value is None else str(value)) for key, value in tags.items()]

    # ----------------------------------------------------------------------------------------------- roles

    def get_role(self, name: str) -> dict[str, Any] | None:
        """The ``Role`` map, or None when there is no such role."""
        return self._get("GetRole", "Role", role_name=name)

    def create_role(
        self,
        name: str,
        assume_role_policy_document: str,
        description: str | None = None,
        max_session_duration: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create a role; returns its ``Role`` map."""
        return self._create(
            "CreateRole",
            "Role",
            lambda: self.get_role(name),
            role_name=name,
            assume_role_policy_document=assume_role_policy_document,
            description=description,
            max_session_duration=max_session_duration,
            tag=self._tag_list(_load_sdk()["models"].CreateRoleRequestTag, tags),
        )

    def update_role(
        self,
        name: str,
        assume_role_policy_document: str | None = None,
        description: str | None = None,
        max_session_duration: int | None = None,
    ) -> dict[str, Any]:
        """Change only the given attributes; returns the updated ``Role`` map."""
        body = self._call(
            "UpdateRole",
            role_name=name,
            new_assume_role_policy_document=assume_role_policy_document,
            new_description=description,
            new_max_session_duration=max_session_duration,
        )
        return self._required("UpdateRole", body, "Role")

    def delete_role(self, name: str) -> bool:
        return self._write_gone_ok("DeleteRole", role_name=name)

    def list_roles(self) -> list[dict[str, Any]]:
        return self._paged("ListRoles", "Roles", "Role")

    # ----------------------------------------------------------------------------------------------- policies

    def get_policy(self, name: str, policy_type: str = "Custom") -> dict[str, Any] | None:
        """``{"Policy": {...}, "DefaultPolicyVersion": {...}}``, or None when there is no such policy."""
        return self._get("GetPolicy", None, policy_name=name, policy_type=policy_type)

    def create_policy(self, name: str, policy_document: str, description: str | None = None, tags: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Create a custom policy; returns its ``Policy`` map."""

        def read_back() -> dict[str, Any] | None:
            existing = self.get_policy(name)
            return existing.get("Policy") if existing else None

        return self._create(
            "CreatePolicy",
            "Policy",
            read_back,
            policy_name=name,
            policy_document=policy_document,
            description=description,
            tag=self._tag_list(_load_sdk()["models"].CreatePolicyRequestTag, tags),
        )

    def update_policy_description(self, name: str, description: str) -> dict[str, Any]:
        """Returns the updated ``Policy`` map."""
        body = self._call("UpdatePolicyDescription", policy_name=name, new_description=description)
        return self._required("UpdatePolicyDescription", body, "Policy")

    def delete_policy(self, name: str, cascading: bool = False) -> bool:
        return self._write_gone_ok("DeletePolicy", policy_name=name, cascading_delete=True if cascading else None)

    def list_policies(self, policy_type: str | None = None) -> list[dict[str, Any]]:
        return self._paged("ListPolicies", "Policies", "Policy", policy_type=policy_type)

    def create_policy_version(self, name: str, policy_document: str, set_as_default: bool = True, rotate: bool = False) -> dict[str, Any]:
        """Returns the new ``PolicyVersion`` map."""

        def version_created_by_lost_attempt() -> dict[str, Any] | None:
            # Unlike CreatePolicy, a repeated CreatePolicyVersion does not fail: it adds a twin version (and can
            # push the policy to the 5-version limit). Callers only create a version when no stored version means
            # the same, so a matching version found before a retry is the one the lost attempt made.
            for version in self.list_policy_versions(name):
                if set_as_default and not version.get("IsDefaultVersion"):
                    continue
                if documents_equal(version.get("PolicyDocument") or "", policy_document):
                    return {"PolicyVersion": version}
            return None

        body = self._call(
            "CreatePolicyVersion",
            landed_earlier=version_created_by_lost_attempt,
            policy_name=name,
            policy_document=policy_document,
            set_as_default=set_as_default,
            rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded" if rotate else None,
        )
        return self._required("CreatePolicyVersion", body, "PolicyVersion")

    def get_policy_version(self, name: str, version_id: str, policy_type: str = "Custom") -> dict[str, Any] | None:
        """The ``PolicyVersion`` map, or None when the policy or version does not exist."""
        return self._get("GetPolicyVersion", "PolicyVersion", policy_name=name, version_id=version_id, policy_type=policy_type)

    def list_policy_versions(self, name: str, policy_type: str = "Custom") -> list[dict[str, Any]]:
        body = self._call("ListPolicyVersions", policy_name=name, policy_type=policy_type) or {}
        return _items(body.get("PolicyVersions"), "PolicyVersion")

    def delete_policy_version(self, name: str, version_id: str) -> bool:
        return self._write_gone_ok("DeletePolicyVersion", policy_name=name, version_id=version_id)

    def set_default_policy_version(self, name: str, version_id: str) -> None:
        self._call("SetDefaultPolicyVersion", policy_name=name, version_id=version_id)

    def list_entities_for_policy(self, name: str, policy_type: str = "Custom") -> dict[str, list[dict[str, Any]]]:
        body = self._call("ListEntitiesForPolicy", policy_name=name, policy_type=policy_type) or {}
        return {
            "Users": _items(body.get("Users"), "User"),
            "Groups": _items(body.get("Groups"), "Group"),
            "Roles": _items(body.get("Roles"), "Role"),
        }

    # ----------------------------------------------------------------------------------------------- attachments

    @staticmethod
    def _principal(role_name: str | None, user_name: str | None, group_name: str | None) -> tuple[str, dict[str, str]]:
        given = {kind: value for kind, value in (("Role", role_name), ("User", user_name), ("Group", group_name)) if value}
        if len(given) != 1:
            raise ValueError("exactly one of role_name, user_name and group_name is required")
        kind, value = next(iter(given.items()))
        return kind, {f"{kind.lower()}_name": value}

    def attach_policy(
        self, policy_name: str, policy_type: str, *, role_name: str | None = None, user_name: str | None = None, group_name: str | None = None
    ) -> bool:
        """True when attached now, False when it already was."""
        kind, principal = self._principal(role_name, user_name, group_name)
        body = self._call(
            f"AttachPolicyTo{kind}",
            # EntityAlreadyExists.Role.Policy (or .User.Policy, .Group.Policy) means the attachment is there.
            tolerate=lambda error, _attempt: error.is_already_exists and error.code.endswith(".Policy"),
            policy_name=policy_name,
            policy_type=policy_type,
            **principal,
        )
        return body is not None

    def detach_policy(
        self, policy_name: str, policy_type: str, *, role_name: str | None = None, user_name: str | None = None, group_name: str | None = None
    ) -> bool:
        """True when detached now, False when it was not attached (or the principal or policy is gone)."""
        kind, principal = self._principal(role_name, user_name, group_name)
        return self._write_gone_ok(f"DetachPolicyFrom{kind}", policy_name=policy_name, policy_type=policy_type, **principal)

    def list_policies_for_role(self, name: str) -> list[dict[str, Any]]:
        return _items((self._call("ListPoliciesForRole", role_name=name) or {}).get("Policies"), "Policy")

    def list_policies_for_user(self, name: str) -> list[dict[str, Any]]:
        return _items((self._call("ListPoliciesForUser", user_name=name) or {}).get("Policies"), "Policy")

    def list_policies_for_group(self, name: str) -> list[dict[str, Any]]:
        return _items((self._call("ListPoliciesForGroup", group_name=name) or {}).get("Policies"), "Policy")

    # ----------------------------------------------------------------------------------------------- tags

    @staticmethod
    def _resource_type(resource_type: str) -> str:
        if resource_type not in RESOURCE_TYPES:
            raise ValueError(f"resource_type must be one of {', '.join(RESOURCE_TYPES)}, got {resource_type!r}")
        return resource_type

    def list_tags(self, resource_type: str, name: str) -> dict[str, str]:
        resource_type = self._resource_type(resource_type)
        tags: dict[str, str] = {}
        next_token = None
        while True:
            body = self._call("ListTagResources", resource_type=resource_type, resource_names=[name], next_token=next_token) or {}
            entries = body.get("TagResources")
            if isinstance(entries, Mapping):
                # Tolerate the wrapped form some RAM replies use ({"TagResource": [...]}).
                entries = entries.get("TagResource")
            for entry in entries if isinstance(entries, list) else []:
                if entry.get("ResourceName", name) == name and entry.get("TagKey") is not None:
                    tags[entry["TagKey"]] = entry.get("TagValue") or ""
            next_token = body.get("NextToken")
            if not next_token:
                return tags

    def tag_resource(self, resource_type: str, name: str, tags: Mapping[str, str]) -> None:
        resource_type = self._resource_type(resource_type)
        model = _load_sdk()["models"].TagResourcesRequestTag
        for chunk in _chunks(list(tags.items()), TAGS_PER_CALL):
            self._call("TagResources", resource_type=resource_type, resource_names=[name], tag=self._tag_list(model, dict(chunk)))

    def untag_resource(self, resource_type: str, name: str, keys: list[str]) -> None:
        resource_type = self._resource_type(resource_type)
        for chunk in _chunks(list(keys), TAGS_PER_CALL):
            self._call("UntagResources", resource_type=resource_type, resource_names=[name], tag_keys=chunk)
