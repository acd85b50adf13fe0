"""`smartidf serve --auth basic`: login page for strangers, wrong passwords refused."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from serving import served

from smartidf_analysis import cli

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def auth_app(app_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("auth")
    credentials = tmp / "credentials.json"
    credentials.write_text(json.dumps({"elu": "correct-horse"}))
    with served(app_db, tmp, "--auth", "basic", ready="/login", check_log=False,
                env={"SMARTIDF_BASIC_AUTH": str(credentials),
                     "SMARTIDF_COOKIE_SECRET": "x" * 32}) as url:
        yield url


def _login(page, url, user, password):
    page.goto(f"{url}/overview", timeout=TIMEOUT)
    expect(page).to_have_url(f"{url}/login?next=%2Foverview", timeout=TIMEOUT)
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.locator("button, input[type=submit]").first.click()


def test_unauthenticated_visit_gets_the_login_page(page, auth_app):
    page.goto(f"{auth_app}/overview", timeout=TIMEOUT)
    assert "/login" in page.url
    expect(page.locator("input[name=password]")).to_be_visible(timeout=TIMEOUT)


def test_wrong_password_is_refused(page, auth_app):
    _login(page, auth_app, "elu", "wrong")
    # the answer to the form, not the page it was sent from: the refusal and its message
    expect(page).to_have_url(re.compile(r"/login\?error="), timeout=TIMEOUT)
    expect(page.locator(".errormessage")).to_have_text("Invalid username or password!",
                                                        timeout=TIMEOUT)
    # no session was opened: the app still sends this browser to the login page
    page.goto(f"{auth_app}/overview", timeout=TIMEOUT)
    expect(page).to_have_url(f"{auth_app}/login?next=%2Foverview", timeout=TIMEOUT)
    expect(page.locator("input[name=password]")).to_be_visible(timeout=TIMEOUT)


def test_right_password_opens_the_app(page, auth_app):
    _login(page, auth_app, "elu", "correct-horse")
    expect(page).to_have_url(f"{auth_app}/overview", timeout=TIMEOUT)
    page.wait_for_selector("canvas", timeout=TIMEOUT)  # the page's content, not the login form
    expect(page.locator("input[name=password]")).to_have_count(0)


def test_auth_requires_a_cookie_secret(monkeypatch, app_db, capsys):
    monkeypatch.setenv("SMARTIDF_DB", str(app_db))
    monkeypatch.delenv("SMARTIDF_COOKIE_SECRET", raising=False)
    monkeypatch.setenv("SMARTIDF_BASIC_AUTH", "secret")
    assert cli.main(["serve", "--auth", "basic"]) == 1
    assert "cookie secret" in capsys.readouterr().err
