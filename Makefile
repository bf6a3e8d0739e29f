# Two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
.PHONY: setup demo test lint typecheck pytest bench clean

VENV := .venv/bin

setup:
	@scripts/bootstrap.sh

demo: setup
	$(VENV)/retrofhir demo

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck: setup
	$(VENV)/mypy .

pytest: setup
	$(VENV)/pytest

test: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy .
	$(VENV)/pytest

bench: setup
	$(VENV)/python -m bench

clean:
	rm -rf var .mypy_cache .pytest_cache .ruff_cache
