"""Production settings plus Django's own baselines (plaintext, Fortunes), for `make bench` only.

The baselines run in the same processes, behind the same middleware, so that the ratios in the
benchmark table measure the app's own work and nothing else.
"""

from comparator.settings import *  # noqa: F403
from comparator.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
