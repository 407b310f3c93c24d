"""ResourceManager 2020-03-31: the read-only Resource Directory operations an account inventory needs.

The directory is derived from the emulator's accounts: its management account is the account most member accounts
trust (the central account by default), its members are the accounts that trust it. Folders form a small fixed tree:

    Root
    +-- Production      (prod; generated members 1, 5, 9, ...)
    |   +-- Regulated   (generated members 2, 6, 10, ...)
    +-- Development     (dev, staging; generated members 3, 7, 11, ...)
    (Root itself holds the management account and generated members 4, 8, 12, ...)

Accounts from an accounts file may name their folder (``folder: Regulated``), display name and status.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .accounts import DEFAULT_ACCOUNTS, Account
from .errors import ApiError, invalid, missing, not_found

RD_VERSION = "2020-03-31"
ROOT_FOLDER_NAME = "Root"
# The real service's id shapes: rd-<10 chars>, r-<6 chars>, fd-<10 chars>.
RESOURCE_DIRECTORY_ID = "rd-Emu0000001"
ROOT_FOLDER_ID = "r-Emu001"
DIRECTORY_CREATED = "2026-01-05T08:00:00.000Z"
# (name, id, parent name)
FOLDER_TREE: tuple[tuple[str, str, str | None], ...] = (
    (ROOT_FOLDER_NAME, ROOT_FOLDER_ID, None),
    ("Production", "fd-EmuProd001", ROOT_FOLDER_NAME),
    ("Regulated", "fd-EmuRegu001", "Production"),
    ("Development", "fd-EmuDevl001", ROOT_FOLDER_NAME),
)
_DEFAULT_FOLDERS = {"prod": "Production", "dev": "Development", "staging": "Development"}
_GENERATED_FOLDERS = ("Production", "Regulated", "Development", ROOT_FOLDER_NAME)
STATUSES = (
    "CreateSuccess", "CreateVerifying", "CreateFailed", "CreateExpired", "CreateCancelled",
    "PromoteVerifying", "PromoteFailed", "PromoteExpired", "PromoteCancelled", "PromoteSuccess", "InviteSuccess",
)
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10


@dataclass(frozen=True)
class Folder:
    name: str
    folder_id: str
    parent_id: str | None

    def view(self) -> dict[str, Any]:
        return {"FolderId": self.folder_id, "FolderName": self.name, "CreateTime": DIRECTORY_CREATED}


@dataclass(frozen=True)
class Member:
    account: Account
    folder: Folder
    status: str
    account_type: str
    join_method: str
    join_time: str

    def view(self, path: str) -> dict[str, Any]:
        account = self.account
        return {
            "AccountId": account.account_id,
            "AccountName": f"{account.name}@{RESOURCE_DIRECTORY_ID.lower()}.onaliyun.com",
            "DisplayName": account.display_name or account.name,
            "FolderId": self.folder.folder_id,
            "ResourceDirectoryId": RESOURCE_DIRECTORY_ID,
            "ResourceDirectoryPath": path,
            "Status": self.status,
            "Type": self.account_type,
            "JoinMethod": self.join_method,
            "JoinTime": self.join_time,
            "ModifyTime": self.join_time,
        }


def _generated_index(account: Account) -> int | None:
    """Generated members are ``member-NNNN``; their folder follows from the number so they spread evenly."""
    if account.name.startswith("member-") and account.name[7:].isdigit():
        return int(account.name[7:])
    return None


class ResourceDirectory:
    """One Resource Directory over the emulator's accounts, rebuilt when accounts change (reset, run-time adds)."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        accounts = list(accounts)
        self.folders_by_id: dict[str, Folder] = {}
        folders_by_name: dict[str, Folder] = {}
        for name, folder_id, parent_name in FOLDER_TREE:
            folder = Folder(name, folder_id, folders_by_name[parent_name].folder_id if parent_name else None)
            folders_by_name[name] = folder
            self.folders_by_id[folder_id] = folder
        self.root = folders_by_name[ROOT_FOLDER_NAME]
        by_id = {account.account_id: account for account in accounts}
        trusted = Counter(trusted_id for account in accounts for trusted_id in account.trusted_account_ids if trusted_id in by_id)
        self.management: Account | None = by_id[trusted.most_common(1)[0][0]] if trusted else None
        self.members: list[Member] = []
        self.member_ids: set[str] = set()
        if self.management is None:
            return
        default_names = {account.name for account in DEFAULT_ACCOUNTS}
        for position, account in enumerate(accounts):
            is_management = account.account_id == self.management.account_id
            if not is_management and self.management.account_id not in account.trusted_account_ids:
                continue
            generated = _generated_index(account)
            if account.folder:
                folder_name = account.folder
            elif is_management:
                folder_name = ROOT_FOLDER_NAME
            elif generated is not None:
                folder_name = _GENERATED_FOLDERS[(generated - 1) % len(_GENERATED_FOLDERS)]
            else:
                folder_name = _DEFAULT_FOLDERS.get(account.name, ROOT_FOLDER_NAME)
            folder = folders_by_name.get(folder_name)
            if folder is None:
                raise ValueError(f"account {account.name!r}: unknown folder {folder_name!r}")
            # Accounts the directory created are resource accounts; those from a file were invited cloud accounts.
            created = is_management or generated is not None or account.name in default_names
            self.members.append(Member(
                account=account,
                folder=folder,
                status=account.rd_status or "CreateSuccess",
                account_type="ResourceAccount" if created and not is_management else "CloudAccount",
                join_method="created" if created and not is_management else "invited",
                join_time=f"2026-01-{5 + position // 1440:02d}T{(position // 60) % 24:02d}:{position % 60:02d}:00.000Z",
            ))
        self.member_ids = {member.account.account_id for member in self.members}

    # --- helpers -----------------------------------------------------------------------------------------------------
    def path_of(self, folder: Folder) -> str:
        parts = [folder.folder_id]
        while folder.parent_id is not None:
            folder = self.folders_by_id[folder.parent_id]
            parts.append(folder.folder_id)
        return "/".join(reversed(parts))

    def account_view(self, member: Member) -> dict[str, Any]:
        return member.view(f"{self.path_of(member.folder)}/{member.account.account_id}")

    def check_caller(self, account: Account, management_only: bool = True) -> None:
        """Only the management account may read the directory; a member gets the member error, others none at all."""
        if self.management is not None and account.account_id == self.management.account_id:
            return
        if account.account_id in self.member_ids:
            if not management_only:
                return
            raise ApiError(409, "NoPermission.ResourceDirectory.MemberAccount",
                           "ResourceDirectory Member Account is not authorized to perform this operation.")
        raise not_found("EntityNotExists.ResourceDirectory", "The resource directory for the account is not enabled.")

    def folder(self, folder_id: str) -> Folder:
        folder = self.folders_by_id.get(folder_id)
        if folder is None:
            raise not_found("EntityNotExists.Folder", f"The specified folder {folder_id} does not exist.")
        return folder


