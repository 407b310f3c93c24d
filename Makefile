# One-command test loop for the alibabacloud.ram collection.
#
#   make test        everything CI runs (.ci/run calls exactly this), with a timing summary
#   make help        list the targets
#
# Nothing needs to be installed by hand: the first target that needs tools creates .venv from
# tests/requirements.txt with Python 3.12 (see tests/tools/find-python312.sh) and reuses it until
# that file changes. Every stage prints a "==== stage ====" header and fails on any finding.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
NAMESPACE := alibabacloud
NAME := ram
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
PY := $(BIN)/python
VENV_STAMP := $(VENV)/.requirements-installed
BUILD := $(ROOT)/build
# build/collections/ansible_collections/alibabacloud/ram -> the checkout (pytest, molecule, ansible-lint runs)
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/$(NAMESPACE)/$(NAME)
# a real copy for ansible-test, which rejects a collection reached through a symlinked cwd
SANITY_ROOT := $(BUILD)/sanity/ansible_collections/$(NAMESPACE)/$(NAME)
DIST := $(BUILD)/dist
INSTALLED := $(BUILD)/installed
EMULATOR_HOST ?= 127.0.0.1
EMULATOR_PORT ?= 8765
# Sanity tests that cannot run here. ansible-test only runs tests that apply to the files present.
SANITY_SKIP ?=
SANITY_ARGS ?=
PYTEST_ARGS ?=

# Tools and the tests must only ever see the emulator, never a proxy or a real endpoint.
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONDONTWRITEBYTECODE := 1
unexport HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy

header = @printf '\n==== %s ====\n' '$(1)'

# The stages of `make test`, in order. Each one is also a target of its own.
TEST_STAGES := lint sanity changelog build pytest molecule

.PHONY: help test venv collection lint ruff ansible-lint sanity changelog build pytest unit emulator-tests \
        integration molecule emulator demo bench bench-emulator clean

help:
	@echo 'make test            all checks CI runs: $(TEST_STAGES)'
	@echo 'make venv            create/update .venv from tests/requirements.txt (Python 3.12)'
	@echo 'make lint            ruff check + ansible-lint (production profile)'
	@echo 'make sanity          ansible-test sanity, offline, on a copy under build/sanity/'
	@echo 'make changelog       antsibull-changelog lint'
	@echo 'make build           build the collection tarball, install it, ansible-doc every module from it'
	@echo 'make pytest          unit + emulator + integration pytest suites'
	@echo 'make unit | emulator-tests | integration   one pytest suite (PYTEST_ARGS="-k x" to filter)'
	@echo 'make molecule        molecule test --all in extensions/ (localhost, delegated driver)'
	@echo 'make emulator        run the RAM/STS emulator in the foreground on $(EMULATOR_HOST):$(EMULATOR_PORT)'
	@echo 'make demo            the demo: emulator, dry run, apply, idempotent rerun on 3 accounts'
	@echo 'make bench           playbook benchmark over N accounts (BENCH_SIZES=10,100); make bench-emulator: emulator req/s'
	@echo 'make clean           remove build/ and caches (keeps .venv)'

