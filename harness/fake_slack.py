"""A local stand-in for the Slack Web API, for the Slack end-to-end tests.

Start it, give the bot `SLACK_API_BASE_URL=fake.base_url`, and it answers the methods the
bot calls as Slack does (HTTP 200 with `{"ok": true, ...}`, or `{"ok": false, "error":
"invalid_auth"}` for a wrong token, `unknown_method` for anything else), recording every
call so a test can assert what the bot posted:

    with FakeSlack(token="xoxb-test") as slack:
        ...  # start the bot, send it a signed event
        post = slack.wait_for_post(channel="D111")
        assert "Machine Learning Engineer" in post["text"]
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

BOT_USER_ID = "W111"  # the bot user in the bolt-python payloads ("<@W111> Hi there!")
BOT_ID = "B111"
TEAM_ID = "T111"


@dataclass
class Call:
    method: str           # Web API method, e.g. "chat.postMessage"
    args: Dict[str, Any]  # its arguments (JSON or form body, and the query string)
    authorization: str    # the Authorization header
    at: float = field(default_factory=time.monotonic)
    ts: str = ""          # the `ts` the fake gave the message it answered for (threads)


class FakeSlack:
    def __init__(self, token: str = "xoxb-test", host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
        self.calls: List[Call] = []
        self._changed = threading.Condition()
        self._ts = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}/api/"

    def start(self) -> "FakeSlack":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what the bot did -----------------------------------------------------------
    def calls_to(self, method: str) -> List[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def posts(self, **match: Any) -> List[Dict[str, Any]]:
        """Arguments of every chat.postMessage whose arguments include `match`."""
        return [c.args for c in self.calls_to("chat.postMessage")
                if all(c.args.get(k) == v for k, v in match.items())]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = predicate()
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"fake Slack: nothing matched within {timeout} s; "
                                         f"calls: {[(c.method, c.args) for c in self.calls]}")
                self._changed.wait(left)

    def wait_for_post(self, timeout: float = 30, **match: Any) -> Dict[str, Any]:
        """The first chat.postMessage matching `match`, waiting for it if need be."""
        return self.wait_for(lambda: next(iter(self.posts(**match)), None), timeout)

    # -- the Web API ----------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query = request.path.partition("?")
        method = path.rsplit("/", 1)[-1] if path.startswith("/api/") else ""
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        args: Dict[str, Any] = dict(parse_qsl(query))
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        try:
            if content_type == "application/json" and raw:
                args.update(json.loads(raw))
            elif raw:
                args.update(parse_qsl(raw.decode("utf-8")))
        except ValueError:
            self._reply(request, 200, {"ok": False, "error": "invalid_json"})
            return
        authorization = request.headers.get("Authorization") or ""
        if "token" in args and not authorization:
            authorization = f"Bearer {args['token']}"
        with self._changed:
            self._ts += 1
            ts = f"{int(time.time())}.{self._ts:06d}"
            self.calls.append(Call(method, args, authorization, ts=ts))
            self._changed.notify_all()
        if not method:
            self._reply(request, 404, {"ok": False, "error": "not_found"})
        elif authorization != f"Bearer {self.token}":
            self._reply(request, 200, {"ok": False, "error": "invalid_auth"})
        elif method == "auth.test":
            self._reply(request, 200, {
                "ok": True, "url": "https://fake-workspace.slack.com/", "team": "Fake Workspace",
                "user": "recruiting-bot", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                "bot_id": BOT_ID, "is_enterprise_install": False})
        elif method == "chat.postMessage":
            if not args.get("channel"):
                self._reply(request, 200, {"ok": False, "error": "channel_not_found"})
                return
            if not args.get("text") and not args.get("blocks"):
                self._reply(request, 200, {"ok": False, "error": "no_text"})
                return
            message = {"type": "message", "subtype": "bot_message", "text": args.get("text"),
                       "ts": ts, "bot_id": BOT_ID, "user": BOT_USER_ID}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            self._reply(request, 200, {"ok": True, "channel": args["channel"], "ts": ts,
                                       "message": message})
        else:
            self._reply(request, 200, {"ok": False, "error": "unknown_method"})

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: Dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def sign(secret: str, body: bytes, timestamp: Optional[int] = None) -> Dict[str, str]:
    """The headers Slack sends with `body`, signed with `secret` at `timestamp` (now).

    Written from Slack's documentation, independently of the bot's own check."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest}"}
