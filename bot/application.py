"""How a candidate applies for a role: the job file's optional `application:` section."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional
from urllib.parse import urlsplit

#: "form": the chat takes the application (the default); "link": the employer's own page.
APPLICATION_METHODS = ("form", "link")


@dataclass(frozen=True)
class ApplicationSettings:
    """A role's application settings, validated (bot.jobfiles) before they are stored."""

    method: str = "form"  # one of APPLICATION_METHODS
    url: Optional[str] = None  # the employer's application page (http or https); link only
    closes: Optional[date] = None  # the last day applications are taken; None: no closing date

    def is_closed(self, today: date) -> bool:
        """Whether applications are closed on `today`: they are taken through `closes`."""
        return self.closes is not None and today > self.closes

    @property
    def host(self) -> Optional[str]:
        """The host name of `url` ("careers.example.com"), for "Apply on <host>"."""
        return urlsplit(self.url).hostname if self.url else None


#: A role whose job file has no `application:` section.
DEFAULT_APPLICATION = ApplicationSettings()
