"""The recruiting bot's knowledge base: job descriptions in, facts by topic out.

A plain Python API (no Rasa imports) shared by the CLI, the Rasa actions and the
careers site. Start with :class:`bot.kb.KnowledgeBase`.
"""
from bot.application import ApplicationSettings
from bot.errors import JobFileError, KnowledgeBaseError, KnowledgeBaseUnavailable
from bot.kb import Fact, KnowledgeBase, Role, Topic

__all__ = [
    "ApplicationSettings",
    "Fact",
    "JobFileError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseUnavailable",
    "Role",
    "Topic",
]
