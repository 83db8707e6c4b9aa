"""Every saved or deleted catalog row bumps the catalog version in the same transaction, and
rows deleted along with another keep that delete's reason in the history."""

from django.db.models.signals import post_delete, post_save
from simple_history.signals import pre_create_historical_record

from . import catalog, models, reasons

CATALOG_MODELS = (
    models.Framework,
    models.Criterion,
    models.Level,
    models.Capability,
    models.UseCase,
    models.UseCasePreset,
    models.Rating,
    models.FrameworkCapability,
    models.ProCon,
    models.UseCaseFit,
    # Fetched figures: the pages show them, so they bump the catalog version (not the
    # framework's own version, which only editors' saves move).
    models.FrameworkFacts,
)


def catalog_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    catalog.bump_version()


def connect():
    for model in CATALOG_MODELS:
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"bump-{model.__name__}")
        post_delete.connect(
            catalog_changed, sender=model, dispatch_uid=f"bump-del-{model.__name__}"
        )
    pre_create_historical_record.connect(reasons.fill_in_reason, dispatch_uid="cascade-reason")
