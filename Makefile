# Sillok — `make setup` once (also run implicitly), then `make run`, `make test`, `make bench`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sillok-installed

.PHONY: setup run test test-slow lint bench eval clean fuzz

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh scripts/system_libs.sh
	bash scripts/setup.sh scripts/system_libs.sh
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m sillok.app

lint: $(STAMP)
	$(VENV)/bin/ruff check sillok foundation ingest models service app tests bench scripts

test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q

test-slow: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -m slow

bench: $(STAMP)
	$(PY) -m bench.run_all

eval: $(STAMP)
	$(PY) -m bench.bench_retrieval

fuzz: $(STAMP)
	$(VENV)/bin/pytest -q -m slow -s tests/trust/test_fuzz.py

clean:
	rm -rf $(VENV) build *.egg-info

include packaging/Makefile.inc
