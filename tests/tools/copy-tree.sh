#!/usr/bin/env bash
# Copy the collection's source files (what git tracks plus new files git does not ignore) into DEST,
# replacing whatever DEST held. Used to give ansible-test a real .../ansible_collections/<ns>/<name>/ path.
# Usage: tests/tools/copy-tree.sh DEST   (run from the repository root)
set -euo pipefail

dest=${1:?usage: copy-tree.sh DEST}
rm -rf "${dest}"
mkdir -p "${dest}"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # --others --exclude-standard: include files not committed yet, so a local run checks the working tree.
    # Files deleted in the working tree but still in the index are skipped by the -e test.
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' path; do [[ -e "${path}" ]] && printf '%s\0' "${path}"; done \
        | tar --null -T - -cf - \
        | tar -xf - -C "${dest}"
else
    tar --exclude=./.venv --exclude=./build --exclude=./.git --exclude='*/__pycache__' -cf - . | tar -xf - -C "${dest}"
fi

# ansible-test lists content through the nearest enclosing git work tree. Without a repository of its own
# the copy would be seen through the checkout's repository, where build/ is ignored, and every target
# would be skipped. An empty repository makes ansible-test list the copy's files (untracked but not ignored).
git -C "${dest}" init -q
