# Entry points for the operator and CI. `make synth` is the main job, `make test` the tests.
PYTHON_VERSION ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# checkov's pins conflict with the SDKs' (requirements-checkov.txt says which), so it has its own venv.
CHECKOV_VENV := .venv-checkov
STACKS ?=
BASE ?= origin/main

.PHONY: venv synth synth-only policy-check test snapshots affected import-plan bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON_VERSION) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_VERSION) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

venv: $(VENV)/.installed $(CHECKOV_VENV)/.installed

# Offline synth of the fleet under Pulumi's mock runtime + schema check + policy pack.
# Incremental: only stacks a change affects are redone (docs/performance.md); NOCACHE=1 redoes all.
synth: synth-only policy-check

synth-only: venv
	$(PY) -m tools.synth $(if $(STACKS),--stacks $(STACKS)) $(if $(NOCACHE),--no-cache)

policy-check: venv
	$(PY) -m tools.policy_check $(if $(STACKS),--stacks $(STACKS)) $(if $(NOCACHE),--no-cache)

test: venv
	$(PY) -m pytest -q

# Regenerate tests/snapshots/<stack>/ from a fresh synth after an intended change; commit the diff.
snapshots: synth-only
	$(PY) -m tools.snapshot update $(if $(STACKS),--stacks $(STACKS))

affected: venv
	@$(PY) -m tools.ops.affected --base $(BASE)

import-plan: venv
	$(PY) -m tools.import_plan --stack $(STACK) --tfstate $(TFSTATE)

# Copy the operator's content (placeholders here) from their Terraform checkout:
# make bring-over FROM=~/code/infra [FORCE=1]. Manifest: tools/import_plan/bring_over.toml.
.PHONY: bring-over
bring-over: venv
	$(PY) -m tools.import_plan.bring_over --from "$(FROM)" $(if $(FORCE),--force)

bench: venv
	$(PY) bench/synth_bench.py
	@if [ -f bench/drift_bench.py ]; then $(PY) bench/drift_bench.py; fi

clean:
	rm -rf build
