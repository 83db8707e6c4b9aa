"""The account commands `make run` and `make editor` use: what they create and what they print."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import editors_group


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_first_run_creates_an_admin_and_ends_with_where_to_go(db):
    out = run("ensure_admin", "--site-url", "http://127.0.0.1:9000/")
    password = re.search(r"Login:\s+admin / (\S+)", out).group(1)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    assert "Site:        http://127.0.0.1:9000/\n" in out
    assert "Admin:       http://127.0.0.1:9000/admin/\n" in out
    assert "make editor NAME=" in out
    # The block is the last thing printed, so the login does not scroll away.
    assert out.rstrip().endswith("=" * 72)


def test_second_run_keeps_the_password_and_says_how_to_reset_it(db):
    run("ensure_admin")
    user = get_user_model().objects.get(username="admin")
    hashed = user.password
    out = run("ensure_admin")
    user.refresh_from_db()
    assert user.password == hashed
    assert "make password NAME=admin" in out
    assert " / " not in out.split("Login:")[1].splitlines()[0]


def test_addeditor_makes_a_staff_editor_who_is_not_a_superuser(db, client):
    editors_group()  # as its migration makes it, even after a transactional test's flush
    out = run("addeditor", "alice")
    password = re.search(r"password: (\S+)", out).group(1)
    user = get_user_model().objects.get(username="alice")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password(password)
    client.force_login(user)
    assert client.get("/admin/frameworks/framework/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.mark.parametrize("username", ["", "   "])
def test_addeditor_without_a_name_says_how_to_call_it(db, username):
    with pytest.raises(CommandError, match="make editor NAME=alice"):
        run("addeditor", username)


def test_addeditor_refuses_an_existing_account(db, editor):
    with pytest.raises(CommandError, match="already exists"):
        run("addeditor", editor.username)
    assert get_user_model().objects.filter(username=editor.username).count() == 1
