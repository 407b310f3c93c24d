# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-cutting behaviour of role + policy + policy_attachment together, on the Container Registry job.

The three steps of the Container Registry guide (role trusting cr.aliyuncs.com, the OSS bucket policy, the
attachment) must converge when a third of the calls are throttled, when a run is cut off half-way, and when two
runs race on one account; and no secret may reach the output, even at -vvvv and on failures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.models import Config as CredentialsConfig
from test_role import ACCOUNT, CR_ROLE, CR_TRUST

from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import documents_equal

POLICY = "AliyunContainerRegistryCustomizedOSSBucketRolePolicy"
BUCKET = "it-registry-bucket"
CR_POLICY_DOCUMENT = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "oss:GetObject", "oss:PutObject", "oss:DeleteObject", "oss:ListParts", "oss:AbortMultipartUpload",
                "oss:InitiateMultipartUpload", "oss:CompleteMultipartUpload", "oss:DeleteMultipleObjects",
                "oss:ListMultipartUploads", "oss:ListObjects",
            ],
            "Resource": [f"acs:oss:*:*:{BUCKET}", f"acs:oss:*:*:{BUCKET}/*"],
        },
        {
            "Effect": "Allow",
            "Action": [
                "oss:PutBucket", "oss:GetBucket", "oss:GetBucketLocation", "oss:PutBucketEncryption", "oss:GetBucketEncryption",
                "oss:PutBucketAcl", "oss:GetBucketAcl", "oss:PutBucketLogging", "oss:GetBucketReferer", "oss:PutBucketReferer",
                "oss:GetBucketLogging",
            ],
            "Resource": [f"acs:oss:*:*:{BUCKET}", f"acs:oss:*:*:{BUCKET}/*"],
        },
        {"Effect": "Allow", "Action": "oss:ListBuckets", "Resource": ["acs:oss:*:*:*", "acs:oss:*:*:*/*"]},
        {"Effect": "Allow", "Action": ["vpc:DescribeVpcs"], "Resource": "acs:vpc:*:*:vpc/*"},
        {"Effect": "Allow", "Action": ["cms:QueryMetricLast", "cms:QueryMetricList"], "Resource": "*"},
    ],
}
STEP_ROLE = {
    "name": "step 1: role Container Registry assumes",
    "alibabacloud.ram.role": {"name": CR_ROLE, "description": "Container Registry custom OSS bucket", "trusted_services": ["cr.aliyuncs.com"]},
}
STEP_POLICY = {
    "name": "step 2: OSS bucket policy",
    "alibabacloud.ram.policy": {"name": POLICY, "description": "OSS access for Container Registry", "policy_document": CR_POLICY_DOCUMENT},
}
STEP_ATTACH = {
    "name": "step 2: attach the policy to the role",
    "alibabacloud.ram.policy_attachment": {"policy_name": POLICY, "policy_type": "Custom", "role_name": CR_ROLE},
}
STEP_TRUST = {
    "name": "step 3: trust policy",
    "alibabacloud.ram.role": {"name": CR_ROLE, "assume_role_policy_document": CR_TRUST},
}
CR_STEPS = [STEP_ROLE, STEP_POLICY, STEP_ATTACH, STEP_TRUST]
MODULES = ("role", "policy", "policy_attachment")

pytestmark = pytest.mark.skipif(
    not all((Path(__file__).resolve().parents[2] / "plugins" / "modules" / f"{module}.py").exists() for module in MODULES),
    reason="needs the role, policy and policy_attachment modules",
)


def assert_converged(emulator, account: str = ACCOUNT) -> None:
    """The account holds exactly what the three steps declare, read from the emulator's own state."""
    state = emulator.state(account)
    role = next(role for name, role in state["roles"].items() if name.lower() == CR_ROLE.lower())
    assert documents_equal(role["AssumeRolePolicyDocument"], CR_TRUST)
    assert role["Description"] == "Container Registry custom OSS bucket"
    assert [(policy["PolicyType"], policy["PolicyName"]) for policy in role["Policies"]] == [("Custom", POLICY)]
    policy = state["policies"][POLICY]
    assert documents_equal(policy["Versions"][policy["DefaultVersion"]]["PolicyDocument"], CR_POLICY_DOCUMENT)
    assert [(entity["Kind"], entity["Name"].lower()) for entity in policy["AttachedTo"]] == [("role", CR_ROLE.lower())]


