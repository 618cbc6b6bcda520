"""Configuration read from the environment (every variable: docs/configuration.md)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" count as yes)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def normalise_database_url(url: str) -> str:
    """Let operators write the common `postgres://` and `postgresql://` forms; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def env_link(name: str, default: str | None) -> str | None:
    """A link address; set to an empty value to leave the link out."""
    value = os.environ.get(name)
    return default if value is None else (value.strip() or None)


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'foia_portal.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    AGENCY_CODE = os.environ.get("AGENCY_CODE", "COPS")
    AGENCY_NAME = os.environ.get(
        "AGENCY_NAME", "Office of Community Oriented Policing Services (COPS Office)"
    )
    AGENCY_PARENT = os.environ.get("AGENCY_PARENT", "U.S. Department of Justice")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    FOIA_OFFICE_EMAIL = os.environ.get("FOIA_OFFICE_EMAIL")
    FOIA_PUBLIC_LIAISON = os.environ.get(
        "FOIA_PUBLIC_LIAISON",
        "FOIA Public Liaison, COPS Office, 145 N Street NE, Washington, DC 20530",
    )
    FOIA_PUBLIC_LIAISON_PHONE = os.environ.get("FOIA_PUBLIC_LIAISON_PHONE", "(800) 421-6770")
    FOIA_PUBLIC_LIAISON_EMAIL = os.environ.get("FOIA_PUBLIC_LIAISON_EMAIL", "foia@cops.example.gov")
    FOIA_PORTAL_SECRET = os.environ.get("FOIA_PORTAL_SECRET")

    # The links every federal agency site carries at its foot (the USWDS identifier), in its
    # order. An empty value leaves a link out; FOIA (None) is this portal's own guidance page.
    FOOTER_LINKS = [
        ("Accessibility", env_link("FOOTER_ACCESSIBILITY_URL", "https://www.justice.gov/accessibility/accessibility-information")),
        ("FOIA", env_link("FOOTER_FOIA_URL", None)),
        ("No FEAR Act", env_link("FOOTER_NO_FEAR_URL", "https://www.justice.gov/jmd/eeo-program-status-report")),
        ("Office of the Inspector General", env_link("FOOTER_OIG_URL", "https://oig.justice.gov/")),
        ("Privacy policy", env_link("FOOTER_PRIVACY_URL", "https://www.justice.gov/doj/privacy-policy")),
        ("Vulnerability disclosure", env_link("FOOTER_VULNERABILITY_DISCLOSURE_URL", "https://www.justice.gov/vulnerability-disclosure-policy")),
    ]  # fmt: skip
    FOOTER_USA_GOV_URL = env_link("FOOTER_USA_GOV_URL", "https://www.usa.gov/")

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE_DIR / "uploads")
    MAX_ATTACHMENTS = 5
    MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # the National FOIA Portal's per-file limit
    # Five 20 MB files plus the form itself; anything larger is refused with 413 before parsing.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024
    # The FOIA.gov portal sends attachments base64-encoded inside JSON (4/3 larger).
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH

    # Unset or empty: no email is sent; each is written to a .eml file under MAIL_FILE_DIR
    # (development). Production refuses to start without it.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "").strip() or None
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR") or None  # None: <instance>/mail
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "foia-noreply@cops.example.gov")
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 10)
    # Email is tried right after the commit that caused it (contract: "HTTP / Email").
    MAIL_SEND_IMMEDIATELY = env_bool("MAIL_SEND_IMMEDIATELY", True)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # While the shared storage (Redis) is unreachable, each process limits on its own instead of
    # answering 500 to every limited request; it returns to Redis when Redis is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Keeps the counters of several sites (or test runs) sharing one Redis apart.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_SUBMISSIONS = os.environ.get("RATELIMIT_SUBMISSIONS", "10 per hour")
    # "What was missing?" comments on FAQ articles, per client address.
    RATELIMIT_FAQ_FEEDBACK = os.environ.get("RATELIMIT_FAQ_FEEDBACK", "20 per hour")
    # Two tiers against guessing: a short window slows a burst down (Retry-After: a minute), a
    # long one refuses a patient attacker for the rest of the hour (docs/security.md).
    RATELIMIT_STATUS_LOOKUPS = os.environ.get(
        "RATELIMIT_STATUS_LOOKUPS", "10 per minute; 40 per hour"
    )
    # Per address and account; RATELIMIT_LOGIN_ADDRESS caps one address over every account.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "5 per minute; 20 per hour")
    RATELIMIT_LOGIN_ADDRESS = os.environ.get(
        "RATELIMIT_LOGIN_ADDRESS", "30 per minute; 200 per hour"
    )

    # How many reverse proxies (load balancer, nginx) sit in front of gunicorn and set
    # X-Forwarded-For/-Proto/-Host. 0: none, the client's address is the socket's. Behind a proxy
    # this must be set, or every visitor shares the proxy's address and one rate-limit budget.
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a long form must not expire while a citizen writes it

    # Business hours end at 5 p.m. US Eastern: later receipts count from the next business day.
    BUSINESS_DAY_ENDS_HOUR = 17
    FAQ_PAGE_SIZE = 10
    QUEUE_PAGE_SIZE = 50

    # Whole public pages, keyed on the version of the data they show (platform/page_cache.py),
    # through Flask-Caching: in each process by default, in Redis when CACHE_REDIS_URL is set
    # (several servers then share one cache). A key never goes stale: a changed page has a new
    # key, and the old one ages out.
    PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = "RedisCache" if CACHE_REDIS_URL else "SimpleCache"
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "foia-portal:")
    CACHE_DEFAULT_TIMEOUT = 24 * 60 * 60
    CACHE_THRESHOLD = env_int("CACHE_THRESHOLD", 1200)  # SimpleCache: pages per process
    # SimpleCache: FAQ search pages per process, kept apart from the pages above (one per query
    # typed, most never asked again; platform/page_cache.py). The questions people do ask again are
    # a few dozen, with their misspellings and second pages.
    CACHE_SEARCH_THRESHOLD = 100


