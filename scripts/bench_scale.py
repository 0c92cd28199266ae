"""Scale-out benchmark: the scaled setup (`make run-scaled`) with 1 and with 2 Rasa
replicas, measured in the same run on this machine, at 32 and 64 concurrent users.

Each setup is started exactly as `make run-scaled` starts it (scripts/serve.sh --scaled:
nginx, Redis lock store, PostgreSQL tracker store and knowledge base), on ports of its
own, with as many action servers as Rasa replicas. Half the users talk over REST, half
over socket.io (long-polling, as the web chat starts, with its `client=` id for nginx's
sticky routing); each sends its messages one after another, waiting for the reply.
Users of one level start together after a warm-up. The order of the setups is alternated
over `--rounds` (default 2: 1 2 2 1 replicas) and each number is the median over rounds.
Writes results/scale.json:

    rps_<replicas>_<users>, p50_<replicas>_<users>_ms, p95_<replicas>_<users>_ms,
    errors_<replicas>_<users>, ratio_rps_32 (= rps_2_32 / rps_1_32), ...

    .venv/bin/python scripts/bench_scale.py [--messages 15] [--replicas 1 2] [--users 32 64] [--rounds 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.measure import CANDIDATE_QUESTIONS as QUESTIONS, percentile  # noqa: E402
from harness.scaled import ScaledBot  # noqa: E402
from service.settings import DEFAULT_SITE_ORIGIN, ServiceSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0


async def rest_user(http: aiohttp.ClientSession, url: str, messages: int,
                    latencies: List[float], errors: List[str]) -> None:
    sender = f"bench-rest-{uuid.uuid4().hex[:10]}"
    for i in range(messages):
        started = time.perf_counter()
        try:
            async with http.post(f"{url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": QUESTIONS[i % len(QUESTIONS)]},
                                 timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as response:
                replies = await response.json() if response.status == 200 else []
            if not replies:
                errors.append(f"REST status {response.status}, no reply")
                continue
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            errors.append(f"REST {type(exc).__name__} {exc}")
            continue
        latencies.append((time.perf_counter() - started) * 1000)


async def socketio_user(url: str, origin: str, messages: int, latencies: List[float],
                        errors: List[str]) -> None:
    """One web chat. Long-polling only, as the web chat starts: python-engineio's async
    WebSocket client needs a newer aiohttp than Rasa pins, and a thread per chat with the
    sync client costs this process more CPU than the servers can spare on 2 cores (it
    measured lower for 2 replicas). Polling is the heavier transport for the servers (three
    requests a message), so these numbers err on the slow side."""
    session_id = uuid.uuid4().hex
    client = socketio.AsyncClient(reconnection=False)
    replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
    confirmed: "asyncio.Queue[Any]" = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    try:
        await client.connect(f"{url}/?client={session_id}", headers={"Origin": origin},
                             transports=["polling"], socketio_path="socket.io",
                             wait_timeout=TIMEOUT)
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.get(), TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure to connect counts as errors
        errors.extend([f"socket.io connect: {type(exc).__name__} {exc}"] * messages)
        await client.disconnect()
        return
    try:
        for i in range(messages):
            started = time.perf_counter()
            await client.emit("user_uttered", {"message": QUESTIONS[i % len(QUESTIONS)],
                                               "session_id": session_id})
            try:
                await asyncio.wait_for(replies.get(), TIMEOUT)
            except asyncio.TimeoutError:
                errors.append("socket.io: no reply")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            # A reply may come in several bubbles: take them all before the next message.
            await asyncio.sleep(0.05)
            while not replies.empty():
                replies.get_nowait()
    finally:
        await client.disconnect()


async def level(url: str, origin: str, users: int, messages: int) -> Dict[str, Any]:
    latencies: List[float] = []
    errors: List[str] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(
            *(rest_user(http, url, messages, latencies, errors) for _ in range(users // 2)),
            *(socketio_user(url, origin, messages, latencies, errors)
              for _ in range(users - users // 2)))
        elapsed = time.perf_counter() - started
    return {"users": users, "messages": len(latencies), "seconds": round(elapsed, 2),
            "rps": round(len(latencies) / elapsed, 2),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
            "errors": len(errors), "first_errors": errors[:5]}


def bench(replicas: int, users_levels: List[int], messages: int, workdir: Path) -> Dict[int, Dict]:
    bot = ScaledBot(workdir, rasa_replicas=replicas,
                    action_replicas=replicas)
    print(f"starting the scaled setup with {replicas} Rasa replica(s) ...", flush=True)
    bot.start()
    origin = ServiceSettings.from_env(bot.env).site_origin or DEFAULT_SITE_ORIGIN
    try:
        asyncio.run(level(bot.url, origin, 8, 3))  # warm-up: caches, connections, JIT paths
        results = {}
        for users in users_levels:
            result = asyncio.run(level(bot.url, origin, users, messages))
            print(f"  {replicas} replica(s), {users} users: {result['rps']} msg/s, p50 "
                  f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, errors {result['errors']}",
                  flush=True)
            results[users] = result
        return results
    finally:
        bot.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=15, help="per user and level")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--users", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds; each reverses the last one's order of replica counts")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "scale.json")
    args = parser.parse_args()
    report: Dict[str, Any] = {"machine_cpus": __import__("os").cpu_count(),
                              "messages_per_user": args.messages, "mix": "half REST, half socket.io"}
    # Whichever setup runs second measured faster here (1 then 2 replicas: 16.6 and 34.2
    # msg/s; 2 then 1: 23.1 and 20.1), so rounds alternate the order (1 2, 2 1, ...) and
    # each number is the median over rounds, with every run in detail_*.
    order: List[int] = []
    runs: Dict[str, List[Dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for replicas in (args.replicas if round_ % 2 == 0 else args.replicas[::-1]):
                order.append(replicas)
                workdir = Path(tmp) / f"run-{len(order)}-replicas-{replicas}"
                for users, result in bench(replicas, args.users, args.messages, workdir).items():
                    runs.setdefault(f"{replicas}_{users}", []).append(result)
    report["order"] = order
    for key, results in runs.items():
        report[f"rps_{key}"] = round(statistics.median(r["rps"] for r in results), 2)
        report[f"p50_{key}_ms"] = round(statistics.median(r["p50_ms"] for r in results), 1)
        report[f"p95_{key}_ms"] = round(statistics.median(r["p95_ms"] for r in results), 1)
        report[f"errors_{key}"] = sum(r["errors"] for r in results)
        report[f"detail_{key}"] = results
    ratios: List[Tuple[str, float]] = []
    for users in args.users:
        one, two = report.get(f"rps_1_{users}"), report.get(f"rps_2_{users}")
        if one and two:
            report[f"ratio_rps_{users}"] = round(two / one, 2)
            ratios.append((f"{users} users", report[f"ratio_rps_{users}"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for name, ratio in ratios:
        print(f"2 replicas / 1 replica throughput at {name}: {ratio}x")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
