"""The careers site: the open roles and one page per role, rendered from the knowledge
base, with the recruiting bot in a web chat (rasa-webchat, served from our own origin).

`python -m careers` serves it (see :mod:`careers.config` for the settings);
`python -m careers.assets` copies the web chat's bundle from node_modules into
`careers/static/vendor/` (done by `make run` and `make test`).
"""
