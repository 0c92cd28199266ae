"""`python -m rasa_ext <rasa arguments>`: the `rasa` command with our patches installed
before Rasa starts (channels loaded from credentials.yml install them too: patches.py)."""
from rasa_ext import patches

patches.install()

from rasa.__main__ import main  # noqa: E402  (after the patches, on purpose)

main()
