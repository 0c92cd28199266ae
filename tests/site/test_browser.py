"""The careers site in a real browser (Debian's chromium, driven by selenium) with the real
Rasa and action servers behind its web chat.

Servers start once for the module, on free ports, with a test knowledge base holding the
real role, the test-only Dental Hygiene Coordinator and a role whose job file is full of
markup. Screenshots go to results/site/.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Iterator, List, Tuple
from urllib.parse import urlsplit

import pytest
import requests

from harness.browser import (
    CareersSite,
    chromium,
    console_errors,
    missing_browser,
    requested_urls,
    start_together,
)
from harness.servers import DEFAULT_MODEL, ROOT, Bot, free_port
from harness.waiting import wait_for
from tests.conftest import DENTAL_SALARY, ML_SALARY
from tests.site.conftest import FIXTURE_ROLE, MARKUP_ROLE, REAL_ROLE

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

RESULTS = ROOT / "results" / "site"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPLY_SECONDS = 60


@pytest.fixture(scope="module")
def servers(tmp_path_factory, site_kb_url: str) -> Iterator[Tuple[CareersSite, Bot]]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("site-browser")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    # The Rasa server lets only the site's origin use its socket.io channel (--cors).
    bot = Bot(work / "bot", site_kb_url, rasa_args=["--cors", origin],
              extra_env={"CAREERS_SITE_ORIGIN": origin})
    site = CareersSite(work / "site", site_kb_url, bot.url, port=port)
    # The action server, the Rasa server (loading the model takes most of the time) and the
    # site start side by side.
    start_together(site, bot.actions, bot.rasa)
    try:
        yield site, bot
    finally:
        bot.stop()
        site.stop()


@pytest.fixture(scope="module")
def site(servers) -> CareersSite:
    return servers[0]


@pytest.fixture(scope="module")
def bot(servers) -> Bot:
    return servers[1]


@pytest.fixture
def browser(servers) -> Iterator:
    """A desktop chromium with a fresh profile (no conversation yet)."""
    driver = chromium(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture
def phone(servers) -> Iterator:
    driver = chromium(390, 844, mobile=True)
    yield driver
    driver.quit()


class Chat:
    """The web chat of the page a driver shows, through the widget's own DOM."""

    def __init__(self, driver) -> None:  # type: ignore[no-untyped-def]
        self.driver = driver

    def js(self, script: str, *args):  # type: ignore[no-untyped-def]
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Callable[[], object], seconds: float, what: str):  # type: ignore[no-untyped-def]
        return wait_for(condition, seconds, what, interval=0.1,
                        describe=lambda: f"chat shows: {self.transcript()}")

    def load(self, url: str) -> "Chat":
        self.driver.get(url)
        # The widget shows itself once Rasa has confirmed the socket.io session.
        self.wait(lambda: self.js("return !!document.querySelector('button.rw-launcher')"),
                  30, "the chat launcher (socket.io session)")
        return self

    @property
    def is_open(self) -> bool:
        return self.js("return !!document.querySelector('.rw-conversation-container')")

    def open(self) -> "Chat":
        if not self.is_open:
            self.js("document.querySelector('button.rw-launcher').click()")
        self.wait(lambda: self.js("return !!document.querySelector('textarea.rw-new-message')"),
                  10, "the message field")
        return self

    def replies(self) -> List[str]:
        """The bot's messages (the typing indicator has no text)."""
        return self.js("return Array.from(document.querySelectorAll('.rw-response .rw-markdown'))"
                       ".map(e => e.innerText)")

    def sent(self) -> List[str]:
        return self.js("return Array.from(document.querySelectorAll('.rw-client')).map(e => e.innerText)")

    def transcript(self) -> str:
        return self.js("var c = document.querySelector('.rw-messages-container');"
                       "return c ? c.innerText : '(chat closed)'")

    def wait_for_greeting(self) -> None:
        self.wait(lambda: self.replies(), REPLY_SECONDS, "the greeting")

    def ask(self, question: str, expect: str) -> str:
        """Type a question as a candidate would; the bot's reply that contains `expect`."""
        before = len(self.replies())
        field = self.driver.find_element("css selector", "textarea.rw-new-message")
        field.send_keys(question + "\n")
        new = self.wait(lambda: [r for r in self.replies()[before:] if expect in r],
                        REPLY_SECONDS, f"a reply with {expect!r} to {question!r}")
        time.sleep(0.4)  # let the widget finish rendering before a screenshot
        return new[0]

    def assert_in_view(self) -> None:
        """The whole chat window (header, messages, message field) is on the screen."""
        top, bottom, left, right, height, width = self.js(
            "var r = document.querySelector('.rw-conversation-container').getBoundingClientRect();"
            "return [r.top, r.bottom, r.left, r.right, window.innerHeight, window.innerWidth]")
        assert top >= 0 and left >= 0 and bottom <= height and right <= width, \
            f"chat window {top, bottom, left, right} outside the {width}x{height} window"

    def settle(self) -> None:
        """Wait for the widget's slide-in and rotation animations to end."""
        self.wait(lambda: self.js(
            "return document.getAnimations().every(a => a.playState !== 'running' ||"
            " a.effect.getComputedTiming().iterations === Infinity)"), 5, "animations to end")

    def screenshot(self, name: str) -> Path:
        self.settle()
        path = RESULTS / name
        self.driver.save_screenshot(str(path))
        return path


