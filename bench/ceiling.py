"""The ceiling: a bare Flask route returning a short string, served like the portal.

Every figure the benchmark prints is a fraction of what this app does under the same gunicorn
settings, on the same machine, in the same run.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The least a Flask view can do."""
    return "Hello, FOIA!"
