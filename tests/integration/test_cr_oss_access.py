# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role alibabacloud.ram.cr_oss_access and the playbook alibabacloud.ram.cr_oss_access against the emulator.

State is read independently from the emulator's state dump; the counters prove that invalid input and check
mode write nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

# The harness (conftest.PlaybookRunner, fixture `playbook`) is not importable as a module here: the test
# directories are not packages. Its ansible-playbook sits next to the running Python, as here.
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
PlaybookRunner = Any

ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
POLICY = "AliyunContainerRegistryCustomizedOSSBucketRolePolicy"
OBJECT_ACTIONS = {
    "oss:GetObject", "oss:PutObject", "oss:DeleteObject", "oss:ListParts", "oss:AbortMultipartUpload",
    "oss:InitiateMultipartUpload", "oss:CompleteMultipartUpload", "oss:DeleteMultipleObjects",
    "oss:ListMultipartUploads", "oss:ListObjects",
}  # fmt: skip
BUCKET_ACTIONS = {
    "oss:PutBucket", "oss:GetBucket", "oss:GetBucketLocation", "oss:PutBucketEncryption", "oss:GetBucketEncryption",
    "oss:PutBucketAcl", "oss:GetBucketAcl", "oss:PutBucketLogging", "oss:GetBucketReferer", "oss:PutBucketReferer",
    "oss:GetBucketLogging",
}  # fmt: skip


def apply_role(**role_vars: Any) -> list[dict[str, Any]]:
    """Tasks that include the role with these variables, then expose its facts to the result recorder."""
    return [
        {"name": "apply", "ansible.builtin.include_role": {"name": "alibabacloud.ram.cr_oss_access"}, "vars": role_vars},
        {"name": "facts", "ansible.builtin.debug": {"msg": {"arn": "{{ cr_oss_access_role_arn }}", "result": "{{ cr_oss_access_result }}"}}},
    ]


def run_role(playbook: PlaybookRunner, emulator, tasks: list[dict[str, Any]], **options: Any):
    """playbook.run with the emulator's URL: the harness's bare host:port would mean HTTPS to the modules."""
    return playbook.run(tasks, module_defaults={"endpoint": emulator.url, "sts_endpoint": emulator.url}, **options)


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def stored_policy(state: dict[str, Any]) -> dict[str, Any]:
    policy = state["policies"][POLICY]
    return json.loads(policy["Versions"][policy["DefaultVersion"]]["PolicyDocument"])


def statements_by_actions(document: dict[str, Any]) -> dict[frozenset[str], set[str]]:
    return {frozenset(as_list(s["Action"])): set(as_list(s["Resource"])) for s in document["Statement"]}


def write_count(emulator, account: str) -> int:
    return emulator.counters(account)["writes"]


@pytest.mark.parametrize(
    ("buckets", "message"),
    [
        (["good-bucket", "Bad_Bucket"], "not a valid OSS bucket name: Bad_Bucket"),
        (["-starts-with-hyphen"], "not a valid OSS bucket name: -starts-with-hyphen"),
        (["ab"], "not a valid OSS bucket name: ab"),
        (["a" * 64], "not a valid OSS bucket name: " + "a" * 64),
        ([], "must name at least one OSS bucket"),
    ],
)
def test_bad_bucket_list_fails_before_any_api_call(playbook: PlaybookRunner, emulator, buckets, message):
    run = run_role(playbook, emulator, apply_role(cr_oss_access_buckets=buckets))
    assert run.rc != 0
    failed = run.task("alibabacloud.ram.cr_oss_access : Check the bucket names before anything runs")
    assert failed.failed
    assert message in failed.result["msg"]
    assert emulator.counters("dev")["reads"] == 0
    assert write_count(emulator, "dev") == 0


def test_argument_specs_reject_unknown_state_before_any_api_call(playbook: PlaybookRunner, emulator):
    run = run_role(playbook, emulator, apply_role(cr_oss_access_buckets=["good-bucket"], cr_oss_access_state="gone"))
    assert run.rc != 0
    assert any(task.failed and "cr_oss_access_state" in json.dumps(task.result) for task in run.tasks)
    assert emulator.counters("dev") == {"reads": 0, "writes": 0, "sts": 0, "by_operation": {}}


