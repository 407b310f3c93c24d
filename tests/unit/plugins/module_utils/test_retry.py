"""Retry policy: the schedule (pure, seeded) and real retries against the emulator's injected faults."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi
from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import RetryPolicy, is_retryable

TRUST = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]})


class Transient(Exception):
    def __init__(self, retry_after_ms: int | None = None, retryable: bool = True) -> None:
        super().__init__("transient")
        self.retryable = retryable
        self.retry_after_ms = retry_after_ms


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def failing_then(result: Any, failures: list[Exception]):
    attempts: list[int] = []

    def call(number: int) -> Any:
        attempts.append(number)
        if failures:
            raise failures.pop(0)
        return result

    return call, attempts


@pytest.mark.parametrize(
    ("code", "status", "transport", "expected"),
    [
        ("Throttling", 400, False, True),
        ("Throttling.User", 400, False, True),
        ("Throttling.Api", 400, False, True),
        ("ServiceUnavailable", 503, False, True),
        ("InternalError", 500, False, True),
        ("SomethingNew", 502, False, True),
        (None, None, True, True),
        ("EntityNotExist.Role", 404, False, False),
        ("EntityAlreadyExists.Role", 409, False, False),
        ("SignatureDoesNotMatch", 400, False, False),
        ("NoPermission", 403, False, False),
    ],
)
def test_which_failures_are_retried(code: str | None, status: int | None, transport: bool, expected: bool) -> None:
    assert is_retryable(code, status, transport) is expected


def test_schedule_is_full_jitter_exponential_and_capped() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=8, base_delay=0.2, max_delay=1.0, time_budget=100, rng=random.Random(42), sleep=clock.sleep, clock=clock)
    call, attempts = failing_then("done", [Transient() for _attempt in range(7)])
    assert policy.run(call) == "done"
    assert attempts == list(range(1, 9))
    ceilings = [min(1.0, 0.2 * 2**index) for index in range(7)]
    assert all(0 <= slept <= ceiling for slept, ceiling in zip(clock.sleeps, ceilings, strict=True))
    # Same seed, same schedule: the jitter is reproducible and not constant.
    expected_rng = random.Random(42)
    assert clock.sleeps == [expected_rng.uniform(0, ceiling) for ceiling in ceilings]
    assert len(set(clock.sleeps)) == len(clock.sleeps)


def test_retry_after_is_a_lower_bound() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02, rng=random.Random(1), sleep=clock.sleep, clock=clock)
    call, _attempts = failing_then("ok", [Transient(retry_after_ms=750), Transient(retry_after_ms=None)])
    assert policy.run(call) == "ok"
    assert clock.sleeps[0] == pytest.approx(0.75)
    assert clock.sleeps[1] <= 0.02


def test_gives_up_after_max_attempts_and_records_them() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=3, rng=random.Random(3), sleep=clock.sleep, clock=clock)
    call, attempts = failing_then("never", [Transient() for _attempt in range(10)])
    with pytest.raises(Transient) as caught:
        policy.run(call)
    assert attempts == [1, 2, 3]
    assert caught.value.attempts == 3
    assert len(clock.sleeps) == 2


def test_gives_up_when_the_time_budget_would_be_exceeded() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=10, time_budget=2.0, rng=random.Random(3), sleep=clock.sleep, clock=clock)
    call, attempts = failing_then("never", [Transient(retry_after_ms=900) for _attempt in range(10)])
    with pytest.raises(Transient):
        policy.run(call)
    # 0.9 s per wait: two waits fit in 2 s, a third would not.
    assert len(clock.sleeps) == 2 and len(attempts) == 3
    assert clock.now <= 2.0


def test_permanent_errors_are_not_retried() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=5, sleep=clock.sleep, clock=clock)
    call, attempts = failing_then("x", [Transient(retryable=False)])
    with pytest.raises(Transient):
        policy.run(call)
    assert attempts == [1] and clock.sleeps == []


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


# ---------------------------------------------------------------------------------------------------- emulator


def reads_of(emulator: Any, operation: str, account: str = "central") -> int:
    return emulator.counters(account)["by_operation"].get(operation, {}).get("reads", 0)


def writes_of(emulator: Any, operation: str, account: str = "central") -> int:
    return emulator.counters(account)["by_operation"].get(operation, {}).get("writes", 0)


@pytest.mark.parametrize("retry_after_ms", [None, 30])
def test_throttled_then_success(emulator: Any, connection, fast_retry: RetryPolicy, retry_after_ms: int | None) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    api.create_role("throttled-role", TRUST)
    emulator.add_fault(kind="throttle", account="central", operation="GetRole", count=2, retry_after_ms=retry_after_ms)
    role = api.get_role("throttled-role")
    assert role is not None and role["RoleName"] == "throttled-role"
    assert api.calls.count("GetRole") == 3
    assert reads_of(emulator, "GetRole") == 3


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_then_success(emulator: Any, connection, fast_retry: RetryPolicy, status: int) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    emulator.add_fault(kind="server_error", account="central", operation="ListRoles", count=1, status=status)
    assert isinstance(api.list_roles(), list)
    assert reads_of(emulator, "ListRoles") == 2


def test_dropped_connection_then_success(emulator: Any, connection, fast_retry: RetryPolicy) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    emulator.add_fault(kind="drop", account="central", operation="GetRole", count=2)
    assert api.get_role("absent-role") is None
    assert api.calls == ["GetRole"] * 3
    assert reads_of(emulator, "GetRole") == 3


def test_gives_up_with_an_error_naming_operation_and_code(emulator: Any, connection) -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)
    api = RamApi.from_params(connection("central"), retry_policy=policy, environ={})
    emulator.add_fault(kind="throttle", account="central", operation="GetRole", count=10)
    with pytest.raises(RamError) as caught:
        api.get_role("whatever")
    error = caught.value
    assert error.operation == "GetRole" and error.code.startswith("Throttling")
    assert error.attempts == 3 and error.retryable
    assert str(error).startswith(f"GetRole failed: {error.code}: ")
    assert "gave up after 3 attempts" in str(error)
    assert reads_of(emulator, "GetRole") == 3


def test_max_attempts_option_bounds_the_default_policy(emulator: Any, connection) -> None:
    api = RamApi.from_params(connection("central", max_attempts=2), environ={})
    assert api.retry_policy.max_attempts == 2
    emulator.add_fault(kind="server_error", account="central", operation="GetRole", count=5, status=503)
    with pytest.raises(RamError) as caught:
        api.get_role("whatever")
    assert caught.value.code == "ServiceUnavailable" and caught.value.status_code == 503
    assert reads_of(emulator, "GetRole") == 2


@pytest.mark.parametrize("kind", ["role", "policy"])
def test_create_whose_reply_was_lost_reads_the_resource_back(emulator: Any, connection, fast_retry: RetryPolicy, kind: str) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    operation = "CreateRole" if kind == "role" else "CreatePolicy"
    emulator.add_fault(kind="drop", account="central", operation=operation, count=1, after=True)
    if kind == "role":
        created = api.create_role("lost-reply-role", TRUST, description="made once")
        assert created["RoleName"] == "lost-reply-role" and created["Description"] == "made once"
        assert api.calls == ["CreateRole", "CreateRole", "GetRole"]
    else:
        document = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]})
        created = api.create_policy("lost-reply-policy", document)
        assert created["PolicyName"] == "lost-reply-policy"
        assert api.calls == ["CreatePolicy", "CreatePolicy", "GetPolicy"]
    # Both attempts reached the emulator; only the first one created anything.
    assert writes_of(emulator, operation) == 2
    stored = emulator.state("central")["roles" if kind == "role" else "policies"]
    assert f"lost-reply-{kind}" in stored


def test_already_exists_on_the_first_attempt_is_a_real_conflict(emulator: Any, connection, fast_retry: RetryPolicy) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    api.create_role("conflict-role", TRUST)
    with pytest.raises(RamError) as caught:
        api.create_role("conflict-role", TRUST)
    assert caught.value.code == "EntityAlreadyExists.Role"
    assert caught.value.attempts == 1


def test_policy_version_whose_reply_was_lost_is_not_created_twice(emulator: Any, connection, fast_retry: RetryPolicy) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    first = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
    second = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:PutObject", "Resource": "*"}]}
    api.create_policy("lost-version-policy", json.dumps(first))
    emulator.add_fault(kind="drop", account="central", operation="CreatePolicyVersion", count=1, after=True)
    created = api.create_policy_version("lost-version-policy", json.dumps(second), set_as_default=True)
    assert created["VersionId"] == "v2" and created["IsDefaultVersion"] is True
    # The retry looked for the lost attempt's version instead of sending CreatePolicyVersion again.
    assert api.calls == ["CreatePolicy", "CreatePolicyVersion", "ListPolicyVersions"]
    assert writes_of(emulator, "CreatePolicyVersion") == 1
    versions = api.list_policy_versions("lost-version-policy")
    assert sorted(version["VersionId"] for version in versions) == ["v1", "v2"]


def test_policy_version_retry_creates_when_the_lost_attempt_did_nothing(emulator: Any, connection, fast_retry: RetryPolicy) -> None:
    api = RamApi.from_params(connection("central"), retry_policy=fast_retry, environ={})
    first = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
    second = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:PutObject", "Resource": "*"}]}
    api.create_policy("dropped-version-policy", json.dumps(first))
    emulator.add_fault(kind="drop", account="central", operation="CreatePolicyVersion", count=1)
    created = api.create_policy_version("dropped-version-policy", json.dumps(second), set_as_default=True)
    assert created["VersionId"] == "v2"
    assert api.calls == ["CreatePolicy", "CreatePolicyVersion", "ListPolicyVersions", "CreatePolicyVersion"]
