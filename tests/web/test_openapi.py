"""The OpenAPI description stays true: every /api/v1 route is described, and nothing else is."""

import re

from starlette.routing import Mount, Route

from conference.web.api import openapi
from conference.web.routes import routes

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def served_operations() -> set[tuple[str, str]]:
    """(method, path) of every route mounted under /api/v1, path parameters written OpenAPI's way."""
    out = set()
    for mount in routes():
        if not (isinstance(mount, Mount) and mount.path == openapi.API_PREFIX):
            continue
        for route in mount.routes:
            assert isinstance(route, Route), f"{route!r}: describe what it serves"
            path = re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path)
            out |= {(method.lower(), path) for method in (route.methods or set()) - IGNORED_METHODS}
    return out


def described_operations(document: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item}


def refs(value) -> list[str]:
    if isinstance(value, dict):
        return [value["$ref"]] if "$ref" in value else [r for v in value.values() for r in refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in refs(v)]
    return []


def test_openapi_describes_every_route_and_only_routes():
    served = served_operations()
    described = described_operations(openapi.document())

    assert sorted(served - described) == [], "add these to OPERATIONS in conference/web/api/openapi.py"
    assert sorted(described - served) == [], "these are described but not served"


def test_openapi_references_resolve_and_every_operation_answers():
    document = openapi.document()
    schemas = document["components"]["schemas"]

    dangling = sorted({r for r in refs(document) if r.removeprefix("#/components/schemas/") not in schemas})
    without_success = [
        (method, path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if not any(code.startswith("2") for code in op["responses"])
    ]
    assert (dangling, without_success) == ([], [])


def test_openapi_path_parameters_match_the_path():
    mismatched = []

    for path, item in openapi.document()["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            if declared != in_path:
                mismatched.append((method, path))

    assert mismatched == []


async def test_openapi_json_is_served(client):
    response = await client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    body = response.json()
    assert (body["openapi"], body["servers"]) == ("3.1.0", [{"url": "/api/v1"}])
    assert body["paths"]["/sessions/{id}"]["get"]["parameters"][0] == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }


async def test_openapi_public_reads_answer_without_signing_in(client, loaded):
    public_reads = [
        path
        for path, item in openapi.document()["paths"].items()
        if "get" in item and "security" not in item["get"] and "{" not in path
    ]

    statuses = {path: (await client.get(f"/api/v1{path}")).status_code for path in public_reads}

    assert statuses == dict.fromkeys(public_reads, 200)
