import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparator.settings")
application = get_wsgi_application()

# Cyclic garbage collection, tuned for a long-lived server process. What exists once the
# application has loaded (modules, settings, URL patterns, templates) lives as long as the
# process: frozen, it is no longer walked by every full collection. And a request makes a few
# thousand short-lived objects that reference counting frees; collecting the young generation
# every 700 allocations (the default) walked them several times per request. Measured in
# process on the results page and the API: 2-10 % less time per request (README, Benchmarks).
gc.freeze()
gc.set_threshold(50_000, 50, 50)