def test_four_steps_and_the_generated_document(playbook: PlaybookRunner, emulator):
    buckets = ["images-a", "images-b", "images-a"]
    tasks = apply_role(cr_oss_access_buckets=buckets)

    check = run_role(playbook, emulator, tasks, check=True, diff=True)
    assert check.rc == 0, check.stdout
    result = check.task("facts").result["msg"]["result"]
    assert result["would_change"] == ["role and trust policy", "policy document", "attachment"]
    assert result["changed_steps"] == []
    assert write_count(emulator, "dev") == 0

    apply = run_role(playbook, emulator, tasks)
    assert apply.rc == 0, apply.stdout
    facts = apply.task("facts").result["msg"]
    assert facts["result"]["changed_steps"] == ["role and trust policy", "policy document", "attachment"]
    assert facts["arn"] == "acs:ram::1000000000000002:role/aliyuncontainerregistrycustomizedossbucketrole"
    assert facts["result"]["policy_default_version"] == "v1"
    writes_after_apply = write_count(emulator, "dev")

    state = emulator.state("dev")
    role = state["roles"][ROLE]
    assert json.loads(role["AssumeRolePolicyDocument"])["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "cr.aliyuncs.com"}}
    ]
    assert [policy["PolicyName"] for policy in role["Policies"]] == [POLICY]
    statements = statements_by_actions(stored_policy(state))
    expected_resources = {"acs:oss:*:*:images-a", "acs:oss:*:*:images-a/*", "acs:oss:*:*:images-b", "acs:oss:*:*:images-b/*"}
    assert statements == {
        frozenset(OBJECT_ACTIONS): expected_resources,
        frozenset(BUCKET_ACTIONS): expected_resources,
        frozenset({"oss:ListBuckets"}): {"acs:oss:*:*:*", "acs:oss:*:*:*/*"},
        frozenset({"vpc:DescribeVpcs"}): {"acs:vpc:*:*:vpc/*"},
        frozenset({"cms:QueryMetricLast", "cms:QueryMetricList"}): {"*"},
    }

    recheck = run_role(playbook, emulator, tasks, check=True, diff=True)
    assert recheck.rc == 0
    assert recheck.task("facts").result["msg"]["result"]["would_change"] == []
    again = run_role(playbook, emulator, tasks)
    assert again.rc == 0
    assert not any(task.changed for task in again.tasks)
    assert write_count(emulator, "dev") == writes_after_apply


def test_adding_a_bucket_changes_only_the_policy(playbook: PlaybookRunner, emulator):
    assert run_role(playbook, emulator, apply_role(cr_oss_access_buckets=["images-a"])).rc == 0
    run = run_role(playbook, emulator, apply_role(cr_oss_access_buckets=["images-a", "images-c"]))
    assert run.rc == 0
    assert run.task("facts").result["msg"]["result"]["changed_steps"] == ["policy document"]
    resources = statements_by_actions(stored_policy(emulator.state("dev")))[frozenset(OBJECT_ACTIONS)]
    assert resources == {"acs:oss:*:*:images-a", "acs:oss:*:*:images-a/*", "acs:oss:*:*:images-c", "acs:oss:*:*:images-c/*"}


