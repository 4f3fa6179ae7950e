"""Organiser-only: every organiser endpoint refuses visitors (401) and other roles (403); pages redirect
visitors to sign in and show other roles a 403 page."""

import pytest

from tests.support import make_account

API = "/api/v1"
ORGANISER_ENDPOINTS = [
    ("POST", "/sessions"),
    ("PATCH", "/sessions/1"),
    ("DELETE", "/sessions/1"),
    ("PUT", "/schedule.yaml"),
    *[(method, f"/admin/{kind}") for kind in ("speakers", "themes", "stages") for method in ("GET", "POST")],
    *[
        (method, f"/admin/{kind}/1")
        for kind in ("speakers", "themes", "stages")
        for method in ("PATCH", "DELETE")
    ],
    ("GET", "/admin/history"),
    ("GET", "/admin/users"),
    ("PATCH", "/users/1"),
    ("GET", "/admin/registrations.csv"),
    ("GET", "/admin/stats"),
    ("GET", "/admin/stats/countries.csv"),
    ("GET", "/admin/stats/countries.svg"),
    ("POST", "/announcements"),
]
ORGANISER_PAGES = ["/admin", "/admin/programme", "/admin/users"]


@pytest.mark.parametrize(("method", "path"), ORGANISER_ENDPOINTS)
async def test_organiser_endpoint_refuses_visitors_and_other_roles(client, app, loaded, method, path):
    attendee = await make_account(client, app)
    moderator = await make_account(client, app, role="moderator")

    anonymous = await client.request(method, API + path, json={})
    as_attendee = await client.request(method, API + path, json={}, headers=attendee.headers)
    as_moderator = await client.request(method, API + path, json={}, headers=moderator.headers)

    assert (anonymous.status_code, as_attendee.status_code, as_moderator.status_code) == (401, 403, 403)
    assert as_moderator.json()["error"]["code"] == "forbidden"


async def test_cookie_request_without_csrf_is_refused(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    await client.post(f"{API}/auth/login", json={"email": organiser.email, "password": organiser.password})

    response = await client.post(f"{API}/announcements", json={"body": "hello"})

    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf")


@pytest.mark.parametrize("path", ORGANISER_PAGES)
async def test_organiser_page_sends_visitors_to_sign_in(client, app, loaded, path):
    response = await client.get(path)

    assert (response.status_code, response.headers["location"]) == (303, f"/login?next={path}")


@pytest.mark.parametrize("path", ORGANISER_PAGES)
async def test_organiser_page_is_403_for_a_moderator(client, app, loaded, path):
    moderator = await make_account(client, app, role="moderator")

    response = await client.get(path, headers=moderator.headers)

    assert response.status_code == 403
    assert "for the conference organisers" in response.text


@pytest.mark.parametrize("path", [*ORGANISER_PAGES, "/announcements", "/programme/print"])
async def test_pages_render_for_an_organiser(client, app, loaded, path):
    organiser = await make_account(client, app, role="organiser")

    response = await client.get(path, headers=organiser.headers)

    assert (response.status_code, response.headers["content-type"]) == (200, "text/html; charset=utf-8")


async def test_announcements_page_is_public_and_escapes_bodies(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    await client.post(
        f"{API}/announcements", json={"body": "<script>alert(1)</script>"}, headers=organiser.headers
    )

    response = await client.get("/announcements")

    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text
    assert 'id="announce-form"' not in response.text  # only organisers get the form


async def test_print_page_lists_every_session(client, app, loaded):
    response = await client.get("/programme/print")

    assert response.status_code == 200
    assert response.text.count('class="print-row ') == len(loaded.sessions)
    assert "css/print.css" in response.text
