"""pytest fixtures: ``emulator_server`` (one emulator process per session) and ``emulator`` (reset per test)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .control import EmulatorControl

_BANNER = "ram_emulator listening on "


def start_emulator(*extra_args: str, timeout: float = 15.0) -> tuple[subprocess.Popen[str], EmulatorControl]:
    """Start ``python -m ram_emulator --port 0`` and return the process and a control client for it."""
    environment = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, environment.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "ram_emulator", "--host", "127.0.0.1", "--port", "0", *extra_args],
        stdout=subprocess.PIPE, text=True, env=environment,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith(_BANNER):
        process.kill()
        raise RuntimeError(f"the emulator did not start (first line {line!r}, exit code {process.poll()})")
    return process, EmulatorControl(line[len(_BANNER):], timeout=timeout)


def stop_emulator(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorControl]:
    """One emulator for the whole session; RAM_EMULATOR_URL reuses one that is already running."""
    existing = os.environ.get("RAM_EMULATOR_URL")
    if existing:
        yield EmulatorControl(existing)
        return
    process, control = start_emulator()
    try:
        yield control
    finally:
        stop_emulator(process)


@pytest.fixture
def emulator(emulator_server: EmulatorControl) -> EmulatorControl:
    """The session's emulator, reset to its configured accounts (state, counters, log, faults, reformat)."""
    emulator_server.reset()
    return emulator_server
