"""How the benchmarks and the tests that need real servers start the app.

Gunicorn on 127.0.0.1 with the production WSGI entry point; the caller gives the environment
(settings, database, cache) and waits for it to answer in its own way.
"""

from __future__ import annotations

import socket
import sys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, *, workers: int = 2, threads: int = 1) -> list[str]:
    """Sync workers unless ``threads`` > 1; a worker silent for 60 s is restarted."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "comparator.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
