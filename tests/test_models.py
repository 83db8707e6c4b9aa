"""The catalog's models: database constraints, and the friendly clean() messages editors see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from frameworks.models import (
    CatalogState,
    Framework,
    FrameworkCapability,
    Level,
    Rating,
    UseCaseFit,
    UseCasePreset,
)


def raises_integrity(callable_):
    # An atomic block keeps the test's own transaction usable after the failure (PostgreSQL).
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_published_queryset_hides_drafts(make_framework):
    make_framework("shown")
    make_framework("draft", is_published=False)
    assert list(Framework.objects.published().values_list("slug", flat=True)) == ["shown"]


def test_string_forms_and_urls(make_framework, make_criterion, rate, make_use_case):
    framework = make_framework("bottle", name="Bottle")
    criterion = make_criterion("speed", name="Speed")
    rating = rate(framework, criterion, "High")
    use_case = make_use_case("apis", name="APIs")
    assert str(framework) == "Bottle" and framework.get_absolute_url() == "/frameworks/bottle/"
    assert str(rating) == "Bottle · Speed: High"
    assert str(Level.objects.get(label="Low")) == "Speed: Low"
    assert criterion.get_absolute_url() == "/methodology/#criterion-speed"
    assert use_case.get_absolute_url() == "/compare/?use_case=apis"


def test_colour_must_be_hex_in_the_database_and_in_clean(make_framework):
    framework = make_framework()
    framework.color = "green"
    with pytest.raises(ValidationError) as error:
        framework.full_clean()
    assert "hex colour" in str(error.value.message_dict["color"])
    raises_integrity(lambda: Framework.objects.filter(pk=framework.pk).update(color="green"))


def test_first_release_cannot_be_in_the_future(make_framework):
    framework = make_framework(first_release=datetime.date.today().year + 1)
    with pytest.raises(ValidationError) as error:
        framework.full_clean()
    assert "future" in error.value.message_dict["first_release"][0]


def test_slugs_and_names_are_unique(make_framework):
    make_framework("flask", name="Flask")
    duplicate = Framework(slug="flask", name="Flask again")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict
    raises_integrity(lambda: Framework.objects.create(slug="flask", name="Other"))


def test_one_rating_per_framework_and_criterion(make_framework, make_criterion, rate):
    framework, criterion = make_framework(), make_criterion()
    rate(framework, criterion, "Low")
    second = Rating(framework=framework, criterion=criterion, level=criterion.levels.last())
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "already exists" in str(error.value)
    raises_integrity(second.save)


def test_a_rating_level_must_belong_to_its_criterion(make_framework, make_criterion):
    framework = make_framework()
    speed, ease = make_criterion("speed"), make_criterion("ease", levels=(("Hard", 0),))
    rating = Rating(framework=framework, criterion=speed, level=ease.levels.get())
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    assert "Choose one of the levels of “Speed”" in error.value.message_dict["level"][0]
    with pytest.raises(ValidationError):
        rating.save()  # refused even outside a form, so no wrong score is ever stored
    assert not Rating.objects.exists()


def test_a_level_in_use_cannot_be_deleted(make_framework, make_criterion, rate):
    criterion = make_criterion()
    rate(make_framework(), criterion, "High")
    with pytest.raises(ProtectedError):
        Level.objects.get(label="High").delete()


def test_level_values_and_labels(make_criterion):
    criterion = make_criterion()
    raises_integrity(lambda: Level.objects.create(criterion=criterion, label="Low", value=10))
    raises_integrity(lambda: Level.objects.create(criterion=criterion, label="Max", value=101))
    with pytest.raises(ValidationError) as error:
        Level(criterion=criterion, label="Max", value=101).full_clean()
    assert "value" in error.value.message_dict


def test_an_extension_must_be_named(make_framework, make_capability):
    framework, capability = make_framework(), make_capability()
    support = FrameworkCapability(framework=framework, capability=capability, support="extension")
    with pytest.raises(ValidationError) as error:
        support.full_clean()
    assert error.value.message_dict["extension"] == ["Name the extension that provides this."]
    raises_integrity(support.save)
    support.extension = "Flask-SQLAlchemy"
    support.full_clean()
    support.save()
    assert support.meets_requirement is False


@pytest.mark.parametrize("support", ["built_in", "partial"])
def test_shipped_support_meets_a_requirement(make_framework, make_capability, support):
    row = FrameworkCapability(
        framework=make_framework(), capability=make_capability(), support=support
    )
    assert row.meets_requirement


def test_weights_and_fits_stay_in_range(make_framework, make_criterion, make_use_case):
    criterion, use_case, framework = make_criterion(), make_use_case(), make_framework()
    raises_integrity(
        lambda: UseCasePreset.objects.create(use_case=use_case, criterion=criterion, weight=6)
    )
    raises_integrity(
        lambda: UseCaseFit.objects.create(framework=framework, use_case=use_case, fit=6)
    )
    with pytest.raises(ValidationError) as error:
        UseCaseFit(framework=framework, use_case=use_case, fit=6).full_clean()
    assert "fit" in error.value.message_dict
    criterion.default_weight = 9
    with pytest.raises(ValidationError):
        criterion.full_clean()


def test_every_catalog_save_and_delete_bumps_the_version(make_framework):
    def version():
        return CatalogState.objects.get(pk=1).version

    framework = make_framework()
    after_create = version()
    framework.tagline = "changed"
    framework.save()
    assert version() == after_create + 1
    framework.delete()
    assert version() == after_create + 2
