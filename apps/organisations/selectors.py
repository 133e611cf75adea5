from __future__ import annotations

from .models import Organisation, OrganisationKind


def _nearest(organisation: Organisation, kind: OrganisationKind) -> Organisation | None:
    node: Organisation | None = organisation
    while node is not None:
        if node.kind == kind:
            return node
        node = node.parent
    return None


def municipality_of(organisation: Organisation) -> Organisation | None:
    """The municipality an organisation is, or lies inside; None for the förbund and state members."""
    return _nearest(organisation, OrganisationKind.MUNICIPALITY)


def forbund_of(organisation: Organisation) -> Organisation | None:
    return _nearest(organisation, OrganisationKind.FORBUND)


def municipalities_in(forbund: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(parent=forbund, kind=OrganisationKind.MUNICIPALITY).order_by("name"))


def organisation_tree() -> list[tuple[Organisation, int]]:
    """Every organisation with its depth, in tree order, from one query."""
    organisations = list(Organisation.objects.order_by("name"))
    children: dict[int | None, list[Organisation]] = {}
    for org in organisations:
        children.setdefault(org.parent_id, []).append(org)
    result: list[tuple[Organisation, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in children.get(parent_id, []):
            result.append((org, depth))
            walk(org.pk, depth + 1)

    walk(None, 0)
    return result
