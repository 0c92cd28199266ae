"""A real browser and the careers site, for the browser tests and for trying the site.

- `CareersSite`: `python -m careers` as a subprocess on a free port, against a given
  knowledge base and Rasa server (like `make run` starts it).
- `chromium()`: Debian's chromium driven through Debian's chromedriver (selenium), headless,
  with a fresh profile and nothing talking to the network behind the page's back. Network
  events are recorded (`requested_urls`) so tests can prove the page fetched nothing from
  another origin.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from harness.servers import PYTHON, ROOT, Server, base_env, free_port

# Debian's packages (`make test` installs them as root); CHROMIUM_BIN / CHROMEDRIVER_BIN
# point at another chromium and its matching chromedriver.
CHROMIUM = Path(os.environ.get("CHROMIUM_BIN") or "/usr/bin/chromium")
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER_BIN") or "/usr/bin/chromedriver")
# Without these, chromium as root in a container either refuses to start or tries to
# reach Google's services (refused by the closed network, which spoils the logs).
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--password-store=basic",
    "--hide-scrollbars",
    "--lang=en-US",
]


def missing_browser() -> Optional[str]:
    """Why the browser tests cannot run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            return f"{path} is missing: install Debian's {package} (`make test` does, as root)"
    return None


@dataclass
class CareersSite:
    """The careers site server, on its own port, reading `kb_url`, chatting with `chat_url`."""

    work_dir: Path
    kb_url: str
    chat_url: str
    port: int = field(default_factory=free_port)
    extra_env: Dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        env = base_env(KB_DATABASE_URL=self.kb_url, CAREERS_SITE_PORT=str(self.port),
                       CAREERS_SITE_HOST="127.0.0.1", CAREERS_CHAT_URL=self.chat_url,
                       CAREERS_SITE_ORIGIN=self.origin, **self.extra_env)
        self.server = Server("careers site", [PYTHON, "-m", "careers"], env,
                             f"{self.origin}/healthz", self.work_dir / "careers.log", 30)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def start(self) -> "CareersSite":
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()


def start_together(*servers) -> None:
    """Start servers (anything with start/stop) at the same time; all up, or all stopped."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(servers)) as pool:
        futures = [pool.submit(server.start) for server in servers]
    errors = [error for error in (f.exception() for f in futures) if error is not None]
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]


def chromium(width: int = 1280, height: int = 900, mobile: bool = False):  # -> WebDriver
    """A headless chromium with a throw-away profile; `driver.quit()` removes the profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    if mobile:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0},
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                         "(KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(profile / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    quit_driver = driver.quit

    def quit_and_clean() -> None:
        try:
            quit_driver()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clean  # type: ignore[method-assign]
    return driver


def requested_urls(driver) -> List[str]:
    """Every URL the browser requested since the last call (HTTP, WebSocket), in order.
    Reads (and so empties) chromium's performance log."""
    urls: List[str] = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(params["request"]["url"])
        elif message.get("method") == "Network.webSocketCreated":
            urls.append(params["url"])
    return urls


def console_errors(driver) -> List[str]:
    """Browser console messages of level SEVERE since the last call (CSP violations,
    failed loads, script errors)."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


__all__ = ["CHROMEDRIVER", "CHROMIUM", "CareersSite", "chromium", "console_errors",
           "missing_browser", "requested_urls", "start_together", "ROOT"]
