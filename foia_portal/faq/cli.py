"""`flask faq …` commands."""

from flask.cli import AppGroup

faq_cli = AppGroup("faq", help="faq commands")
