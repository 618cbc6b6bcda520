"""FAQ pages."""

from flask import Blueprint

bp = Blueprint("faq", __name__)
