"""Every response the test suite gets is documented in the OpenAPI document (issue 20).

A pytest plugin: it records (method, route template, status, media type) of each response a
`TestClient` receives from one of our apps, for the operations in the OpenAPI document, and
at the end of the session fails if the document does not list that status for that
operation, or that media type for that status. A new undocumented status or content type
then fails the run that first produces it, naming the test.

Responses to requests that match no documented operation (unknown paths, wrong methods,
pages and the console, which are left out of the document) are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.testclient import TestClient

Key = tuple[str, str, str, str]  # method, route template, status, media type ("" if none)

_records: dict[Key, str] = {}
_apps: list[FastAPI] = []
_original_request = TestClient.request


def _template(app: FastAPI, method: str, path: str) -> str | None:
    for route in iter_route_contexts(app.router.routes):
        original = route.original_route
        if not isinstance(original, APIRoute) or not original.include_in_schema:
            continue
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and method in (route.methods or ()) and pattern.match(path):
            return str(route.path)
    return None


def _recording_request(self: TestClient, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
    response = _original_request(self, method, url, *args, **kwargs)
    app = self.app
    if isinstance(app, FastAPI):
        template = _template(app, method.upper(), response.request.url.path)
        if template is not None:
            media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            key = (method.lower(), template, str(response.status_code), media)
            _records.setdefault(key, _current_test)
            if not _apps:
                _apps.append(app)
    return response


_current_test = ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    global _current_test
    _current_test = item.nodeid
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    global _current_test
    _current_test = item.nodeid
    return (yield)


def undocumented(document: dict[str, Any], records: dict[Key, str]) -> list[str]:
    """What `records` saw that `document` does not list, one line each."""
    problems = []
    for (method, template, status, media), test in sorted(records.items()):
        operation = document["paths"].get(template, {}).get(method)
        if operation is None:
            continue
        response = operation["responses"].get(status)
        if response is None:
            problems.append(f"{method.upper()} {template}: status {status} ({test})")
            continue
        content = response.get("content") or {}
        if media and media not in content:
            problems.append(f"{method.upper()} {template} {status}: content type {media} ({test})")
        elif not media and content and status not in ("204", "304"):
            problems.append(f"{method.upper()} {template} {status}: no content type ({test})")
    return problems


@pytest.fixture(scope="session", autouse=True)
def openapi_documents_every_response() -> Iterator[None]:
    """Fails the session if a response the tests got is missing from the OpenAPI document."""
    TestClient.request = _recording_request  # type: ignore[method-assign]
    try:
        yield
    finally:
        TestClient.request = _original_request  # type: ignore[method-assign]
    if not _apps:
        return
    problems = undocumented(_apps[0].openapi(), _records)
    if problems:
        pytest.fail(
            "responses missing from the OpenAPI document:\n  " + "\n  ".join(problems),
            pytrace=False,
        )
