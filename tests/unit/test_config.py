"""Configuration from the environment; production refuses unsafe settings."""

from __future__ import annotations

import secrets

import pytest

from config import ProductionConfig, normalise_database_url
from tests.helpers import PROJECT_DIR


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/foia")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.check()


@pytest.mark.parametrize("weak", ["dev", "changeme", "short-secret"])
def test_production_refuses_a_weak_secret_key(monkeypatch, weak):
    monkeypatch.setenv("SECRET_KEY", weak)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/foia")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()


def test_production_starts_with_a_strong_secret_a_database_and_a_mail_server(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(24))
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/foia")
    monkeypatch.setenv("MAIL_SERVER", "smtp.agency.example.gov")
    ProductionConfig.check()


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_production_refuses_to_start_without_a_mail_server(monkeypatch, unset):
    # Without one, every email would be written to a file on the server and nobody told.
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(24))
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/foia")
    if unset is None:
        monkeypatch.delenv("MAIL_SERVER", raising=False)
    else:
        monkeypatch.setenv("MAIL_SERVER", unset)
    with pytest.raises(RuntimeError, match="MAIL_SERVER"):
        ProductionConfig.check()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised_to_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_gunicorn_workers_freeze_what_they_built_before_serving():
    import gc
    import runpy

    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_only_a_database_server_gets_a_ping_before_each_checkout(app, db_dialect):
    # A PostgreSQL restart must not fail the first request after it; a SQLite file cannot go away.
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is (db_dialect == "postgresql")


def test_a_footer_link_is_read_from_its_variable_and_an_empty_one_is_left_out(monkeypatch):
    from config import env_link

    monkeypatch.setenv("FOOTER_OIG_URL", " https://oig.example.org/ ")
    monkeypatch.setenv("FOOTER_NO_FEAR_URL", "")
    monkeypatch.delenv("FOOTER_PRIVACY_URL", raising=False)
    assert env_link("FOOTER_OIG_URL", "https://default.example.org/") == "https://oig.example.org/"
    assert env_link("FOOTER_NO_FEAR_URL", "https://default.example.org/") is None
    assert env_link("FOOTER_PRIVACY_URL", "https://default.example.org/") == (
        "https://default.example.org/"
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "DevelopmentConfig"),
        ({"FOIA_PORTAL_ENV": "production"}, "ProductionConfig"),
        ({"FOIA_PORTAL_ENV": " Testing "}, "TestingConfig"),
        ({"FLASK_ENV": "production"}, "ProductionConfig"),
        ({"FOIA_PORTAL_ENV": "development", "FLASK_ENV": "production"}, "DevelopmentConfig"),
    ],
)
def test_the_environment_is_chosen_by_foia_portal_env(monkeypatch, variables, expected):
    from config import config_for_environment

    for name in ("FOIA_PORTAL_ENV", "FLASK_ENV"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert config_for_environment().__name__ == expected


def test_a_misspelt_environment_refuses_to_start(monkeypatch):
    from config import config_for_environment

    monkeypatch.setenv("FOIA_PORTAL_ENV", "prodution")
    with pytest.raises(RuntimeError, match="'prodution' is not one of: development, production"):
        config_for_environment()