def assert_all_ok(run, unchanged: bool = False) -> None:
    assert run.rc == 0, f"{run.stdout}\n{run.stderr}"
    assert [task.task for task in run.tasks] == [step["name"] for step in CR_STEPS]
    if unchanged:
        assert not any(task.changed for task in run.tasks), [task.result for task in run.tasks if task.changed]


def test_converges_with_a_third_of_the_calls_throttled(playbook):
    emulator = playbook.emulator
    # Seeded, so a failure reproduces; the faults hit RAM calls of this account only.
    emulator.add_fault(kind="throttle", ratio=0.3, seed=20260105, account=ACCOUNT)
    first = playbook.run(CR_STEPS)
    assert_all_ok(first)
    assert any(task.changed for task in first.tasks)
    assert_converged(emulator)
    throttled = [entry for entry in emulator.log() if entry["fault"] == "throttle"]
    assert throttled, "the fault never fired: the test proved nothing"

    # Still throttled, the rerun finds nothing to do and writes nothing.
    writes_before = emulator.counters(ACCOUNT)["writes"]
    second = playbook.run(CR_STEPS)
    assert_all_ok(second, unchanged=True)
    assert emulator.counters(ACCOUNT)["writes"] == writes_before
    assert_converged(emulator)


def test_run_stopped_after_step_one_converges_on_rerun(playbook):
    partial = playbook.run([STEP_ROLE])
    assert partial.rc == 0 and partial.last.changed
    full = playbook.run(CR_STEPS)
    assert_all_ok(full)
    changed = [task.task for task in full.tasks if task.changed]
    assert changed == [STEP_POLICY["name"], STEP_ATTACH["name"]]
    assert_converged(playbook.emulator)
    assert_all_ok(playbook.run(CR_STEPS), unchanged=True)


