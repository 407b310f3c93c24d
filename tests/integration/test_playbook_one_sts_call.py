# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbook alibabacloud.ram.cr_oss_access makes one AssumeRole per account and run, and never shows the session.

Three member accounts reached by assume_role from the central account: converge, no-op rerun and --check each cost
exactly one STS call per account (the emulator's counters), every RAM call of a member signs with the session's
temporary keys (the emulator's log), and neither -vvvv output, a callback, the fact cache nor the temporary
directories hold the central secret or a session's secret or token.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
MEMBERS = ("dev", "staging", "prod")
ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
ASSUME_TASK = "Assume the access role of this account once; every RAM task of the account uses the session"


def member_inventory(emulator, hosts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    central = emulator.account("central")
    return {
        "all": {
            "vars": {
                "alibabacloud_ram_endpoint": emulator.url,
                "alibabacloud_ram_sts_endpoint": emulator.url,
                "alibabacloud_ram_access_key_id": central.access_key_id,
                "alibabacloud_ram_access_key_secret": central.access_key_secret,
                "cr_oss_access_buckets": ["{{ inventory_hostname }}-images"],
            },
            "hosts": hosts,
        }
    }


def assume_role_from_central(emulator, name: str) -> dict[str, Any]:
    account_id = emulator.account(name).account_id
    return {"alibabacloud_ram_assume_role": {"role_arn": f"acs:ram::{account_id}:role/ResourceDirectoryAccountAccessRole",
                                             "session_name": "one-sts-call"}}


class CollectionPlaybook:
    """Runs the collection's playbook as users do, plus a last play that exports each session for the assertions.

    Every run gets its own fact cache (jsonfile) and temporary directories, so the test can look for secrets in
    everything Ansible wrote to disk.
    """

    def __init__(self, playbook, inventory: dict[str, Any]) -> None:
        self.harness = playbook
        self.workdir: Path = playbook.workdir
        self.inventory = self.workdir / "inventory.yml"
        self.inventory.write_text(yaml.safe_dump(inventory))
        self.runs = 0

    def run(self, *args: str) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
        """Returns the completed process, the directory of everything the run wrote, and its exported sessions."""
        self.runs += 1
        written = self.workdir / f"written{self.runs}"
        exported = self.workdir / f"sessions{self.runs}"
        exported.mkdir(parents=True)
        wrapper = self.workdir / f"wrapper{self.runs}.yml"
        wrapper.write_text(yaml.safe_dump([
            {"name": "The collection's playbook", "ansible.builtin.import_playbook": "alibabacloud.ram.cr_oss_access"},
            {
                "name": "Export the sessions for the test (the registered variable lives on for the run's later plays)",
                "hosts": "all",
                "connection": "local",
                "gather_facts": False,
                "tasks": [{
                    "name": "Export this account's session",
                    "no_log": True,
                    "check_mode": False,  # --check runs need their sessions exported too
                    "when": "alibabacloud_ram_session.security_token is defined",
                    "ansible.builtin.copy": {
                        "dest": f"{exported}/{{{{ inventory_hostname }}}}.json",
                        "content": "{{ {'secret': alibabacloud_ram_session.access_key_secret,"
                                   " 'token': alibabacloud_ram_session.security_token} | to_json }}",
                        "mode": "0600",
                    },
                }],
            },
        ], sort_keys=False))
        environment = self.harness.environment({
            "RESULT_RECORDER_FILE": str(written / "callback.jsonl"),
            # A persistent fact cache, as AWX or a team's ansible.cfg may have it: the session must never land in it.
            "ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile",
            "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(written / "facts"),
            "ANSIBLE_LOCAL_TEMP": str(written / "local_tmp"),
            "ANSIBLE_REMOTE_TEMP": str(written / "remote_tmp"),
            "ANSIBLE_LOG_PATH": str(written / "ansible.log"),
        })
        written.mkdir()
        completed = subprocess.run([str(ANSIBLE_PLAYBOOK), "-i", str(self.inventory), str(wrapper), *args], cwd=self.workdir,
                                   env=environment, capture_output=True, text=True, timeout=600, check=False)
        return completed, written, exported


def counters_by_account(emulator, accounts: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {account: emulator.counters(account) for account in accounts}


def assume_role_calls(counters: dict[str, Any]) -> int:
    return counters["by_operation"].get("AssumeRole", {}).get("sts", 0)


def secrets_of_run(exported: Path, accounts: tuple[str, ...]) -> list[str]:
    values = []
    for account in accounts:
        session = json.loads((exported / f"{account}.json").read_text())
        assert len(session["secret"]) > 20 and len(session["token"]) > 20
        values += [session["secret"], session["token"]]
    return values


def files_under(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def assert_nowhere(secrets: list[str], completed: subprocess.CompletedProcess[str], written: Path) -> None:
    files = files_under(written)
    # Proof that the places searched were really used by the run, so the search below can find something.
    # The jsonfile cache writes an entry for every host of the run (s1_<host>), whatever it caches.
    cached = {path.name for path in files if path.parent.name == "facts"}
    assert {f"s1_{account}" for account in MEMBERS} <= cached, f"the fact cache was not used: {sorted(cached)}"
    assert (written / "callback.jsonl").stat().st_size > 0 and (written / "ansible.log").stat().st_size > 0
    contents = {path: path.read_bytes().decode("utf-8", "replace") for path in files}
    for secret in secrets:
        assert secret not in completed.stdout and secret not in completed.stderr
        leaked = [str(path) for path, text in contents.items() if secret in text]
        assert not leaked, f"a secret was written to {leaked}"


def test_one_assume_role_per_account_per_run_and_no_secret_at_vvvv(playbook, emulator):
    inventory = member_inventory(emulator, {name: assume_role_from_central(emulator, name) for name in MEMBERS})
    runner = CollectionPlaybook(playbook, inventory)
    central_secret = emulator.account("central").access_key_secret

    for label, args, changes_expected in (("converge", (), True), ("rerun", (), False), ("check", ("--check", "--diff"), False)):
        before = counters_by_account(emulator, MEMBERS)
        log_length = len(emulator.log())
        completed, written, exported = runner.run("-vvvv", *args)
        assert completed.returncode == 0, f"{label}: {completed.stdout[-4000:]}{completed.stderr[-2000:]}"
        after = counters_by_account(emulator, MEMBERS)

        for account in MEMBERS:
            assert after[account]["sts"] - before[account]["sts"] == 1, f"{label}: {account}: {after[account]}"
            assert assume_role_calls(after[account]) - assume_role_calls(before[account]) == 1
            assert after[account]["reads"] > before[account]["reads"], f"{label}: {account} was not read"
            status = "changed" if changes_expected else "unchanged"
            assert f"{account}: {status} (state present" in completed.stdout, f"{label}: {completed.stdout[-3000:]}"
        if label == "check":
            assert all(after[account]["writes"] == before[account]["writes"] for account in MEMBERS)
        assert emulator.counters("central")["sts"] == 0, "AssumeRole counts against the member whose role is assumed"

        # Every RAM call a member saw this run was signed with temporary keys: no task assumed the role itself
        # (that would show up as more AssumeRole calls) and none used the central keys directly.
        ram_calls = [entry for entry in emulator.log()[log_length:] if entry["account_name"] in MEMBERS and entry["action"] != "AssumeRole"]
        assert ram_calls and all(entry["access_key_id"].startswith("STS.") for entry in ram_calls)

        assert_nowhere([central_secret, *secrets_of_run(exported, MEMBERS)], completed, written)

    state = {account: emulator.state(account) for account in MEMBERS}
    assert all(ROLE in state[account]["roles"] for account in MEMBERS)


def test_failed_assume_role_is_recorded_and_the_other_accounts_go_on(playbook, emulator):
    """staging's role ARN names a role that does not exist, prod is reached with its own keys (no STS call)."""
    prod = emulator.account("prod")
    hosts = {
        "dev": assume_role_from_central(emulator, "dev"),
        "staging": {"alibabacloud_ram_assume_role": {
            "role_arn": f"acs:ram::{emulator.account('staging').account_id}:role/NoSuchAccessRole"}},
        "prod": {"alibabacloud_ram_access_key_id": prod.access_key_id, "alibabacloud_ram_access_key_secret": prod.access_key_secret},
    }
    runner = CollectionPlaybook(playbook, member_inventory(emulator, hosts))

    for args in (("--check",), ()):
        before = counters_by_account(emulator, MEMBERS)
        completed, written, _exported = runner.run(*args)
        after = counters_by_account(emulator, MEMBERS)
        assert completed.returncode != 0
        assert "cr_oss_access failed in: staging" in completed.stdout
        # The summary line, as the debug callback prints it (JSON, so its quotes are escaped): the failure message
        # reached the rescue although the task is no_log.
        assert f'staging: FAILED in \\"{ASSUME_TASK}\\": AssumeRole failed: EntityNotExist.Role' in completed.stdout
        assert "dev: would change" in completed.stdout if args else "dev: changed" in completed.stdout
        assert "prod: would change" in completed.stdout if args else "prod: changed" in completed.stdout
        # One failed attempt at staging (nothing retried on a 404), then no RAM call there at all.
        assert after["staging"]["sts"] - before["staging"]["sts"] == 1
        assert after["staging"]["reads"] == before["staging"]["reads"]
        assert after["dev"]["sts"] - before["dev"]["sts"] == 1
        assert after["prod"]["sts"] == before["prod"]["sts"] == 0
        assert_nowhere([emulator.account("central").access_key_secret, prod.access_key_secret], completed, written)

    assert ROLE in emulator.state("dev")["roles"] and ROLE in emulator.state("prod")["roles"]
    assert ROLE not in emulator.state("staging")["roles"]
