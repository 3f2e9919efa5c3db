"""Reading rendered pages in tests: an element tree, and the checks every page passes."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx2
from babel.messages.extract import extract_from_file

from app.config import PROJECT_ROOT
from app.web.templates import PAGE_CONTENT_SECURITY_POLICY

VOID_TAGS = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass
class Node:
    """One element of a parsed page and everything inside it."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's text, whitespace collapsed."""
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def walk(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """Elements named `tag` whose attributes equal `attrs` (`class_` matches one class)."""
        found = []
        for node in self.walk():
            if node.tag != tag:
                continue
            wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
            css = wanted.pop("class", None)
            if css is not None and css not in node.classes:
                continue
            if all(node.attrs.get(name) == value for name, value in wanted.items()):
                found.append(node)
        return found

    def find(self, tag: str, **attrs: str) -> Node:
        """The first element `find_all` matches."""
        matches = self.find_all(tag, **attrs)
        assert matches, f"no <{tag}> with {attrs}"
        return matches[0]


class TreeBuilder(HTMLParser):
    """Builds a `Node` tree from a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    """The element tree of `page`."""
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def assert_page(response: httpx2.Response, status: int = 200) -> Node:
    """Check a page's status, media type and security headers; return its tree."""
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PAGE_CONTENT_SECURITY_POLICY
    return parse(response.text)


def page_msgids() -> set[str]:
    """The whole-sentence msgids of the verification and claim pages (no placeholders)."""
    app_dir = PROJECT_ROOT / "app"
    sources: list[tuple[str, str, dict[str, Any]]] = [
        (str(app_dir / "verification" / "page_labels.py"), "python", {}),
    ]
    for folder in ("verify", "claim"):
        for path in sorted((app_dir / "templates" / folder).glob("*.html")):
            options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
            sources.append((str(path), "jinja2", options))
    msgids: set[str] = set()
    for source, method, options in sources:
        for _lineno, message, _comments, _context in extract_from_file(
            method, source, options=options
        ):
            msgid = message if isinstance(message, str) else message[0]
            if "%(" not in msgid and " " in msgid:
                msgids.add(msgid)
    return msgids


def visible_text(response_text: str) -> str:
    """A page's markup with entities decoded (text and attributes alike)."""
    return html.unescape(response_text)
