"""The gate every page passes: logged in, second factor when the roles demand it, permission.
Object-level checks (404 for outsiders) live in each app's get_<thing>_for_user helper."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission, second_factor_pending

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def page(permission: Permission | None = None, *, object_in_query: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """`object_in_query`: the view's object comes from the query string, so an outsider gets 404
    as on any object's page."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            assert isinstance(user, User)
            if second_factor_pending(user):
                return redirect(reverse("accounts:otp") + "?" + urlencode({"next": request.get_full_path()}))
            if permission is not None and not has_permission(user, permission):
                # On an object's page, a user without the permission learns nothing, not even
                # that the object exists: 404 as for any outsider.
                if kwargs or object_in_query:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapped)

    return decorator


def current_user(request: HttpRequest | Any) -> User:
    """The logged-in user of a page or an API request that a gate has already let through."""
    user = request.user
    assert isinstance(user, User)
    return user
