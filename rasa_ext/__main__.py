"""`python -m rasa_ext <rasa arguments>`: the `rasa` command with our extensions installed."""
from rasa_ext.action_fallback import install_action_fallback

install_action_fallback()

from rasa.__main__ import main  # noqa: E402  (after the patch, on purpose)

main()