def new_replies_after(chat: Chat, count: int) -> List[str]:
    return chat.replies()[count:]


# -- the conversation: role of the page, history across reloads and pages -------------------

def test_the_chat_answers_for_the_page_role_and_keeps_the_conversation(site, browser):
    chat = Chat(browser).load(site.url(f"/jobs/{REAL_ROLE}"))
    assert not chat.is_open
    chat.screenshot("01-job-page.png")

    chat.open().wait_for_greeting()
    answer = chat.ask("what is the salary?", ML_SALARY)
    assert "Machine Learning Engineer" in answer
    chat.screenshot("02-chat-salary.png")

    # A reload keeps the conversation (the widget's localStorage + Rasa's session).
    chat.load(site.url(f"/jobs/{REAL_ROLE}")).open()
    chat.wait(lambda: any(ML_SALARY in r for r in chat.replies()), 10, "the history after reload")
    assert "what is the salary?" in chat.sent()
    chat.screenshot("03-after-reload.png")

    # Another role's page: same conversation, and the same question is about that role now.
    chat.load(site.url(f"/jobs/{FIXTURE_ROLE}")).open()
    chat.wait(lambda: any(ML_SALARY in r for r in chat.replies()), 10, "the history on another page")
    before = len(chat.replies())
    answer = chat.ask("what is the salary?", DENTAL_SALARY)
    assert "Dental Hygiene Coordinator" in answer and ML_SALARY not in answer
    assert not any(ML_SALARY in r for r in new_replies_after(chat, before))
    chat.screenshot("04-second-role.png")

    # And back: the page, not the last answer, decides the role.
    chat.load(site.url(f"/jobs/{REAL_ROLE}")).open()
    assert ML_SALARY in chat.ask("and what does it pay?", ML_SALARY)
    assert chat.sent().count("what is the salary?") == 2


def test_answers_with_lists_render_as_lists_and_stay_readable(site, browser):
    chat = Chat(browser).load(site.url(f"/jobs/{REAL_ROLE}")).open()
    chat.wait_for_greeting()
    chat.ask("which skills do I need?", "R, Java and Python")
    last = ".rw-response .rw-markdown"
    items = chat.js(f"var r = document.querySelectorAll('{last}'); var m = r[r.length - 1];"
                    "return Array.from(m.querySelectorAll('ul > li')).map(li => li.innerText)")
    assert len(items) == 8
    assert items[0].startswith("Programming: Rigorous knowledge of R, Java and Python")
    bold = chat.js(f"var r = document.querySelectorAll('{last}'); var m = r[r.length - 1];"
                   "return Array.from(m.querySelectorAll('li > strong')).map(s => s.innerText)")
    assert bold[0] == "Programming:"
    # Long answers wrap inside the chat window: nothing overflows sideways.
    overflow = chat.js("var c = document.querySelector('.rw-messages-container');"
                       "return c.scrollWidth - c.clientWidth")
    assert overflow <= 0
    width = chat.js("var r = document.querySelectorAll('.rw-response'); return r[r.length-1].getBoundingClientRect().width")
    assert 250 <= width <= 400
    chat.assert_in_view()
    chat.screenshot("05-list-answer.png")
    # A short window: the messages shrink, the header and the field stay in view.
    browser.set_window_size(1024, 600)
    chat.assert_in_view()
    chat.screenshot("05b-list-answer-short-window.png")


# -- nothing from another origin --------------------------------------------------------------

