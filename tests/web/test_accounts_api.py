import pytest

from tests.support import make_account

REGISTRATION = {
    "email": "Ada@Example.org",
    "password": "a long passphrase",
    "name": "Ada Lovelace",
    "organisation": "Analytical Co-op",
    "org_type": "cooperative",
    "country": "fr",
    "languages": ["en", "fr"],
    "timezone": "Europe/Paris",
}


async def test_register_returns_profile_without_password(client):
    response = await client.post("/api/v1/auth/register", json=REGISTRATION)

    assert response.status_code == 201
    user = response.json()["user"]
    assert (user["email"], user["name"], user["country"], user["role"], user["listed"]) == (
        "ada@example.org",
        "Ada Lovelace",
        "FR",
        "attendee",
        True,
    )
    assert "password" not in user and "password_hash" not in user


async def test_register_duplicate_email_is_conflict(client):
    await client.post("/api/v1/auth/register", json=REGISTRATION)

    response = await client.post("/api/v1/auth/register", json={**REGISTRATION, "email": "ADA@example.org"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["fields"] == {"email": "is already registered"}


async def test_register_broken_json_is_400(client):
    response = await client.post(
        "/api/v1/auth/register", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": None}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password"),
        ({"name": "x" * 121}, "name"),
        ({"name": "   "}, "name"),
        ({"country": "XX"}, "country"),
        ({"org_type": "guild"}, "org_type"),
        ({"offers": ["money"]}, "offers"),
        ({"languages": ["english"]}, "languages"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"bio": "b" * 1001}, "bio"),
        ({"listed": "yes"}, "listed"),
    ],
)
async def test_register_bad_field_is_422_naming_it(client, change, field):
    body = {k: v for k, v in {**REGISTRATION, **change}.items() if v is not None}

    response = await client.post("/api/v1/auth/register", json=body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field])


async def test_register_body_over_one_mebibyte_is_413(client):
    response = await client.post("/api/v1/auth/register", json={**REGISTRATION, "bio": "x" * (1024 * 1024)})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


async def test_login_sets_cookie_and_returns_token(client):
    await client.post("/api/v1/auth/register", json=REGISTRATION)

    response = await client.post(
        "/api/v1/auth/login", json={"email": "ada@example.org", "password": "a long passphrase"}
    )

    assert response.status_code == 200
    assert response.json()["user"]["name"] == "Ada Lovelace"
    assert response.json()["token"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_login_wrong_password_is_401_then_429(client):
    await client.post("/api/v1/auth/register", json=REGISTRATION)
    wrong = {"email": "ada@example.org", "password": "not the passphrase"}

    statuses = [(await client.post("/api/v1/auth/login", json=wrong)).status_code for _ in range(6)]
    blocked = await client.post("/api/v1/auth/login", json=wrong)

    assert statuses[:5] == [401] * 5
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["error"]["code"] == "rate_limited"


async def test_registration_burst_of_twenty_allowed_then_limited(client):
    statuses = []
    for n in range(21):
        response = await client.post(
            "/api/v1/auth/register", json={**REGISTRATION, "email": f"p{n}@example.org", "password": "x" * 8}
        )
        statuses.append(response.status_code)

    assert statuses == [201] * 20 + [429]


async def test_me_with_bearer_token(client, app):
    account = await make_account(client, app, name="Grace")

    response = await client.get("/api/v1/me", headers=account.headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email"], body["role"]) == ("Grace", account.email, "attendee")
    assert body["csrf_token"] == account.csrf_token


async def test_me_anonymous_is_401(client):
    response = await client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "sign in first", "fields": {}}}


async def test_patch_me_with_cookie_needs_csrf(client, app):
    account = await make_account(client, app)
    await client.post("/api/v1/auth/login", json={"email": account.email, "password": account.password})

    without = await client.patch("/api/v1/me", json={"bio": "Hello"})
    me = (await client.get("/api/v1/me")).json()
    with_token = await client.patch(
        "/api/v1/me", json={"bio": "Hello"}, headers={"X-CSRF-Token": me["csrf_token"]}
    )

    assert without.status_code == 403
    assert without.json()["error"]["code"] == "csrf"
    assert with_token.status_code == 200
    assert with_token.json()["bio"] == "Hello"


async def test_patch_me_updates_only_given_fields(client, app):
    account = await make_account(client, app, name="Grace", country="KR")

    response = await client.patch(
        "/api/v1/me", json={"job_title": "Researcher", "listed": False}, headers=account.headers
    )

    body = response.json()
    assert (body["name"], body["country"], body["job_title"], body["listed"]) == (
        "Grace",
        "KR",
        "Researcher",
        False,
    )


async def test_logout_revokes_token(client, app):
    account = await make_account(client, app)

    await client.post("/api/v1/auth/logout", headers=account.headers)
    after = await client.get("/api/v1/me", headers=account.headers)

    assert after.status_code == 401


async def test_healthz_reports_database(client):
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_security_headers_on_every_response(client):
    response = await client.get("/")

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_unknown_api_path_is_json_404(client):
    response = await client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_static_files_are_compressed_and_cacheable(client):
    response = await client.get("/static/css/app.css", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert "etag" in response.headers


async def test_programme_json_is_gzipped(client, loaded):
    response = await client.get("/api/v1/programme", headers={"accept-encoding": "gzip"})

    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["days"]
