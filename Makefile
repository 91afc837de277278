# Entry points for the operator and CI. `make help` lists them.
#
# PYTHON picks the interpreter: a command (python3, /usr/bin/python3.13) or a bare version
# (PYTHON=3.13), which also moves the venv to .venv-3.13 so two versions can coexist.
# VENV overrides the venv directory. The Pulumi CLI always uses .venv (stacks' Pulumi.yaml).
PYTHON ?= python3
ifneq ($(filter 3.%,$(PYTHON)),)
# python3.13 on PATH if it runs, else the pyenv install of that version (pyenv's shim
# for a version that is installed but not selected exits 127).
PYTHON_BIN := $(shell python$(PYTHON) -c '' 2>/dev/null && echo python$(PYTHON) || \
  { p=$$(pyenv prefix $(PYTHON) 2>/dev/null) && echo $$p/bin/python$(PYTHON); } || echo python$(PYTHON))
VENV ?= .venv-$(PYTHON)
else
PYTHON_BIN := $(PYTHON)
VENV ?= .venv
endif
PY := $(VENV)/bin/python
LOCK := requirements.lock
# pip-compile runs from its own venv so the project venv holds exactly the lock.
LOCK_VENV := .venv-lock
PIP_TOOLS_VERSION := 7.5.1
# checkov's pins conflict with the SDKs' (requirements-checkov.txt says which), so it has its own
# venv, made only for the test suite (its differential policy test).
CHECKOV_VENV := .venv-checkov
STACKS ?=
BASE ?= origin/main

.PHONY: help venv lock synth synth-only policy-check test snapshots affected import-plan bring-over new-stack graph bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: STACKS=\"a b\" (synth/policy-check), PYTHON=3.13 or VENV=dir (which venv), BASE=<rev> (affected)"

$(VENV)/.installed: $(LOCK) tools/setup_venv.py
	@$(PYTHON_BIN) tools/setup_venv.py --venv $(VENV) --lock $(LOCK)
	@touch $@

venv: $(VENV)/.installed ## create/refresh the virtualenv from requirements.lock (quiet unless it fails)

lock: ## re-resolve requirements.txt into requirements.lock (pinned, with hashes)
	@test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON_BIN) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION); }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links --output-file $(LOCK) requirements.txt

# Offline synth of the fleet under Pulumi's mock runtime + schema check + policy pack.
synth: synth-only policy-check ## offline synth of every stack (or STACKS=...) + schema check + policy pack

# Incremental: only stacks a change affects are redone (docs/performance.md); NOCACHE=1 redoes all.
synth-only: venv ## offline synth + schema check, no policy pack
	$(PY) -m tools.synth $(if $(STACKS),--stacks $(STACKS)) $(if $(NOCACHE),--no-cache)

policy-check: venv ## the policy pack over build/synth, through the analyzer protocol
	$(PY) -m tools.policy_check $(if $(STACKS),--stacks $(STACKS)) $(if $(NOCACHE),--no-cache)

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@echo "setup: installing checkov into $(CHECKOV_VENV) for the differential policy test (about 300 MB, once)"
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BIN) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt \
	  > $(CHECKOV_VENV)/setup.log 2>&1 || { cat $(CHECKOV_VENV)/setup.log >&2; exit 1; }
	@touch $@

test: venv $(CHECKOV_VENV)/.installed ## the test suite
	$(PY) -m pytest -q

snapshots: synth-only ## regenerate tests/snapshots/<stack>/ after an intended change; review and commit the diff
	$(PY) -m tools.snapshot update $(if $(STACKS),--stacks $(STACKS))

affected: venv ## stacks a change affects (BASE=<rev>)
	@$(PY) -m tools.ops.affected --base $(BASE)

import-plan: venv ## adopt live objects from Terraform state (STACK=<name> TFSTATE=<file>)
	$(PY) -m tools.import_plan --stack $(STACK) --tfstate $(TFSTATE)

bring-over: venv ## copy the operator's content over the placeholders (FROM=<Terraform checkout> [FORCE=1])
	$(PY) -m tools.import_plan.bring_over --from "$(FROM)" $(if $(FORCE),--force)

new-stack: venv ## scaffold stacks/NAME + its test (NAME=<name>) and list it in docs/stacks.md and the graph
	@$(PY) -m tools.new_stack $(NAME)
	@$(PY) -m tools.stacks_doc
	@$(PY) -m tools.stack_graph --out docs/stack-graph.svg

graph: venv ## redraw docs/stack-graph.svg from every stack.yaml depends_on
	$(PY) -m tools.stack_graph --out docs/stack-graph.svg

bench: venv ## benchmarks (print numbers)
	$(PY) bench/synth_bench.py
	@if [ -f bench/drift_bench.py ]; then $(PY) bench/drift_bench.py; fi

clean: ## remove build/
	rm -rf build
