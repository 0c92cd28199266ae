"""Finding roles by what a candidate types ("nursing jobs", "anything in sales or finance")
and by the careers site's filters; one search for the site and the chat.

A role matches a word of the query when a word of its title, other names, department,
location, employment type or summary starts like it ("nursing" ~ "nurse", "finance" ~
"financial"). The roles that match the most query words are returned, so "sales or
finance" finds both kinds and "nursing jobs in Brindlewood" only the nursing ones there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set

from bot.kb import Role

# Words of a question about openings that say nothing about which roles.
_STOP = frozenset("""
a about all an and any anything are as at available be can career careers currently do does
doing find for from get got have hiring i in is it job jobs kind kinds like list looking me
my need needs of on open opening openings or position positions role roles see show some
something that the there these this those to type types vacancy vacancies want what where
which with work would you your please currently now new right roles any sort offer offering
team teams field fields area areas department departments hi hello hey thanks thank ok okay
so well good morning afternoon evening just also currently tell us we here company
""".split())
_WORD = re.compile(r"[a-z0-9]+")
_MIN_STEM = 4


def words_of(text: str) -> List[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def query_words(query: str) -> List[str]:
    """The words of a query that can tell roles apart."""
    return [w for w in words_of(query) if w not in _STOP and len(w) > 1]


def same_stem(a: str, b: str) -> bool:
    """"nursing" ~ "nurse", "finance" ~ "financial", not "sales" ~ "salary"."""
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= _MIN_STEM and common >= 0.6 * min(len(a), len(b))


@dataclass(frozen=True)
class Filters:
    """The careers site's filters; None: any."""

    department: Optional[str] = None
    location: Optional[str] = None
    employment_type: Optional[str] = None

    def keep(self, role: Role) -> bool:
        return all(wanted is None or (have or "").lower() == wanted.lower()
                   for wanted, have in ((self.department, role.department),
                                        (self.location, role.location),
                                        (self.employment_type, role.employment_type)))


def _haystack(role: Role) -> Set[str]:
    fields = [*role.names, role.department or "", role.location or "", role.employment_type or "",
              role.summary]
    return {w for text in fields for w in words_of(text)}


def search_roles(roles: Sequence[Role], query: str = "", filters: Filters = Filters()) -> List[Role]:
    """The roles that pass the filters and match the most words of the query (all of them
    for an empty query), in the given order."""
    kept = [r for r in roles if filters.keep(r)]
    wanted = query_words(query)
    if not wanted:
        return kept
    scores: Dict[str, int] = {}
    for role in kept:
        hay = _haystack(role)
        scores[role.slug] = sum(1 for w in wanted if any(same_stem(w, h) for h in hay))
    best = max(scores.values(), default=0)
    return [r for r in kept if best and scores[r.slug] == best]


def facet_values(roles: Iterable[Role]) -> Dict[str, List[str]]:
    """The values each filter can take, for the site's selects."""
    values: Dict[str, Set[str]] = {"department": set(), "location": set(), "employment_type": set()}
    for role in roles:
        for name in values:
            value = getattr(role, name)
            if value:
                values[name].add(value)
    return {name: sorted(v) for name, v in values.items()}
