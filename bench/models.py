from django.db import models


class Fortune(models.Model):
    """TechEmpower's Fortunes table; `migrate --run-syncdb` creates it (no migrations)."""

    message = models.CharField(max_length=2048)

    class Meta:
        db_table = "fortune"

    def __str__(self):
        return self.message
