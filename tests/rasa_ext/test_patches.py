"""Our patches of Rasa are installed by any start that loads our channels, and only on the
Rasa version they were written for."""
from __future__ import annotations

import subprocess

import pytest

from harness.servers import PYTHON, ROOT, base_env
from rasa_ext.patches import PATCHED_RASA_VERSION, UnsupportedRasaVersion, check_rasa_version

PROBE = """
from rasa.core.actions.action import RemoteAction
before = getattr(RemoteAction.run, "_with_fallback", False)
import {module}
after = getattr(RemoteAction.run, "_with_fallback", False)
fast = RemoteAction._validate_action_result.__module__ == "rasa_ext.action_response"
from rasa.core.processor import MessageProcessor
split = MessageProcessor.parse_message.__module__ == "rasa_ext.questions"
relay = MessageProcessor.handle_message.__module__ == "rasa_ext.relay"
from rasa.nlu.classifiers.diet_classifier import DIET
loading = DIET.load.__func__.__module__ == "rasa_ext.model_loading"
from rasa.utils.tensorflow.layers import CRF
training = CRF.call.__module__ == "rasa_ext.diet_training"
from rasa.shared.nlu.training_data.message import Message
fingerprints = Message.fingerprint.__module__ == "rasa_ext.fingerprints"
print(before, after, fast, split, relay, loading, training, fingerprints)
"""


@pytest.mark.parametrize("module", ["rasa_ext.rest", "rasa_ext.socketio", "rasa_ext.slack"])
def test_loading_any_of_our_channels_installs_the_patches(module):
    """What Rasa does at start-up with our credentials.yml, in a fresh process."""
    done = subprocess.run([PYTHON, "-c", PROBE.format(module=module)], cwd=ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False"] + ["True"] * 7


def test_the_pinned_rasa_is_the_one_installed():
    from rasa.version import __version__

    assert __version__ == PATCHED_RASA_VERSION
    check_rasa_version(__version__)  # no exception


def test_another_rasa_version_refuses_to_start_saying_why():
    with pytest.raises(UnsupportedRasaVersion) as refused:
        check_rasa_version("3.6.20")
    message = str(refused.value)
    assert "Rasa 3.6.21" in message and "Rasa 3.6.20" in message and "rasa==3.6.21" in message
    assert isinstance(refused.value, SystemExit)  # the server stops, no traceback to read