def _page(params: dict[str, str], items: list[dict[str, Any]], outer: str, inner: str) -> dict[str, Any]:
    page_number = _integer(params, "PageNumber", 1, 1, 1_000_000)
    page_size = _integer(params, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    start = (page_number - 1) * page_size
    return {"PageNumber": page_number, "PageSize": page_size, "TotalCount": len(items), outer: {inner: items[start:start + page_size]}}


def _integer(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be an integer from {low} to {high}.")
    return int(value)


def _keyword_matches(keyword: str | None, *values: str) -> bool:
    # QueryKeyword is a fuzzy match on id or name in the real service; a case-insensitive substring is close enough.
    if not keyword:
        return True
    lowered = keyword.lower()
    return any(lowered in value.lower() or fnmatch.fnmatch(value.lower(), lowered) for value in values)


def _accounts_reply(directory: ResourceDirectory, params: dict[str, str], members: Iterable[Member]) -> dict[str, Any]:
    keyword = params.get("QueryKeyword")
    selected = [directory.account_view(member) for member in members
                if _keyword_matches(keyword, member.account.account_id, member.account.display_name or member.account.name)]
    return _page(params, selected, "Accounts", "Account")


# --- operations: each takes (directory, caller account, params) ----------------------------------------------------------
def get_resource_directory(directory: ResourceDirectory, caller: Account, params: dict[str, str]) -> dict[str, Any]:
    directory.check_caller(caller, management_only=False)
    management = directory.management
    assert management is not None  # check_caller admits nobody without a management account
    return {"ResourceDirectory": {
        "ResourceDirectoryId": RESOURCE_DIRECTORY_ID,
        "RootFolderId": directory.root.folder_id,
        "CreateTime": DIRECTORY_CREATED,
        "MasterAccountId": management.account_id,
        "MasterAccountName": management.display_name or management.name,
        "ControlPolicyStatus": "Disabled",
        "MemberDeletionStatus": "Disabled",
    }}


def _required(params: dict[str, str], name: str) -> str:
    if not params.get(name):
        raise missing(name)
    return params[name]


def list_accounts(directory: ResourceDirectory, caller: Account, params: dict[str, str]) -> dict[str, Any]:
    directory.check_caller(caller)
    return _accounts_reply(directory, params, directory.members)


def list_accounts_for_parent(directory: ResourceDirectory, caller: Account, params: dict[str, str]) -> dict[str, Any]:
    directory.check_caller(caller)
    folder = directory.folder(_required(params, "ParentFolderId"))
    return _accounts_reply(directory, params, (member for member in directory.members if member.folder == folder))


def list_folders_for_parent(directory: ResourceDirectory, caller: Account, params: dict[str, str]) -> dict[str, Any]:
    directory.check_caller(caller)
    # Without ParentFolderId the real service lists the Root folder's children.
    parent = directory.folder(params.get("ParentFolderId") or directory.root.folder_id)
    keyword = params.get("QueryKeyword")
    children = [folder.view() for folder in directory.folders_by_id.values()
                if folder.parent_id == parent.folder_id and _keyword_matches(keyword, folder.folder_id, folder.name)]
    return _page(params, children, "Folders", "Folder")


def get_folder(directory: ResourceDirectory, caller: Account, params: dict[str, str]) -> dict[str, Any]:
    directory.check_caller(caller)
    folder = directory.folder(_required(params, "FolderId"))
    view = folder.view()
    view["ParentFolderId"] = folder.parent_id or ""
    view["ResourceDirectoryPath"] = directory.path_of(folder)
    return {"Folder": view}


OPERATIONS: dict[str, Callable[[ResourceDirectory, Account, dict[str, str]], dict[str, Any]]] = {
    "GetResourceDirectory": get_resource_directory,
    "ListAccounts": list_accounts,
    "ListAccountsForParent": list_accounts_for_parent,
    "ListFoldersForParent": list_folders_for_parent,
    "GetFolder": get_folder,
}


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"unknown Resource Directory account status {status!r}; one of {', '.join(STATUSES)}")
    return status
