"""The letterhead of an organisation's documents: which organisation issues a document, what its
logo may be (PNG or SVG, at most 200 kB, an SVG without scripts), and the plain data that the
shared PDF include (core/_letterhead.html) and DOCX helper (apps.core.docx_letterhead) render."""

from __future__ import annotations

import base64
import datetime
import io
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Letterhead, Organisation, OrganisationKind
from .selectors import municipality_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

LOGO_MAX_BYTES = 200 * 1024
PNG = "image/png"
SVG = "image/svg+xml"
_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}


def issuer_of(organisation: Organisation) -> Organisation:
    """The organisation that issues a document about `organisation`: a unit's documents go out in
    its municipality's name, the förbund's and a member's in their own."""
    if organisation.kind in (OrganisationKind.EXECUTOR_UNIT, OrganisationKind.SOCIAL_COMMITTEE):
        return municipality_of(organisation) or organisation
    return organisation


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _check_svg(data: bytes) -> None:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise ValidationError(_("SVG-filen kunde inte läsas.")) from error
    if _local_name(root.tag) != "svg":
        raise ValidationError(_("Filen är ingen SVG-bild."))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local_name(element.tag) in _SVG_FORBIDDEN_ELEMENTS:
            raise ValidationError(_("SVG-bilden får inte innehålla skript eller inbäddat innehåll."))
        for name, value in element.attrib.items():
            local = _local_name(name)
            if local.startswith("on"):
                raise ValidationError(_("SVG-bilden får inte innehålla skript eller inbäddat innehåll."))
            if local == "href" and not value.startswith("#"):
                raise ValidationError(_("SVG-bilden får inte hänvisa till andra filer eller adresser."))


def logo_validate(data: bytes, filename: str = "") -> str:
    """The content type of an acceptable logo; ValidationError (in Swedish) otherwise."""
    if not data:
        raise ValidationError(_("Filen är tom."))
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(_("Logotypen får vara högst 200 kB."))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if image.format != "PNG":
                    raise ValidationError(_("Filen är ingen PNG-bild."))
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError(_("PNG-bilden är trasig och kunde inte läsas.")) from error
        return PNG
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--") or filename.endswith(".svg"):
        _check_svg(data)
        return SVG
    raise ValidationError(_("Logotypen måste vara en PNG- eller SVG-bild."))


def letterhead_of(organisation: Organisation) -> Letterhead | None:
    return Letterhead.objects.filter(organisation=organisation).first()


def letterhead_for(
    organisation: Organisation | str | None,
    user: AbstractBaseUser | None = None,
    date: datetime.date | str | None = None,
    *,
    handlaggare: str = "",
    footer: bool = True,
) -> dict[str, Any]:
    """The plain data of a document's letterhead: the issuing organisation's name, its logo (bytes
    and a data URI), its address line, the document's date and its handläggare (the user's full
    name, or `handlaggare` when given; empty for a document made without a user).

    `organisation` may be given by its name, for documents whose data hold only names; `footer`
    false leaves the page numbers to a document that numbers its pages itself (the årsbokslut)."""
    if isinstance(organisation, str):
        organisation = Organisation.objects.filter(name=organisation).first() if organisation else None
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            date = None
    issuer = issuer_of(organisation) if organisation is not None else None
    head = letterhead_of(issuer) if issuer is not None else None
    if not handlaggare and user is not None:
        handlaggare = getattr(user, "get_full_name", lambda: "")() or ""
    logo = bytes(head.logo) if head is not None and head.logo else b""
    content_type = head.logo_content_type if logo and head is not None else ""
    return {
        "name": issuer.name if issuer is not None else "",
        "address_line": head.address_line if head is not None else "",
        "logo": logo,
        "logo_content_type": content_type,
        "logo_data_uri": f"data:{content_type};base64,{base64.b64encode(logo).decode()}" if logo else "",
        "date": date or datetime.date.today(),
        "handlaggare": handlaggare,
        "footer": footer,
    }