def test_policy_document_replaces_the_generated_one(playbook: PlaybookRunner, emulator):
    document = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:only/*"}]}
    run = run_role(playbook, emulator, apply_role(cr_oss_access_buckets=["ignored-bucket"], cr_oss_access_policy_document=document))
    assert run.rc == 0, run.stdout
    assert stored_policy(emulator.state("dev")) == document


def test_absent_detaches_then_deletes_policy_then_role(playbook: PlaybookRunner, emulator):
    assert run_role(playbook, emulator, apply_role(cr_oss_access_buckets=["images-a"])).rc == 0
    removal = apply_role(cr_oss_access_buckets=["images-a"], cr_oss_access_state="absent")

    check = run_role(playbook, emulator, removal, check=True)
    assert check.rc == 0
    assert check.task("facts").result["msg"]["result"]["would_change"] == ["attachment", "policy", "role"]
    assert ROLE in emulator.state("dev")["roles"]

    run = run_role(playbook, emulator, removal)
    assert run.rc == 0, run.stdout
    state = emulator.state("dev")
    assert ROLE not in state["roles"] and POLICY not in state["policies"]
    writes = [entry["action"] for entry in emulator.log() if entry["account_name"] == "dev" and entry["status"] == 200]
    removal_calls = [action for action in writes if action in ("DetachPolicyFromRole", "DeletePolicy", "DeleteRole")]
    assert removal_calls == ["DetachPolicyFromRole", "DeletePolicy", "DeleteRole"]

    again = run_role(playbook, emulator, removal)
    assert again.rc == 0
    assert not any(task.changed for task in again.tasks)


def run_collection_playbook(playbook: PlaybookRunner, inventory: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """ansible-playbook alibabacloud.ram.cr_oss_access, as a user runs it, against an inventory of emulator accounts."""
    path = playbook.workdir / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory))
    command = [str(ANSIBLE_PLAYBOOK), "alibabacloud.ram.cr_oss_access", "-i", str(path), *args]
    return subprocess.run(command, cwd=playbook.workdir, env=playbook.environment(), capture_output=True, text=True, timeout=300, check=False)


def member(emulator, name: str, **extra: Any) -> dict[str, Any]:
    central = emulator.account("central")
    return {
        "alibabacloud_ram_access_key_id": central.access_key_id,
        "alibabacloud_ram_access_key_secret": central.access_key_secret,
        "alibabacloud_ram_assume_role": {"role_arn": f"acs:ram::{emulator.account(name).account_id}:role/ResourceDirectoryAccountAccessRole"},
        **extra,
    }


def test_playbook_goes_on_when_one_account_fails_and_reports_it(playbook: PlaybookRunner, emulator):
    inventory = {
        "all": {
            "vars": {
                "alibabacloud_ram_endpoint": emulator.url,
                "alibabacloud_ram_sts_endpoint": emulator.url,
                "cr_oss_access_buckets": ["images-a"],
            },
            "hosts": {
                "dev": member(emulator, "dev"),
                "staging": member(emulator, "staging", alibabacloud_ram_access_key_secret="not-the-secret"),
                "prod": member(emulator, "prod"),
            },
        }
    }
    completed = run_collection_playbook(playbook, inventory)
    output = completed.stdout
    assert completed.returncode != 0
    assert "cr_oss_access failed in: staging" in output
    assert "staging: FAILED in" in output
    assert "dev: changed" in output and "prod: changed" in output
    assert "not-the-secret" not in output and emulator.account("central").access_key_secret not in output
    for account in ("dev", "prod"):
        assert ROLE in emulator.state(account)["roles"]
    assert emulator.state("staging")["roles"].get(ROLE) is None


def test_playbook_dry_run_then_apply_across_accounts(playbook: PlaybookRunner, emulator):
    inventory = {
        "all": {
            "vars": {"alibabacloud_ram_endpoint": emulator.url, "alibabacloud_ram_sts_endpoint": emulator.url},
            "hosts": {
                "dev": member(emulator, "dev", cr_oss_access_buckets=["dev-images"]),
                "prod": member(emulator, "prod", cr_oss_access_buckets=["prod-images"]),
            },
        }
    }
    dry = run_collection_playbook(playbook, inventory, "--check", "--diff")
    assert dry.returncode == 0, dry.stdout
    assert "dev: would change (state present; role and trust policy, policy document, attachment" in dry.stdout
    assert all(emulator.counters(account)["writes"] == 0 for account in ("dev", "prod"))
    assert run_collection_playbook(playbook, inventory).returncode == 0
    second = run_collection_playbook(playbook, inventory)
    assert second.returncode == 0
    assert "dev: unchanged" in second.stdout and "prod: unchanged" in second.stdout
