"""Errors of the knowledge base, each carrying what an operator needs to act on it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence


class KnowledgeBaseError(Exception):
    """Base class of every error the knowledge base raises."""


class KnowledgeBaseUnavailable(KnowledgeBaseError):
    """The database cannot be read: missing, locked, corrupt or never loaded."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: where it is and which field."""

    path: Path
    line: Optional[int]  # 1-based; None when the whole file is concerned
    field: str  # dotted path such as "topics.salary[0].quote"; "" for the file itself
    message: str

    def __str__(self) -> str:
        path = _shown(self.path)
        where = f"{path}:{self.line}" if self.line else path
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class JobFileError(KnowledgeBaseError):
    """One or more job or topic files are malformed; nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: List[Problem] = list(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the knowledge files:"
        super().__init__("\n".join([header, *(f"  {p}" for p in self.problems)]))


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is below it, as editors show it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
