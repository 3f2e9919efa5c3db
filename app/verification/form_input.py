"""Reading what a person pasted or uploaded on the verification page.

The form has a text area and a file field. Either holds a credential or a presentation as
JSON, a compact vc+jwt, or an SD-JWT VC (`…~…~`, as a wallet exports it). What is not
readable raises `UnreadableSubmission` with the message (an msgid) the page shows above the
form; nothing here verifies anything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from app.crypto.vcdm import VC_JWT_DATA_URL, VP_TYPE
from app.errors import AppError
from app.verification import forms, page_labels
from app.verification.errors import DocumentTooLarge, PresentationTooLarge
from app.verification.forms import SD_JWT_VC_DATA_URL, Submission

MAX_TEXT_CHARACTERS: Final = forms.MAX_DOCUMENT_BYTES
"""Pasted text longer than this is refused before it is parsed (a credential is ~16 KB)."""


_UUID: Final = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CREDENTIAL_REFERENCE: Final = re.compile(
    rf"(?:urn:uuid:|(?:https?://[^\s/?#]+)?(?:/[^\s?#]*)?/verify/)?({_UUID})(?:[/?#]\S*)?",
    re.IGNORECASE,
)
"""A credential id as certificates print it, its `urn:uuid:` form, or a verification link."""


def credential_reference(text: str) -> str | None:
    """The credential id in pasted `text` when that is all it holds (an id, `urn:uuid:…`
    or a verification link), else None: a document or a JWT is verified as such."""
    match = CREDENTIAL_REFERENCE.fullmatch(text.strip()[:1000])
    return match.group(1).lower() if match else None


def result_link(
    root_path: str, credential_id: str, *, language: str | None, country: str | None
) -> str:
    """The verification page of `credential_id`, keeping a chosen language and country."""
    query = urlencode(
        [(key, value) for key, value in (("lang", language), ("country", country)) if value]
    )
    return f"{root_path}/verify/{credential_id}" + (f"?{query}" if query else "")


@dataclass(frozen=True, slots=True)
class SubmittedForm:
    """The verification form as posted: pasted text, an uploaded file, the country chosen."""

    text: str = ""
    upload: bytes = b""
    country: str | None = None
    unreadable: bool = False
    """True when the body could not be parsed as a form at all."""


class UnreadableSubmission(Exception):
    """The form holds nothing that can be verified; `message` is an msgid for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def submission_from_form(form: SubmittedForm) -> Submission:
    """The credential or presentation in the pasted text or the uploaded file."""
    text = form.text.strip()
    if form.unreadable:
        raise UnreadableSubmission(page_labels.NOT_A_CREDENTIAL)
    if text and form.upload:
        raise UnreadableSubmission(page_labels.BOTH_SENT)
    if form.upload:
        text = _decode(form.upload)
    if not text:
        raise UnreadableSubmission(page_labels.NOTHING_SENT)
    if len(text) > MAX_TEXT_CHARACTERS:
        raise UnreadableSubmission(page_labels.TOO_LARGE)
    try:
        return _parse(text)
    except (DocumentTooLarge, PresentationTooLarge) as error:
        raise UnreadableSubmission(page_labels.TOO_LARGE) from error
    except (AppError, ValueError, RecursionError) as error:
        raise UnreadableSubmission(page_labels.NOT_A_CREDENTIAL) from error


def _parse(text: str) -> Submission:
    if text.startswith(("{", "[", '"')):
        value = _json_value(text)
        # A bare presentation has a `verifiableCredential` member, which
        # `submission_from_json` would take for the VC API's wrapper of one credential.
        if isinstance(value, dict) and VP_TYPE in forms.types_of(value):
            return forms.presentation_from_value(value)
        return forms.submission_from_json(value)
    if text.startswith(SD_JWT_VC_DATA_URL) or "~" in text:
        return forms.credential_from_sd_jwt(text.removeprefix(SD_JWT_VC_DATA_URL).strip())
    return forms.credential_from_token(text.removeprefix(VC_JWT_DATA_URL).strip())


def _json_value(text: str) -> object:
    value = json.loads(text)
    # A JSON string is a quoted vc+jwt, as some wallets export it.
    if isinstance(value, str):
        return {"credential": value}
    return value


def _decode(upload: bytes) -> str:
    try:
        # `utf-8-sig` drops the byte order mark some editors write.
        return upload.decode("utf-8-sig").strip()
    except UnicodeDecodeError as error:
        raise UnreadableSubmission(page_labels.NOT_A_CREDENTIAL) from error
