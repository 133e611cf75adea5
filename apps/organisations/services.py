from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from .models import Letterhead, Organisation, OrganisationKind

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def organisation_load_structure(*, name: str) -> LoadResult:
    """Load a förbund's structure from the data file `<name>.json`. Idempotent: re-running it
    updates names and figures in place and never duplicates a node."""
    path = DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    created = updated = 0

    def upsert(slug: str, **fields: object) -> Organisation:
        nonlocal created, updated
        org, was_created = Organisation.objects.update_or_create(slug=slug, defaults=fields)
        if was_created:
            created += 1
        else:
            updated += 1
        return org

    with transaction.atomic():
        forbund = upsert(
            data["slug"],
            name=data["name"],
            kind=OrganisationKind.FORBUND,
            parent=None,
            organisation_number=data.get("organisation_number", ""),
        )
        for member in data["members"]:
            population_date = member.get("population_date")
            org = upsert(
                member["slug"],
                name=member["name"],
                kind=member["kind"],
                parent=forbund,
                organisation_number=member.get("organisation_number", ""),
                code_prefix=member.get("code_prefix", ""),
                population=member.get("population"),
                population_date=datetime.date.fromisoformat(population_date) if population_date else None,
                population_source=data.get("population_note", "") if population_date else "",
            )
            if org.kind == OrganisationKind.MUNICIPALITY:
                # The place name as a unit is named after it ("ACTivera Lerum", not the genitive
                # "Lerums" of "Lerums kommun"): given in the data, else the name without its suffix.
                suffixes = (" kommun", " stad")  # i18n: data
                short_name = member.get("short_name") or org.name.replace(suffixes[0], "").replace(suffixes[1], "")
                for unit in data["units_per_municipality"]:
                    upsert(
                        f"{org.slug}-{unit['suffix']}",
                        name=unit["name"].format(municipality=short_name),
                        kind=unit["kind"],
                        parent=org,
                    )
        audit_record(
            actor=None,
            action=AuditAction.ORGANISATION_LOAD,
            object_type="organisation",
            object_id=forbund.slug,
            details={"created": created, "updated": updated},
        )
    return LoadResult(created=created, updated=updated)


def letterhead_save(
    *,
    actor: Any,
    organisation: Organisation,
    logo: bytes | None,
    address_line: str,
    context: Any = None,
    remove_logo: bool = False,
) -> Letterhead:
    """Set an organisation's letterhead: a new logo (validated: PNG or SVG, at most 200 kB), no
    change to the logo (`logo=None`), or none (`remove_logo`); and its address line. Audited."""
    from .letterhead import logo_validate

    content_type = logo_validate(logo) if logo is not None else None
    with transaction.atomic():
        head, _created = Letterhead.objects.select_for_update().get_or_create(organisation=organisation)
        changes: dict[str, object] = {}
        if remove_logo:
            head.logo, head.logo_content_type = b"", ""
            changes["logo"] = "removed"
        elif logo is not None and content_type is not None:
            head.logo, head.logo_content_type = logo, content_type
            changes["logo"] = {"type": content_type, "bytes": len(logo)}
        address_line = address_line.strip()
        if address_line != head.address_line:
            changes["address_line"] = address_line
        head.address_line = address_line
        head.save()
        audit_record(
            actor=actor,
            action=AuditAction.LETTERHEAD_CHANGE,
            context=context,
            object_type="organisation",
            object_id=organisation.slug,
            details=changes,
        )
    return head
