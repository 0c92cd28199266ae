"""While the Rasa server cannot be reached (starting, restarted by the supervisor, down) the
job page says so in an announced notice, and the chat comes back by itself, without a
reload, once Rasa answers again. In Debian's chromium, against the real servers."""
from __future__ import annotations

import re
from typing import Callable, Iterator, Optional, Tuple, TypeVar
from urllib.parse import urlsplit

import pytest

from harness.browser import CareersSite, chromium, missing_browser, requested_urls
from harness.servers import DEFAULT_MODEL, Bot, free_port
from harness.waiting import wait_for
from tests.site.conftest import REAL_ROLE
from tests.site.test_browser import RESULTS, Chat, run_axe, serious

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NOTICE = "The assistant is starting or unavailable — try again in a moment."
NOTICE_SECONDS = 15  # the page's grace period plus socket.io's first failed attempts
T = TypeVar("T")


@pytest.fixture(scope="module")
def servers(tmp_path_factory, site_kb_url: str) -> Iterator[Tuple[CareersSite, Bot]]:
    """The site and the action server are up; the test starts and stops the Rasa server."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("chat-availability")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    bot = Bot(work / "bot", site_kb_url, rasa_args=["--cors", origin],
              extra_env={"CAREERS_SITE_ORIGIN": origin})
    site = CareersSite(work / "site", site_kb_url, bot.url, port=port)
    try:
        site.start()
        bot.actions.start()
        yield site, bot
    finally:
        bot.stop()
        site.stop()


@pytest.fixture
def browser(servers) -> Iterator:
    driver = chromium(1280, 900)
    yield driver
    driver.quit()


def notice(driver) -> dict:  # type: ignore[no-untyped-def]
    """The status region: its text, how it is announced, and whether it is on screen."""
    return driver.execute_script(
        "var n = document.getElementById('chat-status');"
        "if (!n) return null;"
        "var r = n.getBoundingClientRect();"
        "return {text: n.textContent, role: n.getAttribute('role'),"
        " live: n.getAttribute('aria-live'),"
        " visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight"
        "  && getComputedStyle(n).visibility === 'visible'};")


def wait(condition: Callable[[], Optional[T]], seconds: float, what: str,
         driver) -> T:  # type: ignore[no-untyped-def]
    return wait_for(condition, seconds, what, describe=lambda: f"notice: {notice(driver)}")


def has_launcher(driver) -> bool:  # type: ignore[no-untyped-def]
    return bool(driver.execute_script("return !!document.querySelector('button.rw-launcher')"))


def test_the_notice_shows_while_rasa_is_down_and_the_chat_recovers_by_itself(servers, browser, site_kb):
    site, bot = servers
    assert not bot.rasa.running
    browser.get(site.url(f"/jobs/{REAL_ROLE}"))

    def notice_shown() -> Optional[dict]:
        state = notice(browser)
        return state if state["text"] == NOTICE else None

    shown = wait(notice_shown, NOTICE_SECONDS, "the unavailable notice", browser)
    assert shown["role"] == "status" and shown["live"] == "polite" and shown["visible"]
    assert not has_launcher(browser)
    Chat(browser).screenshot("chat-unavailable.png")
    assert not serious(run_axe(browser, "job-page-chat-unavailable"))
    # Retrying goes to the Rasa server only: nothing from any other origin.
    allowed = {urlsplit(site.origin).netloc, urlsplit(bot.url).netloc}
    urls = [u for u in requested_urls(browser) if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    assert not [u for u in urls if urlsplit(u).netloc not in allowed]
    assert any(urlsplit(u).netloc == urlsplit(bot.url).netloc for u in urls), "it keeps trying Rasa"

    # Rasa comes up (as after a restart by the supervisor): same page, no reload.
    bot.rasa.start()
    wait(lambda: has_launcher(browser) and notice(browser)["text"] == "", 30,
         "the chat to come back and the notice to go", browser)
    salary = site_kb.facts(REAL_ROLE, "salary")[0].text
    figure = re.search(r"\$[\d,]+", salary)
    chat = Chat(browser).open()
    chat.wait_for_greeting()
    chat.ask("what does it pay?", figure.group(0) if figure else salary)

    # Rasa goes away while the page is open: the notice comes back.
    bot.rasa.stop()
    wait(notice_shown, NOTICE_SECONDS, "the notice after Rasa stopped", browser)