class DevelopmentConfig(Config):
    # The debugger only when asked (`FLASK_DEBUG=1 make run`): it runs code typed in the browser.
    DEBUG = env_bool("FLASK_DEBUG", False)
    # `make run` shows the app's INFO lines: where each email was written, the outbox's work.
    LOG_LEVEL = "INFO"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SEND_IMMEDIATELY = False
    MAIL_SUPPRESS_SEND = False
    # Whatever the developer's shell says: tests send over SMTP (tests/fixtures/mail.py starts a
    # server) and never write into the project's instance folder.
    MAIL_SERVER = "localhost"
    MAIL_FILE_DIR = None
    SERVER_NAME = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot do without."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production configuration needs {', '.join(missing)} to be set")
        key = os.environ["SECRET_KEY"]
        # The placeholders and the test suite's key are public: a portal signing with one of them
        # would let anyone forge staff sessions and status links.
        public = {"dev", "secret", "changeme", "change-me", TestingConfig.SECRET_KEY}
        if key in public or len(key) < 32 or len(set(key)) < 10:
            raise RuntimeError("SECRET_KEY must be a random value of at least 32 characters")
        if not os.environ.get("MAIL_SERVER", "").strip():
            # Without it every email would be written to a file on this server and nobody told.
            raise RuntimeError(
                "production configuration needs MAIL_SERVER to be set (the SMTP server; "
                "`localhost` for a mail server on this machine)"
            )


ENVIRONMENTS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_for_environment() -> type[Config]:
    """The configuration FOIA_PORTAL_ENV names; FLASK_ENV (retired by Flask) when it is unset."""
    name = os.environ.get("FOIA_PORTAL_ENV") or os.environ.get("FLASK_ENV") or "development"
    try:
        return ENVIRONMENTS[name.strip().lower()]
    except KeyError:
        # A typo must not quietly start production with the development settings.
        raise RuntimeError(
            f"FOIA_PORTAL_ENV={name!r} is not one of: {', '.join(ENVIRONMENTS)}"
        ) from None
