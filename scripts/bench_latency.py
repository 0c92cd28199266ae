"""Sequential latency of the running stack: start the real action and Rasa servers, ask
a mix of questions one after another over REST, print p50/p95/max per message.

    .venv/bin/python scripts/bench_latency.py [--messages 300]

A benchmark, not a test: it prints numbers and exits 0 unless the bot fails to answer.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.loader import load_knowledge  # noqa: E402
from harness.servers import Bot  # noqa: E402

QUESTIONS = [
    "hi", "tell me about the ML engineer job", "what does it pay?", "who would I report to?",
    "which skills do I need?", "how many years of experience?", "do I need a degree?",
    "any certifications?", "what kind of person does well here?", "what are the duties?",
    "what benefits are there?", "how much does a dental assistant make?",
    "what's the weather tomorrow?", "thanks!",
]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb_url = f"sqlite:///{tmp}/kb.sqlite"
        load_knowledge(url=kb_url)
        bot = Bot(Path(tmp) / "bot", kb_url).start()
        try:
            run = uuid.uuid4().hex[:8]
            for question in QUESTIONS:  # warm-up: first calls compile TF graphs
                bot.say(f"warm-up-{run}", question)
            latencies = []
            for i in range(args.messages):
                sender = f"bench-{run}-{i // len(QUESTIONS)}"  # one conversation per round
                started = time.perf_counter()
                replies = bot.say(sender, QUESTIONS[i % len(QUESTIONS)])
                latencies.append((time.perf_counter() - started) * 1000)
                if not replies:
                    print(f"no reply to {QUESTIONS[i % len(QUESTIONS)]!r}", file=sys.stderr)
                    return 1
        finally:
            bot.stop()
    print(f"sequential REST latency over {len(latencies)} messages (ms): "
          f"p50 {statistics.median(latencies):.1f}  p95 {percentile(latencies, 95):.1f}  "
          f"max {max(latencies):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
