"""One clear log line when a server of the bot crashes, is restarted or is given up on.

supervisord records every state change in its own log (var/log/supervisord.log), several
lines per crash in its own terms. This event listener (started by supervisord, see
service/supervisord.py) turns the changes an operator must know about into one line
each, naming the server, what supervisord does about it and where its log is. It writes
them to stderr, which supervisord keeps in $LOG_DIR/restarts.log; scripts/serve.sh shows
that file on the terminal of `make run`.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Dict, Optional, Set, TextIO, Tuple

from service.settings import ServiceSettings
from service.supervisord import START_RETRIES, title_of

log = logging.getLogger("supervisor")


#: A log level and the line to log.
Report = Tuple[int, str]


class RestartReporter:
    """Words for the state changes of supervised servers (None: nothing to say)."""

    def __init__(self, log_dir: Path, retries: int = START_RETRIES) -> None:
        self.log_dir = log_dir
        self.retries = retries
        self._down: Set[str] = set()  # servers that crashed and are not running again yet
        self._tries: Dict[str, int] = {}  # failed starts in a row, by server

    def report(self, event: str, headers: Dict[str, str]) -> Optional[Report]:
        name = headers.get("processname", "?")
        title = title_of(name)
        if title is None:  # e.g. this listener itself
            return None
        where = f"log: {self.log_dir / (name + '.log')}"
        pid = headers.get("pid", "?")
        if event == "PROCESS_STATE_EXITED" and headers.get("expected") == "0":
            self._down.add(name)
            return logging.ERROR, (f"the {title} stopped unexpectedly (pid {pid}); restarting it "
                                   f"now, the other servers keep serving ({where})")
        if event == "PROCESS_STATE_BACKOFF":
            tries = self._tries[name] = int(headers.get("tries", "1"))
            if tries > self.retries:
                return None  # FATAL follows at once
            self._down.add(name)
            return logging.WARNING, (f"the {title} exited while starting (attempt {tries} of "
                                     f"{self.retries}); trying again in {tries} s ({where})")
        if event == "PROCESS_STATE_FATAL":
            self._down.discard(name)
            if self._tries.pop(name, 0) <= self.retries:
                return None  # supervisord shutting down while it waited to retry: not a failure
            return logging.ERROR, (f"gave up restarting the {title} after {self.retries} failed "
                                   f"starts; the other servers keep serving; fix it, then "
                                   f"`make stop` and `make run` ({where})")
        if event == "PROCESS_STATE_RUNNING":
            self._tries.pop(name, None)
            if name in self._down:
                self._down.discard(name)
                return logging.INFO, f"the {title} is running again (pid {pid})"
        return None


def _headers(text: str) -> Dict[str, str]:
    return dict(token.split(":", 1) for token in text.split() if ":" in token)


def listen(reporter: RestartReporter, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """supervisord's event-listener protocol: READY, read one event, RESULT OK, repeat."""
    while True:
        stdout.write("READY\n")
        stdout.flush()
        header_line = stdin.readline()
        if not header_line:
            return  # supervisord went away
        headers = _headers(header_line)
        payload = stdin.read(int(headers.get("len", "0")))
        try:
            report = reporter.report(headers.get("eventname", ""),
                                     _headers(payload.split("\n", 1)[0]))
            if report is not None:
                log.log(*report)
        finally:
            stdout.write("RESULT 2\nOK")
            stdout.flush()


def main() -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    listen(RestartReporter(ServiceSettings.from_env().log_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
