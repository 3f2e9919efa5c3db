"""What the console's registry pages show (`provider_pages`, `standard_pages`,
`user_pages`, `key_pages`): a filtered, paginated list and one item's facts, for providers,
standards, staff users and signing keys, with the action forms a role may post and what the
last action did.

Both shapes are generic, so one list template and one detail template serve the four
kinds. Nothing secret is ever put in a view: no client secret hash, no password hash,
no private key (these pages never read the key store). A secret an action has just made (a
new client secret, a generated password) is the one exception, shown once as `Secret`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Final, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.console.dependencies import ConsoleUser
from app.console.pages import console_path, render_console
from app.console.vocabulary import ROLE_NAMES
from app.fields import Language
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_, SECTOR_NAMES

PER_PAGE: Final = 20
E = TypeVar("E", bound=StrEnum)

ACCREDITATION_NAMES: Final[dict[str, str]] = {
    "pending": N_("Pending"),
    "accredited": N_("Accredited"),
    "suspended": N_("Suspended"),
}
STANDARD_STATUS_NAMES: Final[dict[str, str]] = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "retired": N_("Retired"),
}
KEY_STATUS_NAMES: Final[dict[str, str]] = {
    "active": N_("Active (signs)"),
    "published": N_("Published (verifies only)"),
    "retired": N_("Retired (no longer trusted)"),
}
YES_NO: Final[dict[str, str]] = {"True": N_("Yes"), "False": N_("No")}
"""A stored boolean (as `str(value)`) by its name."""
COUNTRY_WORDS: Final = {country.value: label for country, label in COUNTRY_NAMES.items()}
SECTOR_WORDS: Final = {sector.value: label for sector, label in SECTOR_NAMES.items()}
ROLE_WORDS: Final = {role.value: label for role, label in ROLE_NAMES.items()}
LIST_TEMPLATE: Final = "console/registry_list.html"
ITEM_TEMPLATE: Final = "console/registry_item.html"


@dataclass(frozen=True, slots=True)
class Cell:
    """One value on a page: text, set as code or not, and a link or not."""

    text: str
    url: str | None = None
    code: bool = False
    moment: datetime | None = None
    """A date and time, which the template writes in the page's language (then `text` is
    unused)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a filter's list."""

    value: str
    label: str


CONFIRMED: Final = "yes"
"""The value of a ticked confirmation box."""


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of an action form; its element id is `<form key>-<name>`."""

    name: str
    label: str
    kind: str = "text"
    """`text`, `password`, `select` or `confirm` (a tick box that must be ticked)."""
    choices: list[Choice] = field(default_factory=list)
    hint: str = ""
    required: bool = False
    max_length: int | None = None
    value: str = ""


@dataclass(frozen=True, slots=True)
class ActionForm:
    """A POST form of a registry page, with the session's CSRF token added by the template."""

    key: str
    url: str
    heading: str
    submit: str
    fields: list[FormField] = field(default_factory=list)
    hint: str = ""
    danger: bool = False


@dataclass(frozen=True, slots=True)
class Secret:
    """Something an action made that is shown only this once (a client secret, a password)."""

    label: str
    value: str
    hint: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a registry page says about the last action: done, refused, or fields to fix."""

    notice: str | None = None
    problem: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    """What was typed, by field id (never a password), to show the form again."""
    secret: Secret | None = None


Render = Callable[[Outcome, int], HTMLResponse]
"""A page to show with the outcome of an action and a status code."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter of a list: a text field (no choices) or a list of choices."""

    name: str
    label: str
    value: str
    choices: list[Choice] | None = None


@dataclass(frozen=True, slots=True)
class ListView:
    """A list page: its filters, its table and where it is in the pages."""

    heading: str
    lead: str
    path: str
    filters: list[Filter]
    columns: list[str]
    rows: list[list[Cell]]
    total: int
    page: int
    per_page: int = PER_PAGE
    actions: list[ActionForm] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    note: str = ""
    """What the reader's role may not do here, when the page offers it to other roles."""

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(frozen=True, slots=True)
class Table:
    """A table on a detail page (a provider's API clients)."""

    heading: str
    columns: list[str]
    rows: list[list[Cell]]
    empty: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """A detail page: its facts, any tables, and links onward."""

    heading: str
    kind: str
    back: Cell
    facts: list[tuple[str, Cell]]
    tables: list[Table] = field(default_factory=list)
    links: list[Cell] = field(default_factory=list)
    actions: list[ActionForm] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    note: str = ""
    """What the reader's role may not do here, when the page offers it to other roles."""


def page_number(value: str | None) -> int:
    """The page asked for: a whole number from 1, else the first page."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= 10_000 else 1


def chosen(enum: type[E], value: str | None) -> E | None:
    """The filter value as a member of `enum`; an empty or unknown value filters nothing."""
    try:
        return enum((value or "").strip())
    except ValueError:
        return None


def choices(
    language: Language, names: dict[str, str] | dict[E, str], order: Sequence[str] | None = None
) -> list[Choice]:
    """The options of a filter, labelled in `language`."""
    keys = [str(key) for key in names] if order is None else list(order)
    labels = {str(key): label for key, label in names.items()}
    return [Choice(value=key, label=translate(language, labels[key])) for key in keys]


def when(value: datetime | None) -> Cell:
    """A moment, written by the template in the page's language; a dash if there is none."""
    return Cell("—", moment=value)


def word(language: Language, names: dict[str, str], value: str) -> Cell:
    """A stored value by its name in `language` (the value itself if it has none)."""
    return Cell(translate(language, names[value]) if value in names else value)


def words(language: Language, *messages: str) -> list[str]:
    """Column headings or labels in `language`."""
    return [translate(language, message) for message in messages]


def linker(request: Request, language: Language) -> Callable[..., str]:
    """Console links that keep the page language: `link(path, **query)`."""
    return partial(console_path, request, language=language)


def render_view(
    request: Request,
    view: ListView | ItemView,
    *,
    language: Language,
    user: ConsoleUser,
    section: str,
    status_code: int = 200,
) -> HTMLResponse:
    """The list or detail page of `view`, in the console layout."""
    if isinstance(view, ListView):
        context: dict[str, ListView | ItemView] = {"listing": view}
        template = LIST_TEMPLATE
    else:
        context, template = {"item": view}, ITEM_TEMPLATE
    return render_console(
        request,
        template,
        context,
        language=language,
        user=user,
        section=section,
        status_code=status_code,
    )
