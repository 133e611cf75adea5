from __future__ import annotations

import argparse
import datetime
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.selectors import api_tokens_of
from apps.accounts.services import (
    API_TOKEN_MAX_DAYS,
    api_token_issue,
    api_token_revoke,
    api_tokens_revoke,
    role_grant,
    role_revoke,
    user_create,
)
from insyn.errors import InsynError
from lib.swedish import quoted


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else "aldrig"


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{quoted(text)} är inget datum (ÅÅÅÅ-MM-DD).") from exc


class Command(BaseCommand):
    help = "Användare: create, grant, revoke, token, tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Skapa en användare med en första roll.")
        create.add_argument("--username", required=True)
        create.add_argument("--role", required=True)
        create.add_argument("--org", required=True, help="Organisationens kortnamn, t.ex. alingsas-activera")
        create.add_argument("--email", default="")
        create.add_argument("--password-stdin", action="store_true", help="Läs lösenordet från standard in.")
        for name in ("grant", "revoke"):
            cmd = sub.add_parser(name, help=f"{'Tilldela' if name == 'grant' else 'Återkalla'} en roll.")
            cmd.add_argument("username")
            cmd.add_argument("--role", required=True)
            cmd.add_argument("--org", required=True)
            if name == "grant":
                cmd.add_argument(
                    "--from", dest="valid_from", type=_day, help="Första dagen rollen gäller (ÅÅÅÅ-MM-DD)."
                )
                cmd.add_argument(
                    "--until", dest="valid_until", type=_day, help="Sista dagen rollen gäller (ÅÅÅÅ-MM-DD)."
                )
        token = sub.add_parser("token", help="Skriv ut en ny API-nyckel (bara nyckeln) på standard ut.")
        token.add_argument("username")
        choice = token.add_mutually_exclusive_group()
        choice.add_argument(
            "--days",
            type=int,
            help=f"Hur många dagar nyckeln gäller, 1–{API_TOKEN_MAX_DAYS} (förval INSYN_API_TOKEN_DAYS).",
        )
        choice.add_argument("--revoke", action="store_true", help="Återkalla alla användarens API-nycklar i stället.")
        choice.add_argument("--revoke-key", metavar="KEY", help="Återkalla en nyckel, given med sin början.")
        tokens = sub.add_parser(
            "tokens", help="Lista användarens API-nycklar: nyckelns början, skapad, går ut (en per rad)."
        )
        tokens.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except InsynError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Det finns ingen användare {quoted(username)}.") from exc

    def _create(self, options: dict[str, Any]) -> None:
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
        user = user_create(
            username=options["username"],
            password=password,
            role=options["role"],
            organisation_slug=options["org"],
            email=options["email"],
        )
        self.stderr.write(f"Användaren {user.username} är skapad med rollen {options['role']} i {options['org']}.")

    def _grant(self, options: dict[str, Any]) -> None:
        role_grant(
            user=self._user(options["username"]),
            role=options["role"],
            organisation_slug=options["org"],
            valid_from=options.get("valid_from"),
            valid_until=options.get("valid_until"),
        )
        self.stderr.write("Rollen är tilldelad.")

    def _revoke(self, options: dict[str, Any]) -> None:
        role_revoke(user=self._user(options["username"]), role=options["role"], organisation_slug=options["org"])
        self.stderr.write("Rollen är återkallad.")

    def _token(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        if options["revoke"]:
            count = api_tokens_revoke(user=user)
            self.stderr.write(f"{count} API-nycklar återkallade.")
            return
        if options["revoke_key"]:
            key = options["revoke_key"]
            found = api_tokens_of(user).filter(token_key=key).first()
            if found is None:
                raise CommandError(f"{user.username} har ingen API-nyckel som börjar {quoted(key)}.")
            api_token_revoke(token=found)
            self.stderr.write(f"API-nyckeln {found.token_key} är återkallad.")
            return
        instance, token = api_token_issue(user=user, days=options["days"])
        # Only the token on stdout, so scripts can capture it; the rest goes to stderr.
        self.stdout.write(token)
        self.stderr.write(f"Nyckeln {instance.token_key} gäller till {_local(instance.expiry)}.")

    def _tokens(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        tokens = list(api_tokens_of(user))
        for token in tokens:
            self.stdout.write(f"{token.token_key}\t{_local(token.created)}\t{_local(token.expiry)}")
        self.stderr.write(f"{len(tokens)} API-nycklar för {user.username}.")
