"""Shared pytest configuration: the emulator fixtures (emulator_server, emulator) for every test suite."""

from __future__ import annotations

pytest_plugins = ["ram_emulator.pytest_plugin"]
