# All targets create the virtual environment in .venv/ when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: data test test-fast eval train clean-data install-hanlp bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

## data: regenerate data/processed/ from data/raw/
data: $(STAMP)
	$(PY) -m pipeline extract data/raw --out data/processed

## test: the whole test suite
test: $(STAMP)
	$(PY) -m pytest -q

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
$(HANLP_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test,hanlp]"
	$(PY) -c "import hanlp, torch; print('hanlp', hanlp.__version__, 'torch', torch.__version__)"
	touch $(HANLP_STAMP)
