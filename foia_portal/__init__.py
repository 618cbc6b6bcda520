"""The FOIA Portal: a FOIA request and FAQ service for a US federal office."""

from pathlib import Path

from flask import Flask

from config import Config, ProductionConfig, config_for_environment

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build an application: configuration, extensions, blueprints, error pages, commands."""
    config_class = config_class or config_for_environment()
    if issubclass(config_class, ProductionConfig):
        config_class.check()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    app.config.from_object(config_class)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A SQLite file does not go away like a server connection: no `SELECT 1` before each
        # request's first statement (pool_pre_ping is for PostgreSQL restarts).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("LOG_LEVEL"):
        app.logger.setLevel(app.config["LOG_LEVEL"])
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_globals(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from foia_portal import models  # noqa: F401  (every table known to Alembic)
    from foia_portal.auth.session import init_login_manager
    from foia_portal.extensions import cache, csrf, db, limiter, mail, migrate, search_cache

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)
    mail.init_app(app)
    cache.init_app(app)
    search_cache.init_app(app, config={"CACHE_THRESHOLD": app.config["CACHE_SEARCH_THRESHOLD"]})
    csrf.init_app(app)
    limiter.init_app(app)
    init_login_manager(app)
    from foia_portal.platform.logging import install_log_redaction

    install_log_redaction(app)


def register_blueprints(app: Flask) -> None:
    from foia_portal.api.routes import bp as api_bp
    from foia_portal.auth.routes import bp as auth_bp
    from foia_portal.extensions import csrf
    from foia_portal.faq.routes import bp as faq_bp
    from foia_portal.public.routes import bp as public_bp
    from foia_portal.reports.routes import bp as reports_bp
    from foia_portal.requests.routes import bp as requests_bp
    from foia_portal.staff.blueprint import bp as staff_bp

    for blueprint in (public_bp, requests_bp, faq_bp, auth_bp, staff_bp, reports_bp, api_bp):
        app.register_blueprint(blueprint)
    # The public forms (request, status lookup, FAQ vote) serve anonymous visitors without a
    # session, so a session-bound CSRF token would protect nothing and start a session; they use
    # one-time form tokens and rate limits instead (docs/architecture.md). Staff forms keep it.
    csrf.exempt(requests_bp)
    csrf.exempt(faq_bp)


def register_errorhandlers(app: Flask) -> None:
    from foia_portal.errors import init_error_handlers

    init_error_handlers(app)


def register_template_globals(app: Flask) -> None:
    from foia_portal.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from foia_portal.auth.cli import users_cli
    from foia_portal.faq.cli import faq_cli
    from foia_portal.mail.cli import outbox_cli
    from foia_portal.reports.cli import report_cli

    for group in (users_cli, faq_cli, outbox_cli, report_cli):
        app.cli.add_command(group)
