"""Rasa's own evaluations of the trained model, as tests.

- Test stories (tests/stories): `rasa test core --fail-on-prediction-errors`.
- Intents on the held-out set (tests/nlu: hand-written, never trained on, plus CLINC150's
  oos_val split): weighted F1 >= 0.95 and no intent below 0.85; a failure lists the
  misclassified messages.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from harness.servers import DEFAULT_MODEL, PYTHON, ROOT, base_env

pytestmark = pytest.mark.slow

RESULTS = ROOT / "results"
MIN_WEIGHTED_F1 = 0.95
MIN_INTENT_F1 = 0.85


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    return subprocess.run([PYTHON, "-m", "rasa_ext", *args], cwd=ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_test_stories_pass_without_a_prediction_error():
    out = RESULTS / "stories"
    run = _rasa("test", "core", "--stories", "tests/stories", "--model", str(DEFAULT_MODEL),
                "--out", str(out), "--fail-on-prediction-errors")
    failed = out / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else run.stdout[-3000:] + run.stderr[-3000:]
    assert run.returncode == 0, f"test stories failed:\n{detail}"


def test_held_out_intent_f1_meets_the_gate():
    out = RESULTS / "nlu"
    run = _rasa("test", "nlu", "--nlu", "tests/nlu", "--model", str(DEFAULT_MODEL),
                "--out", str(out))
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((out / "intent_report.json").read_text())
    weighted = report["weighted avg"]["f1-score"]
    per_intent = {k: v["f1-score"] for k, v in report.items()
                  if isinstance(v, dict) and "support" in v and not k.endswith("avg")}
    table = "\n".join(f"  {k:28s} {v:.3f}" for k, v in sorted(per_intent.items(), key=lambda kv: kv[1]))
    errors = json.loads((out / "intent_errors.json").read_text())
    worst = "\n".join(f"  {e['intent']:24s} -> {e['intent_prediction']['name']:24s} "
                      f"{e['intent_prediction']['confidence']:.2f}  {e['text'][:80]!r}"
                      for e in sorted(errors, key=lambda e: -e["intent_prediction"]["confidence"]))
    summary = f"held-out weighted intent F1: {weighted:.3f}\n{table}\nmisclassified:\n{worst}"
    print("\n" + summary)
    assert weighted >= MIN_WEIGHTED_F1, f"weighted F1 {weighted:.3f} < {MIN_WEIGHTED_F1}\n{summary}"
    assert min(per_intent.values()) >= MIN_INTENT_F1, f"an intent is below {MIN_INTENT_F1}\n{summary}"
