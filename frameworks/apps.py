from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "frameworks"
    verbose_name = "Catalog"

    def ready(self):
        from . import signals

        signals.connect()
