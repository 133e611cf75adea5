"""The one settings module. Every value an operator may change comes from the environment
through the typed helpers in lib.env; defaults are for development on SQLite."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from lib import crypto
from lib.env import env_bool, env_int, env_list, env_optional, env_str

# Lets runtime code write Django generics such as forms.ModelForm[Model] for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INSYN_VAR_DIR", str(BASE_DIR / "var")))

# development | production. Production turns DEBUG off and demands real secrets.
INSYN_ENV = env_str("INSYN_ENV", "development")
if INSYN_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("INSYN_ENV must be 'development' or 'production'.")
PRODUCTION = INSYN_ENV == "production"
DEBUG = env_bool("INSYN_DEBUG", not PRODUCTION)
# With DEBUG on, users still get Insyn's Swedish error pages; true shows Django's technical ones.
INSYN_TECHNICAL_ERRORS = env_bool("INSYN_TECHNICAL_ERRORS", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("INSYN_DEBUG cannot be on in production.")

if PRODUCTION:
    SECRET_KEY = env_str("INSYN_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("INSYN_SECRET_KEY must be at least 50 characters.")
else:
    SECRET_KEY = env_str("INSYN_SECRET_KEY", "development-only-key-" + "x" * 40)

ALLOWED_HOSTS = env_list("INSYN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("INSYN_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("INSYN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "apps.core",
    "apps.organisations",
    "apps.accounts",
    "apps.audit",
    "apps.people",
    "apps.sso",
    "apps.jobs",
    "apps.decisions",
    "apps.activera",
    "apps.forbund",
    "apps.lexheller",
    "apps.yearend",
    "apps.home",
]

MIDDLEWARE = [
    # First, so every log line of the request, the response and its audit rows carry the id.
    "apps.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.session_touch.SessionTouchMiddleware",
    # djangosaml2's own session (cookie SameSite=None): the provider's POST to the SAML ACS is cross-site.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    "apps.core.middleware.RejectNullCharactersMiddleware",
    # Inside everything else, so the Swedish page it puts in place of a technical one gets the headers.
    "apps.core.middleware.UserErrorPagesMiddleware",
    # Axes last so it sees the outcome of authentication in the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "insyn.urls"
WSGI_APPLICATION = "insyn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.home.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere (PostgreSQL in production).
DATABASE_URL = env_optional("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("INSYN_DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a query the planner thinks is large before running it: 200–400 ms
        # spent on the quarterly report's queries that run in less (bench/README.md). Off, as OLTP
        # applications commonly have it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL is required in production.")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "insyn.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:start"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses the password of a user whose organisation signs on only through its identity provider.
    "apps.sso.backends.LocalPasswordPolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on (apps/sso): each organisation's identity provider is configured in the database
# (`insyn sso add-oidc|add-saml|link`); these settings are the deployment's common part.
# mozilla-django-oidc: network timeouts towards the provider (seconds); TLS always verified.
OIDC_TIMEOUT = env_int("INSYN_SSO_TIMEOUT_SECONDS", 10)
OIDC_VERIFY_SSL = True
# djangosaml2 builds its SP configuration per request from the organisation's provider.
SAML_CONFIG_LOADER = "apps.sso.saml.saml_config_for_request"
SAML_SESSION_COOKIE_NAME = "insyn_saml_session"
# SAML signing key and certificate of Insyn as service provider (PEM files).
INSYN_SAML_KEY_FILE = env_str("INSYN_SAML_KEY_FILE", str(VAR_DIR / "saml" / "sp.key"))
INSYN_SAML_CERT_FILE = env_str("INSYN_SAML_CERT_FILE", str(VAR_DIR / "saml" / "sp.crt"))
INSYN_XMLSEC_BINARY = env_str("INSYN_XMLSEC_BINARY", "/usr/bin/xmlsec1")

# Lockout: django-axes counts failures per username; a locked account waits out the cool-off.
AXES_FAILURE_LIMIT = env_int("INSYN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("INSYN_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# A whole municipal office often shares one outgoing address: locking by IP would lock out
# everyone there after one person's mistakes, so the lockout is per account only.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_VERBOSE = False

# Idle timeout: the session lives SESSION_IDLE_MINUTES after the last request, give or take the
# minute between its writes (apps.core.session_touch: written at most once per SESSION_TOUCH_SECONDS).
SESSION_IDLE_MINUTES = env_int("INSYN_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("INSYN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("INSYN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("INSYN_HSTS_PRELOAD", True)
    # The TLS proxy in front of gunicorn says the request was https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

OTP_TOTP_ISSUER = env_str("INSYN_TOTP_ISSUER", "Insyn")

LANGUAGE_CODE = "sv"
# Swedish is the source language (the msgids); English has a catalogue per app (apps/*/locale) and
# one for the project and lib (locale/). The choice is remembered in a cookie and on the user.
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "insyn_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Each app's English catalogue before the project's (lib and insyn): `make messages` runs makemessages
# in each app folder, and makemessages files a string under the first of these that contains it.
TRANSLATED_APPS = (
    "accounts",
    "activera",
    "audit",
    "core",
    "decisions",
    "forbund",
    "home",
    "jobs",
    "lexheller",
    "organisations",
    "people",
    "sso",
    "yearend",
)
LOCALE_PATHS = [*(BASE_DIR / "apps" / app / "locale" for app in TRANSLATED_APPS), BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise expects the folder even when it serves from the app folders in development.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

EMAIL_BACKEND = env_str(
    "INSYN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("INSYN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INSYN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("INSYN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("INSYN_EMAIL_PASSWORD", "")
# STARTTLS on the submission port (587) or TLS from the first byte (465); the server's certificate
# is checked against the system's CAs.
EMAIL_USE_TLS = env_bool("INSYN_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("INSYN_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("INSYN_EMAIL_USE_TLS and INSYN_EMAIL_USE_SSL cannot both be on.")
if EMAIL_HOST_USER and not (EMAIL_USE_TLS or EMAIL_USE_SSL) and PRODUCTION:
    raise ImproperlyConfigured("INSYN_EMAIL_USER needs INSYN_EMAIL_USE_TLS or INSYN_EMAIL_USE_SSL in production.")
# Seconds; without it a hung mail server would hold a worker thread for ever.
EMAIL_TIMEOUT = env_int("INSYN_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("INSYN_DEFAULT_FROM_EMAIL", "insyn@localhost")
# An invitation link (user administration) works this many hours, once.
INSYN_INVITATION_HOURS = env_int("INSYN_INVITATION_HOURS", 72)
if not 1 <= INSYN_INVITATION_HOURS <= 24 * 14:
    raise ImproperlyConfigured(f"INSYN_INVITATION_HOURS must be 1–336 hours, got {INSYN_INVITATION_HOURS}.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["knox.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
}
# API tokens expire this many days after they are made (`insyn user token U --days N` for another term).
INSYN_API_TOKEN_DAYS = env_int("INSYN_API_TOKEN_DAYS", 90)
if not 1 <= INSYN_API_TOKEN_DAYS <= 365:
    raise ImproperlyConfigured(f"INSYN_API_TOKEN_DAYS must be 1–365 days, got {INSYN_API_TOKEN_DAYS}.")
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=INSYN_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Insyn API",
    "DESCRIPTION": "Insyns REST-API. Samma behörighetsregler som webbsidorna.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": ["knox.auth.TokenAuthentication"],
}

# Encryption of identity numbers. Production reads the keys from the environment and refuses to
# start without them; development generates a key file under var/ on first use.
INSYN_KEYS_FILE = Path(env_str("INSYN_KEYS_FILE", str(VAR_DIR / "keys.json")))


def _load_keyring() -> crypto.Keyring:
    keys_text = env_optional("INSYN_ENCRYPTION_KEYS")
    if keys_text:
        keys = crypto.parse_keys(keys_text)
        active = env_str("INSYN_ACTIVE_KEY_ID", next(iter(keys)))
        lookup = crypto.decode_key(env_str("INSYN_LOOKUP_KEY"))
        return crypto.Keyring(keys=keys, active_key_id=active, lookup_key=lookup)
    if PRODUCTION:
        raise ImproperlyConfigured(
            "INSYN_ENCRYPTION_KEYS, INSYN_ACTIVE_KEY_ID and INSYN_LOOKUP_KEY are required in production."
        )
    return _development_keyring(INSYN_KEYS_FILE)


def _development_keyring(path: Path) -> crypto.Keyring:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "active_key_id": "dev1",
            "keys": {"dev1": crypto.encode_key(crypto.new_key())},
            "lookup_key": crypto.encode_key(crypto.new_key()),
        }
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    data = json.loads(path.read_text())
    return crypto.Keyring(
        keys={key_id: crypto.decode_key(value) for key_id, value in data["keys"].items()},
        active_key_id=data["active_key_id"],
        lookup_key=crypto.decode_key(data["lookup_key"]),
    )


INSYN_KEYRING = _load_keyring()


# The audit log's digests and hash chain (apps/audit/integrity.py) are keyed with a key that is
# never in the database. Retired keys stay listed so rows and links made with them still verify.
def _audit_key(name: str, text: str) -> bytes:
    try:
        return crypto.decode_key(text)
    except crypto.KeyringError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def _load_audit_key() -> bytes:
    text = env_optional("INSYN_AUDIT_KEY")
    if text:
        key = _audit_key("INSYN_AUDIT_KEY", text)
        if key == INSYN_KEYRING.lookup_key or key in INSYN_KEYRING.keys.values():
            raise ImproperlyConfigured("INSYN_AUDIT_KEY must be a key of its own, not one of the encryption keys.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("INSYN_AUDIT_KEY is required in production.")
    return _development_audit_key(INSYN_KEYS_FILE)


def _development_audit_key(path: Path) -> bytes:
    """var/keys.json predates the audit key on developers' machines: add the key when it is missing."""
    import fcntl

    if not path.exists():
        _development_keyring(path)
    data = json.loads(path.read_text())
    if "audit_key" not in data:
        # Locked, and re-read under the lock, so two processes starting together keep one key.
        with path.open() as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = json.loads(path.read_text())
            if "audit_key" not in data:
                data["audit_key"] = crypto.encode_key(crypto.new_key())
                partial = path.with_name(path.name + ".partial")
                partial.unlink(missing_ok=True)
                with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                    handle.write(json.dumps(data, indent=2))
                partial.replace(path)
    return _audit_key(f"audit_key in {path}", data["audit_key"])


