"""Running the bot as a service: every default port, host, URL and folder in one place
(`service.settings`), the supervisord configuration `make run` starts
(`service.supervisord`) and the one log line per crash or restart (`service.restarts`).

Standard library only at import time, so shell scripts can ask it for values quickly.
"""
