from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User
from apps.sso.models import IdentityProvider
from apps.sso.services import (
    external_identity_link,
    identity_provider_create_oidc,
    identity_provider_create_saml,
    identity_provider_update,
)
from insyn.errors import InsynError
from lib.swedish import quoted


def _common(parser: CommandParser) -> None:
    parser.add_argument("--org", required=True, help="Organisationens kortnamn, t.ex. lerum")
    parser.add_argument("--slug", required=True, help="Leverantörens kortnamn i adressen /konto/sso/<kortnamn>/")
    parser.add_argument("--name", required=True, help="Namnet på knappen: ”Logga in via <namn>”")
    parser.add_argument(
        "--mfa",
        action="append",
        default=[],
        help="acr/amr-värde eller AuthnContextClassRef som räknas som flerfaktor (upprepas).",
    )
    parser.add_argument(
        "--no-local-passwords", action="store_true", help="Organisationens användare får inte logga in med lösenord."
    )
    parser.add_argument(
        "--group-mapping", default="", help='JSON {"grupp": "roll"}; används först efter `sso set --groups on`.'
    )


def _mapping(text: str) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CommandError("--group-mapping är inte giltig JSON.") from exc
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise CommandError('--group-mapping ska vara {"grupp": "roll", …}.')
    return value


class Command(BaseCommand):
    help = "Inloggning via identitetsleverantör: add-oidc, add-saml, link, set, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        oidc = sub.add_parser("add-oidc", help="Lägg till en OpenID Connect-leverantör (t.ex. Entra ID).")
        _common(oidc)
        oidc.add_argument("--discovery-url", required=True, help="…/.well-known/openid-configuration")
        oidc.add_argument("--client-id", required=True)
        oidc.add_argument("--client-secret-env", required=True, help="Miljövariabel som håller klienthemligheten.")
        oidc.add_argument("--scopes", default="openid")
        oidc.add_argument(
            "--match-claim", default="sub", help="Claim som identifierar personen (sub, oid, employeeid …)."
        )
        saml = sub.add_parser("add-saml", help="Lägg till en SAML 2.0-leverantör (t.ex. ADFS, Keycloak).")
        _common(saml)
        metadata = saml.add_mutually_exclusive_group(required=True)
        metadata.add_argument("--metadata-file", type=Path, help="Leverantörens metadata (XML-fil).")
        metadata.add_argument("--metadata-url", help="Adress till leverantörens metadata.")
        saml.add_argument("--entity-id", required=True, help="Insyns entity id hos leverantören.")
        saml.add_argument("--match-attribute", default="", help="Attribut som identifierar personen (tomt: NameID).")
        link = sub.add_parser("link", help="Koppla leverantörens identifierare för en person till en användare.")
        link.add_argument("provider")
        link.add_argument("subject", help="Identifieraren (sub, oid, anställningsnummer …), aldrig namnet.")
        link.add_argument("username")
        change = sub.add_parser("set", help="Ändra en leverantörs inställningar.")
        change.add_argument("provider")
        change.add_argument("--local-passwords", choices=["on", "off"])
        change.add_argument("--groups", choices=["on", "off"], help="Roller från leverantörens grupper.")
        change.add_argument("--group-mapping", default=None)
        change.add_argument("--active", choices=["on", "off"])
        sub.add_parser("list", help="Lista leverantörerna.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except InsynError as exc:
            raise CommandError(exc.message) from exc

    def _provider(self, slug: str) -> IdentityProvider:
        try:
            return IdentityProvider.objects.get(slug=slug)
        except IdentityProvider.DoesNotExist as exc:
            raise CommandError(f"Det finns ingen identitetsleverantör {quoted(slug)}.") from exc

    def _add_oidc(self, options: dict[str, Any]) -> None:
        secret = os.environ.get(options["client_secret_env"], "")
        if not secret:
            raise CommandError(f"Miljövariabeln {options['client_secret_env']} är tom eller saknas.")
        provider = identity_provider_create_oidc(
            actor=None,
            organisation_slug=options["org"],
            slug=options["slug"],
            display_name=options["name"],
            discovery_url=options["discovery_url"],
            client_id=options["client_id"],
            client_secret=secret,
            scopes=options["scopes"],
            match_claim=options["match_claim"],
            mfa_values=options["mfa"],
            local_passwords_allowed=not options["no_local_passwords"],
            group_mapping=_mapping(options["group_mapping"]),
        )
        self.stderr.write(f"Leverantören {provider.slug} är tillagd; utfärdare {provider.issuer}.")

    def _add_saml(self, options: dict[str, Any]) -> None:
        path: Path | None = options["metadata_file"]
        provider = identity_provider_create_saml(
            actor=None,
            organisation_slug=options["org"],
            slug=options["slug"],
            display_name=options["name"],
            sp_entity_id=options["entity_id"],
            idp_metadata_xml=path.read_text(encoding="utf-8") if path else "",
            idp_metadata_url=options["metadata_url"] or "",
            match_claim=options["match_attribute"],
            mfa_values=options["mfa"],
            local_passwords_allowed=not options["no_local_passwords"],
            group_mapping=_mapping(options["group_mapping"]),
        )
        self.stderr.write(f"Leverantören {provider.slug} är tillagd.")

    def _link(self, options: dict[str, Any]) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"Det finns ingen användare {quoted(options['username'])}.") from exc
        external_identity_link(
            actor=None, provider=self._provider(options["provider"]), subject=options["subject"], user=user
        )
        self.stderr.write("Identiteten är kopplad.")

    def _set(self, options: dict[str, Any]) -> None:
        def switch(name: str) -> bool | None:
            value = options[name]
            return None if value is None else value == "on"

        identity_provider_update(
            actor=None,
            provider=self._provider(options["provider"]),
            local_passwords_allowed=switch("local_passwords"),
            group_mapping_enabled=switch("groups"),
            group_mapping=_mapping(options["group_mapping"]) if options["group_mapping"] is not None else None,
            active=switch("active"),
        )
        self.stderr.write("Inställningarna är sparade.")

    def _list(self, options: dict[str, Any]) -> None:
        for provider in IdentityProvider.objects.select_related("organisation").order_by("slug"):
            passwords = "lösenord tillåts" if provider.local_passwords_allowed else "inga lösenord"
            state = "aktiv" if provider.active else "avstängd"
            self.stdout.write(
                f"{provider.slug}\t{provider.protocol}\t{provider.organisation.slug}\t{state}\t{passwords}"
            )
