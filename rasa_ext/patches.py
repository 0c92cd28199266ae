"""Our changes to Rasa's own code, installed wherever Rasa loads our channels.

- `action_fallback`: a polite reply instead of silence when the action server fails;
- `action_response`: the action-response check without re-validating Rasa's schema;
- `questions`: each question of a message that asks several, classified on its own;
- `relay`: while a recruiter has a candidate's conversation (a posted handoff), the
  candidate's messages go to the recruiter's Slack thread instead of the bot;
- `model_loading`: the trained model loaded without tracing a training step, and one
  spaCy pipeline instead of two (34 s and 1.49 GB before);
- `diet_training`: DIET's entity CRF trained without tracing gradients nothing uses, its
  batches put together without a copy per example (the same weights, about 20 s sooner);
- `fingerprints`: the training messages fingerprinted for Rasa's cache in one pass each
  (11.9 s of a training -> 3.8 s).

Rasa has no extension point for any of them, so they replace methods of `RemoteAction`,
`MessageProcessor`, `DIET`, `SpacyNLP`, the CRF and batches of `rasa.utils.tensorflow`
and the fingerprints of `Message`, `Token` and `Features` (a DIETClassifier subclass
would have another name, and `rasa test` evaluates entities only of extractors named as
Rasa's). They were written against one Rasa release and are
installed only on it: every channel module of rasa_ext calls `install()` when Rasa imports
it (credentials.yml names them), so a plain `rasa run` with our credentials has them as
`python -m rasa_ext` does; on another Rasa version the server refuses to start, saying so,
rather than run with patches that may no longer fit.
"""
from __future__ import annotations

#: The Rasa release the patches were written and tested for (requirements.txt pins it).
PATCHED_RASA_VERSION = "3.6.21"

_installed = False


class UnsupportedRasaVersion(SystemExit):
    """Stops the Rasa server at start-up, with the reason as its message."""


def check_rasa_version(version: str) -> None:
    if version != PATCHED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"rasa_ext patches Rasa {PATCHED_RASA_VERSION} (rasa_ext/action_fallback.py, "
            f"rasa_ext/action_response.py, rasa_ext/questions.py, rasa_ext/relay.py, "
            f"rasa_ext/model_loading.py, rasa_ext/diet_training.py, rasa_ext/fingerprints.py), "
            f"but this is Rasa {version}: install rasa=={PATCHED_RASA_VERSION} (`make` does, from requirements.txt), or check "
            f"the patches against Rasa {version} and update PATCHED_RASA_VERSION in "
            "rasa_ext/patches.py")


def install() -> None:
    """Check the Rasa version, then install the patches (once per process)."""
    global _installed
    if _installed:
        return
    from rasa.version import __version__

    check_rasa_version(__version__)
    from rasa_ext.action_fallback import install_action_fallback
    from rasa_ext.action_response import install_fast_action_response_check
    from rasa_ext.diet_training import install_fast_diet_training
    from rasa_ext.fingerprints import install_fast_fingerprints
    from rasa_ext.model_loading import install_fast_model_loading
    from rasa_ext.questions import install_question_split
    from rasa_ext.relay import install_relay

    install_action_fallback()
    install_fast_action_response_check()
    install_question_split()
    install_relay()
    install_fast_model_loading()
    install_fast_diet_training()
    install_fast_fingerprints()
    _installed = True
