# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: resource_directory
short_description: Member accounts of an Alibaba Cloud Resource Directory as inventory hosts
version_added: 1.0.0
author:
  - alibabacloud.ram contributors (@alibabacloud)
description:
  - Lists the member accounts of the Resource Directory managed by the account these credentials belong to
    (ResourceManager API 2020-03-31, C(ListAccounts), fully paged, 100 accounts per call), and makes each one an
    inventory host.
  - Every host gets the variables C(account_id), C(account_display_name), C(account_name), C(account_status),
    C(account_type), C(join_method), C(folder_id), C(folder_name), C(folder_path) (folder names from the root,
    joined with C(/)), C(resource_directory_id), and C(alibabacloud_ram_assume_role) (C(role_arn) of the
    O(member_role_name) role in that account, plus O(session_name), O(external_id) and O(duration_seconds) when set).
    This is the variable the collection's playbooks (for example C(alibabacloud.ram.cr_oss_access)) read to reach an
    account; see also M(alibabacloud.ram.sts_assume_role) to make one STS call per account and run.
  - O(member_ram_endpoint) and O(member_sts_endpoint) are passed through as C(alibabacloud_ram_endpoint) and
    C(alibabacloud_ram_sts_endpoint) when set.
  - The credentials this plugin uses are never put into host variables nor into the cache. The playbook supplies
    its own source credentials (environment variables, a profile, or an AWX credential) for the role assumption.
  - Calls are made with the management account (or an identity in it with C(resourcemanager:ListAccounts),
    C(resourcemanager:ListFoldersForParent) and C(resourcemanager:GetResourceDirectory)). A member account gets
    C(NoPermission.ResourceDirectory.MemberAccount).
  - The file name must end with C(resource_directory.yml) or C(resource_directory.yaml).
