"""Reading a job description as hiring teams have it (plain text, Markdown, HTML) into
blocks: headings, list items, label/value lines and paragraphs.

The blocks are written back as the normalised plain text kept in knowledge/sources/, and
the importer quotes that text, so every quote it writes occurs in the source exactly.
No Rasa and no spaCy here: this is plain parsing.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import List, Optional, Tuple

HEADING, ITEM, FIELD, PARAGRAPH = "heading", "item", "field", "paragraph"
NOTE = "note"  # a footnote or disclaimer ("*Indeed provides this information ..."): never a fact
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# "•", "-", "*", "–", "1.", "a)" ... at the start of a line, then the item's text.
_BULLET = re.compile(r"^\s*(?:[-*•‣◦▪▫●○·+–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(?P<text>\S.*)$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(?P<text>.*?))?\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_=]\s*){3,}$")
_MD_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(?P<text>.+?)(?<=\S)\1")
# "Salary: $60,000–$75,000": a short label, a colon, a value.
_FIELD = re.compile(r"^(?P<label>[A-Z][\w&/’'()., -]{0,40}?)\s*:\s+(?P<value>\S.*)$")
_SENTENCE_END = (".", "!", ";", ",")
_FOOTNOTE = re.compile(r"^\s*[*†‡]+(?=\S)")
_MAX_HEADING_WORDS = 12


class DocumentError(Exception):
    """A file that cannot be imported as a job description; the message says why."""


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, ITEM, FIELD or PARAGRAPH
    text: str  # for a FIELD, the whole "Label: value" line
    label: Optional[str] = None  # FIELD only
    value: Optional[str] = None  # FIELD only
    level: int = 0  # a HEADING's level where the format marks it (Markdown #, HTML h1-h6)


@dataclass(frozen=True)
class Document:
    path: Path
    format: str  # "text", "markdown" or "html"
    blocks: Tuple[Block, ...]
    title_hint: Optional[str] = None  # HTML <title>, when there is one

    def plain_text(self) -> str:
        """The normalised plain text kept as the source: one block a line, "- " bullets,
        a blank line before each heading."""
        lines: List[str] = []
        for block in self.blocks:
            if block.kind == HEADING and lines:
                lines.append("")
            lines.append(f"- {block.text}" if block.kind == ITEM else block.text)
        return "\n".join(lines) + "\n"


def squash(text: str) -> str:
    return " ".join(text.split())


def read_document(path: Path) -> Document:
    """Read and parse one job description; DocumentError says what is wrong with it."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    text = decode(path, data)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in MARKDOWN_SUFFIXES and _looks_like_html(text)):
        blocks, title = parse_html(text)
        document = Document(path, "html", tuple(blocks), title)
    elif suffix in MARKDOWN_SUFFIXES or _looks_like_markdown(text):
        document = Document(path, "markdown", tuple(parse_lines(text, markdown=True)))
    else:
        document = Document(path, "text", tuple(parse_lines(text, markdown=False)))
    if not any(b.kind != HEADING and re.search(r"\w", b.text) for b in document.blocks):
        raise DocumentError(f"{path}: is empty (no text to import)")
    return document


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is allowed, as is UTF-16 with its BOM); anything else is refused."""
    if data.startswith(b"%PDF"):
        raise DocumentError(f"{path}: is a PDF; save the job description as text, Markdown or HTML")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(f"{path}: is an office document (Word or similar); "
                            "save it as text, Markdown or HTML")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise DocumentError(f"{path}: is a binary file, not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: is not UTF-8 text (byte {exc.start}: {exc.reason}); "
                            "save it as UTF-8") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise DocumentError(f"{path}: is a binary file, not a text document")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|h1|p|ul)\b", head))


def _looks_like_markdown(text: str) -> bool:
    return bool(re.search(r"^#{1,6} \S", text, re.MULTILINE))


def clean_inline(text: str) -> str:
    """One line of text without Markdown emphasis or link syntax, white space squashed."""
    text = _MD_LINK.sub(lambda m: _link_text(m.group("text"), m.group("url")), text)
    for _ in range(2):  # **bold with *italic* inside**
        text = _MD_EMPHASIS.sub(lambda m: m.group("text"), text)
    return squash(text.replace("\\", ""))


def _link_text(text: str, url: str) -> str:
    text = squash(text)
    if not url.startswith(("http://", "https://", "mailto:")) or url.endswith(text):
        return text
    url = url[len("mailto:"):] if url.startswith("mailto:") else url
    return f"{text} ({url})" if text else url


def parse_lines(text: str, markdown: bool) -> List[Block]:
    """Blocks of a plain-text or Markdown document.

    Plain-text headings are short lines without closing punctuation (or FAQ questions,
    or short labels ending in a colon) that do not continue a wrapped paragraph.
    """
    blocks: List[Block] = []
    paragraph: List[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_text_block(" ".join(paragraph)))
            paragraph.clear()

    lines = text.split("\n")
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if markdown and _MD_RULE.match(line):
            flush()
            continue
        heading = _MD_HEADING.match(line) if markdown else None
        if heading:
            flush()
            text = clean_inline(heading.group("text") or "")
            if text:
                level = len(line.strip()) - len(line.strip().lstrip("#"))
                blocks.append(Block(HEADING, text.rstrip(":"), level=level))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            item = clean_inline(bullet.group("text"))
            if item:
                blocks.append(Block(ITEM, item))
            continue
        if blocks and blocks[-1].kind == ITEM and raw[:1].isspace() and not paragraph:
            # An indented continuation line of a list item.
            blocks[-1] = Block(ITEM, f"{blocks[-1].text} {clean_inline(line)}")
            continue
        if _FOOTNOTE.match(line) and not _MD_EMPHASIS.match(line.strip()):
            flush()
            blocks.append(Block(NOTE, clean_inline(_FOOTNOTE.sub("", line))))
            continue
        cleaned = clean_inline(line)
        continues = bool(paragraph) and not paragraph[-1].endswith((".", "!", "?", ":"))
        if paragraph and not continues:
            flush()  # one paragraph a line, as most exports have it
        if not continues and _is_plain_heading(cleaned, _next_text(lines, i)):
            flush()
            blocks.append(Block(HEADING, cleaned.rstrip(":").strip()))
            continue
        if _FIELD.match(cleaned) and not continues:
            flush()
            blocks.append(_text_block(cleaned))
            continue
        paragraph.append(cleaned)
    flush()
    return blocks


def _next_text(lines: List[str], i: int) -> Optional[str]:
    for line in lines[i + 1:]:
        if line.strip():
            return line.strip()
    return None


def _is_plain_heading(line: str, following: Optional[str]) -> bool:
    if following is None or _FIELD.match(line) and not line.endswith(":"):
        return False
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > 90:
        return False
    if line.endswith(":"):
        return len(words) <= 6
    return line.endswith("?") or not line.endswith(_SENTENCE_END)


def _text_block(text: str) -> Block:
    """A paragraph, or a label/value line ("Salary: $60,000") when it reads as one."""
    match = _FIELD.match(text)
    if match and len(match.group("label").split()) <= 5 and len(match.group("value")) <= 160:
        label = match.group("label").strip()
        return Block(FIELD, f"{label}: {match.group('value').strip()}", label,
                     match.group("value").strip())
    return Block(PARAGRAPH, text)


class _HtmlBlocks(HTMLParser):
    """Collects headings, list items, label/value pairs and paragraphs of an HTML page,
    skipping what is not the posting (scripts, styles, navigation, headers, footers, forms)."""

    SKIP = {"script", "style", "noscript", "template", "nav", "footer", "aside",
            "form", "button", "select", "svg", "iframe", "menu", "dialog"}
    BLOCK = {"p", "div", "section", "article", "main", "br", "ul", "ol", "table", "tr",
             "blockquote", "dl", "hr", "body", "pre", "figure", "address"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: List[Block] = []
        self.title: Optional[str] = None
        self._skip: List[str] = []
        self._text: List[str] = []
        self._kind = PARAGRAPH
        self._level = 0  # of the heading being read
        self._in_title = False
        self._title_text: List[str] = []
        self._cells: List[str] = []  # the cells of the current table row
        self._in_cell = False
        self._dt: Optional[str] = None
        self._href: Optional[str] = None
        self._link_text: List[str] = []

    # -- structure ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        attributes = dict(attrs)
        if self._skip:
            if tag not in self.VOID:
                self._skip.append(tag)
            return
        if tag == "title":
            self._in_title = True
            return
        hidden = attributes.get("hidden") is not None or attributes.get("aria-hidden") == "true"
        if tag in self.SKIP or attributes.get("role") in ("navigation", "banner", "contentinfo") \
                or hidden:
            if tag not in self.VOID:
                self._skip.append(tag)
            return
        if tag in self.HEADINGS:
            self._flush()
            self._kind = HEADING
            self._level = int(tag[1])
        elif tag == "li":
            self._flush()
            self._kind = ITEM
        elif tag in ("td", "th"):
            self._flush_cell()
            self._in_cell = True
        elif tag in ("dt", "dd"):
            self._flush()
        elif tag == "a":
            self._href = attributes.get("href")
            self._link_text = []
        elif tag in self.BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            elif tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "title":
            self._in_title = False
            self.title = squash("".join(self._title_text)) or None
        elif tag in self.HEADINGS or tag == "li":
            self._flush()
        elif tag in ("td", "th"):
            self._flush_cell()
        elif tag == "tr":
            self._flush_row()
        elif tag == "dt":
            self._dt = squash("".join(self._text)).rstrip(":") or None
            self._text = []
        elif tag == "dd":
            value = squash("".join(self._text))
            self._text = []
            if self._dt and value:
                self.blocks.append(_text_block(f"{self._dt}: {value}"))
            elif value:
                self.blocks.append(_text_block(value))
            self._dt = None
        elif tag == "a":
            text = squash("".join(self._link_text))
            href = self._href or ""
            if href.startswith(("http://", "https://", "mailto:")) and href.rstrip("/") not in text:
                self.handle_data(f" ({href[len('mailto:'):] if href.startswith('mailto:') else href})")
            self._href = None
        elif tag in self.BLOCK:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if not self._skip and tag in ("br", "hr"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)
        elif not self._skip:
            self._text.append(data)
            if self._href is not None:
                self._link_text.append(data)

    # -- output ------------------------------------------------------------------------
    def _flush(self) -> None:
        text = squash("".join(self._text))
        self._text = []
        kind, self._kind = self._kind, PARAGRAPH
        if self._in_cell:
            if text:
                self._cells.append(text)
            return
        if not text:
            return
        if kind == HEADING:
            self.blocks.append(Block(HEADING, text.rstrip(":").strip(), level=self._level))
        elif kind == ITEM:
            self.blocks.append(Block(ITEM, text))
        else:
            self.blocks.append(_text_block(text))

    def _flush_cell(self) -> None:
        if self._in_cell:
            text = squash("".join(self._text))
            self._text = []
            if text:
                self._cells.append(text)
        self._in_cell = False

    def _flush_row(self) -> None:
        self._flush_cell()
        cells, self._cells = self._cells, []
        if len(cells) == 2:
            self.blocks.append(_text_block(f"{cells[0].rstrip(':')}: {cells[1]}"))
        elif cells:
            self.blocks.append(Block(PARAGRAPH, " ".join(cells)))

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(text: str) -> Tuple[List[Block], Optional[str]]:
    """Blocks of an HTML page (Python's HTML parser, entities decoded), and its <title>."""
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    title = html.unescape(parser.title) if parser.title else None
    return parser.blocks, title
