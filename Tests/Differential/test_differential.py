"""Differential test: `fcgi-check` (Swift, FastCGI behind nginx) against the
Python FastAPI reference service (``reference_service.py``).

Every case is sent, with the same method, path, headers and body bytes, to

* the reference, in process, through ``fastapi.testclient.TestClient``
  (``raise_server_exceptions=False`` so a crash is a real 500), and
* the service under test, over real HTTP on the loopback interface,

and the status code, the ``Content-Type`` header, the ``Allow`` header (where
either side has one) and the body bytes must be identical -- except for the
deliberate deviations listed below, which are asserted explicitly.

The service under test is, in order of precedence:

* ``FCGI_CHECK_URL=http://127.0.0.1:PORT/``: an already running service
  (nothing is started; only loopback addresses are accepted);
* ``FCGI_CHECK_SELFTEST=1``: the reference itself, served by uvicorn on a free
  loopback port.  In this mode every case (deviations included) must be
  identical, which proves the harness;
* otherwise ``deploy/run-local.sh`` (repo root relative; override the path with
  ``FCGI_CHECK_RUN_LOCAL``) with ``PORT`` set to a
  free loopback port, ``RUN_DIR`` to a fresh temp dir and ``POLICY`` to
  ``deploy/policy.reference.toml`` (``compat = "reference"``, unless ``POLICY`` is
  set already); ``FCGI_CHECK_BIN`` is passed through if set.  The test waits for its ``ready: <url>`` line (30 s)
  and fails loudly if it does not come; the whole process group is stopped at
  the end of the session.

Deliberate deviations (where the reference answers 500):

* a member whose node_id is not in the inventory: ours answers exactly
  ``422 {"detail":[{"type":"node_not_found","loc":["body","members",i,"node_id"],
  "msg":"node_id: N 未找到","input":N}, ...]}`` (one entry per such member,
  member order, input = the validated integer);
* a validation error whose echoed ``input`` cannot be serialised by Starlette
  (NaN/Infinity, lone surrogates, undecodable bytes, ...): ours answers a 4xx
  with a JSON object body that has a ``detail`` key;
* bodies over 1 MiB: nginx answers 413 (status asserted only);
* malformed request URIs (``/%zz``, ``/%00``, ``/%``): nginx refuses them before
  the app sees them; the deploy configuration answers exactly
  ``400 {"detail":"Bad Request"}`` (the reference, without nginx, says 404).

How to run (from the repo root, after ``swift build``):

    python3 -m pip install -r Tests/Differential/requirements.txt
    python3 -m pytest Tests/Differential                      # ours via deploy/run-local.sh
    FCGI_CHECK_URL=http://127.0.0.1:8080/ python3 -m pytest Tests/Differential
    FCGI_CHECK_SELFTEST=1 python3 -m pytest Tests/Differential   # harness self-test

``FCGI_CHECK_SELFTEST=1`` together with ``FCGI_CHECK_URL`` compares a running
copy of the reference exactly (deviations included).

Knobs: FUZZ_SEED (default 1729), FUZZ_COUNT (default 3000),
FUZZ_TIME_BUDGET seconds (default 40; the fuzz stops early, with a warning,
when it runs out).  A fuzz failure names its replay expression, e.g.
``fuzz_bodies(1729, 16)[15]``.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import ipaddress
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
from fastapi.testclient import TestClient  # noqa: E402
from pydantic import ValidationError  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reference_service  # noqa: E402

REPO_ROOT = HERE.parents[1]
RUN_LOCAL = Path(os.environ.get("FCGI_CHECK_RUN_LOCAL") or REPO_ROOT / "deploy" / "run-local.sh")
READY_TIMEOUT = 30.0
SELFTEST = os.environ.get("FCGI_CHECK_SELFTEST", "") not in ("", "0")
ONE_MIB = 1024 * 1024

# --------------------------------------------------------------------------
# Minimal raw HTTP/1.1 client (exact control over what goes on the wire)
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        values = [v for k, v in self.headers if k.lower() == name]
        if not values:
            return None
        return ", ".join(values)


class _Closed(Exception):
    """The server closed a reused connection before answering."""


class RawHTTPClient:
    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buf = b""

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
                self.buf = b""

    def _connect(self) -> None:
        self.close()
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def request(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes,
        chunks: list[bytes] | None = None,
    ) -> Response:
        """Sends one request; with ``chunks`` the body is sent chunked (those chunks)."""
        host_header = f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}"
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if chunks is not None:
            lines.append("Transfer-Encoding: chunked")
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks if c) + b"0\r\n\r\n"
        elif body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (0, 1):
            reused = self.sock is not None
            if not reused:
                self._connect()
            try:
                return self._roundtrip(raw, method)
            except (_Closed, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if attempt == 1 or not reused:
                    raise ConnectionError(f"{method} {target}: connection failed: {exc!r}") from exc
        raise AssertionError("unreachable")

    def _roundtrip(self, raw: bytes, method: str) -> Response:
        assert self.sock is not None
        try:
            self.sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            # The server may have answered early (e.g. 413) and stopped
            # reading; try to read what it said.
            pass
        while True:
            status, headers = self._read_head()
            if 100 <= status < 200:
                continue
            break
        resp_headers = Response(status, headers, b"")
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif (resp_headers.header("transfer-encoding") or "").lower().endswith("chunked"):
            body = self._read_chunked()
        elif resp_headers.header("content-length") is not None:
            body = self._read_exact(int(resp_headers.header("content-length")))
        else:
            body = self._read_to_close()
        conn = (resp_headers.header("connection") or "").lower()
        if "close" in conn:
            self.close()
        return Response(status, headers, body)

    def _recv(self) -> bytes:
        assert self.sock is not None
        data = self.sock.recv(65536)
        return data

    def _read_until(self, marker: bytes, first: bool = False) -> bytes:
        while marker not in self.buf:
            data = self._recv()
            if not data:
                if first and not self.buf:
                    raise _Closed("connection closed before response")
                raise ConnectionError("connection closed mid-response")
            self.buf += data
        idx = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:idx], self.buf[idx:]
        return out

    def _read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            data = self._recv()
            if not data:
                raise ConnectionError("connection closed mid-body")
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_to_close(self) -> bytes:
        chunks = [self.buf]
        self.buf = b""
        while True:
            data = self._recv()
            if not data:
                break
            chunks.append(data)
        self.close()
        return b"".join(chunks)

    def _read_chunked(self) -> bytes:
        out = []
        while True:
            line = self._read_until(b"\r\n")
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while self._read_until(b"\r\n") != b"\r\n":  # trailers
                    pass
                return b"".join(out)
            out.append(self._read_exact(size))
            self._read_until(b"\r\n")

    def _read_head(self) -> tuple[int, list[tuple[str, str]]]:
        head = self._read_until(b"\r\n\r\n", first=True).decode("latin-1")
        lines = head.split("\r\n")
        m = re.match(r"HTTP/\d\.\d (\d{3})", lines[0])
        if not m:
            raise ConnectionError(f"bad status line {lines[0]!r}")
        headers = []
        for line in lines[1:]:
            if not line:
                continue
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
        return int(m.group(1)), headers


# --------------------------------------------------------------------------
# Service under test: fixture
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Service:
    host: str
    port: int
    label: str
    client: RawHTTPClient


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"<unreadable: {exc}>"
    return data[-limit:].decode("utf-8", "replace")


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group we created, then SIGKILL it if needed."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    # Kill whatever is left in the group (children that ignored SIGTERM).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _start_run_local(run_dir: Path) -> tuple[subprocess.Popen, str, Path]:
    port = _free_port()
    env = dict(os.environ)
    env["PORT"] = str(port)
    env["RUN_DIR"] = str(run_dir)
    # The reference's bytes are what ``compat = "reference"`` promises; the default answer adds check items and
    # fields (its first two entries are the reference's: Tests/EndToEndTests/CatalogueEndToEndTests.swift).
    env.setdefault("POLICY", str(REPO_ROOT / "deploy" / "policy.reference.toml"))
    stderr_path = run_dir.parent / (run_dir.name + ".run-local.stderr")
    stderr_file = open(stderr_path, "wb")
    proc = subprocess.Popen(
        ["bash", str(RUN_LOCAL)],
        cwd=str(REPO_ROOT),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        start_new_session=True,  # own process group -> killpg at the end
    )
    stderr_file.close()
    lines: queue.Queue[str | None] = queue.Queue()
    seen: list[str] = []

    def reader() -> None:  # keeps draining stdout for the whole session
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.monotonic() + READY_TIMEOUT
    url = None
    while url is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        m = re.match(r"^ready: (\S+)\s*$", line)
        if m:
            url = m.group(1)
    if url is None:
        status = proc.poll()
        _stop_group(proc)
        logs = []
        for p in sorted(run_dir.rglob("*")):
            if p.is_file() and p.suffix in (".log", ".conf", ".txt", ".err", ".out"):
                logs.append(f"--- {p} ---\n{_tail(p)}")
        pytest.fail(
            f"deploy/run-local.sh did not print 'ready: ...' within {READY_TIMEOUT:.0f} s "
            f"(PORT={port}, RUN_DIR={run_dir}, exit status {status}).\n"
            f"stdout:\n" + "\n".join(seen[-50:]) + f"\nstderr:\n{_tail(stderr_path)}\n" + "\n".join(logs),
            pytrace=False,
        )
    parsed = urllib.parse.urlsplit(url)
    if parsed.hostname != "127.0.0.1" or parsed.port != port:
        _stop_group(proc)
        pytest.fail(f"run-local.sh announced {url!r}, expected http://127.0.0.1:{port}/", pytrace=False)
    return proc, url, stderr_path


def _start_uvicorn(run_dir: Path) -> tuple[subprocess.Popen, str, Path]:
    port = _free_port()
    log = run_dir / "uvicorn.log"
    log_file = open(log, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "reference_service:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=str(HERE),
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/", log
        except OSError:
            time.sleep(0.1)
    _stop_group(proc)
    pytest.fail(f"uvicorn (self-test) did not come up on port {port}:\n{_tail(log)}", pytrace=False)
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Service:
    url = os.environ.get("FCGI_CHECK_URL")
    if url:
        label = f"FCGI_CHECK_URL={url}"
    else:
        run_dir = tmp_path_factory.mktemp("fcgi-check-run")
        if SELFTEST:
            proc, url, _ = _start_uvicorn(run_dir)
            label = f"self-test: reference under uvicorn at {url}"
        else:
            if not RUN_LOCAL.is_file():
                pytest.fail(f"{RUN_LOCAL} does not exist (set FCGI_CHECK_URL to test a running service)",
                            pytrace=False)
            proc, url, _ = _start_run_local(run_dir)
            label = f"deploy/run-local.sh at {url} (RUN_DIR={run_dir})"
        request.addfinalizer(lambda: _stop_group(proc))
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http" or not parsed.hostname or not _is_loopback(parsed.hostname):
        pytest.fail(f"refusing non-loopback service URL {url!r}", pytrace=False)
    port = parsed.port or 80
    client = RawHTTPClient(parsed.hostname, port)
    request.addfinalizer(client.close)
    return Service(parsed.hostname, port, label, client)


@pytest.fixture(scope="session")
def reference() -> TestClient:
    return TestClient(reference_service.app, raise_server_exceptions=False)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

JSON = "application/json"


@dataclasses.dataclass
class Case:
    name: str
    body: bytes = b""
    content_type: str | None = JSON
    method: str = "POST"
    path: str = "/"
    # "same" | "node_not_found" | "ref500" | "too_large"
    expect: str = "same"
    # for node_not_found: [(member index, validated node_id), ...]
    nnf: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    extra_headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # send the body with Transfer-Encoding: chunked, in chunks of this many bytes
    chunk_size: int | None = None

    def chunks(self) -> list[bytes] | None:
        if self.chunk_size is None:
            return None
        return [self.body[i:i + self.chunk_size] for i in range(0, len(self.body), self.chunk_size)]

    def headers(self) -> list[tuple[str, str]]:
        h = list(self.extra_headers)
        if self.content_type is not None:
            h.insert(0, ("Content-Type", self.content_type))
        return h


HOSTS = {1: '"172.16.70.101"', 2: '"172.16.70.102"', 3: '"172.16.70.103"'}


def M(node_id: Any = 1, name: str | None = None, host: str | None = None, port: str = "22",
      extra: str = "", omit: tuple[str, ...] = ()) -> str:
    """A member object as raw JSON text. Values are raw JSON text too."""
    nid = str(node_id)
    if name is None:
        name = f'"node{nid}"' if nid.isdigit() else '"n"'
    if host is None:
        host = HOSTS.get(node_id, '"h9.example"') if isinstance(node_id, int) else '"h9.example"'
    fields = [("node_id", nid), ("name", name), ("host", host), ("port", port)]
    parts = [f'"{k}":{v}' for k, v in fields if k not in omit]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}"


def B(*members: str, name: str = '"cluster"', members_raw: str | None = None, extra: str = "",
      omit: tuple[str, ...] = ()) -> bytes:
    """A request body as raw JSON text (UTF-8 with surrogatepass)."""
    mem = members_raw if members_raw is not None else "[" + ",".join(members) + "]"
    parts = [(k, v) for k, v in (("name", name), ("members", mem)) if k not in omit]
    text = "{" + ",".join(f'"{k}":{v}' for k, v in parts) + (("," + extra) if extra and parts else extra) + "}"
    return text.encode("utf-8", "surrogatepass")


VALID = B(M(1), M(2), M(3))
VALID_TEXT = VALID.decode()
GOLDEN = (
    '[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":'
    '[{"node_id":1,"message":"172.16.70.101 操作系统版本过低, 当前系统版本为 7.1"}]},'
    '{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231",'
    '"not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},'
    '{"node_id":3,"message":"172.16.70.103 当前 systemd 版本为:231"}]}]'
).encode()


def nest(depth: int, open_: str = "[", close: str = "]", inner: str = "") -> str:
    return open_ * depth + inner + close * depth


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(name: str, body: bytes | str, **kw: Any) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        c.append(Case(name, body, **kw))

    # ---- valid requests and variations -------------------------------
    add("valid_3_nodes", VALID)
    add("order_3_2_1", B(M(3), M(2), M(1)))
    add("order_2_3_1", B(M(2), M(3), M(1)))
    add("order_3_1_2", B(M(3), M(1), M(2)))
    add("duplicates_pairs", B(M(1), M(1), M(2), M(2), M(3), M(3)))
    add("duplicates_interleaved", B(M(3), M(1), M(3), M(2), M(1)))
    add("one_member_node1", B(M(1)))
    add("one_member_node2", B(M(2)))
    add("one_member_node3", B(M(3)))
    add("two_members_1_3", B(M(1), M(3)))
    add("empty_members", B())
    add("extra_keys_everywhere",
        B(M(1, extra='"role":"master","tags":["a",{"b":null}],"w":1.5'), M(2), M(3),
          extra='"version":2,"opts":{"x":[1,2,3]},"flag":true,"none":null'))
    add("extra_key_nan_inf", B(M(1), M(2), extra='"a":NaN,"b":Infinity,"c":-Infinity,"d":1e400'))
    add("extra_key_in_member_nan", B(M(1, extra='"z":NaN')))
    add("extra_key_bigint_4300_digits", B(M(3), extra='"big":' + "7" * 4300))
    add("extra_key_bigint_4301_digits_400", B(M(3), extra='"big":' + "7" * 4301))
    add("extra_key_nested_100", B(M(2), extra='"deep":' + nest(100)))
    add("extra_key_nested_500_objects", B(M(2), extra='"deep":' + nest(500, '{"k":', "}", "0")))
    add("extra_key_lone_surrogate", B(M(1), extra='"s":"\\ud800"'))
    add("dup_key_name_last_wins", '{"name":1,"name":"ok","members":[' + M(1) + "]}")
    add("dup_key_members_last_wins", '{"name":"x","members":"bad","members":[' + M(2) + "," + M(1) + "]}")
    add("dup_key_members_first_valid_last_invalid", '{"name":"x","members":[' + M(2) + '],"members":7}')
    add("dup_key_node_id_last_wins", B('{"node_id":9,"name":"a","host":"h","port":1,"node_id":2}'))
    add("dup_key_port_last_invalid", B('{"node_id":1,"name":"a","host":"h","port":1,"port":"x"}'))
    add("dup_keys_echo_order", '{"a":1,"b":2,"a":3}')
    add("member_host_differs_from_inventory",
        B(M(1, host='"10.9.9.9"'), M(2, host='"example.invalid"'), M(3, host='""')))
    add("member_name_and_port_arbitrary", B(M(1, name='"x"', port="0"), M(2, name='""', port="-5")))
    add("key_order_shuffled",
        '{"members":[{"port":22,"host":"h","name":"n","node_id":3},{"host":"h","node_id":1,"port":1,"name":"n"}],"name":"c"}')
    add("pretty_printed_whitespace", json.dumps(json.loads(VALID), indent="\t").replace("\n", "\r\n") + " \n\t ")
    add("unicode_names", B(M(1, name='"节点一"'), M(2, name='"😀 \\u4e2d \\ud83d\\ude00"'), name='"集群\\n\\t\\"\\\\\\/"'))
    add("lone_surrogate_in_name_escape", B(M(1, name='"\\udc00"'), name='"\\ud800x"'))
    add("lone_surrogate_in_name_raw_cesu8", b'{"name":"\xed\xa0\x80","members":[' + M(2).encode() + b"]}")
    add("nul_and_controls_escaped_in_name", B(M(3, name='"\\u0000\\u001f\\b\\f"')))
    add("raw_del_and_u2028_in_name", B(M(3, name='"\x7f\u2028\u2029"')))
    add("port_bigint", B(M(1, port="1" + "0" * 30), M(2, port="-" + "9" * 40)))
    add("port_int64_bounds", B(M(1, port="9223372036854775807"), M(2, port="-9223372036854775808")))
    add("port_float_9_2e18", B(M(1, port="9.2e18")))
    # lax int acceptance
    add("lax_int_2_0", B(M(1, port="2.0"), M(2, port="-0.0")))
    add("lax_int_1e2", B(M(1, port="1e2"), M(2, port="1E+2"), M(3, port="2.5e1")))
    add("lax_int_true_false", B(M(1, port="true"), M(2, port="false"), M("true")))
    add("lax_int_string_spaces", B(M(1, port='" 2 "'), M('" 3 "'), M('"\\t2\\n"')))
    add("lax_int_string_1_0", B(M(1, port='"1.0"'), M('"1.0"'), M('"2.000"')))
    add("lax_int_string_underscore", B(M(1, port='"1_0"'), M(2, port='"1_000_000"')))
    add("lax_int_string_plus_minus", B(M(1, port='"+5"'), M(2, port='"-5"'), M('"+3"')))
    add("lax_node_id_float_2_0", B(M("2.0"), M("3e0"), M("1.00")))
    add("lax_int_string_4300_digits", B(M(1, port='"' + "1" * 4300 + '"')))

    add("many_members_1000", B(*[M(1 + i % 3) for i in range(1000)]))
    add("long_name_100k", B(M(2), name='"' + "名" * 100_000 + '"'))
    add("unicode_escapes_upper_hex", B(M(1, name='"\\u00E9\\u4E2D"')))
    # echo formatting of every kind of JSON value (Python repr of floats, escapes, big ints)
    add("echo_float_repr_forms", B(members_raw="[1E2,-0.0,1e-5,1.0e+16,1e16,1e15,123456789012345678901234567890.0,"
                                               "0.1e1,5e-324,1.7976931348623157e308,2.5E-3,100.0,3.14159265358979323846]"))
    add("echo_int_forms", B(members_raw="[-0,0,9223372036854775808,-9223372036854775809," + "9" * 100 + "]"))
    add("echo_string_escapes",
        B(members_raw='["\\u0000\\u001f\\"\\\\\\/\\b\\f\\n\\r\\t\\u007f\\u0080\\u00ff\\u2028\\ud83d\\ude00\\uFFFF", "\x7f\u00e9"]'))
    add("echo_nested_with_dup_keys", B(members_raw='[{"a":{"x":1,"y":2,"x":[true,false,null]}}]'))
    add("echo_missing_dict_with_floats", B('{"node_id":1,"name":"a","host":"h","w":1E2,"v":[1.5e-7,{}]}'))
    add("json_whitespace_formfeed_leading", b"\x0c" + VALID)
    add("json_whitespace_formfeed_trailing", VALID + b"\x0c")
    add("json_whitespace_nbsp_leading", "\u00a0".encode() + VALID)
    add("json_whitespace_all_legal", b" \t\r\n" + VALID.replace(b",", b" ,\r\n\t ").replace(b":", b"\n:\t") + b"\r\n")

    # ---- missing fields ----------------------------------------------------
    add("missing_name", B(M(1), omit=("name",)))
    add("missing_members", B(omit=("members",)))
    add("missing_all_top", "{}")
    add("missing_node_id", B(M(1, omit=("node_id",))))
    add("missing_member_name", B(M(1, omit=("name",))))
    add("missing_host", B(M(1, omit=("host",))))
    add("missing_port", B(M(1, omit=("port",))))
    add("missing_all_member_fields", B("{}"))
    add("missing_in_second_member", B(M(1), M(2, omit=("host", "port")), M(3)))
    add("missing_with_extra_keys_echoed", '{"zeta":[1,{"k":"v"}],"name":"x","alpha":"é😀","members":[{"x":null}]}')

    # ---- type errors -----------------------------------------------------------
    add("string_type_name_int", B(M(1), name="1"))
    add("string_type_name_null", B(M(1), name="null"))
    add("string_type_name_bool", B(M(1), name="true"))
    add("string_type_name_list", B(M(1), name='["a"]'))
    add("string_type_name_object", B(M(1), name='{"a":"b"}'))
    add("string_type_name_float", B(M(1), name="1.5"))
    add("string_type_member_name_and_host", B(M(1, name="12", host="false")))
    add("int_parsing_node_id_abc", B(M('"abc"')))
    add("int_parsing_empty_string", B(M('""')))
    add("int_parsing_float_string", B(M('"1.5"')))
    add("int_parsing_hex_exp_arabic", B(M('"0x10"'), M(2, port='"1e2"'), M(3, port='"١"')))
    add("int_parsing_echo_escapes", B(M('"abc\\u0001\\u007fé\\u2028/\\"\\\\"')))
    add("int_parsing_echo_nul", B(M('"\\u0000"')))
    add("int_parsing_echo_emoji_pair", B(M('"\\ud83d\\ude00😀"')))
    add("int_parsing_size_string_4301", B(M(1, port='"' + "1" * 4301 + '"')))
    add("int_parsing_size_float_1e20", B(M(1, port="1e20")))
    add("int_parsing_size_float_neg", B(M(1, port="-9223372036854775809.0"), M("1e19")))
    add("int_parsing_size_float_1_5e300", B(M("1.5e300")))
    add("int_from_float_1_5", B(M("1.5")))
    add("int_from_float_small", B(M(1, port="0.1"), M(2, port="1e-7"), M(3, port="-2.5")))
    add("int_from_float_repr", B(M(1, port="123456789.123"), M(2, port="1.50"), M(3, port="5e-324")))
    add("int_type_null", B(M("null")))
    add("int_type_list_object", B(M("[]"), M(2, port="{}"), M(3, port="[1]")))
    add("list_type_string", B(members_raw='"x"'))
    add("list_type_int", B(members_raw="1"))
    add("list_type_null", B(members_raw="null"))
    add("list_type_object", B(members_raw=M(1)))
    add("list_type_bool", B(members_raw="true"))
    add("model_attributes_type_body_array", "[]")
    add("model_attributes_type_body_array_of_valid", "[" + VALID_TEXT + "]")
    add("model_attributes_type_body_int", "1")
    add("model_attributes_type_body_float", "-1.25e-3")
    add("model_attributes_type_body_string", '"{\\"name\\":\\"x\\"}"')
    add("model_attributes_type_body_true", "true")
    add("model_attributes_type_body_null", "null")
    add("model_attributes_type_members", B(members_raw='[1,"x",null,[],true,2.5]'))
    add("model_attributes_type_members_mixed_valid", B(M(1), "[]", M(2)))

    # ---- several errors at once (pydantic order) ------------------------------
    add("multi_errors_member", '{"members":[{"node_id":"x","port":"y"}]}')
    add("multi_errors_everything",
        '{"name":1,"members":[{},{"node_id":1.5,"name":2,"host":null,"port":"p"},[],' + M(1) + ',{"node_id":[]}]}')
    add("multi_errors_valid_then_invalid", B(M(1), M(2, port='"x"'), M(3, omit=("name",))))
    add("multi_errors_many_members", B(*[M("\"x%d\"" % i) for i in range(30)]))

    # ---- unknown node ids (deliberate deviation: exact 422) ------------------
    add("unknown_node_9", B(M(9)), expect="node_not_found", nnf=[(0, 9)])
    add("unknown_nodes_mixed", B(M(1), M(9), M(2), M(9), M(0)), expect="node_not_found",
        nnf=[(1, 9), (3, 9), (4, 0)])
    add("unknown_node_negative_and_4", B(M(-1), M(4), M(3)), expect="node_not_found", nnf=[(0, -1), (1, 4)])
    add("unknown_node_duplicate", B(M(4), M(4)), expect="node_not_found", nnf=[(0, 4), (1, 4)])
    add("unknown_node_lax_string", B(M('" 9 "')), expect="node_not_found", nnf=[(0, 9)])
    add("unknown_node_lax_float", B(M("9.0"), M("1e2")), expect="node_not_found", nnf=[(0, 9), (1, 100)])
    add("unknown_node_underscore_false", B(M('"1_0"'), M("false")), expect="node_not_found",
        nnf=[(0, 10), (1, 0)])
    add("unknown_node_bigint", B(M("1" + "0" * 30), M("-18446744073709551616")), expect="node_not_found",
        nnf=[(0, 10 ** 30), (1, -(2 ** 64))])
    add("unknown_node_with_nan_extra_and_surrogate_name",
        B(M(7, name='"\\ud800"', extra='"z":NaN')), expect="node_not_found", nnf=[(0, 7)])

    # ---- unserialisable echoed input (deliberate deviation: 4xx + detail) ----
    add("finite_number_1e400", B(M("1e400")), expect="ref500")
    add("finite_number_neg_1e400", B(M(1, port="-1e400")), expect="ref500")
    add("finite_number_nan", B(M("NaN")), expect="ref500")
    add("finite_number_infinity", B(M(1, port="Infinity"), M(2, port="-Infinity")), expect="ref500")
    add("string_type_nan_name", B(M(1), name="NaN"), expect="ref500")
    add("list_type_nan", B(members_raw="Infinity"), expect="ref500")
    add("model_attributes_type_body_nan", "NaN", expect="ref500")
    add("model_attributes_type_body_lone_surrogate", '"\\ud800"', expect="ref500")
    add("int_parsing_lone_surrogate", B(M('"\\udfff"')), expect="ref500")
    add("missing_echo_contains_nan", B(M(1, omit=("host",), extra='"z":NaN')), expect="ref500")
    add("missing_echo_contains_surrogate", '{"members":[],"s":"\\ud800"}', expect="ref500")
    add("text_plain_invalid_utf8_echo", b'{"name":"\xff"}', content_type="text/plain", expect="ref500")

    # ---- invalid JSON ------------------------------------------------------------
    add("empty_body", b"")
    add("whitespace_only", b" \t\r\n ")
    add("json_expecting_value_top", b"x")
    add("json_expecting_value_after_colon", b'{"name":}')
    add("json_unexpected_eof_after_colon", b'{"name":')
    add("json_unexpected_eof_after_brace", b"{")
    add("json_unexpected_eof_after_key", b'{"name"')
    add("json_expecting_property_name", b"{'name':'x'}")
    add("json_trailing_comma_object", b'{"name":"x",}')
    add("json_trailing_comma_array", b'{"members":[1,]}')
    add("json_expecting_colon", b'{"name" "x"}')
    add("json_expecting_comma_object", b'{"name":"x" "members":[]}')
    add("json_expecting_comma_array", b'{"members":[1 2]}')
    add("json_unterminated_string", b'{"name":"abc')
    add("json_invalid_control_character", b'{"name":"a\nb"}')
    add("json_invalid_control_character_tab", b'{"name":"a\tb","members":[]}')
    add("json_invalid_escape", b'{"name":"\\q"}')
    add("json_invalid_uxxxx_escape", b'{"name":"\\u12x4"}')
    add("json_invalid_uxxxx_escape_low_surrogate", b'{"name":"\\ud800\\u12"}')
    add("json_extra_data", VALID + b" x")
    add("json_extra_data_two_objects", b"{}{}")
    add("json_leading_zero", b"01")
    add("json_bad_literals", b'{"name":tru}')
    add("json_minus_alone", b"-")
    add("json_plus_number", b"+1")
    add("json_dot_number", b'{"a":.5}')
    add("json_number_trailing_dot", b'{"a":1.}')
    add("json_nan_lowercase", b'{"a":nan}')
    add("json_pos_after_multibyte", '{"名字":"é😀" x}')
    add("json_pos_after_multibyte_array", '{"a":["😀😀","中文",]}')
    add("json_pos_unterminated_after_multibyte", '{"名":"é","b":"😀')
    add("json_pos_extra_data_after_multibyte", '{"名":"é😀"}  ß')
    add("json_bom_then_bom", b"\xef\xbb\xbf\xef\xbb\xbf{}")
    add("json_nul_byte", b'{"name":"x"}\x00')
    add("json_single_nul_byte", b"\x00")
    add("json_three_bytes_utf16ish", b"1\x00\x00")
    add("json_deep_100000_arrays", '{"name":"x","members":' + nest(100_000) + "}")
    add("json_deep_100000_objects", nest(100_000, '{"a":', "}", "1"))
    add("json_deep_100000_unclosed", "[" * 100_000)

    # ---- invalid UTF-8 (400) --------------------------------------------------
    add("utf8_invalid_ff_in_string", b'{"name":"\xff","members":[]}')
    add("utf8_truncated_multibyte", b'{"name":"\xe4\xb8","members":[]}')
    add("utf8_overlong", b'{"name":"\xc0\xaf","members":[]}')
    add("utf8_invalid_outside_string", b'{\x80"name":"x","members":[]}')
    add("utf8_beyond_u10ffff", b'{"name":"\xf4\x90\x80\x80","members":[]}')
    add("utf8_invalid_at_end", VALID + b"\xc3")

    # ---- encodings ----------------------------------------------------------------
    add("utf8_bom", codecs.BOM_UTF8 + VALID)
    add("utf16_le_bom", codecs.BOM_UTF16_LE + VALID_TEXT.encode("utf-16-le"))
    add("utf16_be_bom", codecs.BOM_UTF16_BE + VALID_TEXT.encode("utf-16-be"))
    add("utf16_le_no_bom", VALID_TEXT.encode("utf-16-le"))
    add("utf16_be_no_bom", VALID_TEXT.encode("utf-16-be"))
    add("utf32_le_bom", codecs.BOM_UTF32_LE + VALID_TEXT.encode("utf-32-le"))
    add("utf32_be_bom", codecs.BOM_UTF32_BE + VALID_TEXT.encode("utf-32-be"))
    add("utf32_le_no_bom", VALID_TEXT.encode("utf-32-le"))
    add("utf32_be_no_bom", VALID_TEXT.encode("utf-32-be"))
    add("utf16_le_invalid_json_pos", '{"name":"é😀","members":[,]}'.encode("utf-16-le"))
    add("utf16_be_validation_error_echo", B(M('"中文😀"')).decode().encode("utf-16-be"))
    add("utf16_odd_length", VALID_TEXT.encode("utf-16-le")[:-1])
    add("utf16_lone_surrogate_in_name", B(M(2), name='"\ud800"').decode("utf-8", "surrogatepass")
        .encode("utf-16-le", "surrogatepass"))
    add("utf32_invalid_code_point", codecs.BOM_UTF32_LE + b"{\x00\x00\x00" + b"\x00\x00\x11\x00")
    add("two_bytes_utf16_le_digit", b"1\x00")
    add("two_bytes_utf16_be_digit", b"\x007")

    # ---- Content-Type variants -------------------------------------------------
    for label, ct in [
        ("ct_json", "application/json"),
        ("ct_json_charset", "application/json; charset=utf-8"),
        ("ct_json_mixed_case", "Application/JSON"),
        ("ct_json_charset_latin1", "application/json; charset=latin-1"),
        ("ct_json_space_semicolon", "application/json ;"),
        ("ct_vnd_api_json", "application/vnd.api+json"),
        ("ct_problem_json", "application/problem+json"),
        ("ct_text_plain", "text/plain"),
        ("ct_text_json", "text/json"),
        ("ct_form_urlencoded", "application/x-www-form-urlencoded"),
        ("ct_multipart", "multipart/form-data; boundary=xyz"),
        ("ct_application_jsonx", "application/jsonx"),
        ("ct_bare_json", "json"),
        ("ct_empty", ""),
        ("ct_missing", None),
    ]:
        add(label, VALID, content_type=ct)
    add("ct_text_plain_invalid_json", b'{"name":', content_type="text/plain")
    add("ct_missing_invalid_json", b"not json \xc3\xa9", content_type=None)
    add("ct_missing_empty_body", b"", content_type=None)
    add("ct_text_plain_empty_body", b"", content_type="text/plain")
    add("ct_form_body", b"name=x&members=1", content_type="application/x-www-form-urlencoded")
    add("ct_vnd_json_invalid_json", b"{,}", content_type="application/vnd.api+json")
    add("ct_text_plain_utf16_echo_undecodable", VALID_TEXT.encode("utf-16"), content_type="text/plain",
        expect="ref500")

    # ---- query strings (ignored) --------------------------------------------------
    add("query_simple", VALID, path="/?a=1")
    add("query_empty", VALID, path="/?")
    add("query_params_look_like_fields", B(M(9)), path="/?name=x&members=", expect="node_not_found",
        nnf=[(0, 9)])
    add("query_invalid_body", b"{", path="/?q=%zz&x")

    # ---- other methods on / ----------------------------------------------------
    for method in ("GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"):
        add(f"method_{method.lower()}", b"", method=method, content_type=None)
    for method in ("TRACE", "CONNECT", "PROPFIND"):
        add(f"method_{method.lower()}", b"", method=method, content_type=None)
    add("method_put_with_body", VALID, method="PUT")
    add("method_get_with_body_and_query", VALID, method="GET", path="/?x=1")

    # ---- other paths -------------------------------------------------------------
    add("path_x_post", VALID, path="/x")
    add("path_x_get", b"", method="GET", path="/x", content_type=None)
    add("path_x_slash", VALID, path="/x/")
    add("path_check", VALID, path="/check")
    add("path_index_html_get", b"", method="GET", path="/index.html", content_type=None)
    add("path_favicon_head", b"", method="HEAD", path="/favicon.ico", content_type=None)
    add("path_delete_x", b"", method="DELETE", path="/x?y=1", content_type=None)
    add("path_encoded_slash", VALID, path="/%2F")
    add("path_encoded_x", VALID, path="/%78")
    # nginx refuses malformed URIs before any app sees them (deliberate deviation: 400 JSON from nginx)
    add("path_percent_zz", VALID, path="/%zz", expect="nginx_400")
    add("path_percent_00", VALID, path="/%00", expect="nginx_400")
    add("path_lone_percent", VALID, path="/%", expect="nginx_400")
    add("path_long_3000", VALID, path="/" + "a" * 3000)
    add("query_long_5000", VALID, path="/?" + "q" * 5000)
    add("query_percent_00", VALID, path="/?a=%00")

    # ---- chunked request bodies ------------------------------------------------------
    add("chunked_valid", VALID, chunk_size=7)
    add("chunked_one_byte_chunks_multibyte", B(M(2), name='"集群😀"'), chunk_size=1)
    add("chunked_invalid_json", b'{"name":"x",', chunk_size=5)
    add("chunked_empty_body", b"", chunk_size=10)
    add("chunked_unknown_node", B(M(9)), chunk_size=16, expect="node_not_found", nnf=[(0, 9)])
    add("chunked_exactly_1mib", VALID + b" " * (ONE_MIB - len(VALID)), chunk_size=65536)
    add("chunked_1mib_plus_1", VALID + b" " * (ONE_MIB + 1 - len(VALID)), chunk_size=65536, expect="too_large")

    # ---- body size --------------------------------------------------------------------
    add("size_exactly_1mib", VALID + b" " * (ONE_MIB - len(VALID)))
    add("size_1mib_plus_1", VALID + b" " * (ONE_MIB + 1 - len(VALID)), expect="too_large")
    add("size_2mib", VALID + b" " * (2 * ONE_MIB - len(VALID)), expect="too_large")
    return c


CASES = _cases()
assert len({c.name for c in CASES}) == len(CASES), "duplicate case names"
assert len(CASES) >= 80


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------


def call_reference(ref: TestClient, case: Case) -> Response:
    chunks = case.chunks()
    content: Any = iter(chunks) if chunks is not None else (case.body or None)
    r = ref.request(case.method, case.path, content=content, headers=case.headers())
    if chunks is not None and r.request.headers.get("transfer-encoding") != "chunked":
        raise AssertionError(f"{case.name}: TestClient did not send the body chunked")
    # httpx normalises some targets (dot segments, "//", fragments, lowercase methods): such a
    # case would not send the reference what it sends ours, so it is a harness error.
    if r.request.url.raw_path != case.path.encode("ascii") or r.request.method != case.method:
        raise AssertionError(f"{case.name}: TestClient would send {r.request.method} "
                             f"{r.request.url.raw_path!r}, not {case.method} {case.path!r}")
    body = r.content if case.method != "HEAD" else b""
    return Response(r.status_code, list(r.headers.items()), body)


def call_ours(svc: Service, case: Case) -> Response:
    return svc.client.request(case.method, case.path, case.headers(), case.body, chunks=case.chunks())


def _short(b: bytes, limit: int = 300) -> str:
    """Readable rendering of bytes: UTF-8 text where possible, \\x.. escapes elsewhere."""
    text = b[:limit].decode("utf-8", "backslashreplace")
    more = f"... ({len(b)} bytes)" if len(b) > limit else ""
    return repr(text) + more


def _body_diff(a: bytes, b: bytes) -> str:
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    lo = max(0, i - 60)
    out = [f"  body: first difference at byte {i} (reference {len(a)} bytes, ours {len(b)} bytes)",
           f"    reference[{lo}:]: {_short(a[lo:lo + 240], 240)}",
           f"    ours     [{lo}:]: {_short(b[lo:lo + 240], 240)}"]
    try:
        ja = json.dumps(json.loads(a), indent=1, ensure_ascii=False).splitlines()
        jb = json.dumps(json.loads(b), indent=1, ensure_ascii=False).splitlines()
        diff = list(difflib.unified_diff(ja, jb, "reference", "ours", n=1, lineterm=""))
        if diff:
            out.append("    json diff:")
            out += ["      " + line[:200] for line in diff[:30]]
            if len(diff) > 30:
                out.append(f"      ... {len(diff) - 30} more diff lines")
    except (ValueError, UnicodeDecodeError):
        pass
    return "\n".join(out)


def describe(case: Case) -> str:
    how = f" (chunked by {case.chunk_size})" if case.chunk_size else ""
    return (f"case {case.name!r}: {case.method} {case.path} content-type={case.content_type!r} "
            f"body{how}={_short(case.body, 160)}")


def compare_exact(case: Case, ref: Response, ours: Response) -> list[str]:
    problems = []
    if ref.status != ours.status:
        problems.append("  status differs")
    rct, oct_ = ref.header("content-type"), ours.header("content-type")
    if rct != oct_:
        problems.append(f"  content-type: reference {rct!r}, ours {oct_!r}")
    rallow, oallow = ref.header("allow"), ours.header("allow")
    if rallow != oallow:
        problems.append(f"  allow: reference {rallow!r}, ours {oallow!r}")
    if ref.body != ours.body:
        problems.append(_body_diff(ref.body, ours.body))
    if problems:
        problems.insert(0, f"{describe(case)}\n  statuses: reference {ref.status}, ours {ours.status}")
    return problems


def _strict_json(b: bytes) -> Any:
    def bad_constant(name: str) -> Any:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(b.decode("utf-8"), parse_constant=bad_constant)


def expected_node_not_found(nnf: list[tuple[int, int]]) -> bytes:
    detail = [
        {"type": "node_not_found", "loc": ["body", "members", i, "node_id"],
         "msg": f"node_id: {node_id} 未找到", "input": node_id}
        for i, node_id in nnf
    ]
    return json.dumps({"detail": detail}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def check_case(case: Case, ref: Response, ours: Response, expect: str | None = None) -> list[str]:
    """Returns a list of problem lines (empty = pass)."""
    expect = expect or case.expect
    if SELFTEST:
        # The service under test *is* the reference: everything must agree.
        if expect in ("too_large", "nginx_400"):
            return compare_exact(case, ref, ours)
        pre = []
        if expect in ("node_not_found", "ref500") and ref.status != 500:
            pre.append(f"{describe(case)}\n  table error: expected the reference to answer 500, got {ref.status}")
        if expect == "same" and ref.status == 500:
            pre.append(f"{describe(case)}\n  table error: reference answered 500 for a case marked 'same'")
        return pre + compare_exact(case, ref, ours)

    if expect == "same":
        if ref.status == 500:
            return [f"{describe(case)}\n  table error: reference answered 500 for a case marked 'same'"]
        return compare_exact(case, ref, ours)

    head = f"{describe(case)}\n  statuses: reference {ref.status}, ours {ours.status} (deviation {expect!r})"
    if expect == "too_large":
        if ours.status != 413:
            return [head, f"  expected ours to answer 413 for a {len(case.body)}-byte body, got {ours.status}",
                    f"  ours body: {_short(ours.body)}"]
        return []

    if expect == "nginx_400":
        want = Response(400, [("content-type", "application/json")], b'{"detail":"Bad Request"}')
        problems = compare_exact(case, want, ours)
        return [p.replace("reference", "expected") for p in problems]

    if ref.status != 500:
        return [head, f"  table error: expected the reference to answer 500, got {ref.status}"]

    if expect == "node_not_found":
        want = Response(422, [("content-type", "application/json")], expected_node_not_found(case.nnf))
        problems = compare_exact(case, want, ours)
        return [p.replace("reference", "expected") for p in problems]

    if expect == "ref500":
        problems = []
        if not 400 <= ours.status <= 499:
            problems.append(f"  expected ours to answer 4xx, got {ours.status}")
        ct = ours.header("content-type") or ""
        if not ct.startswith("application/json"):
            problems.append(f"  expected a JSON content-type, got {ct!r}")
        try:
            doc = _strict_json(ours.body)
            if not isinstance(doc, dict) or "detail" not in doc:
                problems.append("  expected a JSON object with a 'detail' key")
        except ValueError as exc:
            problems.append(f"  ours body is not strict UTF-8 JSON: {exc}")
        if ours.header("allow") is not None:
            problems.append(f"  unexpected Allow header {ours.header('allow')!r}")
        if problems:
            return [head] + problems + [f"  ours body: {_short(ours.body)}"]
        return []
    raise AssertionError(f"unknown expectation {expect!r}")


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_reference_golden(reference: TestClient) -> None:
    """The reconstructed reference produces exactly the contract's body."""
    r = reference.post("/", content=VALID, headers={"Content-Type": JSON})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.content == GOLDEN