INSYN_AUDIT_KEY = _load_audit_key()
INSYN_AUDIT_RETIRED_KEYS = [
    _audit_key("INSYN_AUDIT_RETIRED_KEYS", text) for text in env_list("INSYN_AUDIT_RETIRED_KEYS", [])
]

# Demo mode (fixed passwords and TOTP secret) only ever runs with DEBUG on.
INSYN_DEMO_PASSWORD = "demo-losenord-2026"  # noqa: S105 - documented demo login, refused without DEBUG
INSYN_DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"
# Largest upload (CSV/XLSX import) accepted, in megabytes; the proxy in front should allow as much.
INSYN_UPLOAD_MAX_MB = env_int("INSYN_UPLOAD_MAX_MB", 50)
# Background jobs (apps/jobs) through Django's Tasks interface (the django-tasks backport):
# "database" (the default, no extra server: the worker is `insyn db_worker`), "rq" (Redis,
# workers on any number of machines: `insyn rqworker default`) or "immediate" (run inside the
# request; tests and one-off commands).
INSYN_JOB_BACKEND = env_str("INSYN_JOB_BACKEND", "database")
INSYN_REDIS_URL = env_str("INSYN_REDIS_URL", "redis://127.0.0.1:6379/0")
_JOB_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if INSYN_JOB_BACKEND not in _JOB_BACKENDS:
    raise ImproperlyConfigured(
        f"INSYN_JOB_BACKEND must be one of {', '.join(_JOB_BACKENDS)}, got {INSYN_JOB_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _JOB_BACKENDS[INSYN_JOB_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": INSYN_REDIS_URL, "DEFAULT_TIMEOUT": env_int("INSYN_JOB_TIMEOUT_SECONDS", 3600)}}
