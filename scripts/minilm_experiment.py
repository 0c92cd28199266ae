"""The MiniLM experiment: train NLU with config.yml and the MiniLM variants, test each on
the development set (tests/nlu), and measure training time, latency and memory.

    python scripts/minilm_experiment.py [--variants baseline,minilm,minilm-fast] [--skip-train]
    python scripts/minilm_experiment.py latency MODEL.tar.gz   (one model, in its own process)

For each variant: NLU training under /usr/bin/time -v (wall, user+sys CPU, peak RSS),
`rasa test nlu --nlu tests/nlu` (weighted intent F1, the 3 worst intents), then a process
that loads the model as `rasa run` does (rasa.core.agent.Agent) and parses every
development message one at a time: ms per message and the process's RSS. Writes
results/minilm/summary.json and summary.md. Run it through `make eval-minilm` (the
environment: RECRUITING_SPACY_MODEL, RECRUITING_MINILM_MODEL, PYTHONPATH).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "minilm"
MODELS = ROOT / "models" / "exp"
VARIANTS = {
    "baseline": "config.yml",
    "minilm": "configs/minilm.yml",
    "minilm-fast": "configs/minilm-fast.yml",
    "baseline-fast": "configs/baseline-fast.yml",  # the control: minilm-fast's cuts, no MiniLM
}
DEV_SET = "tests/nlu"


def _rss_mb() -> Dict[str, float]:
    status = Path("/proc/self/status").read_text()
    values = {k: int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
              for k in ("VmRSS", "VmHWM")}
    return {"rss_mb": round(values["VmRSS"], 1), "peak_rss_mb": round(values["VmHWM"], 1)}


def latency(model: str) -> Dict[str, float]:
    """Load the model as the Rasa server does and parse each development message."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    texts = [m.get("text") for m in load_data(str(ROOT / DEV_SET)).training_examples]
    started = time.perf_counter()
    agent = Agent.load(model)
    load_s = time.perf_counter() - started
    loaded = _rss_mb()

    async def parse_all() -> List[float]:
        for text in texts[:20]:  # warm-up
            await agent.parse_message(text)
        times = []
        for text in texts:
            begin = time.perf_counter()
            await agent.parse_message(text)
            times.append(1000 * (time.perf_counter() - begin))
        return times

    cpu = time.process_time()
    times = sorted(asyncio.run(parse_all()))
    # CPU time (user+sys of the process, over the warm-up too) says more than wall time
    # when other jobs share the 2 cores.
    cpu_ms = 1000 * (time.process_time() - cpu) / (len(times) + 20)
    return {"messages": len(times), "load_s": round(load_s, 1),
            "ms_mean": round(sum(times) / len(times), 2), "ms_p50": round(times[len(times) // 2], 2),
            "ms_p95": round(times[int(len(times) * 0.95)], 2), "cpu_ms_mean": round(cpu_ms, 2),
            "load_avg": round(os.getloadavg()[0], 1), "rss_loaded_mb": loaded["rss_mb"], **_rss_mb()}


def _time_v(path: Path) -> Dict[str, float]:
    text = path.read_text()

    def field(name: str) -> str:
        return re.search(rf"{re.escape(name)}: (.+)", text).group(1).strip()  # type: ignore[union-attr]

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
    return {"wall_s": round(wall, 1), "user_s": user, "sys_s": system, "cpu_s": round(user + system, 1),
            "peak_rss_mb": round(int(field("Maximum resident set size (kbytes)")) / 1024, 1)}


def _run(cmd: List[str], log: Path, time_file: Path) -> None:
    # No training cache (.rasa/cache): every variant trains every component, so the times
    # compare (with the cache a later variant restores the count-vector featurizers).
    env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
    with log.open("w") as out:
        run = subprocess.run(["/usr/bin/time", "-v", "-o", str(time_file), *cmd], cwd=ROOT, env=env,
                             stdout=out, stderr=subprocess.STDOUT)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({run.returncode}): see {log}")


def run_variant(name: str, config: str, skip_train: bool) -> Dict[str, object]:
    out = RESULTS / name
    out.mkdir(parents=True, exist_ok=True)
    model = MODELS / f"{name}.tar.gz"
    rasa = [sys.executable, "-m", "rasa_ext"]
    load_before = os.getloadavg()[0]
    if not skip_train or not model.is_file():
        _run([*rasa, "train", "nlu", "--config", config, "--nlu", "data/nlu", "--out", str(MODELS),
              "--fixed-model-name", name], out / "train.log", out / "train.time")
    _run([*rasa, "test", "nlu", "--nlu", DEV_SET, "--model", str(model), "--out", str(out / "test")],
         out / "test.log", out / "test.time")
    report = json.loads((out / "test" / "intent_report.json").read_text())
    per_intent = {k: v["f1-score"] for k, v in report.items()
                  if isinstance(v, dict) and "support" in v and not k.endswith("avg")}
    worst = sorted(per_intent.items(), key=lambda kv: kv[1])[:3]
    entities = json.loads((out / "test" / "DIETClassifier_report.json").read_text())
    measured = subprocess.run([sys.executable, __file__, "latency", str(model)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
    return {
        "config": config,
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "accuracy": round(report["accuracy"], 4),
        "worst_intents": [[k, round(v, 3)] for k, v in worst],
        "role_entity_f1_diet": round(entities.get("role", {}).get("f1-score", 0.0), 4),
        "train": _time_v(out / "train.time") if (out / "train.time").is_file() else None,
        "inference": json.loads(measured.stdout.strip().splitlines()[-1]),
        # Other jobs share the machine: the 1-minute load average before training and now.
        "load_avg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _markdown(summary: Dict[str, Dict]) -> str:
    lines = ["| variant | weighted F1 | 3 worst intents (F1) | train wall s | train user+sys s | "
             "ms/message mean (p50) | CPU ms/message | RSS loaded MB |", "|---|---|---|---|---|---|---|---|"]
    for name, r in summary.items():
        worst = ", ".join(f"{k} {v:.3f}" for k, v in r["worst_intents"])
        train = r["train"] or {}
        inf = r["inference"]
        lines.append(f"| {name} | {r['weighted_f1']:.3f} | {worst} | {train.get('wall_s', '-')} | "
                     f"{train.get('cpu_s', '-')} | {inf['ms_mean']} ({inf['ms_p50']}) | {inf['cpu_ms_mean']} | "
                     f"{inf['rss_mb']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "latency":
        print(json.dumps(latency(sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--skip-train", action="store_true", help="reuse models/exp/NAME.tar.gz")
    args = parser.parse_args()
    for var in ("RECRUITING_SPACY_MODEL", "RECRUITING_MINILM_MODEL"):
        if not os.environ.get(var):
            raise SystemExit(f"{var} is not set: run `make eval-minilm`")
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary_file = RESULTS / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.is_file() else {}
    for name in args.variants.split(","):
        summary[name] = run_variant(name, VARIANTS[name], args.skip_train)
        summary_file.write_text(json.dumps(summary, indent=2) + "\n")
        print(name, json.dumps(summary[name]), flush=True)
    (RESULTS / "summary.md").write_text(_markdown(summary))
    print(_markdown(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
