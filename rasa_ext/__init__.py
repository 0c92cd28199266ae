"""Extensions loaded into the Rasa server process (start it with `python -m rasa_ext`)."""
