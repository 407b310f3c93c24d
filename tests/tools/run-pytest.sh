#!/usr/bin/env bash
# Run each pytest suite given as an argument (a directory under tests/) in its own pytest process.
# A suite whose directory holds no tests (pytest exit code 5) is reported and skipped; any other
# non-zero exit code fails the run. With REQUIRE_TESTS=1 (the default) the run also fails when no
# suite executed a single test, so an empty tree cannot pass silently.
# Expects: PYTEST (the pytest command), run from the repository root.
set -euo pipefail

: "${PYTEST:?PYTEST must name the pytest command}"
: "${REQUIRE_TESTS:=1}"

ran=0
failed=()
summary=()
for suite in "$@"; do
    if [[ ! -d "${suite}" ]]; then
        summary+=("${suite}: no directory")
        continue
    fi
    printf '\n---- pytest %s ----\n' "${suite}"
    start=${SECONDS}
    set +e
    ${PYTEST} "${suite}"
    rc=$?
    set -e
    elapsed=$(( SECONDS - start ))
    case ${rc} in
        0) ran=1; summary+=("${suite}: passed (${elapsed}s)") ;;
        5) summary+=("${suite}: no tests collected (${elapsed}s)") ;;
        *) ran=1; failed+=("${suite}"); summary+=("${suite}: FAILED, pytest exit code ${rc} (${elapsed}s)") ;;
    esac
done

printf '\n---- pytest summary ----\n'
printf '%s\n' "${summary[@]}"
if (( ${#failed[@]} )); then
    echo "pytest: failing suites: ${failed[*]}" >&2
    exit 1
fi
if (( REQUIRE_TESTS && ! ran )); then
    echo "pytest: no suite collected any test; nothing was tested (set REQUIRE_TESTS=0 to allow this)." >&2
    exit 1
fi
