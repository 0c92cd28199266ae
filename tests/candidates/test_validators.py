"""The application form's validators."""
from __future__ import annotations

import pytest

from bot.candidates import valid_email, valid_profile_url


@pytest.mark.parametrize("text, expected", [
    ("jane@example.com", "jane@example.com"),
    ("  Jane.Doe+jobs@Mail.Example.CO.UK ", "Jane.Doe+jobs@mail.example.co.uk"),
    ("mailto:jane@example.com", "jane@example.com"),
    ("<jane@example.com>", "jane@example.com"),
    ("o'brien@example.ie", "o'brien@example.ie"),
])
def test_valid_emails(text, expected):
    assert valid_email(text) == expected


@pytest.mark.parametrize("text", [
    "", "jane", "jane@", "@example.com", "jane@example", "jane@localhost", "jane doe@example.com",
    "jane@exa mple.com", "jane@@example.com", "jane@example.c", "jane@example.123",
    ".jane@example.com", "jane.@example.com", "ja..ne@example.com", "jane@-example.com",
    "jane@example.com extra", "my email is jane@example.com", "a" * 65 + "@example.com",
])
def test_invalid_emails(text):
    assert valid_email(text) is None


@pytest.mark.parametrize("text, expected", [
    ("https://www.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"),
    ("linkedin.com/in/jane-doe", "https://linkedin.com/in/jane-doe"),
    ("www.linkedin.com/in/jane-doe/", "https://www.linkedin.com/in/jane-doe/"),
    ("HTTP://GitHub.com/JaneDoe", "http://github.com/JaneDoe"),
    ("janedoe.dev", "https://janedoe.dev"),
    ("https://janedoe.dev:8443/cv?lang=en", "https://janedoe.dev:8443/cv?lang=en"),
    ("janedoe.dev:8443/cv", "https://janedoe.dev:8443/cv"),
])
def test_valid_profile_urls(text, expected):
    assert valid_profile_url(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "jane doe", "javascript:alert(1)", "mailto:jane@example.com", "ftp://example.com/cv",
    "file:///etc/passwd", "https://", "https://localhost/x", "http://exa mple.com",
    "jane@example.com", "https://user:pw@example.com/", "https://example", "linkedin",
    "https://example.com:port/",
])
def test_invalid_profile_urls(text):
    assert valid_profile_url(text) is None
