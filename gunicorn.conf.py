"""gunicorn settings read from the project directory (gunicorn loads ./gunicorn.conf.py itself).

Command-line options (docs/deploy.md, deploy/) still choose the bind address, the workers and the
timeouts; this file only adds what a command line cannot say.
"""

import gc


def post_worker_init(worker):
    # Everything a worker has built by now (modules, the app, its extensions and blueprints)
    # lives as long as the worker: freeze it out of the cyclic garbage collector, so that the
    # collections each request's garbage sets off no longer walk those 100,000-odd objects
    # again and again (a twentieth of a submission's CPU time). Start-up garbage goes first, or
    # it would be frozen with the rest and never freed.
    gc.collect()
    gc.freeze()
