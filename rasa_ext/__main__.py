"""`python -m rasa_ext <rasa arguments>`: the `rasa` command with our extensions installed."""
from rasa_ext.action_fallback import install_action_fallback
from rasa_ext.action_response import install_fast_action_response_check

install_action_fallback()
install_fast_action_response_check()

from rasa.__main__ import main  # noqa: E402  (after the patches, on purpose)

main()