# How often a job is tried when the database or the broker fails under it (not when its input is wrong).
INSYN_JOB_MAX_ATTEMPTS = env_int("INSYN_JOB_MAX_ATTEMPTS", 3)
# An export's file holds personal data in the clear: it is deleted this many hours after the job ended.
INSYN_JOB_FILE_HOURS = env_int("INSYN_JOB_FILE_HOURS", 24)
# Counts below this are suppressed in anything shown outside the municipality.
INSYN_SUPPRESSION_THRESHOLD = env_int("INSYN_SUPPRESSION_THRESHOLD", 5)

# Logs: one JSON object per line in production (for the log server), readable text in development.
# Every line carries the request id; the access log line (logger insyn.access) also the method,
# path, view, status, duration and user id. Never names or identity numbers (docs/operations.md).
INSYN_LOG_FORMAT = env_str("INSYN_LOG_FORMAT", "json" if PRODUCTION else "text")
if INSYN_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"INSYN_LOG_FORMAT must be 'json' or 'text', got {INSYN_LOG_FORMAT!r}.")
_LOG_FORMATTERS = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
    },
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.request_id.RequestIdFilter"}},
    "formatters": {INSYN_LOG_FORMAT: _LOG_FORMATTERS[INSYN_LOG_FORMAT]},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": INSYN_LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("INSYN_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pysaml2's schema library announces every schema it loads at INFO, on every start.
        "xmlschema": {"level": "WARNING"},
    },
}

# Metrics for Prometheus at /metrics, only with `Authorization: Bearer <INSYN_METRICS_TOKEN>`; without
# a token configured the address does not exist (404).
INSYN_METRICS_TOKEN = env_optional("INSYN_METRICS_TOKEN")
if INSYN_METRICS_TOKEN is not None and len(INSYN_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("INSYN_METRICS_TOKEN must be at least 32 characters.")

# Error reports to Sentry (or a compatible server such as GlitchTip), off unless a DSN is set.
# What is sent is scrubbed of request bodies, cookies, headers, users and local variables (lib/error_reports.py).
INSYN_SENTRY_DSN = env_optional("INSYN_SENTRY_DSN")
if INSYN_SENTRY_DSN:
    from lib.error_reports import error_reports_start

    error_reports_start(
        dsn=INSYN_SENTRY_DSN,
        environment=env_str("INSYN_SENTRY_ENVIRONMENT", INSYN_ENV),
        release=env_optional("INSYN_RELEASE"),
    )
