"""Mailfix settings: one module, configured by environment variables.

Defaults are safe for a local run (SQLite in var/, DEBUG off). Production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS=1 and optionally REDIS_URL.
"""

import os
import sys

# Only what an error or a first start needs is imported where it is needed: this module
# is also read by the quick start-up of `manage.py diagnose` (kb/quick_diagnose.py),
# which does not set Django up. For the same reason paths are plain strings (os.path):
# importing pathlib costs that start-up about 3 ms, a hundredth of diagnosing 600 bounces.

BASE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
VAR_DIR = os.environ.get("MAILFIX_VAR_DIR") or os.path.join(BASE_DIR, "var")
os.makedirs(VAR_DIR, exist_ok=True)
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept in var/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.path.join(VAR_DIR, "secret_key")
    if not os.path.exists(path):
        import secrets

        with open(path, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(64))
        os.chmod(path, 0o600)
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "template_partials",
    "kb",
    "articles",
]

MIDDLEWARE = [
    "kb.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kb.context_processors.site",
            ],
        },
    },
]

def default_database() -> dict:
    """What dj_database_url.parse(f"sqlite:///{VAR_DIR}/mailfix.sqlite3", conn_max_age=60)
    returns (tests/test_quick_diagnose.py checks it), without importing it."""
    return {
        "ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(VAR_DIR, "mailfix.sqlite3"), "USER": "", "PASSWORD": "",
        "HOST": "", "PORT": "", "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": False, "DISABLE_SERVER_SIDE_CURSORS": False,
    }


if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {"default": default_database()}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing, and take the write lock up front so
    # two gunicorn workers never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Without Redis each process counts its own clients: fine for one machine.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", not TESTING)
RATELIMIT_VIEW = "kb.api.ratelimited"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [os.path.join(BASE_DIR, "static")]
STATIC_ROOT = os.environ.get("STATIC_ROOT") or os.path.join(VAR_DIR, "static")
os.makedirs(STATIC_ROOT, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The largest paste we diagnose; longer ones get a clear message (HTTP 413) and
# keep their text. A whole bounce of a few hundred KB must fit.
MAILFIX_MAX_PASTE_BYTES = env_int("MAILFIX_MAX_PASTE_BYTES", 512 * 1024)
# Form encoding can triple a text's size; bodies up to this reach the views, which
# say "too large" and keep the paste; larger ones get the middleware's 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAILFIX_MAX_PASTE_BYTES * 4 + 65536

# HTTPS=1 in production: the site is only reached over TLS (behind a proxy that sets X-Forwarded-Proto).
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