def test_the_page_and_chat_fetch_nothing_from_another_origin(site, bot, browser):
    chat = Chat(browser).load(site.url("/"))
    browser.find_element("css selector", f'a[href="/jobs/{REAL_ROLE}"]').click()
    chat.wait(lambda: browser.current_url.endswith(f"/jobs/{REAL_ROLE}"), 10, "the job page")
    chat.load(browser.current_url).open().wait_for_greeting()
    chat.ask("who would I report to?", "Project Manager")

    urls = [u for u in requested_urls(browser) if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    allowed = {urlsplit(site.origin).netloc, urlsplit(bot.url).netloc}
    outside = [u for u in urls if urlsplit(u).netloc not in allowed]
    assert not outside, f"requests to other origins: {outside}"
    assert any("/static/vendor/rasa-webchat.js" in u for u in urls), "the widget came from us"
    assert any(u.startswith(bot.url.replace("http", "ws")) for u in urls), "socket.io over WebSocket"
    errors = console_errors(browser)
    assert not errors, f"console errors (CSP violations, failed loads): {errors}"
    (RESULTS / "requests.txt").write_text("\n".join(urls) + "\n")


# -- accessibility --------------------------------------------------------------------------------

def run_axe(driver, name: str) -> dict:  # type: ignore[no-untyped-def]
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = json.loads(driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(JSON.stringify({violations: r.violations,"
        " passes: r.passes.length, incomplete: r.incomplete})))"
        ".catch(e => done(JSON.stringify({error: String(e)})));"))
    assert "error" not in result, result
    (RESULTS / f"axe-{name}.json").write_text(json.dumps(result, indent=2))
    return result


def serious(result: dict) -> List[str]:
    return [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_job_page_has_no_serious_accessibility_violations(site, browser, phone):
    chat = Chat(browser).load(site.url(f"/jobs/{REAL_ROLE}"))
    closed = run_axe(browser, "job-page")
    assert closed["passes"] > 20, "axe ran its checks"
    assert not serious(closed)

    chat.open().wait_for_greeting()
    chat.ask("which skills do I need?", "R, Java and Python")
    opened = run_axe(browser, "job-page-chat-open")
    assert not serious(opened)

    Chat(phone).load(site.url(f"/jobs/{REAL_ROLE}"))
    assert not serious(run_axe(phone, "job-page-phone"))
    # Nothing more than minor issues either, today: keep it that way.
    assert not [v["id"] for r in (closed, opened) for v in r["violations"]]


def test_everything_is_reachable_and_usable_by_keyboard(site, browser):
    chat = Chat(browser).load(site.url(f"/jobs/{REAL_ROLE}"))
    body = browser.find_element("css selector", "body")
    focused: List[str] = []
    for _ in range(40):
        body.send_keys("\ue004")  # Tab
        focused.append(chat.js(
            "var e = document.activeElement; return e.tagName.toLowerCase() + '|' +"
            " (e.getAttribute('aria-label') || e.innerText || e.className).trim().slice(0, 60)"))
        if chat.js("return document.activeElement.matches('button.rw-launcher')"):
            break
    assert focused[0] == "a|Skip to content"
    assert any(f.startswith("button|Ask about this role") for f in focused)
    assert any(f.startswith("summary|Source") for f in focused), "sources open by keyboard"
    assert focused[-1] == "button|Chat with our recruiting assistant", focused
    launcher = browser.switch_to.active_element
    assert launcher.get_attribute("aria-expanded") == "false"

    launcher.send_keys("\ue007")  # Enter opens the chat, with the cursor in the field
    chat.wait(lambda: chat.is_open, 5, "the chat to open")
    chat.wait(lambda: chat.js("return document.activeElement.matches('textarea.rw-new-message')"),
              5, "the focus in the message field")
    assert chat.js("return document.querySelector('button.rw-launcher')"
                   ".getAttribute('aria-expanded')") == "true"
    assert chat.js("return document.querySelector('textarea.rw-new-message')"
                   ".getAttribute('aria-label')") == "Your question"
    log = browser.find_element("css selector", ".rw-messages-container")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    chat.wait_for_greeting()
    chat.ask("what are the education requirements?", "bachelor's degree")

    browser.switch_to.active_element.send_keys("\ue00c")  # Escape closes it
    chat.wait(lambda: not chat.is_open, 5, "the chat to close")
    assert chat.js("return document.activeElement.matches('button.rw-launcher')")

    # "Ask about this role" opens the chat too.
    button = browser.find_element("css selector", "[data-open-chat]")
    button.send_keys("\ue007")
    chat.wait(lambda: chat.js("return document.activeElement.matches('textarea.rw-new-message')"),
              5, "the message field after 'Ask about this role'")


# -- phones -------------------------------------------------------------------------------------

def test_pages_and_chat_fit_a_phone(site, phone):
    chat = Chat(phone).load(site.url("/"))
    sideways = "return document.documentElement.scrollWidth - window.innerWidth"
    assert chat.js(sideways) <= 0
    chat.screenshot("06-phone-index.png")
    chat.load(site.url(f"/jobs/{REAL_ROLE}"))
    assert chat.js(sideways) <= 0
    chat.screenshot("07-phone-job-page.png")
    chat.open().wait_for_greeting()
    chat.ask("what experience do I need?", "Two to five years")
    box = chat.js("var r = document.querySelector('.rw-conversation-container').getBoundingClientRect();"
                  "return [r.width, r.height, window.innerWidth, window.innerHeight]")
    assert box[0] == box[2] and box[1] >= box[3] - 1, f"the chat fills the phone's screen: {box}"
    assert chat.js(sideways) <= 0
    chat.assert_in_view()
    chat.screenshot("08-phone-chat.png")


# -- injection ----------------------------------------------------------------------------------

def test_markup_from_a_job_file_or_a_message_never_runs(site, browser):
    chat = Chat(browser).load(site.url(f"/jobs/{MARKUP_ROLE}"))
    injected = "return window.__injected === undefined ? null : String(window.__injected)"
    title = browser.find_element("css selector", "h1").text
    assert title == 'Markup <script>window.__injected = "title"</script> Tester'
    assert chat.js(injected) is None

    chat.open().wait_for_greeting()
    answer = chat.ask("what is the salary?", "$1")
    assert "<img src=x onerror=" in answer and "<script>" in answer, "shown as text"
    answer = chat.ask("which skills do I need?", "carefully")
    assert '<a href="javascript:' in answer, "HTML in a reply is shown as text"
    # A Markdown link to javascript: is the one thing the widget turns into a link; the
    # page's Content-Security-Policy stops it from running.
    links = browser.find_elements("css selector", ".rw-response .rw-markdown a")
    assert [link.get_attribute("href") for link in links] == ["javascript:window.__injected='markdown'"]
    links[0].click()
    browser.switch_to.window(browser.window_handles[0])
    typed = "<img src=x onerror=\"window.__injected='typed'\"><script>window.__injected='typed'</script>"
    before = len(chat.replies())
    browser.find_element("css selector", "textarea.rw-new-message").send_keys(typed + "\n")
    chat.wait(lambda: len(chat.replies()) > before, REPLY_SECONDS, "a reply to the typed markup")
    assert typed in chat.sent(), "the candidate's message is shown as typed"
    time.sleep(0.5)
    assert chat.js(injected) is None
    assert chat.js("return document.querySelectorAll('.rw-messages-container img, "
                   ".rw-messages-container script').length") == 0
    chat.assert_in_view()  # with a three-line subtitle (the role's title)
    chat.screenshot("09-markup-role.png")


# -- the Rasa server's CORS --------------------------------------------------------------------

def test_rasa_lets_only_the_site_origin_use_the_chat_from_a_browser(site, bot):
    poll = f"{bot.url}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(poll, headers={"Origin": site.origin}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == site.origin
    other = requests.get(poll, headers={"Origin": "http://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_rasa_refuses_a_websocket_from_another_origin(site, bot):
    import websocket

    url = bot.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    # The site's own origin opens one (so the refusal below is not a broken endpoint).
    own = websocket.create_connection(url, origin=site.origin, timeout=10)
    assert own.recv().startswith("0")  # engine.io "open" packet
    own.close()
    try:
        ws = websocket.create_connection(url, origin="http://evil.example", timeout=10)
    except websocket.WebSocketException:
        return
    ws.close()
    pytest.fail("a WebSocket from http://evil.example was accepted")


def test_a_question_with_no_role_gets_a_button_per_role_and_a_click_answers_it(site, browser):
    """On the list of roles (no page role) with several roles: "which role do you mean?"
    with one button per role; clicking one answers the question that was asked."""
    chat = Chat(browser).load(site.url("/")).open()
    chat.wait_for_greeting()
    chat.ask("what does it pay?", "Which role do you mean?")
    buttons = chat.wait(lambda: chat.js(
        "return Array.from(document.querySelectorAll('.rw-replies .rw-reply')).map(b => b.innerText)"),
        10, "the role buttons")
    assert "Dental Hygiene Coordinator" in buttons and "Machine Learning Engineer" in buttons
    chat.screenshot("10-which-role-buttons.png")
    before = len(chat.replies())
    chat.js("Array.from(document.querySelectorAll('.rw-replies .rw-reply'))"
            ".find(b => b.innerText.trim() === 'Dental Hygiene Coordinator').click()")
    answer = chat.wait(lambda: [r for r in chat.replies()[before:] if DENTAL_SALARY in r],
                       REPLY_SECONDS, "the answer for the role clicked")[0]
    assert ML_SALARY not in answer
    time.sleep(0.4)
    chat.screenshot("11-which-role-answered.png")
