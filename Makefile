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
	$(PY) -m pipeline.ml.train

clean-data:
	rm -rf data/processed

## bench: batch throughput, scaling (1×, 2×, 4×), peak memory, 2-worker speed-up and the ratio to
## plain jieba.lcut on data/provinces/; prints a table, writes bench/results.json
bench: $(STAMP)
	$(PY) bench/bench_batch.py --repeat 2

## install-hanlp: the optional HanLP backend (--backend hanlp) into .venv: torch 2.13.0 first,
## pinned (the CPU wheel; unpinned, pip would fetch a multi-GB CUDA build), then the extra
HANLP_STAMP := $(VENV)/.hanlp-stamp
install-hanlp: $(HANLP_STAMP)
$(HANLP_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test,hanlp]"
	$(PY) -c "import hanlp, torch; print('hanlp', hanlp.__version__, 'torch', torch.__version__)"
	touch $(HANLP_STAMP)
