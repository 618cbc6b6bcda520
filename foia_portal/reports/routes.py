"""The annual report pages."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")
