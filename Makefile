# All targets create the virtual environment in .venv/ when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: data test test-fast eval train clean-data

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
