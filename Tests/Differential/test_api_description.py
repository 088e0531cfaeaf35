"""The API description and the catalogue, through nginx in front of ``fcgi-check serve`` with the DEFAULT policy.

* ``GET /openapi.json`` is a valid OpenAPI 3.1 document (``openapi-spec-validator``);
* real answers conform to the schemas it declares: ``POST /`` (200, 422 for a bad body, an unknown node and an
  unknown ``?checks=`` name), ``GET /checks``, ``GET /openapi.json``;
* the default answer to the reference's 3-node request starts with the reference service's two entries (same
  names, descriptions, node ids and messages), the reference being asked in process as in ``test_differential.py``.

The service is started by ``deploy/run-local.sh`` (``FCGI_CHECK_BIN`` passed through) with ``POLICY`` unset; if it
does not come up the tests fail, never skip.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import reference_service  # noqa: E402

REFERENCE_REQUEST = {
    "name": "c1",
    "members": [
        {"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432},
        {"node_id": 2, "name": "m2", "host": "172.16.70.102", "port": 5432},
        {"node_id": 3, "name": "m3", "host": "172.16.70.103", "port": 5432},
    ],
}


@pytest.fixture(scope="module")
def service():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run_dir = Path(tempfile.mkdtemp(prefix="fcgi-openapi-")) / "run"
    env = dict(os.environ, PORT=str(port), RUN_DIR=str(run_dir))
    env.pop("POLICY", None)
    proc = subprocess.Popen(
        ["bash", str(REPO_ROOT / "deploy" / "run-local.sh")], cwd=str(REPO_ROOT), env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/openapi.json", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        if proc.poll() is not None:
            pytest.fail(f"deploy/run-local.sh exited: {proc.stdout.read().decode(errors='replace')}", pytrace=False)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def document(service):
    status, body = fetch(service + "/openapi.json")
    assert status == 200
    return json.loads(body)


def conforms(document: dict, instance, pointer: str) -> None:
    """Validates ``instance`` against the schema at ``pointer`` of the document (``$ref``s resolved within it)."""
    registry = Registry().with_resource("urn:fcgi-check", Resource(contents=document, specification=DRAFT202012))
    OAS31Validator({"$ref": "urn:fcgi-check#" + pointer}, registry=registry).validate(instance)


def response_schema(path: str, method: str, status: int) -> str:
    return f"/paths/{path.replace('/', '~1')}/{method}/responses/{status}/content/application~1json/schema"


def test_the_document_is_valid_openapi_3_1(document):
    validate_spec(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/", "/checks", "/nodes", "/fix-script", "/status", "/ping", "/openapi.json"}


def test_answers_conform_to_the_document(service, document):
    # (path and query, method, body, headers, status, the documented operation whose response it is)
    reference = json.dumps(REFERENCE_REQUEST).encode()
    cases = [
        ("/", "POST", reference, {}, 200, ("/", "post")),
        ("/?checks=check_swap,check_os_version", "POST", reference, {"Accept-Language": "en"}, 200, ("/", "post")),
        ("/?checks=check_disk", "POST", reference, {}, 422, ("/", "post")),
        ("/", "POST", b'{"name": 1, "members": [{"node_id": "x"}]}', {}, 422, ("/", "post")),
        ("/", "POST", b'{"name": "c", "members": [{"node_id": 9, "name": "m", "host": "h", "port": 1}]}', {}, 422,
         ("/", "post")),
        ("/", "POST", b"{", {}, 422, ("/", "post")),
        ("/", "GET", None, {}, 405, ("/", "post")),
        ("/checks", "GET", None, {"Accept-Language": "en"}, 200, ("/checks", "get")),
        ("/checks", "POST", b"{}", {}, 405, ("/checks", "get")),
        ("/openapi.json", "GET", None, {}, 200, ("/openapi.json", "get")),
        ("/nowhere", "GET", None, {}, 404, ("/", "post")),
        ("/status", "GET", None, {}, 200, ("/status", "get")),
        ("/status?format=xml", "GET", None, {}, 400, ("/status", "get")),
        ("/status", "POST", b"{}", {}, 405, ("/status", "get")),
    ]
    for target, method, body, headers, expected, (path, operation) in cases:
        status, reply = fetch(service + target, method, body, headers)
        assert status == expected, (target, reply)
        conforms(document, json.loads(reply), response_schema(path, operation, status))


def test_the_text_answers_are_documented(service, document):
    status, reply = fetch(service + "/ping", "GET")
    assert (status, reply) == (200, b"pong")
    assert document["paths"]["/ping"]["get"]["responses"]["200"]["content"]["text/plain"]["schema"]["const"] == "pong"
    status, reply = fetch(service + "/status?format=prometheus", "GET")
    assert status == 200 and b"fcgi_check_requests_accepted_total" in reply
    assert "text/plain" in document["paths"]["/status"]["get"]["responses"]["200"]["content"]


def test_the_request_example_conforms(document):
    conforms(document, REFERENCE_REQUEST, "/components/schemas/ClusterProposal")


def test_the_default_answer_starts_with_the_references_two_entries(service):
    status, body = fetch(service + "/", "POST", json.dumps(REFERENCE_REQUEST).encode())
    assert status == 200
    ours = json.loads(body)
    theirs = TestClient(reference_service.app).post("/", json=REFERENCE_REQUEST).json()
    status, catalogue = fetch(service + "/checks")
    assert status == 200
    assert len(theirs) == 2 and len(ours) == len(json.loads(catalogue)) == 24
    for mine, reference in zip(ours[:2], theirs):
        assert mine["name"] == reference["name"]
        assert mine["description"] == reference["description"]
        assert [(n["node_id"], n["message"]) for n in mine["not_success_nodes"]] == [
            (n["node_id"], n["message"]) for n in reference["not_success_nodes"]]
