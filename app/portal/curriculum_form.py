"""The curriculum form of the portal, module by module (pure: no database, no request).

Field names: `title`; per module `module-<n>-code`, `-title`, `-theory_hours`,
`-practice_hours`, `-work_based_hours`, `-modality`, `-language`, `-remove` and
`-outcome-<outcome code>` (empty, `partial` or `full`). A module whose fields are all empty
is a spare row and is left out; the others are numbered 1, 2, … in their order. The form
becomes a `CurriculumCreate`, the same body the API takes; its validation errors are turned
into messages beside the fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from pydantic import ValidationError

from app.curricula.schemas import CoverageLevel, CurriculumCreate
from app.fields import Language
from app.portal.vocabulary import CURRICULUM_FORM_ERRORS
from app.web.i18n import gettext as translate

MAX_MODULES: Final = 60
HOUR_FIELDS: Final = ("theory_hours", "practice_hours", "work_based_hours")
TEXT_FIELDS: Final = ("code", "title", *HOUR_FIELDS, "modality", "language")
LEVELS: Final = tuple(level.value for level in CoverageLevel)
_MODULE_FIELD = re.compile(r"^module-(\d{1,3})-")
_ERROR_KEYS: Final = {
    "code": "code",
    "title": "module-title",
    "theory_hours": "hours",
    "practice_hours": "hours",
    "work_based_hours": "hours",
    "modality": "modality",
    "language": "language",
}


@dataclass(frozen=True, slots=True)
class ModuleFields:
    """One module as the form shows it: the typed text and each outcome's coverage."""

    number: int
    values: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    remove: bool = False

    def id(self, name: str) -> str:
        """The id and name of one of this module's fields."""
        return f"module-{self.number}-{name}"

    def value(self, name: str) -> str:
        """What the field holds."""
        return self.values.get(name, "")

    @property
    def is_spare(self) -> bool:
        """Whether nothing has been typed or chosen in it (it is left out)."""
        return not any(self.values.get(name, "").strip() for name in TEXT_FIELDS) and not any(
            self.outcomes.values()
        )


@dataclass(frozen=True, slots=True)
class CurriculumForm:
    """What the curriculum form holds."""

    title: str
    modules: list[ModuleFields]
    spares: int = 0
    """How many empty modules were posted (each "Add a module" adds one)."""

    def with_spare_modules(self, count: int) -> CurriculumForm:
        """The form with `count` empty modules after the last one (at most `MAX_MODULES`)."""
        kept = [module for module in self.modules if not module.is_spare]
        room = max(0, min(count, MAX_MODULES - len(kept)))
        spares = [ModuleFields(number=len(kept) + offset + 1) for offset in range(room)]
        return replace(self, modules=kept + spares, spares=room)


@dataclass(frozen=True, slots=True)
class CheckedForm:
    """The body to save, or the messages to show: by field id, and for the error summary."""

    body: CurriculumCreate | None
    errors: dict[str, str]
    summary: dict[str, str]


def stored_form(title: str, modules: Iterable[Mapping[str, Any]]) -> CurriculumForm:
    """The form of a stored curriculum (`Curriculum.modules`, as the API stores them)."""
    shown = []
    for number, module in enumerate(modules, start=1):
        values = {name: str(module.get(name, "")) for name in TEXT_FIELDS}
        outcomes = {
            str(mapping["outcome_code"]): str(mapping["coverage"])
            for mapping in module.get("outcomes", [])
        }
        shown.append(ModuleFields(number=number, values=values, outcomes=outcomes))
    return CurriculumForm(title=title, modules=shown)


def posted_form(posted: Mapping[str, str], outcome_codes: Iterable[str]) -> CurriculumForm:
    """The form as posted; only the standard's own outcome codes are read."""
    codes = list(outcome_codes)
    numbers = sorted(
        {int(match.group(1)) for key in posted if (match := _MODULE_FIELD.match(key))}
    )[:MAX_MODULES]
    modules: list[ModuleFields] = []
    spares = 0
    for number in numbers:
        posted_as = ModuleFields(number=number)
        values = {name: str(posted.get(posted_as.id(name), "")) for name in TEXT_FIELDS}
        outcomes = {
            code: str(posted[posted_as.id(f"outcome-{code}")])
            for code in codes
            if posted.get(posted_as.id(f"outcome-{code}")) in LEVELS
        }
        module = ModuleFields(
            len(modules) + 1,
            values=values,
            outcomes=outcomes,
            remove=bool(posted.get(posted_as.id("remove"))),
        )
        if module.is_spare:
            spares += 1
        else:
            modules.append(module)
    return CurriculumForm(title=str(posted.get("title", "")), modules=modules, spares=spares)