def test_run_killed_mid_write_converges_on_rerun(playbook):
    """Kill ansible-playbook while CreatePolicy is in flight (the emulator completes it: a lost reply)."""
    emulator = playbook.emulator
    emulator.add_fault(kind="latency", latency_ms=4000, operation="CreatePolicy", count=1, account=ACCOUNT)
    run_dir = playbook.workdir / "killed"
    run_dir.mkdir()
    defaults = playbook.connection(ACCOUNT)
    play = {"name": "killed", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "module_defaults": {"group/alibabacloud.ram.ram": defaults}, "tasks": CR_STEPS}
    (run_dir / "playbook.yml").write_text(yaml.safe_dump([play], sort_keys=False))
    results = run_dir / "results.jsonl"
    ansible_playbook = Path(sys.executable).parent / "ansible-playbook"
    process = subprocess.Popen(
        [str(ansible_playbook), "-i", "localhost,", "playbook.yml"],
        cwd=run_dir, env=playbook.environment({"RESULT_RECORDER_FILE": str(results)}),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        # Wait until CreatePolicy has reached the emulator (it then sleeps 4 s before answering).
        while not any(entry["action"] == "CreatePolicy" for entry in emulator.log()):
            assert process.poll() is None, "the playbook ended before CreatePolicy was sent"
            assert time.monotonic() < deadline, "CreatePolicy never arrived"
            time.sleep(0.1)
    finally:
        # Only the process group this test started.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    recorded = [json.loads(line)["task"] for line in results.read_text().splitlines()] if results.exists() else []
    assert recorded == [STEP_ROLE["name"]], f"the run was not cut off inside step 2: {recorded}"

    time.sleep(4.5)  # let the emulator finish the orphaned CreatePolicy
    rerun = playbook.run(CR_STEPS)
    assert_all_ok(rerun)
    assert_converged(emulator)
    assert_all_ok(playbook.run(CR_STEPS), unchanged=True)


def test_two_runs_at_once_against_one_account(playbook, tmp_path):
    runners = [playbook, type(playbook)(playbook.emulator, tmp_path / "second")]
    (tmp_path / "second").mkdir()
    results: dict[int, Any] = {}

    def run(index: int) -> None:
        results[index] = runners[index].run(CR_STEPS)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert set(results) == {0, 1}
    for result in results.values():
        assert_all_ok(result)
    assert_converged(playbook.emulator)
    assert_all_ok(playbook.run(CR_STEPS), unchanged=True)


def sts_credentials(emulator) -> tuple[str, str, str]:
    """Temporary credentials for dev's ResourceDirectoryAccountAccessRole, assumed from the central account."""
    central = emulator.account("central")
    config = CredentialsConfig(
        type="ram_role_arn",
        access_key_id=central.access_key_id,
        access_key_secret=central.access_key_secret,
        role_arn=f"acs:ram::{emulator.account(ACCOUNT).account_id}:role/resourcedirectoryaccountaccessrole",
        role_session_name="it-secrets",
        sts_endpoint=emulator.url,
    )
    credential = CredentialsClient(config).get_credential()
    return credential.access_key_id, credential.access_key_secret, credential.security_token


def test_no_secret_in_output_at_vvvv(playbook):
    emulator = playbook.emulator
    dev, central = emulator.account(ACCOUNT), emulator.account("central")
    sts_key_id, sts_secret, sts_token = sts_credentials(emulator)
    wrong_secret = "WrongSecretThatMustNotBePrinted0001"
    role_arn = f"acs:ram::{dev.account_id}:role/ResourceDirectoryAccountAccessRole"

    def with_connection(step: dict[str, Any], name: str, connection: dict[str, Any], ignore_errors: bool = False) -> dict[str, Any]:
        module = next(key for key in step if key.startswith("alibabacloud."))
        task = {"name": name, module: {**step[module], **connection}}
        if ignore_errors:
            task["ignore_errors"] = True
        return task

    tasks = [
        *CR_STEPS,
        # Temporary credentials given explicitly.
        with_connection(STEP_ROLE, "explicit sts credentials", {"access_key_id": sts_key_id, "access_key_secret": sts_secret, "security_token": sts_token}),
        # The module assumes the role itself, from the central account's keys.
        with_connection(STEP_ROLE, "assume_role", {"access_key_id": central.access_key_id, "access_key_secret": central.access_key_secret,
                                                   "assume_role": {"role_arn": role_arn}}),
        # A failure: a secret that does not sign.
        with_connection(STEP_ROLE, "wrong secret", {"access_key_secret": wrong_secret}, ignore_errors=True),
    ]
    run = playbook.run(tasks, verbosity=4)
    by_name = {task.task: task for task in run.tasks}
    assert not by_name["explicit sts credentials"].failed
    assert not by_name["assume_role"].failed
    assert by_name["wrong secret"].failed

    # Another failure: a server that keeps failing, with the temporary credentials in use.
    emulator.add_fault(kind="server_error", status=503, operation="GetRole", count=10, account=ACCOUNT)
    failing = playbook.run([with_connection(
        {"alibabacloud.ram.role_info": {"name": CR_ROLE, "max_attempts": 2}}, "server keeps failing",
        {"access_key_id": sts_key_id, "access_key_secret": sts_secret, "security_token": sts_token},
    )], verbosity=4)
    assert failing.last.failed and failing.rc != 0
    assert "ServiceUnavailable" in json.dumps(failing.last.result) or "503" in json.dumps(failing.last.result)

    output = run.stdout + run.stderr + failing.stdout + failing.stderr
    assert "<localhost> ESTABLISH LOCAL CONNECTION" in output, "not really -vvvv"
    for secret in (dev.access_key_secret, central.access_key_secret, sts_secret, sts_token, wrong_secret):
        assert secret not in output
    # Security tokens minted during the run (assume_role) are not known to the test: none may show at all.
    assert "CAIS" not in output
