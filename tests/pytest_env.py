"""Loaded with -p before Django starts: test-only settings from the environment.

Tests run with DEBUG off, as production does; only the secret key and the plain-HTTP switches
differ. Security tests turn the HTTPS settings back on with override_settings.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

# Playwright's sync API keeps an event loop running in the test thread, which trips Django's
# async-unsafe guard on every ORM call the browser tests make from that thread. The tests
# still run one request at a time, so the guard has nothing to protect there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
