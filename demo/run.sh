#!/usr/bin/env bash
# One-command demo of alibabacloud.ram.cr_oss_access against the local RAM + STS emulator:
#   dry run (--check --diff, proven write-free by the emulator's counters) -> apply -> rerun (must change nothing)
#   -> summary. Three member accounts (dev, staging, prod) reached by assume_role from the central account.
#
# Expects the virtualenv at .venv (make demo creates it first); VENV=/path overrides. Never prints a secret:
# the keys live in demo/inventory.yml (emulator-only keys) and no command here echoes them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
ANSIBLE_PLAYBOOK="$VENV/bin/ansible-playbook"
INVENTORY="$ROOT/demo/inventory.yml"
ACCOUNTS=(dev staging prod)

if [[ ! -x "$PY" || ! -x "$ANSIBLE_PLAYBOOK" ]]; then
    echo "demo: no virtualenv with ansible-core at $VENV (run 'make venv' first)" >&2
    exit 1
fi

# Only ever talk to the emulator on 127.0.0.1: no proxy, no cloud metadata, no ~/.aliyun profile.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
export ANSIBLE_RETRY_FILES_ENABLED=False
export ANSIBLE_LOCALHOST_WARNING=False
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

# The collection, importable as alibabacloud.ram from this checkout.
mkdir -p "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/alibabacloud"
ln -sfn "$ROOT" "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/alibabacloud/ram"

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/cr-oss-access-demo.XXXXXX")"
EMULATOR_PID=""
cleanup() {
    if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        echo "demo: emulator (pid $EMULATOR_PID) stopped"
    fi
    rm -rf "$WORKDIR"
}
trap cleanup EXIT

banner() { printf '\n======== %s ========\n' "$*"; }

banner "start the RAM + STS emulator (default demo accounts, free port)"
"$PY" -m ram_emulator --host 127.0.0.1 --port 0 >"$WORKDIR/emulator.out" 2>"$WORKDIR/emulator.err" &
EMULATOR_PID=$!
URL=""
for _ in $(seq 1 100); do
    URL="$(sed -n 's/^ram_emulator listening on \(http:\/\/[0-9.:]*\)$/\1/p' "$WORKDIR/emulator.out")"
    [[ -n "$URL" ]] && break
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
        echo "demo: the emulator exited:" >&2
        cat "$WORKDIR/emulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$URL" ]]; then
    echo "demo: the emulator did not report its address within 10 s" >&2
    exit 1
fi
echo "emulator: $URL (pid $EMULATOR_PID)"

# Independent reads of the emulator's control API (never through the collection under demonstration).
report() {
    "$PY" "$ROOT/demo/report.py" "$URL" "$@"
}

playbook() {
    local log="$1"
    shift
    # tee keeps the output visible; PIPESTATUS keeps the playbook's exit status.
    "$ANSIBLE_PLAYBOOK" alibabacloud.ram.cr_oss_access -i "$INVENTORY" \
        -e "alibabacloud_ram_endpoint=$URL" -e "alibabacloud_ram_sts_endpoint=$URL" "$@" | tee "$WORKDIR/$log"
    return "${PIPESTATUS[0]}"
}

# The PLAY RECAP line of one host: "dev : ok=9 changed=0 ..." -> the number after changed=.
recap_changed() {
    awk -v host="$1" '$1 == host && $2 == ":" { for (i = 3; i <= NF; i++) if ($i ~ /^changed=/) { sub(/^changed=/, "", $i); print $i } }' \
        "$WORKDIR/$2"
}

banner "1/3 dry run: --check --diff (nothing may be written)"
playbook check.log --check --diff
for account in "${ACCOUNTS[@]}"; do
    writes="$(report writes "$account")"
    echo "emulator counters, $account: writes=$writes"
    if [[ "$writes" != 0 ]]; then
        echo "demo: FAILED: the dry run wrote $writes time(s) to $account" >&2
        exit 1
    fi
done
for account in "${ACCOUNTS[@]}"; do
    if [[ "$(recap_changed "$account" check.log)" == 0 ]]; then
        echo "demo: FAILED: the dry run reported nothing to change in the empty account $account" >&2
        exit 1
    fi
done

banner "2/3 apply"
playbook apply.log

banner "3/3 apply again: nothing may be left to change"
playbook rerun.log
for account in "${ACCOUNTS[@]}"; do
    changed="$(recap_changed "$account" rerun.log)"
    echo "second run, $account: changed=${changed:-?}"
    if [[ "$changed" != 0 ]]; then
        echo "demo: FAILED: the second run changed $account (changed=${changed:-?})" >&2
        exit 1
    fi
done

banner "summary: what the emulator holds now (its state dump and counters, not the collection's view)"
report summary "${ACCOUNTS[@]}"
echo
echo "demo: OK: dry run wrote nothing, apply converged ${#ACCOUNTS[@]} accounts, second run changed nothing"
