"""Command line: ``python -m ram_emulator --host 127.0.0.1 --port 0 [--accounts FILE] [--latency-ms N]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .accounts import DEFAULT_ACCOUNTS, load_accounts_file
from .server import Emulator, base_url, make_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ram_emulator", description="Local Alibaba Cloud RAM + STS emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--accounts", help="YAML or JSON file that extends or replaces the default accounts")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every API request")
    options = parser.parse_args(argv)

    accounts = load_accounts_file(options.accounts) if options.accounts else list(DEFAULT_ACCOUNTS)
    server = make_server(Emulator(accounts, latency_ms=options.latency_ms), options.host, options.port)

    def stop(signum: int, frame: object) -> None:
        # shutdown() waits for serve_forever to return, so it must run off the main thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Tests read this first line to learn the port: keep its form exactly.
    print(f"ram_emulator listening on {base_url(server)}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
