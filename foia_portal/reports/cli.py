"""`flask report …` commands."""

from flask.cli import AppGroup

report_cli = AppGroup("report", help="report commands")
