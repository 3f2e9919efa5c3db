"""Errors of the provider registry."""

from __future__ import annotations

from app.errors import Conflict, Forbidden, NotFound


class ProviderNotFound(NotFound):
    slug = "provider-not-found"
    title = "No such training provider"


class ProviderNotAccredited(Forbidden):
    slug = "provider-not-accredited"
    title = "The training provider is not accredited"


class ProviderExists(Conflict):
    slug = "provider-exists"
    title = "A provider with this identifier is already registered in this country"


class ApiClientNotFound(NotFound):
    slug = "api-client-not-found"
    title = "No such API client"
