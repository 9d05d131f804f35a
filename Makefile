# All targets create the virtual environment in .venv/ when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Every package's version, as in the environment the tests ran in (`make lock` writes it). A pip
# constraints file: what to install comes from pyproject.toml, the versions from the lock.
LOCK   := requirements.lock

.PHONY: data test test-unit test-e2e test-fast eval train clean-data install-hanlp bench lock

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c $(LOCK) --upgrade pip
	$(PY) -m pip install -q -c $(LOCK) -e ".[test]"
	touch $(STAMP)

## data: regenerate data/processed/ from data/raw/
data: $(STAMP)
	$(PY) -m pipeline extract data/raw --out data/processed

## test: the whole test suite, both tiers (tests/conftest.py says which test is in which)
test: $(STAMP)
	$(PY) -m pytest -q

## test-unit: the unit tier: the pipeline in-process on sentences and single documents (~20 s)
test-unit: $(STAMP)
	$(PY) -m pytest -q -m "not e2e and not slow"

## test-e2e: the other tier: the command line, the batch, files on disk, and the slow tests
test-e2e: $(STAMP)
	$(PY) -m pytest -q -m "e2e or slow"

## test-fast: skip tests marked slow
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

## eval: score data/processed against data/gold
eval: data
	$(PY) -m pipeline evaluate --gold data/gold --pred data/processed

## train: rebuild models/ from data/ (gold + weak labels), with cross-validation
train: $(STAMP)
	$(PY) -m pipeline.tools.train

clean-data:
	rm -rf data/processed

## bench: end to end, each figure a fresh process: extract ÷ bare jieba.lcut (1 worker), the
## 2-worker speed-up, peak memory per worker, start-up to the first document, time per character
## at 10/20/40 M characters of different reports, from ../shared/corpus/reports.tar.xz (unpacked
## once into ~/.cache/policy-commitments/bench/; ARCHIVE=... CORPUS_DIR=... to move them).
## 1× figures best/median of 3 runs; prints a table, writes bench/results.json
BENCH_ARGS ?=
bench: $(STAMP)
	$(PY) bench/bench_batch.py --repeat 3 --scale-repeat 1 --scales 0.5 1 2 \
	  $(if $(ARCHIVE),--archive $(ARCHIVE)) $(if $(CORPUS_DIR),--corpus-dir $(CORPUS_DIR)) $(BENCH_ARGS)

## install-hanlp: the optional HanLP backend (--backend hanlp) into .venv: torch 2.13.0 first,
## pinned (the CPU wheel; unpinned, pip would fetch a multi-GB CUDA build), then the extra
HANLP_STAMP := $(VENV)/.hanlp-stamp
install-hanlp: $(HANLP_STAMP)
$(HANLP_STAMP): $(STAMP) pyproject.toml $(LOCK)
	$(PY) -m pip install -q -c $(LOCK) torch==2.13.0
	$(PY) -m pip install -q -c $(LOCK) -e ".[test,hanlp]"
	$(PY) -c "import hanlp, torch; print('hanlp', hanlp.__version__, 'torch', torch.__version__)"
	touch $(HANLP_STAMP)

## lock: write requirements.lock from .venv as it is (after `make install-hanlp`, so that the
## hanlp extra's packages are pinned too); torch without its local "+cpu" label, which matches it
lock:
	{ echo "# pip constraints: the versions of the environment the tests run in (make lock, $$($(PY) -V))."; \
	  echo "# make installs with: pip install -c requirements.lock -e '.[test]' (install-hanlp: '.[test,hanlp]')."; \
	  $(PY) -m pip freeze --all --exclude-editable | sed -e 's/^torch==\([0-9.]*\)+cpu$$/torch==\1/'; } > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)
