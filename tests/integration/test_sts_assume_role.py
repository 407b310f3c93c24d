# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.sts_assume_role: one AssumeRole per account and run, and the session never printed."""

from __future__ import annotations

import json

DEV_ID = "1000000000000002"
DEV_ROLE_ARN = f"acs:ram::{DEV_ID}:role/ResourceDirectoryAccountAccessRole"
TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}


def endpoints(emulator) -> dict[str, str]:
    return {"endpoint": emulator.url, "sts_endpoint": emulator.url}


def session_defaults(emulator) -> dict[str, dict[str, str]]:
    """Block-level module_defaults for the group replace the play's entry as a whole (Ansible merges the
    module_defaults dictionaries by key), so the endpoint is repeated and no assume_role is inherited."""
    return {"group/alibabacloud.ram.ram": {
        **endpoints(emulator),
        "access_key_id": "{{ alibabacloud_ram_session.access_key_id }}",
        "access_key_secret": "{{ alibabacloud_ram_session.access_key_secret }}",
        "security_token": "{{ alibabacloud_ram_session.security_token }}",
    }}


def assume_task(emulator, source: str = "central", role_arn: str = DEV_ROLE_ARN, **role) -> dict:
    keys = emulator.account(source)
    return {
        "name": "assume",
        "alibabacloud.ram.sts_assume_role": {
            "access_key_id": keys.access_key_id,
            "access_key_secret": keys.access_key_secret,
            "assume_role": {"role_arn": role_arn, "session_name": "one-call", **role},
        },
        "register": "alibabacloud_ram_session",
    }


def five_ram_tasks() -> list[dict]:
    return [
        {"name": "read access role", "alibabacloud.ram.role_info": {"name": "ResourceDirectoryAccountAccessRole"}},
        {"name": "create role", "alibabacloud.ram.role": {"name": "session-made", "assume_role_policy_document": TRUST}},
        {"name": "create role again", "alibabacloud.ram.role": {"name": "session-made", "assume_role_policy_document": TRUST}},
        {"name": "list roles", "alibabacloud.ram.role_info": {}},
        {"name": "system policy", "alibabacloud.ram.policy_info": {"name": "AdministratorAccess", "policy_type": "System"}},
    ]


def test_five_tasks_one_assume_role_and_no_secret_at_vvvv(playbook, emulator, tmp_path):
    token_file = tmp_path / "token"
    tasks = [
        assume_task(emulator),
        {"name": "session tasks", "module_defaults": session_defaults(emulator), "block": five_ram_tasks()},
        # Only to learn the secret values for the assertions below; hidden itself.
        {"name": "keep secrets for the test", "no_log": True, "ansible.builtin.copy": {
            "dest": str(token_file),
            "content": "{{ [alibabacloud_ram_session.access_key_secret, alibabacloud_ram_session.security_token] | to_json }}"}},
    ]
    run = playbook.run(tasks, account=None, module_defaults=endpoints(emulator), verbosity=4)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]

    counters = emulator.counters()
    assert counters["sts"] == 1
    assert counters["by_operation"]["AssumeRole"]["sts"] == 1
    dev = emulator.counters("dev")
    assert dev["sts"] == 1 and dev["reads"] >= 5 and dev["writes"] == 1
    assert "session-made" in emulator.state("dev")["roles"]
    assert "session-made" not in emulator.state("central")["roles"]

    assume = run.task("assume")
    assert assume.status == "ok" and not assume.changed
    assert run.task("create role").changed and not run.task("create role again").changed

    secret, token = json.loads(token_file.read_text())
    assert len(secret) > 20 and token.startswith("CAIS")
    results_file = next(tmp_path.glob("run*/results.jsonl")).read_text()
    for value in (secret, token, emulator.account("central").access_key_secret):
        assert value not in run.stdout and value not in run.stderr
        # Callbacks (AWX job events, logs) get the censored result too.
        assert value not in results_file
    assert "censored" in json.dumps(assume.result) or "hidden" in json.dumps(assume.result)


def test_per_task_assume_role_costs_one_sts_call_per_task(playbook, emulator):
    """The baseline the action plugin removes: five tasks with assume_role make five AssumeRole calls."""
    keys = emulator.account("central")
    defaults = {**endpoints(emulator), "access_key_id": keys.access_key_id, "access_key_secret": keys.access_key_secret,
                "assume_role": {"role_arn": DEV_ROLE_ARN}}
    run = playbook.run(five_ram_tasks(), account=None, module_defaults=defaults)
    assert run.rc == 0, run.stdout[-3000:]
    assert emulator.counters("dev")["sts"] == 5


def test_session_result_fields(playbook, emulator):
    tasks = [
        assume_task(emulator, duration_seconds=900),
        {"name": "public fields", "ansible.builtin.set_fact": {"public": {
            "key_id": "{{ alibabacloud_ram_session.access_key_id }}", "arn": "{{ alibabacloud_ram_session.arn }}",
            "account_id": "{{ alibabacloud_ram_session.account_id }}", "expiration": "{{ alibabacloud_ram_session.expiration }}"}}},
    ]
    run = playbook.run(tasks, account=None, module_defaults=endpoints(emulator))
    assert run.rc == 0, run.stdout[-3000:]
    public = run.task("public fields").result["ansible_facts"]["public"]
    assert public["key_id"].startswith("STS.")
    assert public["arn"] == f"acs:ram::{DEV_ID}:assumed-role/resourcedirectoryaccountaccessrole/one-call"
    assert public["account_id"] == DEV_ID
    assert public["expiration"].endswith("Z")


def test_check_mode_still_assumes_and_reads(playbook, emulator):
    tasks = [assume_task(emulator),
             {"name": "session tasks", "module_defaults": session_defaults(emulator),
              "block": [{"name": "would create", "alibabacloud.ram.role": {"name": "check-only", "assume_role_policy_document": TRUST}}]}]
    run = playbook.run(tasks, account=None, module_defaults=endpoints(emulator), check=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert run.task("would create").changed
    assert emulator.counters("dev")["sts"] == 1 and emulator.counters("dev")["writes"] == 0


def test_trust_refusal_is_reported_without_secrets(playbook, emulator):
    # dev's access role trusts central only: staging's keys are refused.
    run = playbook.run([assume_task(emulator, source="staging")], account=None, module_defaults=endpoints(emulator))
    assert run.rc != 0
    failed = run.task("assume")
    assert failed.failed
    assert failed.result["error_code"] == "NoPermission" and failed.result["operation"] == "AssumeRole"
    assert emulator.account("staging").access_key_secret not in run.stdout + json.dumps(failed.result)


def test_option_errors_fail_before_any_call(playbook, emulator):
    bad_arn = assume_task(emulator, role_arn="not-an-arn")
    no_role = {"name": "no role", "alibabacloud.ram.sts_assume_role": {"access_key_id": "LTAI4x", "access_key_secret": "TopSecretValue1"}}
    run = playbook.run([bad_arn], account=None, module_defaults=endpoints(emulator))
    assert "role_arn must look like" in run.task("assume").result["msg"]
    run = playbook.run([no_role], account=None, module_defaults=endpoints(emulator))
    result = run.task("no role").result
    assert run.task("no role").failed and "assume_role" in result["msg"]
    assert "TopSecretValue1" not in run.stdout + json.dumps(result)
    assert emulator.counters()["sts"] == 0
