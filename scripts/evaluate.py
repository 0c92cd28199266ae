"""`make eval`: the options for understanding candidates, side by side on the same test set,
on this machine, written to results/REPORT.md (and results/eval.json).

For each option (OPTIONS below) a model is trained (timed), then measured on:
- intents: Rasa's NLU evaluation on the development set (tests/nlu/dev) and the test set
  (tests/nlu/test), weighted F1 and the lowest intent;
- answers: the live bot (action server + Rasa server, the shipped knowledge) asked every
  role question, question no topic covers and out-of-scope message of the test set
  (harness.answer_check.turns_from_nlu_set): answer accuracy and false-answer rate;
- several questions: tests/several_questions/test.yml, share with both answered.

"before" is the model of commit BEFORE (training data and config as they were when issue 13
was filed), served by today's actions, so it is the model that differs. A report, not a
gate: the gate is `make test`, on the option config.yml names.

    .venv/bin/python scripts/evaluate.py [--only before,shipped]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import KnowledgeBase  # noqa: E402
from bot.loader import load_knowledge  # noqa: E402
from harness import answer_check, several_questions  # noqa: E402
from harness.nlu_sets import DEV, SEVERAL_TEST, TEST  # noqa: E402
from harness.servers import PYTHON, ROOT, Bot, base_env  # noqa: E402

RESULTS = ROOT / "results"
MODELS = ROOT / "models" / "eval"
#: The commit whose model the issue measured (96.8 % answer accuracy on the old table).
BEFORE = "b702118"


@dataclass(frozen=True)
class Option:
    name: str
    what: str
    config: Optional[str] = None  # a config file of this repository; None: BEFORE's own
    generated: bool = True  # trained on data/nlu/generated.yml too


OPTIONS = [
    Option("before", f"word and character n-grams, DIET 100 epochs; training data of {BEFORE}"),
    Option("n-grams", "the same features and DIET on today's hand-written training data",
           "configs/ngrams.yml", generated=False),
    Option("n-grams-fast", "n-grams cut as in config.yml (characters 2-3, 20 epochs), no MiniLM",
           "configs/ngrams-fast.yml", generated=False),
    Option("minilm-100", "n-grams + all-MiniLM-L6-v2 sentence embeddings, DIET 100 epochs",
           "configs/minilm.yml", generated=False),
    Option("minilm-20", "config.yml: n-grams (characters 2-3) + MiniLM, DIET 20 epochs",
           "config.yml", generated=False),
    Option("shipped", "config.yml + the template-generated training data (data/nlu/generated.yml)",
           "config.yml"),
    Option("n-grams-fast-generated", "n-grams-fast (no MiniLM, 20 epochs) + the generated data",
           "configs/ngrams-fast.yml"),
]


def rasa(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([PYTHON, "-m", "rasa_ext", *args], cwd=cwd, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(option: Option, work: Path) -> Dict:
    """The option's model; wall and CPU seconds of training it from scratch."""
    if option.config is None:
        source = work / "before"
        source.mkdir()
        archive = subprocess.run(["git", "archive", BEFORE, "config.yml", "domain.yml", "data"],
                                 cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        config, domain, data = source / "config.yml", source / "domain.yml", source / "data"
    else:
        config, domain, data = ROOT / option.config, ROOT / "domain.yml", ROOT / "data"
    nlu = [str(p) for p in sorted((data / "nlu").glob("*.yml"))
           if option.generated or p.name != "generated.yml"]
    out = MODELS / option.name
    wall, cpu = time.monotonic(), _children_cpu()
    # No cache: each option's training is timed from scratch.
    with tempfile.TemporaryDirectory() as cwd:
        rasa("train", "--data", *nlu, str(data / "rules"), str(data / "stories"),
             "--config", str(config), "--domain", str(domain), "--out", str(out),
             "--fixed-model-name", option.name, cwd=Path(cwd))
    return {"model": out / f"{option.name}.tar.gz", "train_s": time.monotonic() - wall,
            "train_cpu_s": _children_cpu() - cpu}


def model_size_mb(model: Path) -> float:
    with tarfile.open(model) as archive:
        return sum(m.size for m in archive.getmembers()) / 1e6


def intents(model: Path, nlu_set: Path, out: Path) -> Dict:
    rasa("test", "nlu", "--nlu", str(nlu_set), "--model", str(model), "--out", str(out))
    report = json.loads((out / "intent_report.json").read_text())
    per_intent = {k: v["f1-score"] for k, v in report.items()
                  if isinstance(v, dict) and "support" in v and not k.endswith("avg")}
    lowest = min(per_intent.items(), key=lambda kv: kv[1])
    return {"weighted_f1": report["weighted avg"]["f1-score"], "lowest": lowest,
            "per_intent": per_intent}


def answers(model: Path, work: Path, kb_url: str, kb: KnowledgeBase) -> Dict:
    bot = Bot(work, kb_url, model=model).start()
    try:
        judge = answer_check.Judge(kb)
        results = answer_check.run(bot.reply_text, judge, answer_check.turns_from_nlu_set(TEST, kb))
        no_topic_rate, _, _ = results.rate_of("no_topic")
        several = several_questions.run(bot.reply_text, judge, SEVERAL_TEST)
        return {"accuracy": results.accuracy, "false_answer_rate": results.false_answer_rate,
                "no_topic_false_rate": no_topic_rate, "several_all_answered": several.all_answered,
                "several_false": several.false_answers, "by_kind": results.by_kind()}
    finally:
        bot.stop()


def evaluate(option: Option, work: Path, kb_url: str, kb: KnowledgeBase) -> Dict:
    print(f"{option.name}: training ...", flush=True)
    result = train(option, work)
    model = result["model"]
    result["size_mb"] = model_size_mb(model)
    print(f"{option.name}: intents ...", flush=True)
    result["dev"] = intents(model, DEV, RESULTS / "eval" / option.name / "dev")
    result["test"] = intents(model, TEST, RESULTS / "eval" / option.name / "test")
    print(f"{option.name}: answers from the live bot ...", flush=True)
    result.update(answers(model, work / "bot", kb_url, kb))
    result["model"] = str(model.relative_to(ROOT))
    return result


def report(options: List[Option], results: Dict[str, Dict]) -> str:
    lines = ["# Evaluation report", "",
             "Each option trained from scratch and measured on the same sets, on the same "
             "machine, by `make eval` (scripts/evaluate.py). Test set: `tests/nlu/test/` and "
             "`tests/several_questions/test.yml`, written from scratch and never used to choose "
             "training data; development set: `tests/nlu/dev/` (see docs/intents.md). Answers: "
             "the live bot over the shipped knowledge.", "",
             "| option | what | training s (CPU s) | model MB | dev weighted F1 | test weighted F1 "
             "| test lowest intent | test answer accuracy | false answers | no-topic false "
             "| two questions both answered |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for option in options:
        r = results.get(option.name)
        if r is None:
            continue
        name, f1 = r["test"]["lowest"]
        lines.append(
            f"| {option.name} | {option.what} | {r['train_s']:.0f} ({r['train_cpu_s']:.0f}) "
            f"| {r['size_mb']:.0f} | {r['dev']['weighted_f1']:.3f} | {r['test']['weighted_f1']:.3f} "
            f"| {f1:.3f} ({name}) | {r['accuracy']:.1%} | {r['false_answer_rate']:.1%} "
            f"| {r['no_topic_false_rate']:.1%} | {r['several_all_answered']:.1%} |")
    lines += ["", "Per-intent F1 on the test set:", "",
              "| intent | " + " | ".join(o.name for o in options if o.name in results) + " |",
              "|---|" + "---|" * len([o for o in options if o.name in results])]
    names = sorted({k for r in results.values() for k in r["test"]["per_intent"]})
    for intent in names:
        cells = [f"{results[o.name]['test']['per_intent'].get(intent, 0.0):.3f}"
                 for o in options if o.name in results]
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated option names (default: all)")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else {o.name for o in OPTIONS}
    options = [o for o in OPTIONS if o.name in wanted]
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / "eval.json"
    results: Dict[str, Dict] = json.loads(saved.read_text()) if saved.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        kb_url = f"sqlite:///{tmp}/kb.sqlite"
        load_knowledge(url=kb_url)
        kb = KnowledgeBase(kb_url)
        for option in options:
            work = Path(tmp) / option.name
            work.mkdir()
            results[option.name] = evaluate(option, work, kb_url, kb)
            saved.write_text(json.dumps(results, indent=2, default=str))
    (RESULTS / "REPORT.md").write_text(report(OPTIONS, results))
    print((RESULTS / "REPORT.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
