"""Content negotiation between a page for browsers and JSON for programs (RFC 9110 12.5.1)."""

from __future__ import annotations


def prefers_html(accept: str | None) -> bool:
    """True when `Accept` ranks HTML above JSON (a browser); a tie (`*/*`, none) is JSON."""
    ranges = _media_ranges(accept or "")
    return _quality_of("text/html", ranges) > _quality_of("application/json", ranges)


def prefers_json(accept: str | None) -> bool:
    """True when `Accept` ranks JSON (or JSON-LD) above HTML; a tie or no `Accept` is HTML."""
    ranges = _media_ranges(accept or "")
    json_quality = max(
        _quality_of("application/json", ranges), _quality_of("application/ld+json", ranges)
    )
    return json_quality > _quality_of("text/html", ranges)


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(",")[:30]:
        media_range, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.strip().lower(), quality))
    return ranges


def _quality_of(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The quality of the most specific range matching `media_type` (RFC 9110 12.5.1)."""
    kind = media_type.split("/")[0]
    specificity, quality = -1, 0.0
    for media_range, value in ranges:
        rank = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range, -1)
        if rank > specificity:
            specificity, quality = rank, value
    return quality
