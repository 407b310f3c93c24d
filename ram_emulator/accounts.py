"""Account definitions: the default demo set, generated member accounts and the --accounts file loader."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CENTRAL_ACCOUNT_NAME = "central"
MEMBER_ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"
SERVICE_LINKED_ROLE = "AliyunServiceRoleForResourceDirectory"


@dataclass(frozen=True)
class Account:
    """One emulated Alibaba Cloud account. Its RAM state lives elsewhere and is created on first use."""

    name: str
    account_id: str
    access_key_id: str
    access_key_secret: str = field(repr=False)
    # Account ids whose root may assume this account's ResourceDirectoryAccountAccessRole; empty means the
    # account gets no such role (the central account itself).
    trusted_account_ids: tuple[str, ...] = ()
    # Resource Directory attributes (see resource_directory.py); empty means the derived default.
    display_name: str = ""
    folder: str = ""
    rd_status: str = ""

    def public_view(self) -> dict[str, Any]:
        """What the control API may show: never the secret."""
        return {
            "name": self.name,
            "account_id": self.account_id,
            "access_key_id": self.access_key_id,
            "member": bool(self.trusted_account_ids),
        }


CENTRAL_ACCOUNT_ID = "1000000000000001"

DEFAULT_ACCOUNTS: tuple[Account, ...] = (
    Account("central", CENTRAL_ACCOUNT_ID, "LTAI4EmuCentral0000000001", "EmuCentralSecret00000000000000001"),
    Account("dev", "1000000000000002", "LTAI4EmuDev00000000000002", "EmuDevSecret000000000000000000002", (CENTRAL_ACCOUNT_ID,)),
    Account("staging", "1000000000000003", "LTAI4EmuStaging0000000003", "EmuStagingSecret00000000000000003", (CENTRAL_ACCOUNT_ID,)),
    Account("prod", "1000000000000004", "LTAI4EmuProd0000000000004", "EmuProdSecret0000000000000000004", (CENTRAL_ACCOUNT_ID,)),
)


def member_account(index: int, trusted_account_id: str = CENTRAL_ACCOUNT_ID) -> Account:
    """The generated member account number ``index`` (1-based); its keys follow a documented formula."""
    if not 1 <= index <= 99_999_999:
        raise ValueError(f"member index out of range: {index}")
    return Account(
        name=f"member-{index:04d}",
        account_id=f"2{index:015d}",
        access_key_id=f"LTAI4EmuMember{index:011d}",
        access_key_secret=f"EmuMemberSecret{index:018d}",
        trusted_account_ids=(trusted_account_id,),
    )


class AccountsFileError(ValueError):
    """The --accounts file cannot be used."""


def _account_from_mapping(entry: Any, default_trusted: str) -> Account:
    if not isinstance(entry, dict):
        raise AccountsFileError(f"each account must be a mapping, got {entry!r}")
    required = ("name", "account_id", "access_key_id", "access_key_secret")
    absent = [key for key in required if not entry.get(key)]
    if absent:
        raise AccountsFileError(f"account {entry.get('name', '?')!r} lacks {', '.join(absent)}")
    account_id = str(entry["account_id"])
    if not account_id.isdigit():
        raise AccountsFileError(f"account_id must be digits: {account_id!r}")
    trusted = entry.get("trusts", [default_trusted] if entry.get("member", True) else [])
    if isinstance(trusted, str):
        trusted = [trusted]
    return Account(
        name=str(entry["name"]),
        account_id=account_id,
        access_key_id=str(entry["access_key_id"]),
        access_key_secret=str(entry["access_key_secret"]),
        trusted_account_ids=tuple(str(value) for value in trusted),
        display_name=str(entry.get("display_name") or ""),
        folder=_rd_folder(entry.get("folder")),
        rd_status=_rd_status(entry.get("status")),
    )


def _rd_folder(value: Any) -> str:
    if not value:
        return ""
    from .resource_directory import FOLDER_TREE

    names = [name for name, _folder_id, _parent in FOLDER_TREE]
    if value not in names:
        raise AccountsFileError(f"folder must be one of {', '.join(names)}, got {value!r}")
    return str(value)


def _rd_status(value: Any) -> str:
    if not value:
        return ""
    from .resource_directory import STATUSES

    if value not in STATUSES:
        raise AccountsFileError(f"status must be one of {', '.join(STATUSES)}, got {value!r}")
    return str(value)


def accounts_from_spec(spec: Any) -> list[Account]:
    """Build the account list from a parsed accounts document (see docs/emulator.md for the format)."""
    if isinstance(spec, list):
        spec = {"accounts": spec}
    if not isinstance(spec, dict):
        raise AccountsFileError("the accounts file must hold a mapping or a list of accounts")
    mode = spec.get("mode", "extend")
    if mode not in ("extend", "replace"):
        raise AccountsFileError(f"mode must be 'extend' or 'replace', got {mode!r}")
    accounts: list[Account] = list(DEFAULT_ACCOUNTS) if mode == "extend" else []
    central_id = str(spec.get("central_account_id", CENTRAL_ACCOUNT_ID))
    accounts.extend(_account_from_mapping(entry, central_id) for entry in spec.get("accounts") or [])
    members = int(spec.get("members", 0) or 0)
    if members < 0:
        raise AccountsFileError("members must be zero or more")
    accounts.extend(member_account(index, central_id) for index in range(1, members + 1))
    check_unique(accounts)
    return accounts


def check_unique(accounts: list[Account]) -> None:
    for attribute in ("name", "account_id", "access_key_id"):
        seen: set[str] = set()
        for account in accounts:
            value = getattr(account, attribute)
            if value in seen:
                raise AccountsFileError(f"duplicate {attribute}: {value!r}")
            seen.add(value)


def load_accounts_file(path: str | Path) -> list[Account]:
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        spec = json.loads(text)
    else:
        # Imported lazily: only needed for YAML files, and PyYAML comes with ansible-core anyway.
        import yaml

        spec = yaml.safe_load(text)
    return accounts_from_spec(spec)
