"""Load test: many candidates at once, then proof that nothing was lost.

Starts one bot (action server + Rasa server with the SQLite tracker store, as `make run`
does), opens N web chats (socket.io, as the widget does when a page loads), then runs at
the same time N conversations over REST and the N chats, each M messages long, each
waiting for its reply before the next message. (Opening 50 chats at the very moment 50
REST conversations saturate the server timed their handshakes out at 60 s: see the note
in SECURITY.md.) Reports throughput, latency and errors, then reads the tracker store and checks
that every message and every reply of every conversation was recorded, in order.

    .venv/bin/python scripts/load_test.py [--conversations 50] [--messages 20]

Exit status 0 only with zero errors and zero lost or misordered events.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.loader import load_knowledge  # noqa: E402
from harness.measure import CANDIDATE_QUESTIONS as QUESTIONS, percentile  # noqa: E402
from harness.servers import Bot  # noqa: E402
from harness.socketio_client import WebChat  # noqa: E402
from harness.tracker_store import conversations  # noqa: E402


Exchange = Tuple[str, str]  # (message, reply)


def rest_conversation(url: str, sender: str, count: int, latencies: List[float],
                      errors: List[str]) -> List[Exchange]:
    session = requests.Session()
    exchanges = []
    for i in range(count):
        message = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        try:
            response = session.post(f"{url}/webhooks/rest/webhook", timeout=120,
                                     json={"sender": sender, "message": message})
            replies = response.json() if response.status_code == 200 else []
        except (requests.RequestException, ValueError) as exc:
            errors.append(f"REST {sender} #{i}: {exc}")
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if not replies:
            errors.append(f"REST {sender} #{i}: status {response.status_code}, no reply")
        exchanges.append((message, "\n".join(r.get("text", "") for r in replies)))
    return exchanges


def open_chat(url: str, errors: List[str]) -> Optional[WebChat]:
    try:
        return WebChat(url)
    except Exception as exc:  # noqa: BLE001 - a chat that cannot connect is an error
        errors.append(f"socket.io connect: {type(exc).__name__} {exc}")
        return None


def socketio_conversation(chat: WebChat, count: int, latencies: List[float],
                          errors: List[str]) -> Tuple[str, List[Exchange]]:
    exchanges = []
    try:
        for i in range(count):
            message = QUESTIONS[i % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                reply = chat.say(message, timeout=120)
            except Exception as exc:  # noqa: BLE001 - any failure counts as an error
                errors.append(f"socket.io {chat.session_id} #{i}: {type(exc).__name__} {exc}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            exchanges.append((message, reply))
    finally:
        chat.close()
    return chat.session_id, exchanges


def check_recorded(store_url: str, expected: Dict[str, List[Exchange]]) -> List[str]:
    """Every message and reply, in order, per conversation; problems found."""
    stored = conversations(store_url)
    problems = []
    for sender, exchanges in expected.items():
        want = [turn for message, reply in exchanges for turn in (("user", message), ("bot", reply))]
        got = []
        for turn in stored.get(sender, []):
            if turn.kind == "bot" and got and got[-1][0] == "bot":  # one reply, several bubbles
                got[-1] = ("bot", f"{got[-1][1]}\n{turn.text}")
            else:
                got.append((turn.kind, turn.text))
        if got != want:
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            problems.append(f"{sender}: {len(got)} stored turns vs {len(want)} expected; "
                            f"first difference at turn {first}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=50, help="per channel")
    parser.add_argument("--messages", type=int, default=20, help="per conversation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb_url = f"sqlite:///{tmp}/kb.sqlite"
        load_knowledge(url=kb_url)
        bot = Bot(Path(tmp) / "bot", kb_url).start()
        try:
            run = uuid.uuid4().hex[:6]
            rest_latencies: List[float] = []
            sio_latencies: List[float] = []
            errors: List[str] = []
            lock = threading.Lock()
            expected: Dict[str, List[Exchange]] = {}
            # The web chats open their sessions first (as on a site, where the widget
            # connects when the page loads), then every conversation talks at once.
            with ThreadPoolExecutor(args.conversations) as pool:
                chats = list(pool.map(lambda _: open_chat(bot.url, errors), range(args.conversations)))
            started = time.perf_counter()
            with ThreadPoolExecutor(2 * args.conversations) as pool:
                rest = {pool.submit(rest_conversation, bot.url, f"load-{run}-{n}", args.messages,
                                    rest_latencies, errors): f"load-{run}-{n}"
                        for n in range(args.conversations)}
                sio = [pool.submit(socketio_conversation, chat, args.messages, sio_latencies, errors)
                       for chat in chats if chat is not None]
                for future, sender in rest.items():
                    expected[sender] = future.result()
                for future in sio:
                    session_id, exchanges = future.result()
                    with lock:
                        expected[session_id] = exchanges
            elapsed = time.perf_counter() - started
            time.sleep(2)  # the last trackers are saved after the last replies are sent
            problems = check_recorded(bot.tracker_store_url, expected)
        finally:
            bot.stop()

    total = len(rest_latencies) + len(sio_latencies)
    print(f"{args.conversations} REST + {args.conversations} socket.io conversations x "
          f"{args.messages} messages, all at once")
    print(f"  answered {total} messages in {elapsed:.1f} s: {total / elapsed:.1f} messages/s")
    for name, values in (("REST", rest_latencies), ("socket.io", sio_latencies)):
        if values:
            print(f"  {name:9s} p50 {statistics.median(values):7.0f} ms   "
                  f"p95 {percentile(values, 95):7.0f} ms   n={len(values)}")
    print(f"  errors: {len(errors)}")
    for error in errors[:10]:
        print(f"    {error}")
    recorded = sum(len(v) for v in expected.values())
    print(f"  tracker store: {len(expected)} conversations, {2 * recorded} user/bot events "
          f"expected; lost or out of order: {len(problems)} conversations")
    for problem in problems[:10]:
        print(f"    {problem}")
    return 0 if not errors and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
