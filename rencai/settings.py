"""Rencai settings. Everything comes from the environment; see docs/operations.md.

RENCAI_ENV=production turns on the strict mode: no default secrets, no DEBUG,
secure cookies and HSTS. Development (the default) keeps generated secrets under var/.
"""

import ipaddress
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from rencai.core.logconfig import logging_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RENCAI_VAR", BASE_DIR / "var"))
# Private (the SQLite database, development keys, uploads); an existing var/ is tightened.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.geteuid():
    VAR_DIR.chmod(0o700)

ENVIRONMENT = os.environ.get("RENCAI_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = os.environ.get("DEBUG", "0") == "1"


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes"}


def _dev_secret(name: str, nbytes: int = 48) -> str:
    """A secret generated once per checkout and kept under var/ (development only)."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def _secret(env_name: str, file_name: str) -> str:
    value = os.environ.get(env_name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{env_name} must be set when RENCAI_ENV=production.")
    return _dev_secret(file_name)


SECRET_KEY = _secret("SECRET_KEY", "secret_key")
# Key material for national-ID encryption (AES-GCM) and the HMAC blind index.
FIELD_ENCRYPTION_KEY = _secret("RENCAI_FIELD_KEY", "field_key")
# standard (AES-256-GCM, HMAC-SHA256) or gm (SM4-GCM, HMAC-SM3; GB/T 39786 密评).
RENCAI_CRYPTO_PROFILE = os.environ.get("RENCAI_CRYPTO_PROFILE", "standard")
# Only while `rencai rotate-field-key` runs: the key and profile being rotated away from.
FIELD_ENCRYPTION_KEY_PREVIOUS = os.environ.get("RENCAI_FIELD_KEY_PREVIOUS", "")
RENCAI_CRYPTO_PROFILE_PREVIOUS = os.environ.get("RENCAI_CRYPTO_PROFILE_PREVIOUS", "")
if RENCAI_CRYPTO_PROFILE not in ("standard", "gm"):
    raise ImproperlyConfigured("RENCAI_CRYPTO_PROFILE must be 'standard' or 'gm'.")

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when RENCAI_ENV=production.")
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too short or a default; generate a new one.")
if PRODUCTION and len(FIELD_ENCRYPTION_KEY) < 32:
    raise ImproperlyConfigured(
        "RENCAI_FIELD_KEY is too short: use at least 32 random characters, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when RENCAI_ENV=production "
        "(comma-separated host names, e.g. ALLOWED_HOSTS=rencai.example.gov.cn)."
    )
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("RENCAI_SITE_URL", "http://127.0.0.1:8000")

# Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed; see
# rencai.core.net.client_ip. Empty: the client is REMOTE_ADDR, X-Forwarded-For is ignored.
RENCAI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("RENCAI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in RENCAI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"RENCAI_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (CIDR)."
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rencai.core",
    "rencai.audit",
    "rencai.notify",
    "rencai.accounts",
    "rencai.workdays",
    "rencai.orgs",
    "rencai.catalog",
    "rencai.documents",
    "rencai.process",
    "rencai.cases",
    "rencai.changes",
    "rencai.rights",
    "rencai.cards",
    "rencai.notice",
    "rencai.helpdesk",
    "rencai.support",
    "rencai.reference",
    "rencai.backoffice",
    "rencai.api",
    "rencai.ops",
    "rencai.verification",
]

MIDDLEWARE = [
    "rencai.ops.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Public pages for visitors without a session, from the shared cache (rencai.core.pagecache).
    "rencai.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rencai.accounts.middleware.SessionTimeoutMiddleware",
    "rencai.accounts.middleware.SecondFactorMiddleware",  # officials: TOTP before anything
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "rencai.core.middleware.FormErrorStatusMiddleware",  # a form re-rendered with errors: 400
]

ROOT_URLCONF = "rencai.urls"
WSGI_APPLICATION = "rencai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rencai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rencai.accounts.context_processors.acting_as",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rencai.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections on SQLite too: opening one was ~28 % of a help page's CPU.
    # Requests run in autocommit, Django closes a broken or mid-transaction connection
    # (health checks), and `rencai restore` writes through the backup API into the same file.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work side by side; IMMEDIATE avoids
        # lock-upgrade deadlocks between gunicorn threads and the worker.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not the in-memory default (one connection shared with the live
    # server's threads fails under concurrent requests); one file per process.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"rencai-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = "template0"
    # No parallel query: workers cost more to start (5–10 ms) than they save on short OLTP
    # queries and defeat early-stopping plans (unit search: 25 ms with, 5–15 ms without).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        options.get("options", "") + " -c max_parallel_workers_per_gather=0"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# Shared by every server process and the worker (rencai.core.cache): Redis when REDIS_URL
# is set (redis://127.0.0.1:6379/0), else a table in the project database (`rencai
# bootstrap` creates it). Entries are versioned by what they show.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("RENCAI_CACHE_PREFIX", "rencai")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "rencai.core.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
            # A Redis that is down costs a short wait, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rencai_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    }

# Whole public pages for anonymous visitors (rencai.core.pagecache); the test configuration
# (pyproject.toml, pytest-env) sets RENCAI_PAGE_CACHE=0.
RENCAI_PAGE_CACHE = _env_bool("RENCAI_PAGE_CACHE", True)

# JSON API request rates per address / per account (rencai.api.throttles); "" = no limit.
RENCAI_API_RATE_VISITOR = os.environ.get("RENCAI_API_RATE_VISITOR", "300/m")
RENCAI_API_RATE_PERSON = os.environ.get("RENCAI_API_RATE_PERSON", "600/m")

# --- Accounts and authentication -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rencai.accounts.backends.IdentifierBackend",
]
PASSWORD_HASHERS = [
    "rencai.accounts.hashers.OwaspArgon2PasswordHasher",  # argon2id, 19 MiB (why: hashers.py)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# MLPS composition + ASVS length, common passwords (Chinese favourites, normalised), zxcvbn.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "rencai.accounts.validators.PasswordPolicyValidator"},
    {"NAME": "rencai.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "rencai.accounts.passwords.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Lockout: 5 failures in 15 minutes per account, never by IP alone (carrier NAT).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "rencai.accounts.backends.axes_account_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rencai.accounts.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The same client-IP rule as the audit log and the SMS limits (see RENCAI_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "rencai.core.net.client_ip"
AXES_VERBOSE = False
# Never keep identifiers (an ID number is one) or codes in axes' stored POST data.
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["username", "mobile", "code", "id_number", "password1", "password2"]
AXES_HTTP_RESPONSE_CODE = 429

# Sessions: server-side, idle and absolute timeouts; with Redis cached (the DB if it fails).
SESSION_ENGINE = "rencai.accounts.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("RENCAI_SESSION_ABSOLUTE_SECONDS", 8 * 3600))
SESSION_IDLE_SECONDS = int(os.environ.get("RENCAI_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("RENCAI_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "rencai_session" if not SESSION_COOKIE_SECURE else "__Host-rencai_session"
CSRF_COOKIE_NAME = "rencai_csrf" if not CSRF_COOKIE_SECURE else "__Host-rencai_csrf"
# The language choice (/i18n/setlang/): no script reads it, so HttpOnly; Secure with the rest.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "rencai.core.views.csrf_failure"

# --- Security headers ------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = _env_bool("RENCAI_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Requests and uploads --------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
RENCAI_UPLOAD_MAX_BYTES = int(os.environ.get("RENCAI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))

# --- Uploads: caps per case and malware scan (rencai.documents) ------------
# Per case (per attachment folder): current files, and stored bytes including replaced versions.
RENCAI_UPLOAD_CASE_MAX_FILES = int(os.environ.get("RENCAI_UPLOAD_CASE_MAX_FILES", 40))
RENCAI_UPLOAD_CASE_MAX_BYTES = int(
    os.environ.get("RENCAI_UPLOAD_CASE_MAX_BYTES", 200 * 1024 * 1024)
)
# Decompression bombs: images (and images inside PDFs) above this are refused from the header.
RENCAI_UPLOAD_MAX_PIXELS = int(os.environ.get("RENCAI_UPLOAD_MAX_PIXELS", 40_000_000))
# "clamd" (ClamAV daemon over RENCAI_CLAMD_ADDRESS: unix:///path or tcp://host:port) or
# "none" (development only: `check --deploy` reports it, and in production it refuses uploads).
RENCAI_MALWARE_SCANNER = os.environ.get("RENCAI_MALWARE_SCANNER", "clamd" if PRODUCTION else "none")
RENCAI_CLAMD_ADDRESS = os.environ.get("RENCAI_CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl")
RENCAI_CLAMD_TIMEOUT = float(os.environ.get("RENCAI_CLAMD_TIMEOUT", 30))
# --- Unit review clock (rencai.cases.workflow.UNIT_CLOCK) -------------------------------
# Working days a unit admin has before the reminder, then before escalation to the department.
RENCAI_UNIT_REVIEW_WORKDAYS = int(os.environ.get("RENCAI_UNIT_REVIEW_WORKDAYS", 5))
RENCAI_UNIT_REVIEW_ESCALATE_WORKDAYS = int(
    os.environ.get("RENCAI_UNIT_REVIEW_ESCALATE_WORKDAYS", 3)
)

# --- Files -----------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("RENCAI_MEDIA_ROOT", VAR_DIR / "files"))
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)  # WhiteNoise warns on every request otherwise
# Uploads private whatever the umask (Django's default chmods files to 0644).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STATICFILES_DIRS = [BASE_DIR / "rencai" / "static"]
STORAGES = {
    # RENCAI_STORAGE may name another storage class (e.g. storages.backends.s3.S3Storage).
    "default": {
        "BACKEND": os.environ.get("RENCAI_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(MEDIA_ROOT)} if "RENCAI_STORAGE" not in os.environ else {},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "rencai" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Notifications ----------------------------------------------------------
# SMS channel: "console" (development inbox page) or "http" (gateway adapter).
RENCAI_SMS_BACKEND = os.environ.get("RENCAI_SMS_BACKEND", "console")
RENCAI_SMS_HTTP_URL = os.environ.get("RENCAI_SMS_HTTP_URL", "")
RENCAI_SMS_HTTP_TOKEN = os.environ.get("RENCAI_SMS_HTTP_TOKEN", "")
RENCAI_EMAIL_CHANNEL = os.environ.get("RENCAI_EMAIL_CHANNEL", "console")
_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            # No default host in production: the `notify` system check reports it missing.
            "host": os.environ.get("EMAIL_HOST", "" if PRODUCTION else "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _env_bool("EMAIL_USE_TLS", False),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rencai@localhost")
# The development SMS inbox page exists only outside production.
RENCAI_DEV_INBOX = not PRODUCTION and _env_bool("RENCAI_DEV_INBOX", True)

# --- External identity login (OpenID Connect); hidden until configured -----
RENCAI_OIDC = {
    "issuer": os.environ.get("RENCAI_OIDC_ISSUER", ""),
    "client_id": os.environ.get("RENCAI_OIDC_CLIENT_ID", ""),
    "client_secret": os.environ.get("RENCAI_OIDC_CLIENT_SECRET", ""),
    "label": os.environ.get("RENCAI_OIDC_LABEL", "微警认证（刷脸登录）"),
    # What to ask for and where the national ID number is: providers differ.
    "scope": os.environ.get("RENCAI_OIDC_SCOPE", "openid profile"),
    "id_number_claim": os.environ.get("RENCAI_OIDC_ID_NUMBER_CLAIM", "id_number"),
}

# --- Operations: readiness thresholds (seconds) and the metrics token -----------------
RENCAI_READY_WORKER_MAX_AGE = int(os.environ.get("RENCAI_READY_WORKER_MAX_AGE", "60"))
RENCAI_READY_OUTBOX_MAX_LAG = int(os.environ.get("RENCAI_READY_OUTBOX_MAX_LAG", "600"))
RENCAI_READY_DEADLINE_MAX_LAG = int(os.environ.get("RENCAI_READY_DEADLINE_MAX_LAG", "600"))
# /metrics needs "Authorization: Bearer <token>"; unset: loopback only, closed in production.
RENCAI_METRICS_TOKEN = os.environ.get("RENCAI_METRICS_TOKEN", "")

# JSON lines (production default) or plain text (development default): RENCAI_LOG_FORMAT.
RENCAI_LOG_FORMAT = os.environ.get("RENCAI_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = logging_settings(
    log_format=RENCAI_LOG_FORMAT,
    level=os.environ.get("LOG_LEVEL", "INFO"),
    request_level="INFO" if PRODUCTION else os.environ.get("RENCAI_REQUEST_LOG", "WARNING"),
)

# --- Audit log (rencai/audit) -----------------------------------------------
# Entries older than this go to `rencai audit-archive DIR` files (at least 180 days).
RENCAI_AUDIT_RETENTION_DAYS = int(os.environ.get("RENCAI_AUDIT_RETENTION_DAYS", "180"))
# Key of the audit hash chains (HMAC-SHA256); empty: derived from RENCAI_FIELD_KEY.
RENCAI_AUDIT_KEY = os.environ.get("RENCAI_AUDIT_KEY", "")
# Outbox: a claimed message is leased for this long, renewed before each send.
RENCAI_OUTBOX_LEASE_SECONDS = int(os.environ.get("RENCAI_OUTBOX_LEASE_SECONDS", "120"))

# --- Background worker -------------------------------------------------------
RENCAI_DIGEST_HOUR = int(os.environ.get("RENCAI_DIGEST_HOUR", "8"))  # notify.staff, Shanghai
RENCAI_WORKER_SWEEPS = [
    "rencai.notify.services.outbox_sweep",
    "rencai.cases.services.deadlines_fire",
    "rencai.notify.staff.digest_sweep",  # daily digests of new work (issue #11)
    "rencai.process.engine.deadlines_sweep",  # every process but cases (issue #14)
    "rencai.rights.services.unit_admin_reminders_sweep",
    "rencai.changes.services.change_reminders_sweep",
    "rencai.backoffice.totp.used_steps_sweep",
    "rencai.ops.retention.retention_sweep",
    "rencai.audit.services.chain_seal_sweep",  # after the sweeps that insert in bulk
    "rencai.cases.idempotency.keys_expire",  # API Idempotency-Key rows (cases, issue #9)
    "rencai.verification.services.verifications_run",  # 数据核验 / 秒批 (issue #12)
]
# Days after a case closes before its personal data is anonymised; a draft untouched this
# long is deleted RENCAI_DRAFT_DELETE_NOTICE_DAYS after a reminder (docs/operations.md).
RENCAI_RETENTION_DAYS = {
    "card_issued": int(os.environ.get("RENCAI_RETENTION_CARD_ISSUED_DAYS", "1825")),
    "rejected": int(os.environ.get("RENCAI_RETENTION_REJECTED_DAYS", "1095")),
    "withdrawn": int(os.environ.get("RENCAI_RETENTION_WITHDRAWN_DAYS", "730")),
    "draft": int(os.environ.get("RENCAI_RETENTION_DRAFT_DAYS", "180")),
}
RENCAI_DRAFT_DELETE_NOTICE_DAYS = int(os.environ.get("RENCAI_DRAFT_DELETE_NOTICE_DAYS", "30"))

# Reference-data loaders run by `rencai loaddata-reference` (and `make run`), in order.
RENCAI_REFERENCE_LOADERS = [
    "rencai.orgs.reference.offices_load",
    "rencai.catalog.reference.catalog_load",
    "rencai.helpdesk.reference.articles_load",
    "rencai.workdays.services.official_years_sync",
    "rencai.verification.reference.example_rules_load",  # 申报条件 example set (issue #12)
]

# axes.W006 (no lock by IP) is deliberate: carrier NAT; we lock per account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- data-sharing verification and 秒批 (rencai.verification, issue #12) -----------------
# The city's 政务数据共享 gateway (contract: docs/verification-gateway.openapi.yaml). Empty
# URL: verification is off (cases wait for a person as before). `make run` starts the
# development gateway (`rencai gateway`) on RENCAI_GATEWAY_PORT.
RENCAI_GATEWAY_PORT = int(os.environ.get("RENCAI_GATEWAY_PORT", "18780"))
# The test configuration sets it empty (pyproject.toml); tests/verification starts a gateway.
RENCAI_VERIFICATION_GATEWAY_URL = os.environ.get(
    "RENCAI_VERIFICATION_GATEWAY_URL",
    "" if PRODUCTION else f"http://127.0.0.1:{RENCAI_GATEWAY_PORT}",
)
RENCAI_VERIFICATION_KEY_ID = os.environ.get("RENCAI_VERIFICATION_KEY_ID", "rencai-dev")
RENCAI_VERIFICATION_SECRET = os.environ.get(
    "RENCAI_VERIFICATION_SECRET", "" if PRODUCTION else "rencai-dev-gateway-secret"
)
RENCAI_VERIFICATION_SOURCES = os.environ.get(
    "RENCAI_VERIFICATION_SOURCES", "credit,identity,education,qualification,social_insurance"
).split(",")
RENCAI_VERIFICATION_CONNECT_TIMEOUT = float(
    os.environ.get("RENCAI_VERIFICATION_CONNECT_TIMEOUT", "2")
)
RENCAI_VERIFICATION_READ_TIMEOUT = float(os.environ.get("RENCAI_VERIFICATION_READ_TIMEOUT", "3"))
RENCAI_VERIFICATION_RETRIES = int(os.environ.get("RENCAI_VERIFICATION_RETRIES", "2"))
RENCAI_VERIFICATION_BACKOFF = float(os.environ.get("RENCAI_VERIFICATION_BACKOFF", "0.2"))
RENCAI_VERIFICATION_BREAKER_FAILURES = 5
RENCAI_VERIFICATION_BREAKER_RESET_SECONDS = 30
RENCAI_VERIFICATION_THREADS = int(os.environ.get("RENCAI_VERIFICATION_THREADS", "16"))
# Attachment pre-review (OCR): off unless the library is installed (rencai.verification.ocr).
RENCAI_OCR_BACKEND = os.environ.get("RENCAI_OCR_BACKEND", "auto")
