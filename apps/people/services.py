from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record, audit_record_many
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, NotPermitted, ValidationFailed
from lib.identity_numbers import IdentityNumber, InvalidIdentityNumber, parse_identity_number
from lib.pseudonyms import generate_code

from .crypto import keyring, number_context
from .models import Person
from .selectors import find_person

CODE_ATTEMPTS = 10


def person_create(
    *,
    actor: User | None,
    municipality: Organisation,
    identity_number: str,
    first_name: str,
    last_name: str,
    context: AuditContext | None = None,
    require_names: bool = True,
) -> Person:
    """Register a person in a municipality's registry. `actor` None means a trusted script.
    An import of an existing register may lack names (`require_names=False`); the number suffices."""
    if actor is not None and municipality not in municipalities_with(actor, Permission.PERSON_MANAGE):
        raise NotPermitted(_("Du får inte registrera personer i den kommunen."))
    if not municipality.is_municipality:
        raise ValidationFailed(_("En person hör till en kommun."), fields={"municipality": [_("Välj en kommun.")]})
    errors = FieldProblems()
    try:
        number = parse_identity_number(identity_number)
    except InvalidIdentityNumber as exc:
        errors["identity_number"] = [exc.message]
    first_name, last_name = first_name.strip(), last_name.strip()
    if require_names and not first_name:
        errors["first_name"] = [_("Ange förnamn.")]
    if require_names and not last_name:
        errors["last_name"] = [_("Ange efternamn.")]
    errors.raise_if_any(_("Personen kunde inte registreras."))
    existing = find_person(municipality, number.digits)
    if existing is not None:
        raise Conflict(
            _("Personen finns redan i registret med koden %(code)s.") % {"code": existing.code},
            fields={"identity_number": [_("Finns redan som %(code)s.") % {"code": existing.code}]},
        )
    aad = number_context(municipality.slug)
    ring = keyring()
    for _attempt in range(CODE_ATTEMPTS):
        person = Person(
            municipality=municipality,
            code=generate_code(municipality.code_prefix),
            identity_number_encrypted=ring.encrypt(number.digits, context=aad),
            key_id=ring.active_key_id,
            identity_number_hash=ring.lookup_hash(number.digits, context=aad),
            birth_year=number.birth_year,
            legal_sex=number.legal_sex.value,
            is_coordination_number=number.is_coordination_number,
            first_name=first_name,
            last_name=last_name,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                person.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.PERSON_CREATE,
                    context=context,
                    object_type="person",
                    object_id=person.code,
                    person_code=person.code,
                    municipality_slug=municipality.slug,
                )
            return person
        except IntegrityError:
            # A code collision (1 in ~10^8) or a concurrent registration of the same number.
            if find_person(municipality, number.digits) is not None:
                raise Conflict(_("Personen registrerades samtidigt av någon annan.")) from None
    raise Conflict(_("Kunde inte ta fram en unik kod; försök igen."))


class RegisteredPerson(NamedTuple):
    pk: int
    code: str