def test_service_golden(service: Service) -> None:
    ours = service.client.request("POST", "/", [("Content-Type", JSON)], VALID)
    assert (ours.status, ours.header("content-type")) == (200, "application/json"), service.label
    assert ours.body == GOLDEN, _body_diff(GOLDEN, ours.body)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, reference: TestClient, service: Service) -> None:
    ref = call_reference(reference, case)
    ours = call_ours(service, case)
    problems = check_case(case, ref, ours)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# ---- fuzz ---------------------------------------------------------------------

POOL = [
    "0", "1", "2", "3", "4", "9", "-1", "1.0", "2.5", "1e2", "3e0", "1e400", "-1e400", "NaN",
    "Infinity", "-Infinity", "true", "false", "null", '"1"', '" 3 "', '"2.0"', '"x"', '""',
    '"1_0"', '"\\ud800"', '"é😀"', "[]", "[1]", "{}", '{"a":1}', "18446744073709551616",
    "1e20", '"\\u0000"', '"' + "9" * 20 + '"', "-0", "0.1e1",
]
INTERESTING_BYTES = list(b'{}[]":,\\ \t\n0123456789-+.eEtfnulNI') + [0x00, 0x7F, 0x80, 0xC3, 0xE4, 0xED, 0xF0, 0xFF]


