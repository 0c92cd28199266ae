"""The trained model loaded our quick way (rasa_ext/model_loading.py) predicts exactly what
Rasa's own loading predicts, on every message of the development set, without the
training step Rasa's loading runs."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.nlu_sets import DEV, ROLE_MARKUP, labelled
from harness.servers import DEFAULT_MODEL, PYTHON, ROOT, base_env

PROBE = """
import asyncio, json, sys
import tensorflow as tf
if sys.argv[1] == "quick":
    from rasa_ext import patches
    patches.install()
steps = []
fit = tf.keras.Model.fit
tf.keras.Model.fit = lambda *a, **k: steps.append(1) or fit(*a, **k)
from rasa.core.agent import load_agent
agent = asyncio.run(load_agent(model_path=sys.argv[2]))
texts = json.load(sys.stdin)
parsed = [asyncio.run(agent.parse_message(text)) for text in texts]
# to a file of its own: on stdout, a line of Rasa's or TensorFlow's written while this
# 300 KB one was flushed could cut it in two
with open(sys.argv[3], "w") as out:
    json.dump({"training_steps": len(steps), "parsed": [
        {"ranking": [(i["name"], round(i["confidence"], 5)) for i in p["intent_ranking"]],
         "entities": sorted((e["entity"], e["value"], e["extractor"]) for e in p["entities"])}
        for p in parsed]}, out)
"""


def _predictions(how: str, texts):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "predictions.json"
        done = subprocess.run([PYTHON, "-c", PROBE, how, str(DEFAULT_MODEL), str(out)],
                              input=json.dumps(texts), cwd=ROOT, env=base_env(),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(out.read_text()), done.stderr


@pytest.fixture(scope="module")
def both():
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    texts = sorted({ROLE_MARKUP.sub(r"\1", text) for _, text in labelled(DEV)})
    with ThreadPoolExecutor(2) as pool:
        quick, rasa = pool.map(lambda how: _predictions(how, texts), ["quick", "rasa"])
    return texts, quick, rasa


def test_quick_loading_predicts_what_rasas_loading_predicts(both):
    texts, (quick, _), (rasa, _) = both
    assert len(texts) > 300
    assert len(quick["parsed"]) == len(rasa["parsed"]) == len(texts)
    differ = [(text, q, r) for text, q, r in zip(texts, quick["parsed"], rasa["parsed"]) if q != r]
    assert differ == []
    # and the predictions are not trivially equal: DIET's entities are among them
    assert any(extractor == "DIETClassifier" for p in quick["parsed"] for _, _, extractor in p["entities"])


def test_quick_loading_runs_no_training_step(both):
    _, (quick, stderr), (rasa, _) = both
    assert rasa["training_steps"] == 1  # what the patch saves: Rasa's load trains one step
    assert quick["training_steps"] == 0
    assert "loading it as Rasa does" not in stderr


def test_one_spacy_pipeline_per_directory_until_it_is_rebuilt(tmp_path):
    """Rasa's provide and process nodes each loaded the pipeline: now they share one, and a
    pipeline rebuilt in place (a new model loaded by the same server) is loaded again."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from rasa_ext import patches

    patches.install()
    pipeline = tmp_path / "spacy-pipeline"
    shutil.copytree(ROOT / "models" / "spacy-pipeline", pipeline)
    first = SpacyNLP.load_model(str(pipeline))
    assert SpacyNLP.load_model(str(pipeline)) is first
    meta = pipeline / "meta.json"
    os.utime(meta, (meta.stat().st_atime, meta.stat().st_mtime + 10))
    rebuilt = SpacyNLP.load_model(str(pipeline))
    assert rebuilt is not first
    assert rebuilt.model("what does it pay").text == "what does it pay"
