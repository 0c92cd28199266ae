"""A private, throw-away Redis for tests: Debian's redis-server on a free loopback port,
nothing saved to disk, its files in a folder of the test's, stopped afterwards.

Tests of what replicas share need a real Redis (atomic SET NX, pub/sub between
connections), and must never touch a Redis of this machine's:

    with running_redis(tmp_path) as redis:   # skips the test if redis-server is missing
        channel = SlackInput(..., redis_url=redis.url)
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

from harness.servers import free_port, tail
from service.settings import LOOPBACK

#: Debian's package `redis-server` (`make scaled-deps` installs it).
REDIS_SERVER = "redis-server"


def redis_server_path() -> Optional[str]:
    return shutil.which(REDIS_SERVER) or shutil.which(f"/usr/bin/{REDIS_SERVER}")


class RedisServer:
    def __init__(self, directory: Path, port: Optional[int] = None,
                 executable: Optional[str] = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.executable = executable or redis_server_path() or REDIS_SERVER
        self.log = directory / "redis.log"
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self, seconds: float = 10) -> "RedisServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.executable, "--bind", LOOPBACK, "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(self.directory),
             "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + seconds
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n"
                                   f"{tail(self.log)}")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        """Does it answer PING? (Plain RESP: no client library needed to check.)"""
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@contextmanager
def running_redis(directory: Path) -> Iterator[RedisServer]:
    """A started RedisServer for a pytest test or fixture; the test is skipped, saying
    why, when redis-server is not installed."""
    if redis_server_path() is None:
        import pytest

        pytest.skip(f"{REDIS_SERVER} is not installed (Debian package redis-server; "
                    "`make scaled-deps`)")
    with RedisServer(directory) as server:
        yield server


__all__ = ["REDIS_SERVER", "RedisServer", "redis_server_path", "running_redis"]
