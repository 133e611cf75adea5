"""Real identity providers on loopback for the single sign-on tests.

`OidcProvider` is an OpenID Connect provider (authorisation code flow with PKCE): discovery,
JWKS, an authorisation endpoint that approves the configured person at once, and a token
endpoint that issues RS256-signed id_tokens (joserfc, Authlib's JOSE library) with the amr/acr
the test asks for. It runs on werkzeug's HTTP server in a thread on 127.0.0.1; Insyn talks to it
over real HTTP with requests, as it would to Entra ID.

`SamlProvider` is pysaml2's own identity provider behind an HTTP endpoint on loopback. Instead of
the auto-posting HTML form a browser would get, it answers with the form's fields as JSON, which
the test posts to Insyn's assertion consumer service as the browser would."""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import saml2
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "insyn-test-client"
CLIENT_SECRET = "test-klienthemlighet-123"


@dataclass
class OidcProvider:
    """Who logs in next (`person`: the claims beyond the standard ones) and how the provider
    misbehaves when a test wants it to (`sign_with_stranger_key`, `issuer_claim`)."""

    person: dict[str, Any] = field(default_factory=lambda: {"sub": "ext-1", "amr": ["pwd", "mfa"]})
    sign_with_stranger_key: bool = False
    issuer_claim: str | None = None
    refuse: bool = False
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    base_url: str = ""

    def start(self) -> None:
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        handler = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    def _discovery(self, request: Request) -> Response:
        return self._json(
            {
                "issuer": self.base_url,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "token_endpoint": f"{self.base_url}/token",
                "jwks_uri": f"{self.base_url}/jwks",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    def _jwks(self, request: Request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("unknown client", status=400)
        if "openid" not in args.get("scope", "").split() or args.get("code_challenge_method") != "S256":
            return Response("bad request", status=400)
        redirect_uri = args["redirect_uri"]
        if self.refuse:
            query = {"error": "access_denied", "state": args["state"]}
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "redirect_uri": redirect_uri,
                "nonce": args.get("nonce"),
                "challenge": args["code_challenge"],
            }
            query = {"code": code, "state": args["state"]}
        return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(query)}"})

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return self._json({"error": "invalid_client"}, status=401)
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, status=400)
        if create_s256_code_challenge(form.get("code_verifier", "")) != grant["challenge"]:
            return self._json({"error": "invalid_grant", "error_description": "PKCE"}, status=400)
        now = int(time.time())
        claims = {
            "iss": self.issuer_claim or self.base_url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **self.person,
        }
        key = self.key
        if self.sign_with_stranger_key:
            key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "id_token": id_token})


def self_signed_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and self-signed certificate (PEM files) for a SAML party."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@dataclass
class SamlProvider:
    """A SAML 2.0 identity provider built on pysaml2's `saml2.server.Server`: it reads the SP's
    AuthnRequest (HTTP-Redirect) and answers with a signed assertion (HTTP-POST form) for `person`,
    with the AuthnContextClassRef `class_ref`. `sign_with_stranger_key` signs with a key its
    metadata does not hold; `sign_assertion=False` sends the assertion unsigned."""

    directory: Path
    subject: str = "ext-1"
    attributes: dict[str, list[str]] = field(default_factory=dict)
    class_ref: str = "http://id.elegnamnden.se/loa/1.0/loa3"
    sign_with_stranger_key: bool = False
    sign_assertion: bool = True
    entity_id: str = "https://idp.lerum.example/saml"
    base_url: str = ""
    sp_metadata: str = ""

    def start(self) -> None:
        self.key_file, self.cert_file = self_signed_pair(self.directory, "idp")
        self.stranger_key_file, self.stranger_cert_file = self_signed_pair(self.directory, "stranger")
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _config(self, *, stranger: bool = False) -> dict[str, Any]:
        key, cert = (self.stranger_key_file, self.stranger_cert_file) if stranger else (self.key_file, self.cert_file)
        config: dict[str, Any] = {
            "entityid": self.entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(key),
            "cert_file": str(cert),
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(f"{self.base_url}/sso", saml2.BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                }
            },
        }
        if self.sp_metadata:
            config["metadata"] = {"inline": [self.sp_metadata]}
        return config

    def metadata(self) -> str:
        conf = IdPConfig()
        conf.load(self._config())
        return str(entity_descriptor(conf))

    def _server_for(self, *, stranger: bool) -> Server:
        conf = IdPConfig()
        conf.load(self._config(stranger=stranger))
        return Server(config=conf)

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path != "/sso":
            return Response("not found", status=404)(environ, start_response)
        server = self._server_for(stranger=False)
        parsed = server.parse_authn_request(request.args["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        response_args = server.response_args(parsed.message)
        signer = self._server_for(stranger=True) if self.sign_with_stranger_key else server
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.subject)
        authn_response = signer.create_authn_response(
            identity=self.attributes,
            userid=self.subject,
            name_id=name_id,
            authn={"class_ref": self.class_ref, "authn_auth": self.entity_id},
            sign_assertion=self.sign_assertion,
            sign_response=False,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **response_args,
        )
        form = base64.b64encode(str(authn_response).encode("utf-8")).decode("ascii")
        body = json.dumps(
            {"action": response_args["destination"], "SAMLResponse": form, "RelayState": request.args.get("RelayState")}
        )
        return Response(body, content_type="application/json")(environ, start_response)
