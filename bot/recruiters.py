"""The recruiters' Slack channel, from the bot's side: where a candidate's request for a
person is posted (docs/recruiters.md). Plain Python: the action server calls it.

Configured from the environment: SLACK_BOT_TOKEN (the bot's xoxb- token), the channel
SLACK_RECRUITERS_CHANNEL (an id such as C0123, or a name the bot was invited to), and
SLACK_API_BASE_URL (Slack's Web API unless a test points it at a fake). Without a token
and a channel there is no channel: requests for a person are queued in the candidates
database for `python -m bot handoffs list`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

#: When candidates are told recruiters usually answer (RECRUITER_HOURS overrides).
DEFAULT_RECRUITER_HOURS = "Monday to Friday, 9:00 to 17:00"
#: The conversation's last turns shown to the recruiter.
TRANSCRIPT_TURNS = 10
_SLACK_API = "https://slack.com/api/"


def recruiter_hours(env: Mapping[str, str] = os.environ) -> str:
    return (env.get("RECRUITER_HOURS") or "").strip() or DEFAULT_RECRUITER_HOURS


@dataclass(frozen=True)
class HandoffSummary:
    """What a recruiter needs to pick the conversation up."""

    role_title: Optional[str]
    questions: Sequence[str]
    transcript: Sequence[Tuple[str, str]]  # (speaker: "candidate" | "bot", text)
    application_reference: Optional[str]
    email: Optional[str]

    def text(self) -> str:
        """Slack mrkdwn; the candidate's words quoted, never formatted as ours."""
        lines = [f":wave: A candidate would like to talk to a recruiter about "
                 f"*{slack_escape(self.role_title or 'no particular role')}*."]
        if self.application_reference:
            lines.append(f"Application: *{slack_escape(self.application_reference)}*")
        if self.email:
            lines.append(f"Email (given with consent when applying): {slack_escape(self.email)}")
        if self.questions:
            lines.append("*Their question(s):*")
            lines += [f"> {slack_escape(q)}" for q in self.questions]
        if self.transcript:
            lines.append("*The conversation's last turns:*")
            lines += [f"{'Candidate' if who == 'candidate' else 'Bot'}: {slack_escape(said)}"
                      for who, said in self.transcript[-TRANSCRIPT_TURNS:]]
        lines.append("Reply in this thread to answer the candidate; write `/done` here when "
                     "you have finished.")
        return "\n".join(lines)


def slack_escape(text: str) -> str:
    """Slack's three control characters, so a candidate cannot ping @channel or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class RecruitersChannel:
    token: str
    channel: str
    api_base_url: str = _SLACK_API

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Optional["RecruitersChannel"]:
        """The channel when SLACK_BOT_TOKEN and SLACK_RECRUITERS_CHANNEL are set, else None."""
        token = (env.get("SLACK_BOT_TOKEN") or "").strip()
        channel = (env.get("SLACK_RECRUITERS_CHANNEL") or "").strip()
        if not (token and channel):
            return None
        base = (env.get("SLACK_API_BASE_URL") or "").strip() or _SLACK_API
        return cls(token, channel, base if base.endswith("/") else base + "/")

    def post(self, summary: HandoffSummary) -> Tuple[str, str]:
        """Post the summary; (channel id, message ts) of the thread recruiters reply in.
        Raises slack_sdk's SlackApiError or a network error when Slack refuses or is down."""
        return self.post_text(summary.text())

    def post_text(self, text: str, thread_ts: Optional[str] = None) -> Tuple[str, str]:
        """Post Slack mrkdwn `text` (escape what is not ours: `slack_escape`), in a thread
        when `thread_ts` is given; (channel id, message ts). Raises as `post` does."""
        client = WebClient(token=self.token, base_url=self.api_base_url, timeout=10)
        # Several messages in a row (a digest) may meet Slack's rate limit: wait and retry.
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        response = client.chat_postMessage(channel=self.channel, text=text, thread_ts=thread_ts,
                                           unfurl_links=False, unfurl_media=False)
        return str(response["channel"]), str(response["ts"])