def _structured_body(rng: random.Random) -> str:
    members = [[("node_id", str(n)), ("name", f'"node{n}"'), ("host", HOSTS[n]), ("port", "22")]
               for n in (1, 2, 3)]
    top = [("name", '"cluster"'), ("members", None)]
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(8)
        if op == 0:  # swap a member value
            m = rng.choice(members) if members else None
            if m:
                i = rng.randrange(len(m))
                m[i] = (m[i][0], rng.choice(POOL))
        elif op in (1, 2):  # swap top-level name / replace members wholesale
            key = "name" if op == 1 else "members"
            idx = [j for j, kv in enumerate(top) if kv[0] == key]
            if idx:
                top[rng.choice(idx)] = (key, rng.choice(POOL))
            else:
                top.append((key, rng.choice(POOL)))
        elif op == 3 and members:  # drop a key
            m = rng.choice(members)
            if m:
                del m[rng.randrange(len(m))]
        elif op == 4:  # duplicate key with another value
            m = rng.choice(members) if members else None
            if m:
                k = rng.choice(m)[0]
                m.insert(rng.randrange(len(m) + 1), (k, rng.choice(POOL)))
        elif op == 5:  # add / remove / duplicate members
            r = rng.random()
            if r < 0.3 and members:
                del members[rng.randrange(len(members))]
            elif r < 0.7 and members:
                members.insert(rng.randrange(len(members) + 1), list(rng.choice(members)))
            else:
                n = rng.choice([1, 2, 3, 5, 9])
                members.append([("node_id", str(n)), ("name", '"n"'), ("host", '"h"'), ("port", "1")])
        elif op == 6:  # extra key
            where = rng.random()
            kv = (rng.choice(["x", "name", "members", "node_id", "é"]), rng.choice(POOL))
            if where < 0.5 or not members:
                top.insert(rng.randrange(len(top) + 1), kv)
            else:
                rng.choice(members).append(kv)
        else:  # drop a top-level key
            del top[rng.randrange(len(top))]
            if not top:
                top = [("members", None)]
    mem_raw = "[" + ",".join("{" + ",".join(f'"{k}":{v}' for k, v in m) + "}" for m in members) + "]"
    return "{" + ",".join(f'"{k}":{mem_raw if v is None else v}' for k, v in top) + "}"


