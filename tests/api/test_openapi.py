"""The published OpenAPI document and the docs page, served from our own static files."""

import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from api.errors import ERROR_CODES

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/plugins"),
    ("post", "/api/v1/plugins"),
    ("get", "/api/v1/plugins/{plugin_id}"),
    ("post", "/api/v1/plugins/{plugin_id}/refresh"),
    ("get", "/api/v1/plugins/{plugin_id}/domain"),
    ("post", "/api/v1/plugins/{plugin_id}/verify-domain"),
    ("get", "/api/v1/plugins/{plugin_id}/submissions"),
    ("post", "/api/v1/plugins/{plugin_id}/submissions"),
    ("get", "/api/v1/jobs/{job_id}"),
    ("get", "/api/v1/submissions/{submission_id}"),
    ("post", "/api/v1/submissions/{submission_id}/withdraw"),
    ("get", "/api/v1/messages"),
    ("get", "/api/v1/messages/{thread_id}"),
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi(document):
    validate(document)  # raises on any error


def test_the_document_lists_every_operation_with_bearer_auth(document):
    found = {(method, path) for path, item in document["paths"].items() for method in item}
    assert found == OPERATIONS
    schemes = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("security"), f"{method} {path} without security"
            assert "401" in operation["responses"], f"{method} {path} documents no 401"


def test_the_document_names_every_error_code(document):
    described = document["info"]["description"]
    for code in ERROR_CODES:
        assert f"`{code}`" in described


def test_the_docs_page_loads_swagger_from_our_static_files_under_the_csp(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/ninja/") for s in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
        assert client.get(source).status_code == 200, source
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # The page's one inline script is JSON data, which the CSP does not run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']


def test_the_docs_answer_head_and_refuse_post(client):
    assert client.head("/api/v1/docs").status_code == 200
    assert client.post("/api/v1/openapi.json").status_code == 405
