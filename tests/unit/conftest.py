"""Shared unit-test fixtures: connection options for an emulator account and a fast retry policy."""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import RetryPolicy

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK ignores NO_PROXY: any proxy variable would send emulator traffic away from 127.0.0.1.
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """The production policy shape with tiny delays, so retry tests take milliseconds, seeded for repeatability."""
    return RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, rng=random.Random(7))


@pytest.fixture
def connection(emulator: Any) -> Callable[..., dict[str, Any]]:
    """connection("dev", **extra) -> module-style connection options with that account's keys."""

    def build(account: str | None = "central", **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"endpoint": f"http://{emulator.endpoint}", "sts_endpoint": f"http://{emulator.endpoint}"}
        if account is not None:
            keys = emulator.account(account)
            params.update(access_key_id=keys.access_key_id, access_key_secret=keys.access_key_secret)
        params.update(extra)
        return params

    return build
