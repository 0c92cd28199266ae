"""actions/context.py: which role a message is about."""
from __future__ import annotations

import pytest

from actions.context import is_boss_word
from bot.mentions import NamedRole, RoleMatcher, find_mentions, occupation_matcher

SUPERVISOR_ROLE = RoleMatcher([NamedRole("senior-warehouse-supervisor", ("Senior Warehouse Supervisor",))])


@pytest.mark.parametrize("text", ["who's the supervisor?", "whos the superviser"])
def test_supervisor_or_a_typo_of_it_in_a_reporting_question_is_the_boss(text):
    """On the truck driver's page, "whos the superviser" asks for the driver's boss: it must
    not be read as the Senior Warehouse Supervisor role."""
    (mention,) = find_mentions(text, SUPERVISOR_ROLE, occupation_matcher())
    assert mention.slugs == ("senior-warehouse-supervisor",)
    assert is_boss_word(mention, "reporting")
    assert not is_boss_word(mention, "salary")


def test_the_roles_whole_name_is_never_the_boss():
    (mention,) = find_mentions("who does the warehouse supervisor report to", SUPERVISOR_ROLE,
                               occupation_matcher())
    assert not is_boss_word(mention, "reporting")
