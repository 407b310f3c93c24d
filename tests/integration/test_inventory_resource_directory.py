# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.resource_directory through ``ansible-inventory --list`` against an emulator with 1,000 members."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ram_emulator.pytest_plugin import start_emulator, stop_emulator

REPO_ROOT = Path(__file__).resolve().parents[2]
# The same collection path the integration harness (conftest.py) links this checkout into.
COLLECTIONS_PATH = REPO_ROOT / "build" / "collections"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"
MEMBERS = 1000
CENTRAL = {"access_key_id": "LTAI4EmuCentral0000000001", "access_key_secret": "EmuCentralSecret00000000000000001"}
# Accounts beyond the generated members: display names that need sanitising or clash, and a non-active status.
EXTRA_ACCOUNTS = [
    {"name": "web-a", "account_id": "3000000000000001", "access_key_id": "LTAI4WebA", "access_key_secret": "WebASecret",
     "display_name": "Web Shop (EU)", "folder": "Production"},
    {"name": "web-b", "account_id": "3000000000000002", "access_key_id": "LTAI4WebB", "access_key_secret": "WebBSecret",
     "display_name": "Web Shop [EU]", "folder": "Regulated"},
    {"name": "pending", "account_id": "3000000000000003", "access_key_id": "LTAI4Pending", "access_key_secret": "PendingSecret",
     "display_name": "sandbox-pending", "status": "CreateVerifying"},
]
ACTIVE = 3 + MEMBERS + 2  # dev, staging, prod + generated + the two web accounts (central is the management account)


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Any:
    accounts_file = tmp_path_factory.mktemp("rd") / "accounts.yml"
    accounts_file.write_text(yaml.safe_dump({"members": MEMBERS, "accounts": EXTRA_ACCOUNTS}))
    process, control = start_emulator("--accounts", str(accounts_file))
    try:
        yield control
    finally:
        stop_emulator(process)


@pytest.fixture
def rd(directory) -> Any:
    directory.reset()
    return directory