def _byte_mutation(rng: random.Random, data: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(7)
        pos = rng.randrange(len(data) + 1) if data else 0
        if op == 0 and data:  # delete 1..3 bytes
            del data[min(pos, len(data) - 1): pos + rng.randint(1, 3)]
        elif op == 1:  # insert an interesting byte
            data[pos:pos] = bytes([rng.choice(INTERESTING_BYTES)])
        elif op == 2 and data:  # replace a byte
            data[min(pos, len(data) - 1)] = rng.choice(INTERESTING_BYTES)
        elif op == 3:  # truncate
            del data[pos:]
        elif op == 4 and data:  # duplicate a slice
            a = rng.randrange(len(data))
            b = min(len(data), a + rng.randint(1, 12))
            data[pos:pos] = data[a:b]
        elif op == 5 and len(data) > 1:  # swap adjacent bytes
            p = min(pos, len(data) - 2)
            data[p], data[p + 1] = data[p + 1], data[p]
        elif op == 6:  # insert a pool value as text
            data[pos:pos] = rng.choice(POOL).encode()
    return data


def fuzz_bodies(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        r = rng.random()
        if r < 0.45:
            body = bytearray(VALID)
            body = _byte_mutation(rng, body)
        elif r < 0.85:
            body = bytearray(_structured_body(rng).encode("utf-8", "surrogatepass"))
        else:
            body = _byte_mutation(rng, bytearray(_structured_body(rng).encode("utf-8", "surrogatepass")))
        out.append(bytes(body))
    return out


def infer_deviation(body: bytes) -> tuple[str, list[tuple[int, int]]]:
    """For a fuzz body on which the reference answered 500: which deviation applies."""
    try:
        doc = json.loads(body)
        param = reference_service.Param.model_validate(doc, from_attributes=True)
    except (ValueError, ValidationError):
        return "ref500", []
    nnf = [(i, m.node_id) for i, m in enumerate(param.members) if m.node_id not in reference_service.INVENTORY]
    return ("node_not_found", nnf) if nnf else ("ref500", [])


def test_fuzz(reference: TestClient, service: Service) -> None:
    seed = int(os.environ.get("FUZZ_SEED", "1729"))
    count = int(os.environ.get("FUZZ_COUNT", "3000"))
    budget = float(os.environ.get("FUZZ_TIME_BUDGET", "40"))
    bodies = fuzz_bodies(seed, count)
    start = time.monotonic()
    failures: list[str] = []
    signatures: dict[tuple, int] = {}
    done = 0
    stats: dict[str, int] = {}
    for i, body in enumerate(bodies):
        if time.monotonic() - start > budget:
            break
        case = Case(f"fuzz[{seed}:{i}] (replay: fuzz_bodies({seed}, {i + 1})[{i}])", body)
        ref = call_reference(reference, case)
        expect = "same"
        if ref.status == 500:
            expect, nnf = infer_deviation(body)
            case.nnf = nnf
        stats[f"{ref.status}/{expect}"] = stats.get(f"{ref.status}/{expect}", 0) + 1
        ours = call_ours(service, case)
        problems = check_case(case, ref, ours, expect=expect)
        done += 1
        if problems:
            sig = (ref.status, ours.status, expect)
            signatures[sig] = signatures.get(sig, 0) + 1
            if len(failures) < 12:
                failures.append("\n".join(problems))
    elapsed = time.monotonic() - start
    summary = (f"fuzz seed={seed}: {done}/{len(bodies)} mutations in {elapsed:.1f}s; "
               f"reference outcomes {dict(sorted(stats.items()))}")
    print(summary)
    if done < len(bodies):
        warnings.warn(f"fuzz stopped by the {budget:.0f}s time budget after {done} of {len(bodies)} mutations")
    if failures:
        total = sum(signatures.values())
        sig_text = ", ".join(f"ref {a} / ours {b} ({e}): {n}" for (a, b, e), n in signatures.items())
        pytest.fail(f"{summary}\n{total} fuzz mismatches [{sig_text}]; first {len(failures)}:\n\n"
                    + "\n\n".join(failures), pytrace=False)