extends_documentation_fragment:
  - constructed
  - inventory_cache
  # The modules' connection options; assume_role and the ResourceManager endpoint are documented below.
  - alibabacloud.ram.connection
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [alibabacloud.ram.resource_directory]
  assume_role:
    description:
      - Assume this role (for example a read-only role in the management account) before reading the directory.
      - Keys C(role_arn) (required), C(session_name), C(duration_seconds), C(external_id), C(policy), as the modules'
        O(alibabacloud.ram.role#module:assume_role) option.
    type: dict
  endpoint:
    description: ResourceManager endpoint, as C(host), C(host:port), C(https://host[:port]) or C(http://host:port).
    default: resourcemanager.aliyuncs.com
    env:
      - name: ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT
  folder_ids:
    description:
      - Only accounts in these folders (folder ids, C(fd-...), or the root folder id C(r-...)).
      - Sub-folders are included unless O(include_sub_folders=false).
      - Empty means every folder.
    type: list
    elements: str
    default: []
  include_sub_folders:
    description: Whether O(folder_ids) also selects the accounts of every folder below the folders listed.
    type: bool
    default: true
  statuses:
    description:
      - Only accounts in one of these states. The default keeps the accounts that are fully members (created,
        invited and accepted, or promoted); accounts still being created or promoted, or whose creation failed,
        are left out.
    type: list
    elements: str
    default: [CreateSuccess, InviteSuccess, PromoteSuccess]
  include:
    description:
      - Only accounts whose id or display name matches one of these shell-style patterns (C(fnmatch); display
        names are compared case-insensitively). Empty means all.
    type: list
    elements: str
    default: []
  exclude:
    description: Leave out accounts whose id or display name matches one of these patterns; wins over O(include).
    type: list
    elements: str
    default: []
  include_management_account:
    description:
      - Whether the management account itself becomes a host. It has no O(member_role_name) role by default, so it
        is left out unless asked for.
    type: bool
    default: false
  hostname_source:
    description:
      - C(account_id) names each host after its account id, which is unique and never changes (the default, so that limits,
        fact caches and logs keep working when an account is renamed).
      - C(display_name) names it after the display name, with every character other than letters, digits, C(.),
        C(_) and C(-) replaced by C(_); when two accounts would get the same name, both get C(_<account id>) appended.
    type: str
    choices: [account_id, display_name]
    default: account_id
  member_role_name:
    description: The role to assume in each member account.
    type: str
    default: ResourceDirectoryAccountAccessRole
  session_name:
    description: C(session_name) put into C(alibabacloud_ram_assume_role) (otherwise the modules' default applies).
    type: str
  external_id:
    description: C(external_id) put into C(alibabacloud_ram_assume_role).
    type: str
  duration_seconds:
    description: C(duration_seconds) put into C(alibabacloud_ram_assume_role).
    type: int
  member_ram_endpoint:
    description: Set as C(alibabacloud_ram_endpoint) on every host (the RAM endpoint the playbook's modules use).
    type: str
  member_sts_endpoint:
    description: Set as C(alibabacloud_ram_sts_endpoint) on every host (the STS endpoint the playbook's role assumption uses).
    type: str
"""

EXAMPLES = r"""
# prod.resource_directory.yml: every active member account, named by account id, grouped by folder.
plugin: alibabacloud.ram.resource_directory
keyed_groups:
  - key: folder_name
    prefix: folder
compose:
  # Readable names in output, while the host name stays the stable account id.
  ansible_host: account_display_name

---
# Only the Production folder and its sub-folders, without sandboxes, cached for an hour in a JSON file.
plugin: alibabacloud.ram.resource_directory
folder_ids: [fd-AbCdEf1234]
exclude: ["sandbox-*"]
hostname_source: display_name
external_id: "{{ lookup('env', 'RD_EXTERNAL_ID') }}"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-rd
cache_timeout: 3600

---
# Read the directory through a read-only role in the management account.
plugin: alibabacloud.ram.resource_directory
profile: ops
assume_role:
  role_arn: acs:ram::1234567890123456:role/rd-reader
groups:
  regulated: "'Regulated' in folder_path"
"""

# validate-modules wants DOCUMENTATION and EXAMPLES before any import.
import fnmatch  # noqa: E402
import re  # noqa: E402
from typing import Any  # noqa: E402

from ansible.errors import AnsibleParserError  # noqa: E402
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable  # noqa: E402

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (  # noqa: E402
    ConnectionSettings,
    MissingSDKError,
    connection_argument_spec,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import ConnectionOptionsError, RamError  # noqa: E402
from ansible_collections.alibabacloud.ram.plugins.module_utils._resource_directory import ResourceDirectoryApi  # noqa: E402

_UNSAFE_HOST_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def _text(value: Any) -> Any:
    # Vaulted strings and templated values arrive as str subclasses; the SDK wants plain text.
    return str(value) if isinstance(value, str) else value


def _matches(account: dict[str, Any], patterns: list[str]) -> bool:
    account_id = str(account.get("AccountId") or "")
    display_name = str(account.get("DisplayName") or "").lower()
    return any(fnmatch.fnmatchcase(account_id, pattern) or fnmatch.fnmatchcase(display_name, pattern.lower()) for pattern in patterns)


def sanitise_host_name(display_name: str) -> str:
    return _UNSAFE_HOST_CHARACTERS.sub("_", display_name).strip("_") or "_"


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "alibabacloud.ram.resource_directory"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("resource_directory.yml", "resource_directory.yaml"))

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        directory = None
        if use_cache:
            try:
                directory = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if directory is None:
            directory = self._read_directory()
        if update_cache:
            # Only what the API returned about accounts and folders: no credential is ever cached.
            self._cache[cache_key] = directory
        self._populate(directory)

    # --- reading ------------------------------------------------------------------------------------------------------
    def _settings(self) -> ConnectionSettings:
        params = {name: _text(self.get_option(name)) for name in connection_argument_spec()}
        if isinstance(params["assume_role"], dict):
            params["assume_role"] = {key: _text(value) for key, value in params["assume_role"].items()}
        return ConnectionSettings.from_params(params)

    def _read_directory(self) -> dict[str, Any]:
        """``{"directory": GetResourceDirectory, "folders": {id: {name, parent_id}}, "accounts": [ListAccounts...]}``."""
        try:
            api = ResourceDirectoryApi.from_settings(self._settings())
            directory = api.get_resource_directory()
            root = str(directory.get("RootFolderId") or "")
            folders = api.folder_tree(root) if root else {}
            accounts = api.list_accounts()
        except (ConnectionOptionsError, RamError, MissingSDKError) as error:
            raise AnsibleParserError(f"{self.NAME}: {error}") from None
        return {"directory": directory, "folders": folders, "accounts": accounts}

    # --- selecting ----------------------------------------------------------------------------------------------------
    def _selected_folders(self, folders: dict[str, dict[str, Any]]) -> set[str] | None:
        wanted = [str(folder_id) for folder_id in self.get_option("folder_ids") or []]
        if not wanted:
            return None
        unknown = [folder_id for folder_id in wanted if folder_id not in folders]
        if unknown:
            raise AnsibleParserError(f"{self.NAME}: folder_ids not in the Resource Directory: {', '.join(unknown)}")
        selected = set(wanted)
        if self.get_option("include_sub_folders"):
            children: dict[str, list[str]] = {}
            for folder_id, folder in folders.items():
                children.setdefault(folder["parent_id"], []).append(folder_id)
            pending = list(wanted)
            while pending:
                for child in children.get(pending.pop(), []):
                    if child not in selected:
                        selected.add(child)
                        pending.append(child)
        return selected

    def _selected_accounts(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        management_id = str(data["directory"].get("MasterAccountId") or "")
        folders = self._selected_folders(data["folders"])
        statuses = set(self.get_option("statuses") or [])
        include = list(self.get_option("include") or [])
        exclude = list(self.get_option("exclude") or [])
        selected = []
        for account in data["accounts"]:
            if str(account.get("AccountId")) == management_id and not self.get_option("include_management_account"):
                continue
            if statuses and account.get("Status") not in statuses:
                continue
            if folders is not None and account.get("FolderId") not in folders:
                continue
            if include and not _matches(account, include):
                continue
            if exclude and _matches(account, exclude):
                continue
            selected.append(account)
        return selected

    # --- host variables -----------------------------------------------------------------------------------------------
    def _host_names(self, accounts: list[dict[str, Any]]) -> list[str]:
        if self.get_option("hostname_source") == "account_id":
            return [str(account["AccountId"]) for account in accounts]
        names = [sanitise_host_name(str(account.get("DisplayName") or account["AccountId"])) for account in accounts]
        clashing = {name for name in names if names.count(name) > 1}
        return [f"{name}_{account['AccountId']}" if name in clashing else name for name, account in zip(names, accounts, strict=True)]

    def _assume_role(self, account_id: str) -> dict[str, Any]:
        role = {"role_arn": f"acs:ram::{account_id}:role/{self.get_option('member_role_name')}"}
        for option in ("session_name", "external_id", "duration_seconds"):
            value = self.get_option(option)
            if value not in (None, ""):
                role[option] = _text(value)
        return role

    @staticmethod
    def _folder_path(folders: dict[str, dict[str, Any]], folder_id: str) -> str:
        names: list[str] = []
        seen: set[str] = set()
        while folder_id in folders and folder_id not in seen:
            seen.add(folder_id)
            names.append(folders[folder_id]["name"])
            folder_id = folders[folder_id]["parent_id"]
        return "/".join(reversed(names))

    def _populate(self, data: dict[str, Any]) -> None:
        folders = data["folders"]
        accounts = self._selected_accounts(data)
        strict = self.get_option("strict")
        passthrough = {"alibabacloud_ram_endpoint": self.get_option("member_ram_endpoint"),
                       "alibabacloud_ram_sts_endpoint": self.get_option("member_sts_endpoint")}
        for host_name, account in zip(self._host_names(accounts), accounts, strict=True):
            account_id = str(account["AccountId"])
            folder_id = str(account.get("FolderId") or "")
            host_vars: dict[str, Any] = {
                "account_id": account_id,
                "account_display_name": account.get("DisplayName") or "",
                "account_name": account.get("AccountName") or "",
                "account_status": account.get("Status") or "",
                "account_type": account.get("Type") or "",
                "join_method": account.get("JoinMethod") or "",
                "folder_id": folder_id,
                "folder_name": folders.get(folder_id, {}).get("name", ""),
                "folder_path": self._folder_path(folders, folder_id),
                "resource_directory_id": account.get("ResourceDirectoryId") or data["directory"].get("ResourceDirectoryId") or "",
                "alibabacloud_ram_assume_role": self._assume_role(account_id),
            }
            host_vars.update({name: _text(value) for name, value in passthrough.items() if value})
            self.inventory.add_host(host_name)
            for name, value in host_vars.items():
                self.inventory.set_variable(host_name, name, value)
            self._set_composite_vars(self.get_option("compose"), host_vars, host_name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, host_name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, host_name, strict=strict)
