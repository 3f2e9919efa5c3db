"""Errors of provider users and invitations."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class ProviderUserNotFound(NotFound):
    slug = "provider-user-not-found"
    title = "No such provider user"


class ProviderUserExists(Conflict):
    slug = "provider-user-exists"
    title = "Someone with this email address already has a provider account"


class InvitationNotValid(AppError):
    slug = "invitation-not-valid"
    title = "This invitation link is unknown, used or expired"
    status = 410


class ResetLinkNotValid(AppError):
    slug = "password-reset-link-not-valid"
    title = "This password reset link is unknown, used or expired"
    status = 410
