"""The API's gate, as `apps.accounts.access.page` is the pages': `IsAuthenticated` (401 without a
valid key), then `RequiresPermission` (403 in the API's one error shape, apps.core.api). A view
declares what it needs:

    permission_classes = [IsAuthenticated, RequiresPermission]
    required_permission = Permission.PERSON_VIEW                       # every method
    required_permission = {"get": Permission.PERSON_VIEW, "post": Permission.PERSON_MANAGE}

Object-level checks (404 for outsiders) stay in each app's get_<thing>_for_user helper."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.accounts.access import current_user
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission
from apps.audit.context import AuditContext, audit_context


def _required(view: Any, method: str) -> Permission | None:
    required: Permission | Mapping[str, Permission] | None = getattr(view, "required_permission", None)
    if isinstance(required, Mapping):
        return required.get(method)
    # OPTIONS (DRF's description of the view) and a method the view lacks (405) need nothing more.
    if method == "options" or method not in view.http_method_names or not hasattr(view, method):
        return None
    return required


class RequiresPermission(BasePermission):
    """Lets through a user who holds the view's `required_permission`: one Permission for every
    method the view handles, or a mapping from method name ("get", "post", …) to Permission, a
    method left out needing none. HEAD needs what GET needs. Put it after IsAuthenticated."""

    def has_permission(self, request: Request, view: Any) -> bool:
        method = (request.method or "").lower()
        required = _required(view, "get" if method == "head" else method)
        return required is None or has_permission(current_user(request), required)


def api_audit_context(request: Request) -> AuditContext:
    """The audit context of an API request: that of the Django request beneath it."""
    return audit_context(request._request)
