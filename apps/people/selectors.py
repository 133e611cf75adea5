"""Permission-aware reads of the person registry."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.organisations.models import Organisation
from lib.identity_numbers import InvalidIdentityNumber, parse_identity_number
from lib.pseudonyms import normalise_code

from .crypto import keyring, number_context
from .models import Person


def people_for_user(user: User, *, permission: Permission = Permission.PERSON_VIEW) -> QuerySet[Person]:
    municipality_ids = [org.pk for org in municipalities_with(user, permission)]
    return Person.objects.filter(municipality_id__in=municipality_ids).select_related("municipality")


def get_person_for_user(user: User, code: str, *, permission: Permission = Permission.PERSON_VIEW) -> Person:
    """The person with `code`, if the user may see it; 404 otherwise, whether it exists or not."""
    try:
        return people_for_user(user, permission=permission).get(code=normalise_code(code))
    except Person.DoesNotExist as exc:
        raise Http404(_("Personen finns inte.")) from exc


def identity_number_of(person: Person, *, municipality: Organisation | None = None) -> str:
    """The person's identity number; `municipality` (the person's own) saves reading it for each
    of many people."""
    if municipality is None:
        municipality = person.municipality
    elif municipality.pk != person.municipality_id:
        raise ValueError("not the person's municipality")
    return keyring().decrypt(person.identity_number_encrypted, context=number_context(municipality.slug))


def search_people(user: User, query: str) -> QuerySet[Person]:
    """Search by exact identity number (through the keyed hash), by code, or by name."""
    people = people_for_user(user)
    text = query.strip()
    if not text:
        return people
    try:
        number = parse_identity_number(text)
    except InvalidIdentityNumber:
        number = None
    if number is not None:
        hashes = [
            keyring().lookup_hash(number.digits, context=number_context(org.slug))
            for org in municipalities_with(user, Permission.PERSON_VIEW)
        ]
        return people.filter(identity_number_hash__in=hashes)
    code = normalise_code(text)
    if people.filter(code=code).exists():
        return people.filter(code=code)
    for term in text.split():
        people = people.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return people


def find_person(municipality: Organisation, identity_digits: str) -> Person | None:
    digest = keyring().lookup_hash(identity_digits, context=number_context(municipality.slug))
    return Person.objects.filter(municipality=municipality, identity_number_hash=digest).first()
