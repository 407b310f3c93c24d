# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment (execution-environment.yml) and a run the way AWX runs a job.

* ``ansible-builder create`` turns the definition into a build context (no container engine here, so no build):
  the Containerfile, the Python requirements, the galaxy requirements and the collection tarball in it, and what
  ansible-builder's own introspection computes from the installed tarball.
* ``ansible_runner`` (the engine AWX and Automation Platform run jobs with) first runs the inventory update of a
  Resource Directory inventory source (``ansible-inventory --list --export`` of the plugin's configuration file), then
  the job: the project's playbook against that inventory, with the central account's keys injected as environment
  variables (what an AWX credential type does), extra vars and the collection path in ``env/``, and AWX's fact
  storage on (jsonfile fact cache under the artifacts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import ansible_runner
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / "build" / "collections"
VENV_BIN = Path(sys.executable).parent
MEMBERS = ("dev", "staging", "prod")
ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
# The emulator's session tokens, like real STS tokens, start with CAIS: any of them in an artifact is a leak.
SESSION_TOKEN = re.compile(r"CAIS[A-Za-z0-9_\-+/=]{16,}")
# The jobs must only ever reach the emulator: runner passes its own environment on, so proxies are blanked.
NO_PROXY_ENVIRONMENT = dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"), "")


def galaxy_version() -> str:
    return yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())["version"]


def requirement_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_tool(*command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                               env={**os.environ, **NO_PROXY_ENVIRONMENT, **(env or {})})
    assert completed.returncode == 0, f"{command}: {completed.stdout[-3000:]}{completed.stderr[-3000:]}"
    return completed


def test_ansible_builder_create_produces_the_build_context(tmp_path):
    definition = yaml.safe_load((REPO_ROOT / "execution-environment.yml").read_text())
    tarball_name = f"alibabacloud-ram-{galaxy_version()}.tar.gz"
    assert definition["version"] == 3
    # The definition names the tarball of the version galaxy.yml builds: a version bump must update both.
    assert definition["additional_build_files"] == [{"src": f"build/dist/{tarball_name}", "dest": "collections"}]

    # The layout the definition expects next to it: requirements.txt and the built tarball under build/dist.
    shutil.copy(REPO_ROOT / "execution-environment.yml", tmp_path)
    shutil.copy(REPO_ROOT / "requirements.txt", tmp_path)
    run_tool(str(VENV_BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(tmp_path / "build" / "dist"),
             str(REPO_ROOT), cwd=tmp_path)
    run_tool(str(VENV_BIN / "ansible-builder"), "create", "--file", "execution-environment.yml", "--context", "context",
             "--output-filename", "Containerfile", cwd=tmp_path)

    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    base_image = definition["images"]["base_image"]["name"]
    assert f'ARG EE_BASE_IMAGE="{base_image}"' in containerfile and "FROM $EE_BASE_IMAGE AS base" in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.12"' in containerfile and 'ARG PYPKG="python3.12"' in containerfile
    install_refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', containerfile, re.M)
    assert install_refs and install_refs.group(1).split() == ["ansible-core>=2.17,<2.22", "ansible-runner>=2.4,<3"]
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "COPY _build /build" in containerfile
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    assert "introspect --user-pip=requirements.txt" in containerfile
    assert 'LABEL ansible-execution-environment=true' in containerfile

    # The Python requirements are the collection's own (the SDK), unchanged.
    assert requirement_lines(context / "_build" / "requirements.txt") == requirement_lines(REPO_ROOT / "requirements.txt")
    assert any(line.startswith("alibabacloud-ram20150501") for line in requirement_lines(context / "_build" / "requirements.txt"))

    # The galaxy stage installs the tarball the context carries, from the path it has in the image (/build = _build).
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert galaxy == {"collections": [{"name": f"/build/collections/{tarball_name}", "type": "file"}]}
    tarball = context / "_build" / "collections" / tarball_name
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        manifest = json.load(archive.extractfile("MANIFEST.json"))["collection_info"]
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == ("alibabacloud", "ram", galaxy_version())
    assert {"playbooks/cr_oss_access.yml", "plugins/action/sts_assume_role.py", "plugins/inventory/resource_directory.py",
            "roles/cr_oss_access/tasks/main.yml", "requirements.txt"} <= names
    assert not any(name.startswith("ram_emulator") for name in names), "the emulator must not ship in the EE"

    # What the builder stage computes: install the tarball as the galaxy stage would, then run ansible-builder's
    # own introspection script from the context over it, with the user requirements, as the Containerfile does.
    installed = tmp_path / "installed"
    run_tool(str(VENV_BIN / "ansible-galaxy"), "collection", "install", "--force", "--offline", "--no-deps", "-p", str(installed), str(tarball),
             cwd=tmp_path)
    combined = tmp_path / "combined-requirements.txt"
    run_tool(sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect", str(installed),
             "--user-pip", str(context / "_build" / "requirements.txt"), "--write-pip", str(combined),
             "--write-bindep", str(tmp_path / "combined-bindep.txt"), cwd=tmp_path)
    pip_lines = combined.read_text()
    for requirement in requirement_lines(REPO_ROOT / "requirements.txt"):
        package = re.split(r"[<>=!~ ]", requirement, maxsplit=1)[0]
        # Found both in the collection's own requirements.txt (introspection) and in the definition's (user).
        for origin in ("alibabacloud.ram", "user"):
            assert re.search(rf"^{re.escape(package)}\S*\s+# from collection {re.escape(origin)}$", pip_lines, re.M), pip_lines
    # No system package is needed: the introspection writes no bindep file when there is nothing to install.
    bindep = tmp_path / "combined-bindep.txt"
    assert not bindep.exists() or bindep.read_text().strip() == ""


def awx_private_data_dir(root: Path, emulator) -> Path:
    """The directories AWX writes for a job: project/ (the project checkout), inventory/, env/."""
    central = emulator.account("central")
    private = root / "private_data_dir"
    (private / "project").mkdir(parents=True)
    (private / "inventory").mkdir()
    (private / "env").mkdir()
    # The project's playbook: AWX needs a playbook file in the project; this one runs the collection's playbook.
    (private / "project" / "cr_oss_access.yml").write_text(yaml.safe_dump(
        [{"name": "Container Registry access in every Resource Directory member", "ansible.builtin.import_playbook": "alibabacloud.ram.cr_oss_access"}],
        sort_keys=False))
    # What a custom credential type injects (the central account's keys) plus the job's environment settings.
    (private / "env" / "envvars").write_text(yaml.safe_dump({
        "ALIBABA_CLOUD_ACCESS_KEY_ID": central.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": central.access_key_secret,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_NOCOLOR": "1",
        **NO_PROXY_ENVIRONMENT,
    }))
    (private / "env" / "extravars").write_text(yaml.safe_dump({"cr_oss_access_buckets": ["{{ inventory_hostname }}-registry-images"]}))
    (private / "env" / "settings").write_text(yaml.safe_dump({"job_timeout": 600, "idle_timeout": 300}))
    return private


def inventory_update(root: Path, emulator) -> dict[str, Any]:
    """AWX's inventory update for a source "Sourced from a Project": ansible-inventory over the plugin configuration."""
    source = root / "source" / "accounts.resource_directory.yml"
    source.parent.mkdir()
    source.write_text(yaml.safe_dump({
        "plugin": "alibabacloud.ram.resource_directory",
        "endpoint": emulator.url,
        "member_ram_endpoint": emulator.url,
        "member_sts_endpoint": emulator.url,
        "hostname_source": "display_name",
        "session_name": "awx-job",
    }))
    central = emulator.account("central")
    out, err, rc = ansible_runner.run_command(
        executable_cmd=str(VENV_BIN / "ansible-inventory"),
        cmdline_args=["-i", str(source), "--list", "--export"],
        private_data_dir=str(root / "inventory_update"),
        quiet=True, timeout=300,
        envvars={"ALIBABA_CLOUD_ACCESS_KEY_ID": central.access_key_id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": central.access_key_secret,
                 "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true", "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                 "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", **NO_PROXY_ENVIRONMENT},
    )
    assert rc == 0, f"{out[-3000:]}{err[-3000:]}"
    return json.loads(out)


def write_inventory_script(private: Path, listing: dict[str, Any]) -> None:
    """AWX hands the imported hosts to the job as an inventory script printing the listing."""
    # Outside inventory/: runner hands that whole directory to ansible-playbook, which would read the data file as
    # a second inventory source.
    data = private / "inventory_data" / "listing.json"
    data.parent.mkdir()
    data.write_text(json.dumps(listing))
    script = private / "inventory" / "hosts"
    script.write_text(f"#!/bin/sh\nexec cat '{data}'\n")
    script.chmod(0o700)


def run_job(private: Path, ident: str) -> ansible_runner.Runner:
    # suppress_env_files as AWX sets it (AWX_RUNNER_OMIT_ENV_FILES): runner writes no env/ files of its own.
    return ansible_runner.run(private_data_dir=str(private), playbook="cr_oss_access.yml", ident=ident, quiet=True,
                              fact_cache_type="jsonfile", suppress_env_files=True, timeout=600)


def per_host_summary(runner: ansible_runner.Runner) -> dict[str, str]:
    lines = {}
    for event in runner.events:
        message = event.get("event_data", {}).get("res", {}).get("msg")
        if event.get("event") == "runner_item_on_ok" and isinstance(message, str) and ": " in message:
            account, _separator, rest = message.partition(": ")
            lines[account] = rest
    return lines


def assert_no_secret(runner: ansible_runner.Runner, accounts: list[str], central_secret: str) -> None:
    artifacts = Path(runner.config.artifact_dir)
    files = [path for path in artifacts.rglob("*") if path.is_file()]
    assert any(path.parent.name == "job_events" for path in files) and (artifacts / "stdout").stat().st_size > 0
    # ansible-runner itself records the command it started and the environment it gave it (the injected keys, the
    # job's input) in artifacts/<ident>/command, readable by its owner only; AWX removes the private data directory
    # after the job. That file is runner's, not the playbook's output, and is the only place allowed to hold them.
    command = artifacts / "command"
    assert command.stat().st_mode & 0o077 == 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        if path != command:
            assert central_secret not in text, f"the central secret is in {path}"
        assert not SESSION_TOKEN.search(text), f"a session token is in {path}"
    # AWX's fact storage: the jsonfile cache holds an entry per account, and never the session.
    cached = {path.name: path.read_text() for path in files if path.parent.name == "fact_cache"}
    assert {f"s1_{account}" for account in accounts} <= set(cached), f"the fact cache was not used: {sorted(cached)}"
    assert not any("alibabacloud_ram_session" in text or "security_token" in text for text in cached.values())


def test_ansible_runner_job_over_the_resource_directory_inventory(tmp_path, emulator):
    listing = inventory_update(tmp_path, emulator)
    hosts = listing["_meta"]["hostvars"]
    assert set(MEMBERS) <= set(hosts) and "central" not in hosts
    private = awx_private_data_dir(tmp_path, emulator)
    write_inventory_script(private, listing)
    central_secret = emulator.account("central").access_key_secret
    accounts = sorted(hosts)

    converge = run_job(private, "converge")
    assert converge.status == "successful" and converge.rc == 0, converge.stdout.read()[-4000:]
    stats = converge.stats
    assert sorted(stats["ok"]) == sorted([*accounts, "localhost"]) and not stats["failures"] and not stats["dark"]
    assert all(stats["changed"].get(account) for account in accounts)
    summary = per_host_summary(converge)
    assert set(summary) == set(accounts)
    assert all(line.startswith("changed (state present; role and trust policy, policy document, attachment") for line in summary.values())
    for account in accounts:
        assert ROLE in emulator.state(account)["roles"]
        assert emulator.counters(account)["sts"] == 1
    assert_no_secret(converge, accounts, central_secret)

    rerun = run_job(private, "rerun")
    assert rerun.status == "successful" and rerun.rc == 0, rerun.stdout.read()[-4000:]
    assert not any(rerun.stats["changed"].get(account) for account in accounts)
    assert all(line.startswith("unchanged (state present") for line in per_host_summary(rerun).values())
    assert all(emulator.counters(account)["sts"] == 2 for account in accounts)
    assert_no_secret(rerun, accounts, central_secret)
