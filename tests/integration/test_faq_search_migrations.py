"""Migrations 0007–0009 (synonym sets, the questions' index, search counts) on both databases:
up from the FAQ as it was, down again keeping the FAQ, and up once more."""

from __future__ import annotations

import sqlalchemy as sa

from foia_portal.extensions import db
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_config,
    upgrade_database,
)


def test_0007_to_0009_go_up_over_an_existing_faq_and_down_again(database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from foia_portal import create_app
    from foia_portal.faq import insights, services, synonym_sets
    from foia_portal.faq.search import search_faqs

    sqlite = database_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'search.db'}" if sqlite else create_postgres_database()
    try:
        upgrade_database(url, tmp_path)
        app = create_app(make_test_config(url, tmp_path))
        with app.app_context():
            downgrade(revision="0006")
            tables = set(sa.inspect(db.engine).get_table_names())
            assert not {"faq_synonym_set", "faq_query_day", "faq_fts_question"} & tables
            # An article written before the questions had an index of their own.
            services.create_faq(category="Fees", question="What is a waiver?", answer="None.")
            db.session.commit()
            db.session.remove()

            upgrade()
            if sqlite:
                with db.engine.connect() as connection:
                    found = connection.scalar(
                        sa.text("SELECT count(*) FROM faq_fts_question WHERE faq_fts_question "
                                "MATCH 'waiver'")
                    )  # fmt: skip
                assert found == 1  # the migration indexed the questions already there
            synonym_sets.save_set(["waiver", "exemption from fees"])
            db.session.commit()
            assert [hit.question for hit in search_faqs("exemption from fees").hits] == [
                "What is a waiver?"
            ]
            assert insights.record_search("waiver", 1)
            db.session.remove()

            downgrade(revision="0006")
            with db.engine.connect() as connection:
                assert connection.scalar(sa.text("SELECT count(*) FROM faq")) == 1
            upgrade()
            assert search_faqs("waiver").total == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        if not sqlite:
            drop_postgres_database(url)