def people_register_many(
    *,
    actor: User | None,
    municipality: Organisation,
    people: dict[str, tuple[str, str]],
    context: AuditContext | None = None,
    numbers: Mapping[str, IdentityNumber] | None = None,
) -> tuple[dict[str, RegisteredPerson], int]:
    """The registry's people for many identity numbers at once (digits → (first, last name)):
    those already registered are looked up, the others registered, in a few statements. For imports;
    the caller has validated the numbers and holds the transaction; `numbers` may carry them parsed
    (digits → number). Returns (digits → person, created)."""
    from apps.core.bulk import bulk_insert

    if actor is not None and municipality not in municipalities_with(actor, Permission.PERSON_MANAGE):
        raise NotPermitted(_("Du får inte registrera personer i den kommunen."))
    aad = number_context(municipality.slug)
    ring = keyring()
    hashes = {digits: ring.lookup_hash(digits, context=aad) for digits in people}
    found = {
        digest: RegisteredPerson(pk, code)
        for digest, pk, code in Person.objects.filter(
            municipality=municipality, identity_number_hash__one_of_text=list(hashes.values())
        ).values_list("identity_number_hash", "id", "code")
    }
    result = {digits: found[digest] for digits, digest in hashes.items() if digest in found}
    missing = [digits for digits in people if digits not in result]
    codes = _unused_codes(municipality.code_prefix, len(missing))
    rows = []
    for digits, code in zip(missing, codes, strict=True):
        number = numbers[digits] if numbers and digits in numbers else parse_identity_number(digits)
        first_name, last_name = people[digits]
        rows.append(
            {
                "municipality_id": municipality.pk,
                "code": code,
                "identity_number_encrypted": ring.encrypt(number.digits, context=aad),
                "key_id": ring.active_key_id,
                "identity_number_hash": hashes[digits],
                "birth_year": number.birth_year,
                "legal_sex": number.legal_sex.value,
                "is_coordination_number": number.is_coordination_number,
                "first_name": first_name.strip(),
                "last_name": last_name.strip(),
                "created_by_id": actor.pk if actor else None,
            }
        )
    ids = bulk_insert(Person, rows, fields=list(rows[0])) if rows else []
    audit_record_many(
        actor=actor,
        action=AuditAction.PERSON_CREATE,
        context=context,
        entries=[
            {
                "object_type": "person",
                "object_id": row["code"],
                "person_code": row["code"],
                "municipality_slug": municipality.slug,
            }
            for row in rows
        ],
    )
    result.update(
        {digits: RegisteredPerson(pk, str(row["code"])) for digits, pk, row in zip(missing, ids, rows, strict=True)}
    )
    return result, len(rows)


def _unused_codes(prefix: str, count: int) -> list[str]:
    """`count` distinct random codes that no person has yet."""
    codes: set[str] = set()
    for _attempt in range(CODE_ATTEMPTS):
        wanted = count - len(codes)
        if wanted == 0:
            break
        candidates = {generate_code(prefix) for _n in range(wanted)} - codes
        taken = set(Person.objects.filter(code__one_of_text=list(candidates)).values_list("code", flat=True))
        codes |= candidates - taken
    if len(codes) < count:
        raise Conflict(_("Kunde inte ta fram unika koder; försök igen."))
    return sorted(codes)


def person_access_record(
    *,
    actor: User,
    people: Iterable[Person],
    action: AuditAction,
    context: AuditContext | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Log that `actor` was shown personal data of `people`: one row per municipality touched."""
    by_municipality: dict[str, list[str]] = {}
    for person in people:
        by_municipality.setdefault(person.municipality.slug, []).append(person.code)
    person_codes_access_record(
        actor=actor, codes_by_municipality=by_municipality, action=action, context=context, details=details
    )


def person_codes_access_record(
    *,
    actor: User,
    codes_by_municipality: dict[str, list[str]],
    action: AuditAction,
    context: AuditContext | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """The same rows from the people's codes alone (an export that streams its rows keeps only
    the codes, not every person)."""
    for slug, codes in codes_by_municipality.items():
        audit_record(
            actor=actor,
            action=action,
            context=context,
            object_type="person",
            object_id=codes[0] if len(codes) == 1 else f"{len(codes)} personer",  # i18n: data
            person_code=codes[0] if len(codes) == 1 else "",
            municipality_slug=slug,
            details={"codes": codes, **(details or {})},
        )


def people_rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every number not under the active key, batch by batch, each batch in its own
    transaction so the application keeps running (old keys stay readable meanwhile)."""
    ring = keyring()
    rotated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update()
                .exclude(key_id=ring.active_key_id)
                .select_related("municipality")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for person in batch:
                context = number_context(person.municipality.slug)
                plain = ring.decrypt(person.identity_number_encrypted, context=context)
                person.identity_number_encrypted = ring.encrypt(plain, context=context)
                person.key_id = ring.active_key_id
            Person.objects.bulk_update(batch, ["identity_number_encrypted", "key_id"])
            rotated += len(batch)
    audit_record(
        actor=None,
        action=AuditAction.KEYS_ROTATE,
        object_type="keyring",
        object_id=ring.active_key_id,
        details={"rotated": rotated},
    )
    return rotated
