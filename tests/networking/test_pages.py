"""Networking pages read without JavaScript: directory filters with labels, profiles, meetings, lobby."""

from __future__ import annotations

import re

from tests.networking.conftest import MONDAY_1330, session_id


def as_cookie(client, app, account) -> dict[str, str]:
    login = app.state.signer.login_from_bearer(account.token)
    client.cookies.set("conference_session", app.state.signer.cookie_value(login))
    return {}


async def test_people_page_has_a_label_for_every_control_and_no_email(client, app, person):
    ana = await person(name="Ana", themes=["ecosystems"], seeks=["funding"])
    await person(name="Ben", themes=["ecosystems"], offers=["funding"], organisation="Fund & Co")
    as_cookie(client, app, ana)

    page = await client.get("/people")

    html = page.text
    controls = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert page.status_code == 200
    assert (
        set(controls) <= labels
        and {"q", "country", "theme", "org_type", "language", "offers", "seeks"} <= labels
    )
    assert "Recommended for you" in html and "They offer funding, which you seek" in html
    assert "Fund &amp; Co" in html
    assert "@example.org" not in html


async def test_people_page_filters_without_javascript(client, app, person):
    ana = await person(name="Ana")
    await person(name="Zora Korea", country="KR")
    await person(name="Franz France", country="FR")
    as_cookie(client, app, ana)

    page = await client.get("/people?country=KR")

    assert "Zora Korea" in page.text and "Franz France" not in page.text
    assert "1 match" in page.text


async def test_people_page_sends_signed_out_visitors_to_sign_in(client, loaded):
    page = await client.get("/people")

    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/people")


async def test_person_page_shows_slots_in_both_zones(client, app, person):
    ana = await person(name="Ana", timezone="Europe/Paris")
    ben = await person(name="Ben", timezone="Asia/Seoul", bio="<b>not bold</b>")
    as_cookie(client, app, ana)

    page = await client.get(f"/people/{ben.id}")

    assert "Ask Ben for a meeting" in page.text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page.text
    assert re.search(
        r"13:00 <span class=\"muted\">CEST</span></td>\s*<td>20:00 <span class=\"muted\">KST", page.text
    )


async def test_meeting_pages_and_agenda_show_an_accepted_meeting(client, app, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben", organisation="Ben's Coop")
    created = await client.post(
        "/api/v1/meetings", json={"invitee_id": ben.id, "start": MONDAY_1330}, headers=ana.headers
    )
    await client.post(f"/api/v1/meetings/{created.json()['id']}/accept", headers=ben.headers)
    as_cookie(client, app, ana)

    meetings = await client.get("/meetings")
    room = await client.get(f"/meetings/{created.json()['id']}")
    agenda = await client.get("/agenda?tz=Europe/Paris")

    assert "Accepted" in meetings.text and "Ben" in meetings.text
    assert 'data-channel="meeting:' in room.text and "Join the video call" in room.text
    assert "Meeting with Ben" in agenda.text and "13:30–13:45" in agenda.text


async def test_lobby_page_shows_the_moderator_control_to_moderators_only(client, app, person):
    sid = await session_id(app, "networking-tue")
    moderator = await person(role="moderator", name="Mod")
    ana = await person(name="Ana")

    as_cookie(client, app, moderator)
    staff = await client.get(f"/networking/{sid}")
    as_cookie(client, app, ana)
    attendee = await client.get(f"/networking/{sid}")

    assert "Start a round" in staff.text and "Start a round" not in attendee.text
    assert f'data-channel="networking:{sid}"' in attendee.text
