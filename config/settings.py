"""Springboard settings: one file, driven by environment variables.

Every value that differs between a laptop demo, the test suite and production is read from the
environment with a strict reader, so a typo in a deployment fails at start-up instead of silently
falling back to an unsafe default.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# pytest sets PYTEST_VERSION for the whole run; the suite then gets fast password hashing,
# in-memory e-mail and an immediate task backend without any extra environment.
TESTING = "PYTEST_VERSION" in os.environ
DEMO_MODE = env_bool("SPRINGBOARD_DEMO", default=False)
DEBUG = env_bool("DEBUG", default=DEMO_MODE)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-" + "x" * 40
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make demo` serves on (PORT=...); in demo mode links in e-mails, PDFs and QR codes
# point at it unless SITE_URL says otherwise.
PORT = env_int("PORT", 8000)
_LOCAL_SITE_URL = f"http://127.0.0.1:{PORT}"
SITE_URL = os.environ.get("SITE_URL", _LOCAL_SITE_URL).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Staff single sign-on, per agency (accounts/sso/, docs/sso.md).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # Before django_tasks_db: its `db_worker` command is replaced by core's leased worker.
    "springboard.core",
    "django_tasks_db",
    "springboard.accounts",
    "springboard.tenancy",
    "springboard.employers",
    "springboard.privacy",
    "springboard.programmes",
    "springboard.taxonomy",
    "springboard.assessments",
    "springboard.profiles",
    "springboard.network",
    "springboard.coaching",
    "springboard.opportunities",
    "springboard.outcomes",
    "springboard.cvs",
    "springboard.jobs",
    "springboard.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files stay cacheable): nothing else may be stored by a browser.
    "springboard.core.middleware.NoStoreMiddleware",
    "springboard.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "springboard.accounts.api_tokens.auth.ApiTokenMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "springboard.core.middleware.CspNonceEverywhereMiddleware",
    "springboard.accounts.middleware.UserLanguageMiddleware",
    # After the CSP, locale and user's language (its 400 page gets them); before any view.
    "springboard.core.middleware.RejectNulMiddleware",
    "springboard.tenancy.middleware.TenantMiddleware",
    "springboard.accounts.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "springboard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "springboard.core.context_processors.shell",
                "springboard.home.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get(
    "DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'springboard.sqlite3'}"
)
DATABASES = {
    # Health checks: a kept connection broken by a database restart is replaced at the start of
    # the next request instead of failing it (R5, docs/reliability.md).
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
        ),
    }
    if not TESTING:
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING
        else {
            # A database cache is shared by every web process (rate limits must be), and needs
            # no extra service; a Redis URL can replace it for large installations.
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "springboard_cache",
        }
        if not os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    )
}

# --- accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNT_ADAPTER = "springboard.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
# Reauthentication (before changing a password or a second factor) asks for the password or the
# second factor. allauth's default also offers a code e-mailed to the address: that proves control
# of the mailbox, not of the account's factors, so it would let a mailbox bypass staff MFA.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_RATE_LIMITS = {
    # Per IP and per e-mail key: an attacker is slowed down, yet a victim can still log in from
    # another network because the per-key limit is short-lived.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Springboard"
# One 30-second step either side (RFC 6238, section 5.2): a code read off a phone in the last
# seconds of its window, or on a phone whose clock is a little off, still works. allauth keeps a
# used code from being used again for the whole span.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# --- Staff single sign-on (accounts/sso/, docs/sso.md) ------------------------------------------
# Identity providers are configured per agency in the database (AgencyIdentityProvider); the adapter
# turns them into allauth apps. Nobody is signed up by SSO: it signs in existing staff only.
SOCIALACCOUNT_ADAPTER = "springboard.accounts.sso.adapter.AgencySocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "springboard.accounts.sso.providers.AgencyOIDCProvider"},
    "saml": {"provider_class": "springboard.accounts.sso.providers.AgencySAMLProvider"},
}
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# Day-0 invitations are handed out at the notice; people may take weeks before they start.
CANDIDATE_INVITATION_VALID_DAYS = env_int("CANDIDATE_INVITATION_VALID_DAYS", 60)

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("nl", _("Dutch")),
    ("da", _("Danish")),
    ("nb", _("Norwegian Bokmål")),
]
# First in the search order: an msgid of Django or allauth translated here overrides theirs.
LOCALE_PATHS = [BASE_DIR / "springboard" / "locale"]
# Unambiguous English dates ("28 Nov 2026 13:55", not "11/28/2026 1:55 p.m.").
FORMAT_MODULE_PATH = ["springboard.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
LANGUAGE_COOKIE_NAME = "springboard_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where `springboard collectstatic` writes; in production a folder the web server's user may read.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "springboard" / "static",
    # Served from the npm lock file's packages: nothing third-party is committed.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# --- uploaded and generated files -------------------------------------------------------------
# CVs, imports, photos, renders and exports, all under `private/` with random names. They have no
# address: no MEDIA_URL route and no web-server location; a view checks access and streams each
# one (springboard/lib/stored_files.py). FILE_STORAGE=local keeps them in MEDIA_ROOT, outside
# STATIC_ROOT; FILE_STORAGE=s3 in a bucket of any S3-compatible store.
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local").strip().lower()
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
if TESTING and "MEDIA_ROOT" not in os.environ:
    # Tests never write into the checkout's files folder (tests that look set their own).
    MEDIA_ROOT = Path(tempfile.gettempdir()) / f"springboard-test-media-{os.getpid()}"
if FILE_STORAGE == "local":
    MEDIA_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Readable by the app's user and group only.
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    }
elif FILE_STORAGE == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET.")
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            # Unset: AWS itself; set for MinIO, Ceph, Garage, a cloud's S3-compatible service.
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # Unset: boto3's own chain (instance role, ~/.aws, AWS_* variables).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            # Objects are private; any URL would be signed and short-lived, and none is handed out.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("FILE_STORAGE is 'local' (the default) or 's3'.")

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or (DEBUG and not DEMO_MODE)
            else "whitenoise.storage.CompressedStaticFilesStorage"
            if DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The demo serves what `make demo` collected (with its gzip copies) through WhiteNoise, as
# production does, instead of the uncompressed source files: the first page stays light (U4).
if DEMO_MODE and not TESTING:
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
# Source maps are never sent to a browser that does not ask: no need to compress them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- background work --------------------------------------------------------------------------
TASKS = {
    "default": (
        {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        if TESTING
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    )
}
# /readyz reports the queue stalled when a ready task has waited longer than this for a worker.
READYZ_MAX_TASK_AGE_MINUTES = env_int("READYZ_MAX_TASK_AGE_MINUTES", 15)
# A worker renews its lease every quarter of this; a running task whose worker's lease is older
# is queued again (core/leases.py), at most TASK_MAX_ATTEMPTS claims in all.
TASK_WORKER_LEASE_SECONDS = env_int("TASK_WORKER_LEASE_SECONDS", 60)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)

# --- e-mail -----------------------------------------------------------------------------------
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
_mail_backend = "memory" if TESTING else os.environ.get("EMAIL", "console" if DEBUG else "smtp")
if _mail_backend not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL must be one of {sorted(_MAIL_BACKENDS)}, not {_mail_backend!r}"
    )
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKENDS[_mail_backend],
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            }
            if _mail_backend == "smtp"
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Springboard <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _is_local_address(value: str) -> bool:
    """A URL or e-mail address on this machine: what nobody outside can reach or answer."""
    host = value.rsplit("@", 1)[-1] if "@" in value else value.split("://", 1)[-1]
    host = host.split("/", 1)[0].rstrip(">").strip().lower()
    if host.startswith("["):  # [::1]:8000
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host in {"localhost", "127.0.0.1", "::1"} or host.endswith(".localhost")


# In production, links in e-mails and on printed invitations must reach the site, and replies
# must reach a mailbox: refuse to start with the development defaults.
if not DEBUG and not TESTING and not DEMO_MODE:
    for _name, _value in (("SITE_URL", SITE_URL), ("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)):
        if _is_local_address(_value):
            raise ImproperlyConfigured(
                f"{_name} must be set to the public address of this installation when DEBUG "
                f"is off (it is {_value!r})."
            )

# --- security headers -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_production = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_production)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_production)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_production)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_production)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_production)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Database sessions that ignore a cookie Django could not have issued (e.g. one with a NUL).
SESSION_ENGINE = "springboard.core.sessions"


def _client_errors_on_one_line(record: logging.LogRecord) -> bool:
    """A refused request (403, 404, ...) is the client's doing, not a fault: log its one line
    ("Forbidden (Permission denied): /path") without the traceback Django attaches."""
    if getattr(record, "status_code", 500) < 500:
        record.exc_info = None
        record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_on_one_line": {"()": lambda: _client_errors_on_one_line},
        "request_id": {"()": "springboard.core.log.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors_on_one_line"]},
    },
}

# Where `springboard import-reference-data` looks when no path is given.
REFERENCE_DATA_PATH = Path(
    os.environ.get("SPRINGBOARD_REFERENCE_DATA", BASE_DIR.parent / "shared" / "data")
)
