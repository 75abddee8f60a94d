# Vigie — the two commands are `make run` and `make test`; everything else is a step of them.
# Every `rasa` call lives here (our training data is in nlu/, not Rasa's default data/).

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
RALPH_VENV := .venv-ralph
RASA := $(RASA_VENV)/bin/rasa
PY := $(VENV)/bin/python
RASA_ENV := SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
RASA_FILES := --data nlu --domain domain.yml --config config.yml
NLU_SOURCES := config.yml domain.yml $(shell find nlu -name '*.yml' -o -name '*.py' 2>/dev/null | sort)
MODEL := models/vigie.tar.gz
LINT_IMPORTS := $(VENV)/bin/lint-imports --no-cache --no-logo

.PHONY: help setup system-deps run test test-fast lint validate model eval-nlu eval-scoring bench-api clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# ----- environments (stamp files keyed on the lock files: nothing reinstalls if unchanged) ---
$(RASA_VENV)/.stamp: requirements/rasa.lock
	rm -rf $(RASA_VENV)
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --no-deps -r requirements/rasa.lock
	$(RASA_VENV)/bin/pip install --quiet --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	touch $@

$(VENV)/.stamp: pyproject.toml requirements/app.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -c requirements/app.lock -e '.[dev]'
	touch $@

# The Ralph LRS for tests/xapi (docs/deploy.md § xAPI): its own pins, so its own environment.
$(RALPH_VENV)/.stamp: requirements/ralph.lock
	rm -rf $(RALPH_VENV)
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet --no-deps -r requirements/ralph.lock
	touch $@

setup: $(RASA_VENV)/.stamp $(VENV)/.stamp ## create both environments if missing or stale

system-deps: ## install Debian's PostgreSQL, Chromium, Redis and nginx if missing
	bash scripts/system-deps.sh

# ----- the Rasa model (retrained only when config, domain or nlu/ changed) -------------------
$(MODEL): $(RASA_VENV)/.stamp $(NLU_SOURCES)
	start=$$EPOCHREALTIME; $(RASA_ENV) $(RASA) train $(RASA_FILES) --out models --fixed-model-name vigie \
	  && echo "$$start $$EPOCHREALTIME" > models/vigie.train-time  # read by make bench
	touch $@

model: $(MODEL) ## train the Rasa model if missing or stale

validate: $(RASA_VENV)/.stamp ## rasa data validate (must be clean)
	$(RASA_ENV) $(RASA) data validate $(RASA_FILES) --fail-on-warnings

# ----- the two commands --------------------------------------------------------------------
run: setup model ## set up what is missing and start the whole stack (Ctrl-C stops it)
	$(VENV)/bin/vigie run

test: setup model system-deps $(RALPH_VENV)/.stamp ## set up what is missing and run the whole test suite
	$(LINT_IMPORTS)
	$(RASA_ENV) $(RASA_VENV)/bin/python -m unittest discover -s tests/rasa_components -t .
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder

test-fast: $(VENV)/.stamp ## the quick loop, < 1 min: no Rasa, no browser, no server, no slow test; fewer Hypothesis examples
	VIGIE_HYPOTHESIS_PROFILE=fast $(PY) -m pytest -q -n 2 \
	  -m "not integration and not browser and not postgres and not scaled and not rasa and not telegram and not messenger and not slow"

lint: $(VENV)/.stamp ## ruff; mypy ([tool.mypy]); the layers as import-linter contracts (.importlinter, docs/architecture.md)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(LINT_IMPORTS)

eval-scoring: $(VENV)/.stamp ## criteria detection figures on tests/scoring/dev.yml
	$(PY) -m tools.evaluate_scoring tests/scoring/dev.yml

eval-nlu: $(MODEL) ## NLU on tests/nlu/dev.yml: accuracy, macro-F1, per intent, distress, fallback
	PYTHONWARNINGS=ignore $(RASA_ENV) $(RASA_VENV)/bin/python tools/evaluate_nlu.py \
	  --model $(MODEL) --nlu tests/nlu/dev.yml --sweep

.PHONY: bench-nlu
bench-nlu: $(MODEL) $(VENV)/.stamp ## NLU cost: forced full training time, server start, /model/parse latency
	$(PY) -m bench.nlu_latency --model $(MODEL) --train

.PHONY: images
images: $(VENV)/.stamp system-deps ## redraw the scenario item images (scenarios/images/) from the catalogue
	$(PY) -m tools.cards.render

bench-api: $(VENV)/.stamp system-deps ## summary latency, class of 30 in 1,000,000 events (SQLite, PostgreSQL)
	$(PY) -m bench.summary_latency

# ----- speed and the scaled layout (docs/benchmarks.md, docs/deploy.md) ----------------------
.PHONY: bench run-scaled
bench: setup system-deps ## floor vs Vigie at 1/10/50 learners + scaled mode, then a 400-turn conversation and a late class, into docs/benchmarks.md
	@test -f $(MODEL) || $(MAKE) model
	$(PY) -m bench.side_by_side
	$(PY) -m bench.long_run

run-scaled: setup model system-deps ## 2 Rasa, 2 actions, 2 API behind nginx on PostgreSQL + Redis (Ctrl-C stops all)
	$(VENV)/bin/vigie run-scaled

# ----- trust under load and bad input (docs/reliability.md) ------------------------------------
.PHONY: load fuzz
LOAD_ARGS ?= --learners 200 --duration 300
FUZZ_ARGS ?= --messages 10000

load: setup model ## 200 learners × 5 min through /chat on its own stack; 0 errors, 0 lost events (LOAD_ARGS=…)
	$(PY) -m bench.load $(LOAD_ARGS)

fuzz: setup model ## 10,000 random messages through /chat: no 5xx, every reply well formed (FUZZ_ARGS=…)
	$(PY) -m bench.fuzz $(FUZZ_ARGS)

# ----- known vulnerabilities of both environments (docs/reliability.md § Known vulnerabilities)
.PHONY: audit
audit: $(VENV)/.stamp $(RASA_VENV)/.stamp ## pip-audit of .venv and .venv-rasa, a table each; each finding must be assessed in docs/reliability.md (ADVISORY_DB=dir: a copy of PyPA's advisory database, when PyPI's data is out of reach)
	$(VENV)/bin/vigie audit $(if $(ADVISORY_DB),--advisory-db $(ADVISORY_DB))

clean: ## remove models and runtime state (keeps the environments)
	rm -rf models var
