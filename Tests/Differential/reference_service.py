"""Reference service: the Python FastAPI implementation that `fcgi-check`
must replace byte for byte.

This is a faithful reconstruction of the original service's contract and is
used by ``test_differential.py`` as the oracle (in process, through
``fastapi.testclient.TestClient``).  It deliberately keeps every FastAPI /
Starlette / pydantic default, including the behaviours that the Swift service
deviates from on purpose (unknown node ids raise -> 500; validation errors
whose echoed ``input`` cannot be serialised -> 500).

Run it standalone (used for the harness self-test):

    python -m uvicorn reference_service:app --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Member(BaseModel):
    node_id: int
    name: str
    host: str
    port: int


class Param(BaseModel):
    name: str
    members: list[Member]


# Demo inventory (what `fcgi-check serve --demo` serves).
INVENTORY: dict[int, dict[str, str]] = {
    1: {"name": "node1", "host": "172.16.70.101", "os_version": "7.1", "systemd_version": "219"},
    2: {"name": "node2", "host": "172.16.70.102", "os_version": "7.2", "systemd_version": "231"},
    3: {"name": "node3", "host": "172.16.70.103", "os_version": "7.3", "systemd_version": "231"},
}

MIN_OS_VERSION = "7.2"


def _version_parts(version: str) -> list[int]:
    return [int(part) for part in version.split(".")]


def check_os_version(nodes: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    not_success_nodes = []
    for node_id, node in nodes:
        os_version = node["os_version"]
        if _version_parts(os_version) < _version_parts(MIN_OS_VERSION):
            not_success_nodes.append(
                {
                    "node_id": node_id,
                    "message": f"{node['host']} 操作系统版本过低, 当前系统版本为 {os_version}",
                }
            )
    return {
        "name": "check_os_version",
        "description": "检查操作系统版本",
        "not_success_nodes": not_success_nodes,
    }


def check_systemd_version(nodes: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    not_success_nodes = []
    for node_id, node in nodes:
        version = node["systemd_version"]
        if not (int(version) > 213 and int(version) != 231):
            not_success_nodes.append(
                {"node_id": node_id, "message": f"{node['host']} 当前 systemd 版本为:{version}"}
            )
    return {
        "name": "check_systemd_version",
        "description": "检测 systemd 检查版本 >213 且 != 231",
        "not_success_nodes": not_success_nodes,
    }


CHECKS = (check_os_version, check_systemd_version)


@app.post("/")
async def check(param: Param):
    node_ids: list[int] = []
    for member in param.members:
        if member.node_id not in node_ids:
            node_ids.append(member.node_id)
    # An unknown node id raises KeyError here -> Starlette answers 500.
    nodes = [(node_id, INVENTORY[node_id]) for node_id in node_ids]
    return [check_item(nodes) for check_item in CHECKS]
