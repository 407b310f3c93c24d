"""Read the emulator's control API for demo/run.sh, independently of the collection.

    python demo/report.py URL writes ACCOUNT     -> the number of write calls the account has seen
    python demo/report.py URL summary ACCOUNT... -> one block per account: role, trust, attachments, policy, calls
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any

ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
POLICY = "AliyunContainerRegistryCustomizedOSSBucketRolePolicy"


def get(url: str, route: str) -> Any:
    with urllib.request.urlopen(f"{url}/_emulator/{route}", timeout=10) as response:  # noqa: S310 - local emulator
        return json.load(response)


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def summary(url: str, account: str) -> list[str]:
    state = get(url, f"state?account={account}")
    counters = get(url, f"counters?account={account}")
    lines = [f"{account} ({state['account_id']})"]
    role = next((value for name, value in state["roles"].items() if name.lower() == ROLE.lower()), None)
    if role is None:
        lines.append(f"  role    {ROLE}: absent")
    else:
        trust = json.loads(role["AssumeRolePolicyDocument"])
        principals = sorted({p for s in trust["Statement"] for v in s.get("Principal", {}).values() for p in as_list(v)})
        attached = [policy["PolicyName"] for policy in role["Policies"]]
        lines.append(f"  role    {role['Arn']}")
        lines.append(f"          trusted by {', '.join(principals)}; attached: {', '.join(attached) or 'nothing'}")
    policy = state["policies"].get(POLICY)
    if policy is None:
        lines.append(f"  policy  {POLICY}: absent")
    else:
        document = json.loads(policy["Versions"][policy["DefaultVersion"]]["PolicyDocument"])
        buckets = sorted(
            {
                resource.removeprefix("acs:oss:*:*:").removesuffix("/*")
                for statement in document["Statement"]
                for resource in as_list(statement["Resource"])
                if resource.startswith("acs:oss:*:*:") and not resource.startswith("acs:oss:*:*:*")
            }
        )
        lines.append(f"  policy  {POLICY} {policy['DefaultVersion']} ({len(policy['Versions'])} version(s))")
        lines.append(f"          buckets: {', '.join(buckets)}")
    lines.append(f"  calls   reads={counters['reads']} writes={counters['writes']} sts={counters['sts']}")
    return lines


def main(argv: list[str]) -> int:
    url, command, *accounts = argv
    if command == "writes":
        print(get(url, f"counters?account={accounts[0]}")["writes"])
    elif command == "summary":
        for account in accounts:
            print("\n".join(summary(url, account)))
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
