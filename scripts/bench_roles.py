"""`make bench-roles`: what the number of roles costs. A benchmark, not a test.

Knowledge bases of 1, 10, 100 and 500 roles (the shipped roles, then generated variants of
them: "Registered Nurse, Site 7" sharing the original's source document), loaded one after
the other into the knowledge base of ONE running bot (action server + Rasa server with the
trained model; neither is restarted or retrained). For each size:
  - `kb load` time (validate every file, replace the database in one transaction);
  - time until a new role is answered: from the start of a load that adds one role until
    the running bot answers a question naming it with its salary;
  - per-message p50/p95 over REST, sequential, questions naming random roles of that size;
  - resident memory (current and peak) of the action server and the Rasa server.
Writes results/bench_roles.json and prints a table.

    .venv/bin/python scripts/bench_roles.py [--sizes 1,10,100,500] [--messages 200]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import KnowledgeBase  # noqa: E402
from bot.loader import load_knowledge  # noqa: E402
from harness.measure import percentile  # noqa: E402
from harness.servers import ROOT, Bot  # noqa: E402

RESULTS = ROOT / "results"
SHIPPED = ROOT / "knowledge"
QUESTIONS = ["what does the {title} job pay?", "who does the {title} report to?",
             "which skills does a {title} need?", "tell me about the {title} role",
             "how many years of experience for the {title} position?"]


def memory_mb(pid: int) -> Dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(line.split()[1]) / 1024
    return {"rss_mb": round(values["VmRSS"], 1), "peak_rss_mb": round(values["VmHWM"], 1)}


def knowledge_of(size: int, out: Path, extra: int = 0) -> Path:
    """A knowledge folder of `size` roles (+ `extra` more): the shipped ones first, then
    variants of them with their own slug and title and no aliases (aliases must be unique).
    An extra role gets its own copy of the source with a pay figure no other role has, so
    an answer carrying it can only come from that role."""
    if out.exists():
        shutil.rmtree(out)
    (out / "jobs").mkdir(parents=True)
    shutil.copy(SHIPPED / "topics.yml", out / "topics.yml")
    shutil.copytree(SHIPPED / "sources", out / "sources")
    originals = sorted((SHIPPED / "jobs").glob("*.yml"))
    for n in range(size + extra):
        original = originals[n % len(originals)]
        text = original.read_text(encoding="utf-8")
        if n < len(originals) and n < size:
            (out / "jobs" / original.name).write_text(text, encoding="utf-8")
            continue
        site = n // len(originals) + 1
        slug = f"{original.stem}-site-{site}"
        title = re.search(r"^title: (.+)$", text, re.M).group(1).strip() + f", Site {site}"
        text = re.sub(r"^slug: .+$", f"slug: {slug}", text, flags=re.M)
        text = re.sub(r"^title: .+$", f"title: {title}", text, flags=re.M)
        text = re.sub(r"^aliases:\n(?:[ -].*\n)+", "", text, flags=re.M)
        if n >= size:
            text = _unique_pay(text, out, original, slug, n)
        (out / "jobs" / f"{slug}.yml").write_text(text, encoding="utf-8")
    return out


def _unique_pay(job_text: str, out: Path, original: Path, slug: str, n: int) -> str:
    source_ref = re.search(r"^source: (.+)$", job_text, re.M).group(1).strip()
    source = (original.parent / source_ref).resolve().read_text(encoding="utf-8")
    salary = job_text[job_text.index("\n  salary:"):]
    figure = re.search(r"\$\d[\d,]*", salary).group(0)
    new = f"${987_000 + n:,}"
    exactly = re.compile(re.escape(figure) + r"(?![\d,]*\d)")
    (out / "sources" / f"{slug}.txt").write_text(exactly.sub(new, source), encoding="utf-8")
    job_text = re.sub(r"^source: .+$", f"source: ../sources/{slug}.txt", job_text, flags=re.M)
    return exactly.sub(new, job_text)


def salary_figure(kb: KnowledgeBase, slug: str) -> str:
    facts = kb.facts(slug, "salary")
    return re.search(r"\$\d[\d,.]*", facts[0].text).group(0) if facts else ""


def measure_size(bot: Bot, kb: KnowledgeBase, size: int, work: Path, messages: int) -> Dict:
    folder = knowledge_of(size, work / f"k{size}")
    started = time.perf_counter()
    load_knowledge(folder, kb.url)
    load_seconds = time.perf_counter() - started

    roles = kb.roles()
    rng = random.Random(size)
    latencies = []
    sender = f"bench-roles-{uuid.uuid4().hex[:6]}"
    for i in range(messages):
        if i % 20 == 0:
            sender = f"bench-roles-{uuid.uuid4().hex[:6]}-{i}"
        role = rng.choice(roles)
        question = rng.choice(QUESTIONS).format(title=role.title)
        t0 = time.perf_counter()
        bot.reply_text(sender, question)
        latencies.append((time.perf_counter() - t0) * 1000)

    # One role more, loaded while the bot runs: how long until it is answered by name?
    with_new = knowledge_of(size, work / f"k{size}+1", extra=1)
    new_slug = sorted(set(p.stem for p in (with_new / "jobs").glob("*.yml"))
                      - set(r.slug for r in roles))[0]
    started = time.perf_counter()
    load_knowledge(with_new, kb.url)
    new_role = kb.role(new_slug)
    figure = salary_figure(kb, new_slug)
    answered = None
    while time.perf_counter() - started < 60:
        reply = bot.reply_text(f"bench-new-{uuid.uuid4().hex[:6]}", f"what does the {new_role.title} job pay?")
        if figure and figure in reply:
            answered = time.perf_counter() - started
            break
    return {
        "roles": len(roles), "kb_load_s": round(load_seconds, 3),
        "new_role_answered_s": round(answered, 3) if answered is not None else None,
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "messages": messages,
        "actions": memory_mb(bot.actions.process.pid), "rasa": memory_mb(bot.rasa.process.pid),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,500")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    RESULTS.mkdir(exist_ok=True)
    rows: List[Dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'kb.sqlite'}"
        load_knowledge(knowledge_of(1, work / "k-start"), url)
        kb = KnowledgeBase(url)
        bot = Bot(work / "bot", url).start()
        try:
            bot.reply_text("warm-up", "hi")
            for size in sizes:
                row = measure_size(bot, kb, size, work, args.messages)
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            bot.stop()
    (RESULTS / "bench_roles.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\n{'roles':>6} {'kb load s':>10} {'new role s':>11} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'actions MB':>11} {'rasa MB':>8}")
    for r in rows:
        print(f"{r['roles']:>6} {r['kb_load_s']:>10} {str(r['new_role_answered_s']):>11} "
              f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['actions']['rss_mb']:>11} {r['rasa']['rss_mb']:>8}")
    print(f"\nwrote {RESULTS / 'bench_roles.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
