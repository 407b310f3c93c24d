# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource Directory reads and a single STS AssumeRole over tea-openapi's generic client.

For this collection's internal use only, may change without notice. There is no ResourceManager SDK among the
collection's requirements, so these calls go through ``alibabacloud_tea_openapi.client.Client.call_api``: signed
exactly like the RAM SDK's calls (ACS3-HMAC-SHA256), with the same credentials chain, retry policy and errors.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterator, Mapping

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (
    ConnectionSettings,
    Endpoint,
    MissingSDKError,
    resolve_credentials,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError, ram_error_from_exception
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import client_config
from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import RetryPolicy

RESOURCE_MANAGER_VERSION = "2020-03-31"
STS_VERSION = "2015-04-01"
DEFAULT_RESOURCE_MANAGER_ENDPOINT = "resourcemanager.aliyuncs.com"
# The largest page ListAccounts / ListAccountsForParent / ListFoldersForParent accept.
PAGE_SIZE = 100
_ROLE_ARN_ACCOUNT = re.compile(r"^acs:ram::(\d+):role/", re.I)


def _load_openapi() -> dict[str, Any]:
    try:
        from alibabacloud_tea_openapi.client import Client
        from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
        from darabonba.runtime import RuntimeOptions
    except ImportError as error:
        raise MissingSDKError("alibabacloud-tea-openapi", error) from error
    return {"Client": Client, "Config": Config, "OpenApiRequest": OpenApiRequest, "Params": Params, "RuntimeOptions": RuntimeOptions}


class RpcApi:
    """One RPC-style Alibaba Cloud API (one endpoint, one version) called through the generic client.

    ``calls`` lists every attempt sent, by operation name; ``secrets`` every credential value known to the chain,
    so that error messages can be scrubbed of them.
    """

    def __init__(self, settings: ConnectionSettings, endpoint: Endpoint, version: str, *, retry_policy: RetryPolicy | None = None) -> None:
        self._sdk = _load_openapi()
        credentials = resolve_credentials(settings)
        self.secrets: set[str] = credentials.secrets
        self.credentials_description = credentials.description
        self.endpoint = endpoint
        self.version = version
        self.sts_endpoint_url = settings.sts_endpoint.url
        self.retry_policy = retry_policy or RetryPolicy(max_attempts=settings.max_attempts)
        self._connect_timeout_ms = settings.connect_timeout_ms
        self._read_timeout_ms = settings.read_timeout_ms
        self._client = self._sdk["Client"](client_config(self._sdk["Config"], settings, endpoint, credentials))
        self.calls: list[str] = []

    def call(self, operation: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One logical call, retried per the policy; returns the reply body without RequestId."""
        query = {name: str(value) for name, value in (parameters or {}).items() if value is not None}
        params = self._sdk["Params"](
            action=operation, version=self.version, protocol=self.endpoint.scheme.upper(), pathname="/", method="POST",
            auth_type="AK", style="RPC", req_body_type="formData", body_type="json",
        )

        def attempt(_number: int) -> dict[str, Any]:
            self.calls.append(operation)
            # A fresh request per attempt: new nonce, date and signature each time.
            request = self._sdk["OpenApiRequest"](query=dict(query))
            runtime = self._sdk["RuntimeOptions"](connect_timeout=self._connect_timeout_ms, read_timeout=self._read_timeout_ms)
            try:
                reply = self._client.call_api(params, request, runtime)
            except Exception as sdk_error:  # the SDK raises many unrelated types; all are translated
                raise ram_error_from_exception(
                    operation, sdk_error, self.endpoint.url, sts_endpoint=self.sts_endpoint_url, secrets=self.secrets
                ) from None
            body = reply.get("body") if isinstance(reply, Mapping) else None
            if not isinstance(body, Mapping):
                raise RamError(operation, "the reply body is not a JSON object", endpoint=self.endpoint.url, retryable=True)
            body = dict(body)
            body.pop("RequestId", None)
            return body

        return self.retry_policy.run(attempt)


def _list(container: Any, key: str) -> list[dict[str, Any]]:
    values = container.get(key) if isinstance(container, Mapping) else None
    return [dict(value) for value in values if isinstance(value, Mapping)] if isinstance(values, list) else []


class ResourceDirectoryApi:
    """The Resource Directory reads an inventory needs. Every list is fully paged."""

    def __init__(self, rpc: RpcApi) -> None:
        self.rpc = rpc

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, **kwargs: Any) -> ResourceDirectoryApi:
        """``settings.endpoint`` is the ResourceManager endpoint here (the caller chooses its default)."""
        return cls(RpcApi(settings, settings.endpoint, RESOURCE_MANAGER_VERSION, **kwargs))

    def get_resource_directory(self) -> dict[str, Any]:
        body = self.rpc.call("GetResourceDirectory")
        directory = body.get("ResourceDirectory")
        if not isinstance(directory, Mapping):
            raise RamError("GetResourceDirectory", "the reply has no ResourceDirectory", endpoint=self.rpc.endpoint.url)
        return dict(directory)

    def _paged(self, operation: str, outer: str, inner: str, **parameters: Any) -> Iterator[dict[str, Any]]:
        page = 1
        seen = 0
        while True:
            body = self.rpc.call(operation, {**parameters, "PageNumber": page, "PageSize": PAGE_SIZE})
            items = _list(body.get(outer), inner)
            yield from items
            seen += len(items)
            total = body.get("TotalCount")
            # Stop on an empty page too, so that a TotalCount that changes under us can never loop forever.
            if not items or not isinstance(total, int) or seen >= total:
                return
            page += 1

    def list_accounts(self) -> list[dict[str, Any]]:
        return list(self._paged("ListAccounts", "Accounts", "Account"))

    def list_accounts_for_parent(self, folder_id: str) -> list[dict[str, Any]]:
        return list(self._paged("ListAccountsForParent", "Accounts", "Account", ParentFolderId=folder_id))

    def list_folders_for_parent(self, folder_id: str | None = None) -> list[dict[str, Any]]:
        return list(self._paged("ListFoldersForParent", "Folders", "Folder", ParentFolderId=folder_id))

    def get_folder(self, folder_id: str) -> dict[str, Any]:
        body = self.rpc.call("GetFolder", {"FolderId": folder_id})
        folder = body.get("Folder")
        if not isinstance(folder, Mapping):
            raise RamError("GetFolder", "the reply has no Folder", endpoint=self.rpc.endpoint.url)
        return dict(folder)

    def folder_tree(self, root_folder_id: str) -> dict[str, dict[str, Any]]:
        """Every folder under (and including) the root: ``{folder_id: {"name", "parent_id"}}``, one list call per folder."""
        tree: dict[str, dict[str, Any]] = {root_folder_id: {"name": "Root", "parent_id": None}}
        pending = [root_folder_id]
        while pending:
            parent = pending.pop()
            for folder in self.list_folders_for_parent(parent):
                folder_id = str(folder.get("FolderId") or "")
                if folder_id and folder_id not in tree:
                    tree[folder_id] = {"name": folder.get("FolderName") or folder_id, "parent_id": parent}
                    pending.append(folder_id)
        return tree


@dataclasses.dataclass(frozen=True)
class SessionCredentials:
    """Temporary credentials from one AssumeRole call. ``repr`` never shows the secret or the token."""

    access_key_id: str
    access_key_secret: str = dataclasses.field(repr=False)
    security_token: str = dataclasses.field(repr=False)
    expiration: str
    arn: str
    account_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def assume_role_once(settings: ConnectionSettings, *, retry_policy: RetryPolicy | None = None) -> tuple[SessionCredentials, RpcApi]:
    """Call STS AssumeRole exactly once (retries of a failed attempt aside) with the source credentials.

    ``settings.assume_role`` names the role; the other credential options (keys, profile, default chain) are the
    source. Returns the session and the client used (its ``secrets`` now include the session's secrets).
    """
    role = settings.assume_role
    if role is None:
        raise ValueError("assume_role_once needs settings with assume_role")
    source = dataclasses.replace(settings, assume_role=None)
    rpc = RpcApi(source, settings.sts_endpoint, STS_VERSION, retry_policy=retry_policy)
    body = rpc.call("AssumeRole", {
        "RoleArn": role.role_arn,
        "RoleSessionName": role.session_name,
        "DurationSeconds": role.duration_seconds,
        "ExternalId": role.external_id,
        "Policy": role.policy,
    })
    credentials = body.get("Credentials") if isinstance(body.get("Credentials"), Mapping) else {}
    for key in ("AccessKeySecret", "SecurityToken"):
        if credentials.get(key):
            rpc.secrets.add(str(credentials[key]))
    missing = [key for key in ("AccessKeyId", "AccessKeySecret", "SecurityToken") if not credentials.get(key)]
    if missing:
        raise RamError("AssumeRole", f"the reply lacks Credentials.{', Credentials.'.join(missing)}", endpoint=settings.sts_endpoint.url)
    user = body.get("AssumedRoleUser") if isinstance(body.get("AssumedRoleUser"), Mapping) else {}
    account = _ROLE_ARN_ACCOUNT.match(role.role_arn)
    session = SessionCredentials(
        access_key_id=str(credentials["AccessKeyId"]),
        access_key_secret=str(credentials["AccessKeySecret"]),
        security_token=str(credentials["SecurityToken"]),
        expiration=str(credentials.get("Expiration") or ""),
        arn=str(user.get("Arn") or ""),
        account_id=account.group(1) if account else None,
    )
    return session, rpc
