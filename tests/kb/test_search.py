"""Finding roles by what a candidate types and by the careers site's filters (bot/search.py)."""
from __future__ import annotations

import pytest

from bot.kb import Role
from bot.search import Filters, facet_values, search_roles


def role(slug, title, department=None, location=None, kind=None, summary="", names=()):
    return Role(slug, title, summary, (title, *names), f"{slug}.txt", department, location, kind)


ROLES = [
    role("nurse", "Registered Nurse", "Nursing", "Brindlewood", "Full-time", names=("RN",)),
    role("nurse-east", "Registered Nurse, East", "Nursing", "Eastfield", "Part-time"),
    role("accountant", "Staff Accountant", "Finance", "Brindlewood", "Full-time",
         summary="Keeps the general ledger for the group."),
    role("sales", "Inside Sales Representative", "Sales", "Brindlewood"),
    role("driver", "Regional Truck Driver", "Freight", "Brindlewood", "Full-time"),
]


def slugs(roles):
    return [r.slug for r in roles]


@pytest.mark.parametrize("query,expected", [
    ("do you have any nursing jobs?", ["nurse", "nurse-east"]),
    ("anything in sales or finance?", ["accountant", "sales"]),
    ("nursing jobs in Eastfield", ["nurse-east"]),
    ("financial roles", ["accountant"]),
    ("driving jobs", ["driver"]),
    ("general ledger", ["accountant"]),
    ("which roles are open?", ["nurse", "nurse-east", "accountant", "sales", "driver"]),
    ("", ["nurse", "nurse-east", "accountant", "sales", "driver"]),
    ("astronaut", []),
    ("salary", []),  # not "sales"
])
def test_a_query_finds_the_roles_that_match_most_of_its_words(query, expected):
    assert slugs(search_roles(ROLES, query)) == expected


def test_filters_narrow_the_roles_and_combine_with_the_query():
    assert slugs(search_roles(ROLES, "", Filters(location="brindlewood"))) == [
        "nurse", "accountant", "sales", "driver"]
    assert slugs(search_roles(ROLES, "nurse", Filters(employment_type="Part-time"))) == ["nurse-east"]
    assert slugs(search_roles(ROLES, "", Filters(department="Finance", location="Eastfield"))) == []


def test_the_filters_offer_exactly_the_values_the_roles_have():
    assert facet_values(ROLES) == {"department": ["Finance", "Freight", "Nursing", "Sales"],
                                   "location": ["Brindlewood", "Eastfield"],
                                   "employment_type": ["Full-time", "Part-time"]}
