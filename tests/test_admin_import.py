"""Importing a catalog (JSON) or ratings (CSV) in the admin: preview, confirm, refusals, staleness
and who may do it (frameworks/imports.py, frameworks/admin_import.py)."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frameworks import catalog, imports
from frameworks.catalog_io import export_catalog
from frameworks.models import Framework, Rating

URL = "/admin/import/"
HEADER = "framework,criterion,level,note,source\n"


def upload(client, name, content, *, overwrite=False):
    data = {
        "file": SimpleUploadedFile(
            name, content if isinstance(content, bytes) else content.encode()
        )
    }
    if overwrite:
        data["overwrite"] = "on"
    return client.post(URL, data)


def confirm(client, preview):
    assert preview.status_code == 200
    ticket = preview.context["confirm_form"].initial["ticket"]
    return client.post(URL, {"ticket": ticket}, follow=True)


def state():
    """Everything an import could touch, to show that a refused one touched nothing."""
    return (
        catalog.current_version(),
        sorted(
            Rating.objects.values_list(
                "framework__slug",
                "criterion__slug",
                "level__label",
                "note",
                "source_url",
                "version",
            )
        ),
        sorted(Framework.objects.values_list("slug", "tagline", "is_published", "version")),
        Rating.history.count(),
    )


def rating(framework, criterion):
    return Rating.objects.select_related("level").get(
        framework__slug=framework, criterion__slug=criterion
    )


RATINGS_CSV = (
    HEADER + "flask,learning-curve,Moderate,Small API; more to learn for big apps.,"
    "https://flask.palletsprojects.com/\n"
    + "flask,performance,Medium,,\n"
    + "bottle,performance,high,One file and fast.,https://bottlepy.org/\n"
)


# --- Preview ------------------------------------------------------------------------------------


def test_csv_preview_shows_what_is_added_changed_and_left_alone(editor_client, small_catalog):
    before = state()
    response = upload(editor_client, "ratings.csv", RATINGS_CSV, overwrite=True)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.added == ["the performance rating of bottle"]
    assert [(c.label, c.fields) for c in report.changes] == [
        (
            "the learning-curve rating of flask",
            (
                ("level", "Learning curve: Easy", "Learning curve: Moderate"),
                ("note", "Small API.", "Small API; more to learn for big apps."),
            ),
        )
    ]
    assert report.unchanged == ["the performance rating of flask: the same"]
    html = response.content.decode()
    assert "Added (1)" in html and "Changed (1)" in html and "Left alone (1)" in html
    assert "Learning curve: Moderate" in html
    assert state() == before, "a preview writes nothing"


def test_without_replace_existing_ratings_are_left_as_editors_left_them(
    editor_client, small_catalog
):
    response = upload(editor_client, "ratings.csv", RATINGS_CSV)
    report = response.context["report"]
    assert report.added == ["the performance rating of bottle"]
    assert report.changes == []
    assert report.unchanged == [
        "the learning-curve rating of flask: kept as editors left it",
        "the performance rating of flask: the same",
    ]
    confirm(editor_client, response)
    assert rating("flask", "learning-curve").level.label == "Easy"
    assert rating("bottle", "performance").level.label == "High"


# --- Confirm ------------------------------------------------------------------------------------


def test_confirm_applies_the_preview_with_history_and_a_new_catalog_version(
    editor_client, small_catalog
):
    version = catalog.current_version()
    old_version = rating("flask", "learning-curve").version
    response = confirm(
        editor_client, upload(editor_client, "ratings.csv", RATINGS_CSV, overwrite=True)
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Imported ratings.csv: created: 1 ratings; updated: 1 ratings."]
    changed = rating("flask", "learning-curve")
    assert changed.level.label == "Moderate" and changed.version == old_version + 1
    assert rating("bottle", "performance").note == "One file and fast."
    for row in (changed, rating("bottle", "performance")):
        latest = row.history.latest("history_date")
        assert latest.history_change_reason == "Imported from ratings.csv by edna"
        assert latest.history_user.username == "edna"
    # The untouched row got no history entry of its own.
    assert not Rating.history.filter(
        history_change_reason__startswith="Imported",
        criterion__slug="performance",
        framework__slug="flask",
    ).exists()
    assert catalog.current_version() != version
    # The next result follows.
    answer = editor_client.get("/api/compare/", {"frameworks": "flask", "w-learning-curve": "5"})
    assert answer.json()[0]["breakdown"][0]["level"] == "Moderate"


def test_a_json_catalog_is_previewed_and_applied_like_loadcatalog(editor_client, small_catalog):
    document = export_catalog()
    flask = next(f for f in document["frameworks"] if f["slug"] == "flask")
    flask["tagline"] = "Web development, one drop at a time"
    draft = {"slug": "pyramid", "name": "Pyramid", "is_published": False}
    document["frameworks"].append(draft)
    raw = json.dumps(document)
    response = upload(editor_client, "catalog.json", raw, overwrite=True)
    report = response.context["report"]
    assert report.added == ["framework “pyramid”"]
    assert (
        "framework “flask”",
        (("tagline", "(empty)", "Web development, one drop at a time"),),
    ) in [(c.label, c.fields) for c in report.changes]
    assert "framework “bottle”: the same" in report.unchanged
    confirm(editor_client, response)
    assert Framework.objects.get(slug="flask").tagline.startswith("Web development")
    pyramid = Framework.objects.get(slug="pyramid")
    entry = pyramid.history.get()
    assert entry.history_change_reason == "Imported from catalog.json by edna"


def test_json_import_never_brings_back_what_editors_deleted_unless_replacing(
    editor_client, small_catalog
):
    document = export_catalog()
    rating("flask", "performance").delete()
    response = upload(editor_client, "backup.json", json.dumps(document))
    assert "errors" not in response.context, response.context["errors"]
    report = response.context["report"]
    assert report.skipped == [
        "frameworks[1].ratings.performance: the performance rating of flask was deleted by an "
        "editor; not recreated."
    ]
    assert "Not brought back (1)" in response.content.decode()
    confirm(editor_client, response)
    assert not Rating.objects.filter(
        framework__slug="flask", criterion__slug="performance"
    ).exists()
    confirm(
        editor_client, upload(editor_client, "backup.json", json.dumps(document), overwrite=True)
    )
    assert rating("flask", "performance").level.label == "Medium"


# --- Refusals -----------------------------------------------------------------------------------

BAD_CSV = (
    HEADER
    + "flsk,performance,High,Fast.,https://flask.palletsprojects.com/\n"  # line 2
    + "flask,speed,High,Fast.,https://flask.palletsprojects.com/\n"  # line 3
    + "flask,performance,Blazing,Fast.,https://flask.palletsprojects.com/\n"  # line 4
    + "bottle,performance,High,Fast.,not a url\n"  # line 5
    + "bottle,learning-curve,Easy,Fast.\n"  # line 6
    + "bottle,performance,Low,Slow.,\n"  # line 7
)


@pytest.mark.parametrize(
    ("name", "content", "errors"),
    [
        (
            "ratings.csv",
            BAD_CSV,
            [
                "Line 2: unknown framework “flsk” (give its slug)",
                "Line 3: unknown criterion “speed” (give its slug)",
                "Line 4: “Blazing” is not a level of Performance (its levels: Low, Medium, High)",
                "Line 5: source “not a url”: Enter a valid URL.",
                "Line 6: expected 5 columns (framework, criterion, level, note, source), got 4",
                "Line 7: the performance rating of bottle is already given on line 5",
            ],
        ),
        (
            "ratings.csv",
            "frameworks;criterion;level\nflask;performance;High\n",
            [
                "Line 1: the first row must name the columns framework, criterion, level, note, "
                "source (it has frameworks;criterion;level)",
                "Line 2: expected 5 columns (framework, criterion, level, note, source), got 1",
            ],
        ),
        (
            "ratings.csv",
            "",
            ["The submitted file is empty."],
        ),
        ("ratings.csv", HEADER, ["The file names its columns but holds no ratings"]),
        (
            "ratings.csv",
            HEADER + "flask,performance,High,Fast.\x00,\nflask,learning-curve,Easy,\x00,\n",
            [
                "Line 2: contains the NUL character (binary data)",
                "Line 3: contains the NUL character (binary data)",
            ],
        ),
        (
            "ratings.csv",
            "\n\n",
            [
                "The file is empty: its first row must name the columns framework, criterion, "
                "level, note, source"
            ],
        ),
        (
            "ratings.csv",
            HEADER + 'flask,performance,High,"unclosed quote,\n',
            ["Line 2: not readable as CSV (unexpected end of data)"],
        ),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
            [
                "photo.csv is not UTF-8 text: byte 0x89 on line 1 cannot be read. Save it as "
                "UTF-8 (CSV UTF-8 in a spreadsheet) and upload it again."
            ],
        ),
        (
            "ratings.csv",
            "framework,criterion,level,note,source\nflask,performance,Élevé\xe9".encode("latin-1"),
            None,
        ),
        ("catalog.json", "{not json", None),
        ("catalog.json", '{"format": 1, "frameworks": [{"slug": "x\\u0000", "name": "X"}]}', None),
        ("catalog.json", '{"format": 7, "criteria": "many"}', None),
        (
            "catalog.xlsx",
            "framework,criterion",
            [
                "catalog.xlsx: upload a catalog (.json, as exportcatalog writes it) or ratings "
                "(.csv)."
            ],
        ),
    ],
    ids=[
        "csv-every-row-error",
        "csv-no-header",
        "csv-empty",
        "csv-blank-lines",
        "csv-header-only",
        "csv-nul",
        "csv-broken-quote",
        "binary",
        "latin-1",
        "not-json",
        "json-nul",
        "json-wrong-shape",
        "wrong-extension",
    ],
)
def test_a_bad_file_is_refused_whole_with_every_error_and_nothing_changed(
    editor_client, small_catalog, name, content, errors
):
    before = state()
    response = upload(editor_client, name, content, overwrite=True)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    shown = response.context.get("errors") or [
        message for error in response.context["form"].errors.as_data()["file"] for message in error
    ]
    if errors is not None:
        assert shown == errors
    else:
        assert shown, "a bad file must say why"
    html = response.content.decode()
    assert shown[0].replace("“", "&ldquo;")[:20] in html or shown[0][:20] in html
    assert state() == before


def test_json_errors_are_listed_with_their_place(editor_client, small_catalog):
    document = export_catalog()
    assert [f["slug"] for f in document["frameworks"]] == ["bottle", "flask"]
    document["frameworks"][0]["color"] = "red"
    document["frameworks"][1]["ratings"]["performance"]["level"] = "Blazing"
    response = upload(editor_client, "catalog.json", json.dumps(document))
    assert response.context["errors"] == [
        "frameworks[0].color: Enter a hex colour such as #0c4b33.",
        'frameworks[1].ratings.performance: unknown level "Blazing"',
    ]
    assert "2 problems, and nothing was changed" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(editor_client, small_catalog):
    big = HEADER + "x" * imports.MAX_UPLOAD_BYTES
    response = upload(editor_client, "ratings.csv", big)
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert message == (
        f"ratings.csv is {len(big):,} bytes; an uploaded file may be at most 1,048,576 bytes "
        "(1 MB)."
    )


def test_an_import_may_not_leave_a_published_framework_incomplete(editor_client, small_catalog):
    before = state()
    csv = HEADER + "flask,learning-curve,Easy,Small API.,\n"  # drops flask's only source
    response = upload(editor_client, "ratings.csv", csv, overwrite=True)
    place = "Framework “flask”: is published, so must stay complete"
    assert response.context["errors"] == [
        f"{place}, Learning curve: no source",
        f"{place}, Performance: no note",
        f"{place}, Performance: no source",
    ]
    assert state() == before


def test_spreadsheet_formulas_are_stored_as_text_and_shown_escaped(editor_client, small_catalog):
    note = '=HYPERLINK("https://evil.example/","<b>click</b>")'
    csv = HEADER + f'bottle,performance,High,"{note.replace(chr(34), chr(34) * 2)}",\n'
    response = upload(editor_client, "ratings.csv", csv)
    assert response.context["report"].added == ["the performance rating of bottle"]
    confirm(editor_client, response)
    assert rating("bottle", "performance").note == note
    change = editor_client.get(
        reverse("admin:frameworks_rating_change", args=[rating("bottle", "performance").pk])
    )
    html = change.content.decode()
    assert "&lt;b&gt;click&lt;/b&gt;" in html and "<b>click</b>" not in html


# --- Stale previews and tickets ----------------------------------------------------------------


def test_a_preview_is_refused_once_the_catalog_changed(editor_client, small_catalog):
    preview = upload(editor_client, "ratings.csv", RATINGS_CSV, overwrite=True)
    # Another editor saves the very rating the file would change, after the preview.
    theirs = rating("flask", "learning-curve")
    theirs.note = "Rewritten by another editor after the preview."
    theirs.save()
    before = state()
    response = confirm(editor_client, preview)
    assert response.context["errors"] == [
        "The catalog changed after your preview (another save or import), so nothing was "
        "imported: what you saw may no longer be what the file would do. Upload the file "
        "again to see a fresh preview."
    ]
    assert state() == before
    assert rating("flask", "learning-curve").note.startswith("Rewritten by another editor")


@pytest.mark.parametrize("tamper", ["edited", "other-editor"])
def test_a_ticket_that_was_altered_or_is_not_yours_is_refused(
    editor_client, small_catalog, django_user_model, client, tamper
):
    preview = upload(editor_client, "ratings.csv", RATINGS_CSV, overwrite=True)
    ticket = preview.context["confirm_form"].initial["ticket"]
    before = state()
    if tamper == "edited":
        response = editor_client.post(URL, {"ticket": ticket[:-3] + "abc"})
        expected = "This preview cannot be read. Upload the file again."
    else:
        other = django_user_model.objects.create_user("olga", is_staff=True)
        other.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_rating", "change_rating"])
        )
        editor_client.force_login(other)
        response = editor_client.post(URL, {"ticket": ticket})
        expected = "This preview was made by another editor. Upload the file again."
    assert response.context["errors"] == [expected]
    assert state() == before


# --- Who may import ----------------------------------------------------------------------------


def test_only_editors_may_import(client, editor_client, small_catalog, django_user_model):
    assert editor_client.get(URL).status_code == 200
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/import/"' in index
    lists = editor_client.get(reverse("admin:frameworks_rating_changelist")).content.decode()
    assert 'href="/admin/import/"' in lists

    staff = django_user_model.objects.create_user("stan", "stan@example.org", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    before = state()
    assert upload(client, "ratings.csv", RATINGS_CSV, overwrite=True).status_code == 403
    assert state() == before
    assert 'href="/admin/import/"' not in client.get(reverse("admin:index")).content.decode()

    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_rating_editors_may_import_ratings_but_not_a_whole_catalog(
    client, small_catalog, django_user_model
):
    user = django_user_model.objects.create_user("rita", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_rating", "change_rating"])
    )
    client.force_login(user)
    assert upload(client, "ratings.csv", RATINGS_CSV).status_code == 200
    assert upload(client, "catalog.json", json.dumps(export_catalog())).status_code == 403
