"""Load test: many candidates at once, then proof that nothing was lost.

Starts one bot (action server + Rasa server with the SQLite tracker store, as `make run`
does), opens N web chats (socket.io, as the widget does when a page loads), then runs at
the same time N conversations over REST and the N chats, each M messages long, each
waiting for its reply before the next message. (Opening 50 chats at the very moment 50
REST conversations saturate the server timed their handshakes out at 60 s: see the note
in SECURITY.md.) Reports throughput, latency and errors, then reads the tracker store and checks
that every message and every reply of every conversation was recorded, in order.

    .venv/bin/python scripts/load_test.py [--conversations 50] [--messages 20]
    .venv/bin/python scripts/load_test.py --scaled [--kill-replica]

`--scaled`: against the scaled setup (`make run-scaled`: 2 Rasa replicas behind nginx,
Redis lock store, PostgreSQL tracker store). `--kill-replica`: SIGKILL Rasa replica 1 when
half the messages are answered; supervisord restarts it. A message in flight on the killed
replica may fail (counted, and allowed to be missing from the tracker store or present);
a web chat that loses its connection reconnects with its session id, as rasa-webchat
does. Everything else must be answered and recorded in order.

Exit status 0 only with zero errors (with --kill-replica: only errors of the messages in
flight when the replica died) and zero lost or misordered events.
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
from typing import Callable, Dict, List, Optional, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.loader import load_knowledge  # noqa: E402
from harness.measure import CANDIDATE_QUESTIONS as QUESTIONS, percentile  # noqa: E402
from harness.scaled import ScaledBot  # noqa: E402
from harness.servers import Bot  # noqa: E402
from harness.socketio_client import WebChat  # noqa: E402
from harness.tracker_store import conversations  # noqa: E402


# (message, reply); reply None: the request failed, so the message may or may not have
# reached the tracker store.
Exchange = Tuple[str, Optional[str]]


class Kill:
    """When the replica was gone (time.perf_counter()), None until then."""
    at: Optional[float] = None


def failed(errors: List[str], started: float, text: str) -> None:
    """Record a failure; one of a request sent after the replica was gone is LATE."""
    late = Kill.at is not None and started > Kill.at
    errors.append(("LATE " if late else "") + text)


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
            failed(errors, started, f"REST {sender} #{i}: {exc}")
            exchanges.append((message, None))
            continue
        if not replies:
            failed(errors, started, f"REST {sender} #{i}: status {response.status_code}, no reply")
            exchanges.append((message, None))
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        exchanges.append((message, "\n".join(r.get("text", "") for r in replies)))
    return exchanges


def open_chat(url: str, origin: str, errors: List[str],
              session_id: Optional[str] = None) -> Optional[WebChat]:
    session_id = session_id or uuid.uuid4().hex
    try:
        # `client=`: nginx's sticky key in the scaled setup, as the careers site's chat sends.
        return WebChat(f"{url}/?client={session_id}", origin=origin, session_id=session_id)
    except Exception as exc:  # noqa: BLE001 - a chat that cannot connect is an error
        errors.append(f"socket.io connect: {type(exc).__name__} {exc}")
        return None


#: How long a reconnected web chat waits for the reply to the message its old connection lost.
LATE_REPLY_SECONDS = 10.0
#: Web chats whose message was answered only after they reconnected (not an error).
ANSWERED_AFTER_RECONNECT: List[str] = []


def socketio_conversation(chat: WebChat, url: str, origin: str, count: int,
                          latencies: List[float],
                          errors: List[str]) -> Tuple[str, List[Exchange]]:
    exchanges: List[Exchange] = []
    session_id = chat.session_id
    current: Optional[WebChat] = chat
    try:
        for i in range(count):
            message = QUESTIONS[i % len(QUESTIONS)]
            if current is None or not current.connected:
                # The connection was lost (its replica died): reconnect with the same
                # session, as rasa-webchat does.
                if current is not None:
                    current.close()
                current = open_chat(url, origin, errors, session_id)
                if current is None:
                    exchanges.append((message, None))
                    continue
            started = time.perf_counter()
            try:
                reply = current.say(message, timeout=120)
            except Exception as exc:  # noqa: BLE001 - any failure counts as an error
                # The connection died under the message. It may still have been answered
                # (a web chat on the dead replica sent it before noticing): the reply then
                # comes to the session once the chat reconnects, as in rasa-webchat.
                current.close()
                current = open_chat(url, origin, errors, session_id)
                late = current.late_reply(LATE_REPLY_SECONDS) if current is not None else None
                if late is None:
                    failed(errors, started, f"socket.io {session_id} #{i}: {type(exc).__name__} {exc}")
                else:
                    ANSWERED_AFTER_RECONNECT.append(session_id)
                exchanges.append((message, late))
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            exchanges.append((message, reply))
    finally:
        if current is not None:
            current.close()
    return session_id, exchanges


def check_recorded(store_url: str, expected: Dict[str, List[Exchange]]) -> List[str]:
    """Every message and reply, in order, per conversation; problems found."""
    stored = conversations(store_url)
    problems = []
    for sender, exchanges in expected.items():
        got: List[Tuple[str, str]] = []
        for turn in stored.get(sender, []):
            if turn.kind == "bot" and got and got[-1][0] == "bot":  # one reply, several bubbles
                got[-1] = ("bot", f"{got[-1][1]}\n{turn.text}")
            else:
                got.append((turn.kind, turn.text))
        position = matched(got, exchanges)
        if position is not None:
            want = sum(2 for _, reply in exchanges if reply is not None)
            shown = [f"{kind}: {text[:40]}" for kind, text in got]
            sent = [(message[:30], (reply or "")[:40] or None) for message, reply in exchanges]
            problems.append(f"{sender}: {len(got)} stored turns vs {want} answered; "
                            f"first difference at exchange {position}; stored {shown}; "
                            f"sent (message, reply received) {sent}")
    return problems


def matched(got: List[Tuple[str, str]], exchanges: List[Exchange]) -> Optional[int]:
    """None when the stored turns are the answered exchanges in order (a failed message
    may be stored with its reply or not at all); else the first exchange that differs."""
    at = 0
    for index, (message, reply) in enumerate(exchanges):
        if reply is None:
            if at < len(got) and got[at] == ("user", message):
                at += 2 if at + 1 < len(got) and got[at + 1][0] == "bot" else 1
            continue
        if got[at:at + 2] != [("user", message), ("bot", reply)]:
            return index
        at += 2
    return None if at == len(got) else len(exchanges)


def kill_half_way(bot: "ScaledBot", answered: Callable[[], int], half: int,
                  restart: Dict[str, float]) -> None:
    """SIGKILL Rasa replica 1 once `half` messages are answered; time its way back."""
    started = time.perf_counter()
    while answered() < half:
        time.sleep(0.05)
    restart["killed_after"] = time.perf_counter() - started
    restart["pid"] = bot.kill("rasa-1")  # returns once the process is gone
    Kill.at = time.perf_counter()
    time.sleep(1)  # supervisord notices, and starts it again
    bot.wait_healthy(bot.replica_urls[0], seconds=600)
    restart["back_after"] = time.perf_counter() - Kill.at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=50, help="per channel")
    parser.add_argument("--messages", type=int, default=20, help="per conversation")
    parser.add_argument("--scaled", action="store_true",
                        help="against the scaled setup (2 Rasa replicas behind nginx)")
    parser.add_argument("--kill-replica", action="store_true",
                        help="with --scaled: SIGKILL Rasa replica 1 half-way")
    args = parser.parse_args()
    if args.kill_replica and not args.scaled:
        parser.error("--kill-replica needs --scaled")
    restart: Dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bot: "Bot | ScaledBot"
        if args.scaled:
            bot = ScaledBot(Path(tmp) / "scaled").start()
        else:
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
                chats = list(pool.map(lambda _: open_chat(bot.url, bot.site_origin, errors),
                                      range(args.conversations)))
            started = time.perf_counter()
            if args.kill_replica:
                assert isinstance(bot, ScaledBot)
                half = args.conversations * args.messages  # of 2 x conversations x messages
                threading.Thread(target=kill_half_way, daemon=True, args=(
                    bot, lambda: len(rest_latencies) + len(sio_latencies), half, restart)).start()
            with ThreadPoolExecutor(2 * args.conversations) as pool:
                rest = {pool.submit(rest_conversation, bot.url, f"load-{run}-{n}", args.messages,
                                    rest_latencies, errors): f"load-{run}-{n}"
                        for n in range(args.conversations)}
                sio = [pool.submit(socketio_conversation, chat, bot.url, bot.site_origin,
                                   args.messages, sio_latencies, errors)
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
    late = [error for error in errors if error.startswith("LATE ")]
    if args.kill_replica:
        print(f"  Rasa replica 1 killed (SIGKILL, pid {restart.get('pid', 0):.0f}) after "
              f"{restart.get('killed_after', 0):.1f} s; restarted by supervisord and answering "
              f"again after {restart.get('back_after', float('nan')):.1f} s")
        print(f"  errors: {len(errors)}: {len(errors) - len(late)} of messages in flight when "
              f"the replica died, {len(late)} of messages sent after; "
              f"{len(ANSWERED_AFTER_RECONNECT)} web-chat messages answered after the chat "
              f"reconnected")
    else:
        print(f"  errors: {len(errors)}")
    for error in (late + [e for e in errors if e not in late])[:10]:  # the unexpected first
        print(f"    {error}")
    recorded = sum(len(v) for v in expected.values())
    print(f"  tracker store: {len(expected)} conversations, {2 * recorded} user/bot events "
          f"expected; lost or out of order: {len(problems)} conversations")
    for problem in problems[:10]:
        print(f"    {problem}")
    if args.kill_replica:
        return 0 if not late and not problems and "back_after" in restart else 1
    return 0 if not errors and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
