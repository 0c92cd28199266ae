"""`make eval`: how well the bot understands candidates, written to results/.

1. Rasa's NLU evaluation on the held-out set tests/nlu/ (never trained on):
   results/nlu/intent_report.json, intent_confusion_matrix.png, DIET's role-entity report.
2. The role EntityRuler of our spaCy pipeline, scored on the same held-out annotations.
3. The end-to-end answer check against the live bot (harness/answer_check.py).
4. The same evaluations with a model trained without our spaCy components (no lemmas,
   no EntityRuler: whitespace tokens only), side by side: what spaCy contributes.

Everything lands in results/REPORT.md. A report, not a gate: the gate is `make test`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import KnowledgeBase  # noqa: E402
from bot.loader import load_knowledge  # noqa: E402
from harness import answer_check, several_questions  # noqa: E402
from harness.servers import DEFAULT_MODEL, PYTHON, ROOT, Bot, base_env  # noqa: E402

RESULTS = ROOT / "results"
ABLATION_MODEL = ROOT / "models" / "ablation" / "no-spacy.tar.gz"
ROLE = "machine-learning-engineer"


def rasa(*args: str) -> None:
    subprocess.run([PYTHON, "-m", "rasa_ext", *args], cwd=ROOT, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def ablation_config(path: Path) -> Path:
    """config.yml with our spaCy components taken out (same DIET, same data)."""
    lines, skip = [], False
    for line in (ROOT / "config.yml").read_text().splitlines():
        if line.startswith("  - name: "):
            skip = line.split("name: ")[1] in ("SpacyNLP", "SpacyEntityExtractor")
            if line.endswith("SpacyTokenizer"):
                line, skip = "  - name: WhitespaceTokenizer", False
        if not skip:
            lines.append(line)
    text = "\n".join(lines) + "\n"
    text = text.replace("  - name: CountVectorsFeaturizer\n    min_ngram: 1",
                        "  - name: CountVectorsFeaturizer\n    use_lemma: false\n    min_ngram: 1")
    path.write_text(text)
    return path


def nlu_evaluation(model: Path, out: Path) -> Dict:
    rasa("test", "nlu", "--nlu", "tests/nlu", "--model", str(model), "--out", str(out))
    intents = json.loads((out / "intent_report.json").read_text())
    diet = json.loads((out / "DIETClassifier_report.json").read_text())
    errors = json.loads((out / "intent_errors.json").read_text())
    return {"intents": intents, "diet_role": diet.get("role", {}), "errors": errors}


def entity_ruler_scores(kb: KnowledgeBase) -> Dict[str, float]:
    """The EntityRuler against held-out `role` annotations of roles the KB has."""
    import spacy
    from rasa.shared.nlu.training_data.loading import load_data

    nlp = spacy.load(str(ROOT / "models" / "spacy-pipeline"))
    tp = fp = fn = 0
    for example in load_data(str(ROOT / "tests" / "nlu")).training_examples:
        text = example.get("text")
        gold = {(e["start"], e["end"]) for e in example.get("entities") or []
                if e["entity"] == "role" and kb.resolve_role(e["value"]) is not None}
        found = {(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "role"}
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    return {"precision": precision, "recall": recall,
            "f1-score": 2 * precision * recall / max(1e-9, precision + recall), "support": tp + fn}


def answer_evaluation(model: Path, work: Path, kb_url: str, kb: KnowledgeBase) -> Dict:
    bot = Bot(work, kb_url, model=model).start()
    try:
        judge = answer_check.Judge(kb, ROLE)
        return {"answers": answer_check.run(bot.reply_text, judge),
                "several": several_questions.run(bot.reply_text, judge)}
    finally:
        bot.stop()


def per_intent(report: Dict) -> Dict[str, Dict]:
    return {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v
            and not k.endswith("avg")}


def write_report(ours: Dict, ablation: Optional[Dict], ruler: Dict, path: Path) -> None:
    intents = per_intent(ours["nlu"]["intents"])
    lines = ["# Evaluation report", "",
             "Held-out NLU set: `tests/nlu/` (hand-written independently of the training data, "
             "plus CLINC150's `oos_val` split). Answer check: `tests/answers/questions.yml` asked "
             "to the live bot over REST. Produced by `make eval`.", ""]
    weighted = ours["nlu"]["intents"]["weighted avg"]["f1-score"]
    lines += ["## Summary", "", "| | ours (spaCy pipeline) |" + (" without spaCy components |" if ablation else ""),
              "|---|---|" + ("---|" if ablation else "")]

    def row(name: str, fn) -> str:
        return f"| {name} | {fn(ours)} |" + (f" {fn(ablation)} |" if ablation else "")

    lines += [
        row("weighted intent F1", lambda r: f"{r['nlu']['intents']['weighted avg']['f1-score']:.3f}"),
        row("lowest intent F1", lambda r: "{1:.3f} ({0})".format(*min(
            ((k, v['f1-score']) for k, v in per_intent(r['nlu']['intents']).items()), key=lambda kv: kv[1]))),
        row("role entity F1 (DIET)", lambda r: f"{r['nlu']['diet_role'].get('f1-score', 0):.3f}"),
        row("answer accuracy", lambda r: f"{r['answers'].accuracy:.1%}"),
        row("false-answer rate (other occupations, out of scope)",
            lambda r: f"{r['answers'].false_answer_rate:.1%}"),
        row("out-of-scope held-out queries classified in scope", lambda r: oos_leak(r)),
        row("two questions in one message: both answered",
            lambda r: f"{r['several'].all_answered:.1%}"),
        row("two questions in one message: at least one answered",
            lambda r: f"{r['several'].some_answered:.1%}"),
        "", f"The role EntityRuler (spaCy, patterns generated from the knowledge base) on held-out "
        f"mentions of knowledge-base roles: precision {ruler['precision']:.3f}, recall "
        f"{ruler['recall']:.3f}, F1 {ruler['f1-score']:.3f} ({ruler['support']} mentions). "
        "Rasa does not score spaCy extractors itself; this is computed by scripts/evaluate.py.", ""]
    lines += ["## Intents (held-out set)", "", f"Weighted F1 **{weighted:.3f}**. Confusion matrix: "
              "`results/nlu/intent_confusion_matrix.png`.", "",
              "| intent | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for name, v in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
        lines.append(f"| {name} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} | {v['support']} |")
    lines += ["", "## Worst confusions", "", "| true → predicted | count | examples |", "|---|---|---|"]
    errors = ours["nlu"]["errors"]
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    for (true, predicted), count in pairs.most_common(8):
        examples = [e["text"] for e in errors if (e["intent"], e["intent_prediction"]["name"]) == (true, predicted)][:2]
        lines.append(f"| {true} → {predicted} | {count} | " + "; ".join(f"“{x[:80]}”" for x in examples) + " |")
    answers: answer_check.Results = ours["answers"]
    lines += ["", "## Answers (live bot)", "", "```", answers.summary(), "```", ""]
    lines += ["## Two questions in one message (live bot)", "",
              "`tests/several_questions/heldout.yml`. The model has no two-question intents (they "
              "cost single questions accuracy); the bot answers both when NLU is split between "
              "two role questions, else the more likely one.", "",
              "```", ours["several"].summary(), "```", ""]
    path.write_text("\n".join(lines) + "\n")


def oos_leak(r: Dict) -> str:
    errors = [e for e in r["nlu"]["errors"] if e["intent"] == "out_of_scope"]
    support = r["nlu"]["intents"]["out_of_scope"]["support"]
    return f"{len(errors)}/{support} ({len(errors) / support:.1%})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-ablation", action="store_true", help="skip the model without spaCy components")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        kb_url = f"sqlite:///{tmp}/kb.sqlite"
        load_knowledge(url=kb_url)
        kb = KnowledgeBase(kb_url)
        print("1/4 NLU on the held-out set ...", flush=True)
        ours = {"nlu": nlu_evaluation(DEFAULT_MODEL, RESULTS / "nlu")}
        print("2/4 the role EntityRuler ...", flush=True)
        ruler = entity_ruler_scores(kb)
        print("3/4 answer check against the live bot ...", flush=True)
        ours.update(answer_evaluation(DEFAULT_MODEL, Path(tmp) / "bot", kb_url, kb))
        ablation = None
        if not args.no_ablation:
            print("4/4 the same without spaCy components (trains a second model) ...", flush=True)
            config = ablation_config(Path(tmp) / "config-no-spacy.yml")
            rasa("train", "--data", "data/nlu", "data/rules", "data/stories", "--config", str(config),
                 "--domain", "domain.yml", "--out", str(ABLATION_MODEL.parent),
                 "--fixed-model-name", ABLATION_MODEL.name.replace(".tar.gz", ""))
            ablation = {"nlu": nlu_evaluation(ABLATION_MODEL, RESULTS / "nlu-no-spacy")}
            ablation.update(answer_evaluation(ABLATION_MODEL, Path(tmp) / "bot-no-spacy", kb_url, kb))
    write_report(ours, ablation, ruler, RESULTS / "REPORT.md")
    print((RESULTS / "REPORT.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
