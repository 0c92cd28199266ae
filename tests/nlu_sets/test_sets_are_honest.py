"""The sets NLU is measured on share no message with the training data (normalised: case,
punctuation, white space, entity markup), and cover every intent of the domain."""
from __future__ import annotations

import pytest
import yaml

from harness.nlu_sets import (DEV, ROOT, SEVERAL_DEV, SEVERAL_TEST, TEST, TRAINING_DATA,
                              labelled, normalise, overlap)

SETS = [DEV, TEST, SEVERAL_DEV, SEVERAL_TEST]


@pytest.mark.parametrize("path", SETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_of_the_set_is_in_the_training_data(path):
    assert list(labelled(path)), f"{path} has no messages"
    assert overlap(path) == []


def test_the_check_sees_a_training_message_however_it_is_written(tmp_path):
    intent, example = next(iter(labelled(TRAINING_DATA)))
    plain = normalise(example)
    (tmp_path / "set.yml").write_text(yaml.safe_dump({"nlu": [
        {"intent": intent, "examples": f"- {plain.upper()} ?!\n- {'  '.join(plain.split())}.\n"}]}))
    assert len(overlap(tmp_path)) == 2


def test_the_dev_and_test_sets_share_no_message():
    dev = {normalise(text) for _, text in labelled(DEV)}
    assert not [text for _, text in labelled(TEST) if normalise(text) in dev]


@pytest.mark.parametrize("path", [DEV, TEST], ids=["dev", "test"])
def test_every_intent_of_the_domain_is_measured(path):
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    assert {intent for intent, _ in labelled(path)} == intents


def test_the_generated_training_data_is_what_its_generator_writes():
    """data/nlu/generated.yml is not edited by hand: the generator (fixed seed) gives it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "generate_training_data", ROOT / "scripts" / "generate_training_data.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    expected = generator.as_yaml(generator.generate(generator.PER_INTENT))
    assert (TRAINING_DATA / "generated.yml").read_text() == expected
