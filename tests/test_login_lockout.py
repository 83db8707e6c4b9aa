"""Admin sign-in lockout (django-axes): its numbers, and whose address counts behind a proxy."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from comparator.settings import client_address_settings

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-editor-passphrase-42"  # the `editor` fixture's
PROXY = "10.0.0.2"
CLIENT_A = "198.51.100.7"
CLIENT_B = "198.51.100.8"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Thirty sign-ins per test: the lockout does not depend on how passwords are hashed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, password, *, address, forwarded_for=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN, {"username": "edna", "password": password}, **headers)


def fail_five_times(client, **where):
    statuses = [sign_in(client, "wrong", **where).status_code for _ in range(5)]
    # Four ordinary "please enter the correct" pages, then the fifth failure locks.
    assert statuses == [200, 200, 200, 200, 429]


def age_attempts(minutes):
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    )


def test_five_failures_lock_the_editor_out_for_one_hour(client, editor):
    fail_five_times(client, address=CLIENT_A)
    response = sign_in(client, PASSWORD, address=CLIENT_A)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    age_attempts(59)
    assert sign_in(client, PASSWORD, address=CLIENT_A).status_code == 429
    age_attempts(61)
    response = sign_in(client, PASSWORD, address=CLIENT_A)
    assert response.status_code == 302 and response.url == "/admin/"


@override_settings(**client_address_settings(1))
def test_behind_one_proxy_a_lockout_is_per_client(client, editor):
    # The proxy connects from PROXY and appends the address it saw to X-Forwarded-For.
    fail_five_times(client, address=PROXY, forwarded_for=CLIENT_A)
    assert sign_in(client, PASSWORD, address=PROXY, forwarded_for=CLIENT_A).status_code == 429
    # Client A cannot slip out of its lock by writing an address of its own in front.
    spoofed = f"{CLIENT_B}, {CLIENT_A}"
    assert sign_in(client, PASSWORD, address=PROXY, forwarded_for=spoofed).status_code == 429
    response = sign_in(client, PASSWORD, address=PROXY, forwarded_for=CLIENT_B)
    assert response.status_code == 302 and response.url == "/admin/"


@override_settings(**client_address_settings(1))
def test_behind_one_proxy_nobody_can_lock_out_another_client(client, editor):
    fail_five_times(client, address=PROXY, forwarded_for=f"{CLIENT_B}, {CLIENT_A}")
    response = sign_in(client, PASSWORD, address=PROXY, forwarded_for=CLIENT_B)
    assert response.status_code == 302


@override_settings(**client_address_settings(2))
def test_behind_two_proxies_the_client_is_second_from_the_right(client, editor):
    edge = "10.0.0.9"  # the outer proxy, as the inner one saw it
    fail_five_times(client, address=PROXY, forwarded_for=f"{CLIENT_B}, {CLIENT_A}, {edge}")
    assert sign_in(
        client, PASSWORD, address=PROXY, forwarded_for=f"{CLIENT_A}, {edge}"
    ).status_code == (429)
    response = sign_in(client, PASSWORD, address=PROXY, forwarded_for=f"{CLIENT_B}, {edge}")
    assert response.status_code == 302


@override_settings(**client_address_settings(0))
def test_without_a_proxy_forwarded_for_is_not_trusted(client, editor):
    # An attacker names the editor's address: the lock falls on the attacker's own address.
    fail_five_times(client, address=CLIENT_A, forwarded_for=CLIENT_B)
    response = sign_in(client, PASSWORD, address=CLIENT_B)
    assert response.status_code == 302
    # And naming another address does not lift the attacker's lock.
    assert sign_in(client, PASSWORD, address=CLIENT_A, forwarded_for="192.0.2.1").status_code == (
        429
    )


def test_proxy_count_comes_from_the_environment():
    root = Path(__file__).resolve().parent.parent
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AXES_IPWARE_PROXY_COUNT, settings.AXES_IPWARE_META_PRECEDENCE_ORDER[0]); "
        "import axes.helpers; print(axes.helpers.IPWARE_INSTALLED)"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "comparator.settings", "DJANGO_DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_PROXY_COUNT": "2"},
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["1", "HTTP_X_FORWARDED_FOR", "True"]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_client_address_settings_are_valid_for_ipware(count, rf):
    from ipware import get_client_ip

    options = client_address_settings(count)
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, " + CLIENT_A)
    address, _ = get_client_ip(
        request,
        proxy_count=options["AXES_IPWARE_PROXY_COUNT"],
        request_header_order=options["AXES_IPWARE_META_PRECEDENCE_ORDER"],
    )
    # Behind three proxies this request skipped one: it has no address anyone vouches for.
    assert address == {0: PROXY, 1: CLIENT_A, 3: None}[count]


@override_settings(**client_address_settings(2))
def test_a_request_that_skipped_a_proxy_is_answered_without_an_error(client, editor):
    # No address can be trusted; axes still counts the failures, under no address.
    fail_five_times(client, address=PROXY)
    response = sign_in(client, PASSWORD, address=PROXY, forwarded_for=f"{CLIENT_B}, 10.0.0.9")
    assert response.status_code == 302
