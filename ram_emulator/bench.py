"""Throughput benchmark: signed GetRole from 1, 8 and 32 concurrent SDK clients (``python -m ram_emulator.bench``).

It prints a table and never fails on speed. Clients and server share the machine, so besides the observed rate it
reports the emulator's own CPU time per request (from /proc) and the rate one core of it could serve.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

from .control import EmulatorControl
from .pytest_plugin import start_emulator, stop_emulator

ROLE = "ResourceDirectoryAccountAccessRole"


def _process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a local process, or None where /proc is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(control: EmulatorControl, clients: int, seconds: float) -> tuple[int, list[float], int]:
    from alibabacloud_ram20150501 import models
    from alibabacloud_ram20150501.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    dev = control.account("dev")
    latencies: list[list[float]] = [[] for _client in range(clients)]
    failures = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        client = Client(open_api_models.Config(access_key_id=dev.access_key_id, access_key_secret=dev.access_key_secret,
                                               endpoint=control.endpoint, protocol="http"))
        request = models.GetRoleRequest(role_name=ROLE)
        client.get_role(request)  # open the keep-alive connection before timing
        start_gate.wait()
        while time.monotonic() < deadline[0]:
            began = time.monotonic()
            try:
                client.get_role(request)
            except Exception:  # noqa: BLE001 - a benchmark counts failures instead of stopping
                failures[index] += 1
                continue
            latencies[index].append(time.monotonic() - began)

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds + 0.5  # generous until everyone is at the gate
    start_gate.wait()
    deadline[0] = time.monotonic() + seconds
    for thread in threads:
        thread.join()
    merged = [value for per_client in latencies for value in per_client]
    return len(merged), merged, sum(failures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ram_emulator.bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per concurrency level")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated concurrency levels")
    parser.add_argument("--url", default=os.environ.get("RAM_EMULATOR_URL"), help="use a running emulator instead of starting one")
    options = parser.parse_args(argv)
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        # The SDK honours proxy variables but not NO_PROXY: local traffic must not go through a proxy.
        os.environ.pop(variable, None)

    process = None
    if options.url:
        control = EmulatorControl(options.url)
    else:
        process, control = start_emulator()
    server_pid = process.pid if process is not None else None
    print(f"emulator {control.url}, GetRole signed with ACS3-HMAC-SHA256, {options.seconds:g} s per level, {os.cpu_count()} CPUs")
    print(f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'server CPU ms/req':>17} {'req/s per server core':>21}")
    try:
        for clients in (int(value) for value in options.clients.split(",")):
            control.reset()
            cpu_before = _process_cpu_seconds(server_pid) if server_pid else None
            count, latencies, errors = _run(control, clients, options.seconds)
            cpu_after = _process_cpu_seconds(server_pid) if server_pid else None
            rate = count / options.seconds
            p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
            p95 = statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) >= 20 else float("nan")
            if cpu_before is not None and cpu_after is not None and count:
                # Includes the warm-up request of every client, which the count leaves out: slightly pessimistic.
                per_request = (cpu_after - cpu_before) / (count + clients)
                cpu_text, core_rate = f"{per_request * 1000:.3f}", f"{1 / per_request:,.0f}" if per_request else "n/a"
            else:
                cpu_text, core_rate = "n/a", "n/a"
            print(f"{clients:>7} {count:>9} {rate:>8,.0f} {p50:>7.2f} {p95:>7.2f} {errors:>6} {cpu_text:>17} {core_rate:>21}")
    finally:
        if process is not None:
            stop_emulator(process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
