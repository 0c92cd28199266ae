"""`make bench`: what our bot costs per message, against a stock Rasa bot on the same machine.

In one run: trains (timed) and starts our bot (action server + Rasa server, as `make run`
does) and a stock Rasa bot (`rasa init --no-prompt` in a temporary folder, trained there:
the baseline of what Rasa itself costs). For both, over REST:
  - start-up time until the first answer, training time, peak RSS of each server;
  - sequential latency (one user), then 8 and 32 concurrent users (distinct senders) each
    sending a fixed number of messages: throughput, p50/p95 latency, errors.
Training is timed `--train-runs` times (default 3; the median is `train_seconds`, every run
in `train_runs_seconds`): on a shared 2-core machine one training varies by 15 %.
Writes results/bench.json and prints a table. A benchmark, not a test.

    .venv/bin/python scripts/bench.py [--messages 400] [--no-train] [--train-runs 3]
    .venv/bin/python scripts/bench.py --ours-only      # quick: our latency only, no training
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.loader import load_knowledge  # noqa: E402
from harness.measure import CANDIDATE_QUESTIONS as OUR_QUESTIONS, percentile  # noqa: E402
from harness.servers import DEFAULT_MODEL, PYTHON, ROOT, Bot, Server, base_env, free_port  # noqa: E402

RESULTS = ROOT / "results"
# The stock bot's own kind of messages (moodbot), of similar length.
STOCK_QUESTIONS = [
    "hi", "hello there, how are you today", "I am feeling very sad", "great, thanks",
    "yes", "no", "bye", "are you a bot?", "I am unhappy about this", "perfect",
    "good morning", "not really", "that sounds good", "goodbye",
]
LOAD_LEVELS = (("sequential", 1), ("users_8", 8), ("users_32", 32))
# Each user starts a new conversation every this many messages, as candidates do (and
# within our REST channel's per-sender limit); the same for both bots.
CONVERSATION_LENGTH = 20


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(url: str, questions: List[str], users: int, messages: int) -> Dict[str, float]:
    """`users` conversations in parallel, `messages` messages in all."""
    run = uuid.uuid4().hex[:6]
    per_user = max(1, messages // users)

    def conversation(user: int) -> List[Tuple[Optional[float], bool]]:
        """(latency or None on an error, whether the bot said nothing) per message. A
        request that fails or is not a 200 with a JSON list is an error; an empty list is
        not (the stock moodbot has nothing to say to some messages), but it is counted."""
        session = requests.Session()
        out: List[Tuple[Optional[float], bool]] = []
        for i in range(per_user):
            started = time.perf_counter()
            try:
                r = session.post(f"{url}/webhooks/rest/webhook", timeout=60, json={
                    "sender": f"bench-{run}-{user}-{i // CONVERSATION_LENGTH}",
                    "message": questions[(user + i) % len(questions)]})
                replies = r.json() if r.status_code == 200 else None
            except (requests.RequestException, ValueError):
                replies = None
            ok = isinstance(replies, list)
            out.append(((time.perf_counter() - started) * 1000 if ok else None, ok and not replies))
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        samples = [s for batch in pool.map(conversation, range(users)) for s in batch]
    elapsed = time.perf_counter() - started
    latencies = [latency for latency, _ in samples if latency is not None]
    return {"messages": len(samples), "errors": len(samples) - len(latencies),
            "no_reply": sum(silent for _, silent in samples),
            "rps": round(len(latencies) / elapsed, 2),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None}


def first_answer_seconds(url: str, started: float, message: str) -> float:
    while True:
        try:
            if requests.post(f"{url}/webhooks/rest/webhook", timeout=30,
                             json={"sender": "bench-start", "message": message}).json():
                return time.perf_counter() - started
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)


def measure(url: str, questions: List[str], messages: int) -> Dict[str, Dict]:
    for q in questions:  # warm-up
        requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "bench-warm", "message": q}, timeout=60)
    return {name: load(url, questions, users, messages) for name, users in LOAD_LEVELS}


def timed(command: List[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return round(time.perf_counter() - started, 1)


def bench_ours(tmp: Path, messages: int, train_runs: int) -> Dict:
    result: Dict = {}
    model = DEFAULT_MODEL
    if train_runs:
        out = tmp / "ours-model"
        runs = [timed([PYTHON, "-m", "rasa_ext", "train", "--force", "--data", "data/nlu",
                       "data/rules", "data/stories", "--out", str(out), "--fixed-model-name",
                       "ours"], ROOT) for _ in range(train_runs)]
        result["train_seconds"] = statistics.median(runs)
        result["train_runs_seconds"] = runs
        model = out / "ours.tar.gz"
    kb_url = f"sqlite:///{tmp}/kb.sqlite"
    load_knowledge(url=kb_url)
    bot = Bot(tmp / "ours", kb_url, model=model)
    started = time.perf_counter()
    bot.start()
    try:
        result["startup_seconds"] = round(first_answer_seconds(bot.url, started, "hi"), 1)
        result.update(measure(bot.url, OUR_QUESTIONS, messages))
        result["peak_rss_mb"] = {"rasa": round(peak_rss_mb(bot.rasa.process.pid)),
                                 "actions": round(peak_rss_mb(bot.actions.process.pid))}
    finally:
        bot.stop()
    return result


def bench_stock(tmp: Path, messages: int) -> Dict:
    project = tmp / "stock"
    project.mkdir()
    result: Dict = {"train_seconds": timed([PYTHON, "-m", "rasa", "init", "--no-prompt"], project)}
    model = next((project / "models").glob("*.tar.gz"))
    port = free_port()
    server = Server("stock Rasa server", [PYTHON, "-m", "rasa", "run", "--model", str(model),
                                           "--interface", "127.0.0.1", "--port", str(port)],
                    base_env(), f"http://127.0.0.1:{port}/", project / "rasa.log", 600)
    started = time.perf_counter()
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        result["startup_seconds"] = round(first_answer_seconds(url, started, "hi"), 1)
        result.update(measure(url, STOCK_QUESTIONS, messages))
        result["peak_rss_mb"] = {"rasa": round(peak_rss_mb(server.process.pid))}
    finally:
        server.stop()
    return result


def table(report: Dict) -> str:
    width = 60
    rows = [f"{'':16s}{'ours':>{width}s}{'stock Rasa':>{width}s}"]
    for level, _ in LOAD_LEVELS:
        o, s = report["ours"][level], report["stock"][level]
        fmt = "p50 {p50_ms:>7} p95 {p95_ms:>7} rps {rps:>6} err {errors} silent {no_reply}"
        rows.append(f"{level:16s}{fmt.format(**o):>{width}s}{fmt.format(**s):>{width}s}")
    for key in ("train_seconds", "startup_seconds"):
        rows.append(f"{key:16s}{report['ours'].get(key, '-')!s:>{width}s}"
                    f"{report['stock'][key]!s:>{width}s}")
    rows.append(f"{'peak RSS MB':16s}{json.dumps(report['ours']['peak_rss_mb']):>{width}s}"
                f"{json.dumps(report['stock']['peak_rss_mb']):>{width}s}")
    rows.append(f"ratio_p50 (ours/stock, sequential) {report['ratio_p50']}   "
                f"ratio_rps_32 (ours/stock) {report['ratio_rps_32']}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=400, help="messages per load level")
    parser.add_argument("--no-train", action="store_true", help="use models/ and skip timing our training")
    parser.add_argument("--train-runs", type=int, default=3, help="trainings timed (the median is reported)")
    parser.add_argument("--ours-only", action="store_true",
                        help="only our bot, with the trained model: a quick latency check")
    args = parser.parse_args()
    if args.ours_only:
        with tempfile.TemporaryDirectory() as tmp_dir:
            ours = bench_ours(Path(tmp_dir), args.messages, train_runs=0)
        for level, _ in LOAD_LEVELS:
            print(f"{level:12s} p50 {ours[level]['p50_ms']} ms  p95 {ours[level]['p95_ms']} ms  "
                  f"rps {ours[level]['rps']}  errors {ours[level]['errors']}")
        print(f"start-up {ours['startup_seconds']} s, peak RSS MB {ours['peak_rss_mb']}")
        return 0
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        print("stock Rasa bot: rasa init --no-prompt (trains) ...", flush=True)
        stock = bench_stock(tmp, args.messages)
        print("our bot ...", flush=True)
        ours = bench_ours(tmp, args.messages, train_runs=0 if args.no_train else args.train_runs)
    report = {"ours": ours, "stock": stock,
              "ratio_p50": round(ours["sequential"]["p50_ms"] / stock["sequential"]["p50_ms"], 3),
              "ratio_rps_32": round(ours["users_32"]["rps"] / stock["users_32"]["rps"], 3)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    print(f"written to {RESULTS / 'bench.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
