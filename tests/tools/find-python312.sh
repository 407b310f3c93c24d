#!/usr/bin/env bash
# Print the path of a working Python 3.12 interpreter, or fail with a clear message.
# Order: $PYTHON (if set), python3.12 on PATH (pyenv shims count only if they really run 3.12),
# then /root/.pyenv/versions/3.12*/bin/python3 (newest first).
set -euo pipefail

is_312() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
if [[ -n "${PYTHON:-}" ]]; then
    candidates+=("${PYTHON}")
fi
if command -v python3.12 >/dev/null 2>&1; then
    candidates+=("$(command -v python3.12)")
fi
shopt -s nullglob
pyenv_pythons=(/root/.pyenv/versions/3.12*/bin/python3)
if (( ${#pyenv_pythons[@]} )); then
    while IFS= read -r path; do
        candidates+=("${path}")
    done < <(printf '%s\n' "${pyenv_pythons[@]}" | sort -rV)
fi

for candidate in "${candidates[@]}"; do
    if is_312 "${candidate}"; then
        # Resolve pyenv shims to the real interpreter so the venv does not depend on pyenv's selection.
        "${candidate}" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

echo "find-python312: no Python 3.12 found (tried: \$PYTHON, python3.12 on PATH, /root/.pyenv/versions/3.12*/bin/python3)." >&2
echo "find-python312: install Python 3.12 or set PYTHON=/path/to/python3.12." >&2
exit 1
