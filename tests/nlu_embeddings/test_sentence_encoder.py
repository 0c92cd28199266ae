"""bot/sentence_encoder.py: WordPiece as BERT's tokenizer does it, embeddings equal to
SentenceTransformer's, paraphrases closer than unrelated questions, the pinned downloads."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.sentence_encoder import (
    GELU_CHUNK, UPSTREAM_SHA256, ModelFilesError, WordPieceTokenizer, _gelu, _gelu_values,
    check_model_dir, token_vectors,
)

# SentenceTransformer("all-MiniLM-L6-v2") (sentence-transformers 6.3, torch 2.13, CPU) on
# the extracted model directory: the first six and last two of the 384 values.
REFERENCE = {
    "what does it pay?": ([0.01291, 0.043421, 0.023075, 0.018364, -0.024344, -0.006009],
                          [0.040363, -0.022991]),
    "can I bring my dog": ([-0.0012, 0.004164, 0.054329, 0.027232, -0.002519, 0.006704],
                           [0.065171, -0.02191]),
}


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_wordpiece_lowercases_strips_accents_splits_punctuation_and_keeps_spans(tmp_path: Path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able",
                                "naive", "cafe", ",", "!", "'", "s", "what"]) + "\n")
    tokenizer = WordPieceTokenizer(vocab)
    text = "Unaffable\tNAÏVE, café! what's xyz"
    pieces = tokenizer.tokenize(text)
    words = ["un", "##aff", "##able", "naive", ",", "cafe", "!", "what", "'", "s", "[UNK]"]
    assert [p.id for p in pieces] == [tokenizer.vocab[w] for w in words]
    assert [text[p.start:p.end] for p in pieces] == [
        "Un", "aff", "able", "NAÏVE", ",", "café", "!", "what", "'", "s", "xyz"]


def test_embeddings_equal_sentence_transformers(encoder):
    vectors = encoder.encode(list(REFERENCE))
    for vector, (head, tail) in zip(vectors, REFERENCE.values()):
        assert vector.shape == (384,)
        np.testing.assert_allclose(vector[:6], head, atol=2e-5)
        np.testing.assert_allclose(vector[-2:], tail, atol=2e-5)


def test_embeddings_are_unit_length_and_do_not_depend_on_the_batch(encoder):
    texts = ["hi", "what skills do I need for the machine learning engineer job", "salary?",
             "is this role remote or on-site, and would I need to relocate?"]
    one_by_one = np.stack([encoder.encode([t])[0] for t in texts])
    together = encoder.encode(texts, batch_size=4)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(one_by_one, together, atol=1e-5)


@pytest.mark.parametrize("shape", [(7, 1536), (300, 1536), (GELU_CHUNK + 5,)])
def test_gelu_in_chunks_gives_every_value_of_gelu_at_once(shape):
    x = np.random.default_rng(len(shape)).normal(scale=3.0, size=shape).astype(np.float32)
    chunked = _gelu(x)
    assert chunked.dtype == np.float32 and chunked.shape == shape
    np.testing.assert_array_equal(chunked, _gelu_values(x))
    np.testing.assert_array_equal(_gelu(x.T) if x.ndim == 2 else chunked, _gelu_values(x.T))


def test_paraphrases_are_closer_than_unrelated_questions(encoder):
    pay, salary, dog = encoder.encode(["what does it pay", "how much is the salary", "can I bring my dog"])
    assert cosine(pay, salary) > 0.45
    assert cosine(pay, salary) > cosine(pay, dog) + 0.3
    assert cosine(pay, salary) > cosine(salary, dog) + 0.3


def test_token_vectors_average_the_word_pieces_of_each_token(encoder):
    text = "unaffable salary"
    encoded = encoder.encode_full([text])[0]
    assert len(encoded.pieces) == 4  # un ##aff ##able salary
    vectors = token_vectors(encoded, [(0, 9), (10, 16), (16, 16)])
    np.testing.assert_allclose(vectors[0], encoded.piece_vectors[:3].mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(vectors[1], encoded.piece_vectors[3], atol=1e-6)
    assert not vectors[2].any()


def test_a_model_file_that_is_not_the_upstream_one_is_refused(minilm_dir: Path, tmp_path: Path):
    check_model_dir(minilm_dir)
    copy = tmp_path / "minilm"
    copy.mkdir()
    for path in minilm_dir.rglob("*"):
        if path.is_file() and path.name != "model.safetensors":
            target = copy / path.relative_to(minilm_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (copy / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelFilesError, match="model.safetensors"):
        check_model_dir(copy)
    assert set(UPSTREAM_SHA256) >= {"model.safetensors", "vocab.txt"}