# ---------------------------------------------------------------------------------------------- test
# Runs every stage even when an earlier one fails, then prints one PASS/FAIL line with the time per
# stage and fails if any stage failed. The venv and the collection layout come first and abort on error.
test:
	@mkdir -p $(BUILD)
	@start=$$SECONDS; $(MAKE) venv collection; echo "venv+collection $$((SECONDS - start))s" > $(BUILD)/timings.txt
	@failed=(); \
	for stage in $(TEST_STAGES); do \
	    start=$$SECONDS; \
	    if $(MAKE) $$stage; then result=PASS; else result=FAIL; failed+=($$stage); fi; \
	    echo "$$stage $$result $$((SECONDS - start))s" >> $(BUILD)/timings.txt; \
	done; \
	printf '\n==== summary (seconds per stage) ====\n'; \
	column -t $(BUILD)/timings.txt 2>/dev/null || cat $(BUILD)/timings.txt; \
	if (( $${#failed[@]} )); then echo "make test: FAILED stages: $${failed[*]}" >&2; exit 1; fi; \
	echo 'make test: all stages passed'

# ---------------------------------------------------------------------------------------------- venv
venv: $(VENV_STAMP)

$(VENV_STAMP): $(ROOT)/tests/requirements.txt
	$(call header,venv)
	@if [[ ! -x $(PY) ]] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then \
	    python=$$($(ROOT)/tests/tools/find-python312.sh); \
	    echo "creating $(VENV) with $$python"; \
	    "$$python" -m venv --clear $(VENV); \
	fi
	$(PY) -m pip install --quiet -r $(ROOT)/tests/requirements.txt
	@touch $@

# ---------------------------------------------------------------------------------------- collection
collection: venv
	@if [[ "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" != "$(ROOT)" ]]; then \
	    printf '\n==== collection layout ====\n'; \
	    mkdir -p $(dir $(COLLECTION_LINK)); \
	    ln -sfn $(ROOT) $(COLLECTION_LINK); \
	    echo "$(COLLECTION_LINK) -> $(ROOT)  (ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS))"; \
	fi

# ---------------------------------------------------------------------------------------------- lint
# -k: report ruff and ansible-lint findings in one run; fails if either found something.
lint: venv
	$(MAKE) -k ruff ansible-lint

# ruff.toml holds the rules; `ruff format` is deliberately not enforced (see ruff.toml).
ruff: venv
	$(call header,ruff check)
	cd $(ROOT) && $(BIN)/ruff check --no-cache .

# .ansible-lint holds the profile and the paths; it lints whatever roles, playbooks and extensions exist.
ansible-lint: collection
	$(call header,ansible-lint)
	cd $(ROOT) && PATH=$(BIN):$$PATH $(BIN)/ansible-lint

# -------------------------------------------------------------------------------------------- sanity
# Offline: tests/tools/install_get_pip_shim.py puts a stand-in for ansible-test's downloaded get-pip.py
# into ~/.ansible/test/cache/; ansible-test then builds its per-test venvs from the package index.
sanity: venv
	$(call header,ansible-test sanity)
	$(PY) $(ROOT)/tests/tools/install_get_pip_shim.py
	cd $(ROOT) && tests/tools/copy-tree.sh $(SANITY_ROOT)
	cd $(SANITY_ROOT) && PATH=$(BIN):$$PATH PIP_QUIET=1 $(BIN)/ansible-test sanity --python 3.12 --requirements --color no \
	    $(foreach t,$(SANITY_SKIP),--skip-test $(t)) $(SANITY_ARGS)

# ----------------------------------------------------------------------------------------- changelog
changelog: venv
	$(call header,antsibull-changelog lint)
	cd $(ROOT) && $(BIN)/antsibull-changelog lint

# --------------------------------------------------------------------------------------------- build
# Build the artifact, install it alone into build/installed and render every module's documentation
# from the installed copy (cwd and ANSIBLE_COLLECTIONS_PATH point away from the checkout).
build: venv
	$(call header,collection build + install + ansible-doc)
	rm -rf $(DIST) $(INSTALLED)
	cd $(ROOT) && $(BIN)/ansible-galaxy collection build --force --output-path $(DIST)
	ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) $(BIN)/ansible-galaxy collection install --offline --no-deps --force \
	    -p $(INSTALLED) $(DIST)/$(NAMESPACE)-$(NAME)-*.tar.gz
	@installed=$(INSTALLED)/ansible_collections/$(NAMESPACE)/$(NAME); \
	test -f $$installed/MANIFEST.json || { echo "the artifact did not install to $$installed" >&2; exit 1; }; \
	if [[ -e $$installed/ram_emulator ]]; then echo 'ram_emulator/ must not be shipped in the artifact' >&2; exit 1; fi; \
	modules=$$(find $$installed/plugins/modules -name '*.py' ! -name '__init__.py' -printf '%f\n' 2>/dev/null | sed -e 's/\.py$$//' | sort); \
	if [[ -z "$$modules" ]]; then echo 'no modules in the artifact yet: nothing to render'; exit 0; fi; \
	cd $(INSTALLED); export ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) ANSIBLE_NOCOLOR=1; \
	failed=(); \
	for module in $$modules; do \
	    echo "ansible-doc -t module $(NAMESPACE).$(NAME).$$module"; \
	    $(BIN)/ansible-doc -t module $(NAMESPACE).$(NAME).$$module > $(INSTALLED)/$$module.txt || failed+=($$module); \
	done; \
	if (( $${#failed[@]} )); then echo "ansible-doc failed for: $${failed[*]}" >&2; exit 1; fi; \
	echo "rendered $$(echo $$modules | wc -w) modules from the installed artifact (text in $(INSTALLED)/<module>.txt)"

# -------------------------------------------------------------------------------------------- pytest
# PYTHONPATH: build/collections makes ansible_collections.alibabacloud.ram importable; . makes ram_emulator importable.
PYTEST := env PYTHONPATH=$(COLLECTIONS):$(ROOT) $(BIN)/pytest -p no:cacheprovider -ra $(PYTEST_ARGS)

pytest: collection
	$(call header,pytest)
	cd $(ROOT) && PYTEST='$(PYTEST)' tests/tools/run-pytest.sh tests/unit tests/emulator tests/integration

unit: collection
	$(call header,pytest tests/unit)
	cd $(ROOT) && PYTEST='$(PYTEST)' tests/tools/run-pytest.sh tests/unit

emulator-tests: collection
	$(call header,pytest tests/emulator)
	cd $(ROOT) && PYTEST='$(PYTEST)' tests/tools/run-pytest.sh tests/emulator

integration: collection
	$(call header,pytest tests/integration)
	cd $(ROOT) && PYTEST='$(PYTEST)' tests/tools/run-pytest.sh tests/integration

# ------------------------------------------------------------------------------------------ molecule
# Scenarios live in extensions/molecule/<scenario>/molecule.yml and run on localhost (no Docker here).
molecule: collection
	$(call header,molecule)
	@if ! compgen -G '$(ROOT)/extensions/molecule/*/molecule.yml' >/dev/null; then echo 'no Molecule scenarios yet: nothing to run'; exit 0; fi; \
	cd $(ROOT)/extensions && PATH=$(BIN):$$PATH PYTHONPATH=$(ROOT) $(BIN)/molecule test --all

# ------------------------------------------------------------------------------------- tools & demos
# The emulator in the foreground; stop it with Ctrl-C. EMULATOR_PORT=0 picks a free port and prints it.
emulator: venv
	cd $(ROOT) && $(PY) -m ram_emulator --host $(EMULATOR_HOST) --port $(EMULATOR_PORT)

# The demo: emulator with its demo accounts, then dry run, apply and an idempotent rerun of the playbook (demo/run.sh).
demo: collection
	@cd $(ROOT) && PATH=$(BIN):$$PATH bash demo/run.sh

# The playbook over N emulated member accounts (30 ms per call), against a ping baseline; prints a table, never fails
# on speed. BENCH_SIZES=10,100,1000 BENCH_FORKS=20 to change. bench-emulator: the emulator's own request rate.
bench: collection
	cd $(ROOT) && $(PY) -m bench --sizes $(or $(BENCH_SIZES),10,100) --forks $(or $(BENCH_FORKS),10) --output $(BUILD)/bench/report.md

bench-emulator: venv
	cd $(ROOT) && $(PY) -m ram_emulator.bench

clean:
	rm -rf $(BUILD) $(ROOT)/tests/output $(ROOT)/.pytest_cache $(ROOT)/.ruff_cache $(ROOT)/.hypothesis $(ROOT)/changelogs/.plugin-cache.yaml
	find $(ROOT) -path $(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
