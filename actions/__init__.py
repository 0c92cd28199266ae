"""Custom actions of the recruiting bot, served by the Rasa SDK action server.

Actions stay thin: read the tracker, ask the knowledge base (package `bot`), format.
"""
