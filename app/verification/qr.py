"""QR codes (segno) that point to a credential's public verification page.

The code holds only the verification URL: a phone camera opens the page, which verifies
the credential live, so a printed certificate never claims more than the service says today.
"""

from __future__ import annotations

import io
from typing import Final

import segno

ERROR_CORRECTION: Final = "m"
"""At least level M (15 %); segno raises it when the URL leaves room, for worn paper."""
MODULE_SCALE: Final = 4
QUIET_ZONE: Final = 4
"""The four-module margin ISO/IEC 18004 requires around a QR code."""


def _make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_CORRECTION, micro=False)


def qr_svg(url: str) -> bytes:
    """An SVG image of the QR code of `url`: black on white, sized by its viewBox only."""
    buffer = io.BytesIO()
    _make(url).save(
        buffer,
        kind="svg",
        scale=MODULE_SCALE,
        border=QUIET_ZONE,
        dark="#000000",
        light="#ffffff",
        xmldecl=False,
        omitsize=True,
        svgclass=None,
        lineclass=None,
    )
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    """The same image as a `data:` URI, for an `<img>` that prints without another request."""
    uri: str = _make(url).svg_data_uri(
        scale=MODULE_SCALE,
        border=QUIET_ZONE,
        dark="#000000",
        light="#ffffff",
        omitsize=True,
        svgclass=None,
        lineclass=None,
    )
    return uri