def _body(
    form: CurriculumForm, kept: list[ModuleFields], standard: tuple[str, int]
) -> dict[str, Any]:
    def hours(text: str) -> str | int:
        return text.strip() or 0

    return {
        "standard_code": standard[0],
        "standard_version": standard[1],
        "title": form.title,
        "modules": [
            {
                "code": module.value("code"),
                "title": module.value("title"),
                **{name: hours(module.value(name)) for name in HOUR_FIELDS},
                "modality": module.value("modality"),
                "language": module.value("language"),
                "outcomes": [
                    {"outcome_code": code, "coverage": coverage}
                    for code, coverage in module.outcomes.items()
                ],
            }
            for module in kept
        ],
    }


Problems = dict[str, tuple[str, int | None]]
"""Field id -> (key of `CURRICULUM_FORM_ERRORS`, number of the module or None)."""


def _key(key: str, value: str) -> str:
    """The message for an empty field where there is one ("Enter the title.") rather than
    the field's rules."""
    missing = f"{key}-missing"
    return missing if not value.strip() and missing in CURRICULUM_FORM_ERRORS else key


def _problems(error: ValidationError, form: CurriculumForm, kept: list[ModuleFields]) -> Problems:
    """Each field in error with its message key and, for a module's field, its number."""
    found: Problems = {}
    for problem in error.errors():
        where = problem["loc"]
        if where[:1] == ("title",):
            found.setdefault("title", (_key("title", form.title), None))
        elif where[:1] == ("modules",) and len(where) >= 2 and isinstance(where[1], int):
            module = kept[where[1]]
            name = str(where[2]) if len(where) >= 3 else ""
            if name in _ERROR_KEYS:
                key = _key(_ERROR_KEYS[name], module.value(name))
                found.setdefault(module.id(name), (key, module.number))
            elif not name:
                found.setdefault(module.id("theory_hours"), ("hours-none", module.number))
    return found


def _repeated_codes(kept: list[ModuleFields]) -> Problems:
    seen: set[str] = set()
    found: Problems = {}
    for module in kept:
        code = module.value("code").strip()
        if code and code in seen:
            found[module.id("code")] = ("code-repeated", module.number)
        seen.add(code)
    return found


def check(form: CurriculumForm, *, standard: tuple[str, int], language: Language) -> CheckedForm:
    """The `CurriculumCreate` of the form for `standard` (code, version), or every problem
    in `language`: beside each field, and in the summary naming the module."""
    kept = [module for module in form.modules if not module.is_spare and not module.remove]
    if not kept:
        anchor = ModuleFields(number=len(form.modules) + 1).id("code")
        message = translate(language, CURRICULUM_FORM_ERRORS["modules-none"])
        found = {anchor: message}
        if not form.title.strip():
            title = translate(language, CURRICULUM_FORM_ERRORS["title-missing"])
            return CheckedForm(None, {"title": title, **found}, {"title": title, **found})
        return CheckedForm(None, found, found)
    problems = _repeated_codes(kept)
    try:
        body = CurriculumCreate.model_validate(_body(form, kept, standard))
    except ValidationError as error:
        problems = {**_problems(error, form, kept), **problems}
        body = None
    if problems:
        body = None
    errors: dict[str, str] = {}
    summary: dict[str, str] = {}
    for field_id, (key, number) in problems.items():
        message = translate(language, CURRICULUM_FORM_ERRORS[key])
        errors[field_id] = message
        summary[field_id] = (
            message
            if number is None
            else translate(
                language, CURRICULUM_FORM_ERRORS["in-module"], number=str(number), problem=message
            )
        )
    return CheckedForm(body, errors, summary)