def unwrap(value: Any) -> Any:
    """ansible-inventory marks inventory values unsafe ({"__ansible_unsafe": ...}); the tests want the plain values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def run_inventory(tmp_path: Path, emulator, config: dict[str, Any], *, credentials: dict[str, str] | None = None,
                  extra_env: dict[str, str] | None = None, name: str = "accounts.resource_directory.yml") -> tuple[subprocess.CompletedProcess, dict]:
    source = tmp_path / name
    source.write_text(yaml.safe_dump({"plugin": "alibabacloud.ram.resource_directory", "endpoint": emulator.url,
                                      **(CENTRAL if credentials is None else credentials), **config}))
    env = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH), "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
                "ANSIBLE_NOCOLOR": "1", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", **(extra_env or {})})
    completed = subprocess.run([str(ANSIBLE_INVENTORY), "-i", str(source), "--list"], capture_output=True, text=True, env=env,
                               cwd=tmp_path, timeout=300, check=False)
    listing = unwrap(json.loads(completed.stdout)) if completed.returncode == 0 else {}
    return completed, listing


def hosts_of(listing: dict) -> dict[str, dict]:
    return listing["_meta"]["hostvars"]


def test_thousand_members_paged(rd, tmp_path):
    completed, listing = run_inventory(tmp_path, rd, {})
    assert completed.returncode == 0, completed.stderr
    hosts = hosts_of(listing)
    assert len(hosts) == ACTIVE
    # Default host names are account ids; the management account and the account still being created are left out.
    assert "1000000000000001" not in hosts and "3000000000000003" not in hosts
    member = hosts["2000000000000777"]
    assert member["account_id"] == "2000000000000777" and member["account_display_name"] == "member-0777"
    assert member["alibabacloud_ram_assume_role"] == {"role_arn": "acs:ram::2000000000000777:role/ResourceDirectoryAccountAccessRole"}
    assert member["account_status"] == "CreateSuccess" and member["folder_id"].startswith(("fd-", "r-"))
    assert hosts["1000000000000004"]["folder_name"] == "Production"
    assert hosts["3000000000000002"]["folder_path"] == "Root/Production/Regulated"
    total_in_directory = 4 + MEMBERS + len(EXTRA_ACCOUNTS)
    operations = rd.counters("central")["by_operation"]
    assert operations["ListAccounts"]["reads"] == math.ceil(total_in_directory / 100)
    assert operations["GetResourceDirectory"]["reads"] == 1
    # One ListFoldersForParent per folder of the tree (Root, Production, Regulated, Development).
    assert operations["ListFoldersForParent"]["reads"] == 4
    assert rd.counters()["sts"] == 0 and rd.counters()["writes"] == 0
    # The inventory's own credentials are nowhere in the output.
    assert CENTRAL["access_key_secret"] not in completed.stdout and CENTRAL["access_key_id"] not in completed.stdout


def test_folder_filter_with_and_without_sub_folders(rd, tmp_path):
    _completed, listing = run_inventory(tmp_path, rd, {"folder_ids": ["fd-EmuProd001"]})
    folders = {host["folder_name"] for host in hosts_of(listing).values()}
    assert folders == {"Production", "Regulated"}
    # prod, web-a, web-b and half of the generated members (1, 5, 9... in Production; 2, 6, 10... in Regulated).
    assert len(hosts_of(listing)) == 1 + 2 + MEMBERS // 2
    _completed, listing = run_inventory(tmp_path, rd, {"folder_ids": ["fd-EmuProd001"], "include_sub_folders": False})
    assert {host["folder_name"] for host in hosts_of(listing).values()} == {"Production"}
    assert len(hosts_of(listing)) == 1 + 1 + MEMBERS // 4
    completed, _listing = run_inventory(tmp_path, rd, {"folder_ids": ["fd-Missing"]})
    assert completed.returncode != 0 and "fd-Missing" in completed.stderr


def test_status_include_exclude_and_management(rd, tmp_path):
    _completed, listing = run_inventory(tmp_path, rd, {"statuses": ["CreateVerifying"]})
    assert list(hosts_of(listing)) == ["3000000000000003"]
    _completed, listing = run_inventory(tmp_path, rd, {"include": ["member-00??", "web*", "1000000000000002"], "exclude": ["*-0001", "*[[]eu]*"]})
    names = sorted(host["account_display_name"] for host in hosts_of(listing).values())
    # member-0000 does not exist; member-0001 excluded by id-or-name pattern; "Web Shop [EU]" excluded, "(EU)" kept.
    assert names == ["Web Shop (EU)", "dev"] + [f"member-{index:04d}" for index in range(2, 100)]
    _completed, listing = run_inventory(tmp_path, rd, {"include_management_account": True, "include": ["central"]})
    assert list(hosts_of(listing)) == ["1000000000000001"]


def test_display_name_host_names_and_passthrough(rd, tmp_path):
    config = {"hostname_source": "display_name", "include": ["Web*", "dev"], "member_role_name": "Deployer", "session_name": "inv",
              "external_id": "ext-1", "member_ram_endpoint": rd.url, "member_sts_endpoint": rd.url}
    _completed, listing = run_inventory(tmp_path, rd, config)
    hosts = hosts_of(listing)
    # "Web Shop (EU)" and "Web Shop [EU]" both sanitise to Web_Shop_EU: both get their account id appended.
    assert sorted(hosts) == ["Web_Shop_EU_3000000000000001", "Web_Shop_EU_3000000000000002", "dev"]
    assert hosts["dev"]["alibabacloud_ram_assume_role"] == {"role_arn": "acs:ram::1000000000000002:role/Deployer", "session_name": "inv",
                                                            "external_id": "ext-1"}
    assert hosts["dev"]["alibabacloud_ram_endpoint"] == rd.url and hosts["dev"]["alibabacloud_ram_sts_endpoint"] == rd.url


def test_keyed_groups_compose_and_groups(rd, tmp_path):
    config = {
        "include": ["dev", "staging", "prod", "Web*"],
        "keyed_groups": [{"key": "folder_name", "prefix": "folder"}, {"key": "account_type", "prefix": "type"}],
        "compose": {"ansible_host": "account_display_name", "short_id": "account_id[-4:]"},
        "groups": {"regulated": "'Regulated' in folder_path", "dev_like": "account_display_name in ['dev', 'staging']"},
    }
    _completed, listing = run_inventory(tmp_path, rd, config)
    assert sorted(listing["folder_Development"]["hosts"]) == ["1000000000000002", "1000000000000003"]
    assert sorted(listing["folder_Production"]["hosts"]) == ["1000000000000004", "3000000000000001"]
    assert listing["regulated"]["hosts"] == ["3000000000000002"]
    assert sorted(listing["dev_like"]["hosts"]) == ["1000000000000002", "1000000000000003"]
    assert sorted(listing["type_CloudAccount"]["hosts"]) == ["3000000000000001", "3000000000000002"]
    hosts = hosts_of(listing)
    assert hosts["1000000000000004"]["ansible_host"] == "prod" and hosts["1000000000000004"]["short_id"] == "0004"


def test_strict_compose_error_fails(rd, tmp_path):
    completed, _listing = run_inventory(tmp_path, rd, {"include": ["dev"], "strict": True, "compose": {"broken": "no_such_var.x"}})
    assert completed.returncode != 0


def test_cache_serves_second_run_without_api_calls(rd, tmp_path):
    cache_dir = tmp_path / "cache"
    config = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir), "cache_timeout": 600,
              "include": ["dev", "prod"]}
    completed, first = run_inventory(tmp_path, rd, config)
    assert completed.returncode == 0, completed.stderr
    calls_after_first = rd.counters("central")["reads"]
    assert calls_after_first > 0
    completed, second = run_inventory(tmp_path, rd, config)
    assert completed.returncode == 0, completed.stderr
    assert second == first
    assert rd.counters("central")["reads"] == calls_after_first
    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert "2000000000000500" in cached  # the whole directory is cached; filters apply on every run
    assert CENTRAL["access_key_secret"] not in cached and CENTRAL["access_key_id"] not in cached
    # --flush-cache goes back to the API.
    source = tmp_path / "accounts.resource_directory.yml"
    env = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
    env["ANSIBLE_COLLECTIONS_PATH"] = str(COLLECTIONS_PATH)
    subprocess.run([str(ANSIBLE_INVENTORY), "-i", str(source), "--list", "--flush-cache"], capture_output=True, env=env, cwd=tmp_path,
                   timeout=300, check=True)
    assert rd.counters("central")["reads"] > calls_after_first


def test_member_account_and_bad_credentials_fail_clearly(rd, tmp_path):
    dev = rd.account("dev")
    completed, _listing = run_inventory(tmp_path, rd, {}, credentials={"access_key_id": dev.access_key_id, "access_key_secret": dev.access_key_secret})
    assert completed.returncode != 0
    assert "NoPermission.ResourceDirectory.MemberAccount" in completed.stderr
    assert dev.access_key_secret not in completed.stderr + completed.stdout
    completed, _listing = run_inventory(tmp_path, rd, {}, credentials={"access_key_id": "LTAI4Nobody", "access_key_secret": "NobodySecret"})
    assert "InvalidAccessKeyId.NotFound" in completed.stderr and "NobodySecret" not in completed.stderr


def test_credentials_from_environment_and_assume_role(rd, tmp_path):
    # The management account reads the directory through a role it assumes in itself is not modelled; assume a member's
    # role instead and expect the member error, which proves the assumed credentials were used for the listing.
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": CENTRAL["access_key_id"], "ALIBABA_CLOUD_ACCESS_KEY_SECRET": CENTRAL["access_key_secret"]}
    completed, listing = run_inventory(tmp_path, rd, {"include": ["dev"]}, credentials={}, extra_env=env)
    assert completed.returncode == 0, completed.stderr
    assert list(hosts_of(listing)) == ["1000000000000002"]
    config = {"sts_endpoint": rd.url, "assume_role": {"role_arn": "acs:ram::1000000000000002:role/ResourceDirectoryAccountAccessRole"}}
    completed, _listing = run_inventory(tmp_path, rd, config)
    assert "NoPermission.ResourceDirectory.MemberAccount" in completed.stderr
    assert rd.counters("dev")["sts"] == 1
