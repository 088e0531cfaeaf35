"""``/docs`` and ``/ui`` in a real browser: Debian's ``chromium``, headless, driven by Selenium through Debian's
``chromium-driver``, against the real binary behind the real nginx (``deploy/run-local.sh``, the shipped
configuration).

* ``/docs`` (under ``compat = "reference"``, and with the default policy) lists every path of ``/openapi.json``;
  its "try it" sends the reference request and shows the reference service's answer byte for byte with status 200,
  and a bad body shows the 422 and its errors; ``/redoc`` lands on ``/docs``.
* ``/ui`` (default policy, demo inventory): the demo proposal gives a grid of 3 nodes x every item of ``/checks``,
  node 1's ``check_os_version`` cell failing, its message shown when the cell has focus (by click and by the arrow
  keys); switching to English changes the page's texts and the answer's; an unknown node id shows the 422 message,
  not a broken page; nodes picked from ``GET /nodes`` make a proposal; the fix-script link downloads exactly what
  ``fcgi-check check --fix-script`` prints for the same proposal; a 1,000-member proposal (a 1,000-node SQLite
  inventory) renders, its time printed in this run's log (not asserted).
* Every test: no request leaves the page's origin (the browser's own network log, DevTools ``Network`` events), and
  the console has no error (a 422 the test provoked on purpose is the only network error allowed, by URL and status).
* Screenshots of each page at 1280 and 360 px wide go to ``BROWSER_OUTPUT`` (default ``.build/browser-output``);
  at 360 px the page must not be wider than the screen (the grid scrolls inside its own box).

Nothing here skips: a missing chromium, driver, nginx or binary fails the run.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(REPO_ROOT / "Tests" / "Differential"))
import reference_service  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

OUTPUT = Path(os.environ.get("BROWSER_OUTPUT", REPO_ROOT / ".build" / "browser-output"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
BINARY = Path(os.environ.get("FCGI_CHECK_BIN", REPO_ROOT / ".build" / "debug" / "fcgi-check"))
RUN_LOCAL = REPO_ROOT / "deploy" / "run-local.sh"
WAIT = 20  # seconds any one thing may take to appear
LARGE_MEMBERS = 1000
EXAMPLE = {
    "name": "c1",
    "members": [
        {"node_id": 1, "name": "m1", "host": "172.16.70.101", "port": 5432},
        {"node_id": 2, "name": "m2", "host": "172.16.70.102", "port": 5432},
        {"node_id": 3, "name": "m3", "host": "172.16.70.103", "port": 5432},
    ],
}


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class RunningService:
    """fcgi-check behind a private nginx, started by deploy/run-local.sh; stopped (its whole process group) by stop()."""

    def __init__(self, name: str, policy: str | None = None, inventory: str | None = None) -> None:
        assert BINARY.is_file(), f"no fcgi-check binary at {BINARY} (swift build first, or set FCGI_CHECK_BIN)"
        self.directory = Path(tempfile.mkdtemp(prefix=f"fcgi-browser-{name}-"))
        port = free_port()
        env = dict(os.environ, PORT=str(port), RUN_DIR=str(self.directory / "run"), FCGI_CHECK_BIN=str(BINARY),
                   WORKERS="1")
        env.pop("POLICY", None)
        env.pop("INVENTORY", None)
        if policy:
            env["POLICY"] = policy
        if inventory:
            env["INVENTORY"] = inventory
        self.process = subprocess.Popen(
            ["bash", str(RUN_LOCAL)], cwd=str(REPO_ROOT), env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        lines: queue.Queue[str | None] = queue.Queue()

        def drain() -> None:
            assert self.process.stdout is not None
            for raw in self.process.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
            lines.put(None)

        threading.Thread(target=drain, daemon=True).start()
        seen: list[str] = []
        deadline = time.monotonic() + 30
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"deploy/run-local.sh ({name}) did not become ready:\n" + "\n".join(seen), pytrace=False)
            seen.append(line)
            if line.startswith("ready: "):
                break
        self.origin = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


ORIGINS: set[str] = set()


def start(name: str, **settings):
    service = RunningService(name, **settings)
    ORIGINS.add(service.origin)
    return service


@pytest.fixture(scope="session")
def default_service():
    service = start("default")
    yield service
    service.stop()


@pytest.fixture(scope="session")
def reference_policy_service():
    service = start("reference", policy=str(REPO_ROOT / "deploy" / "policy.reference.toml"))
    yield service
    service.stop()


@pytest.fixture(scope="session")
def large_service(tmp_path_factory):
    """A 1,000-node SQLite inventory whose nodes carry this machine's facts (`fcgi-check facts`)."""
    directory = tmp_path_factory.mktemp("large-inventory")
    facts = json.loads(subprocess.run([str(BINARY), "facts"], check=True, capture_output=True, timeout=60).stdout)
    nodes = [{"id": i, "name": f"n{i:04d}", "host": f"n{i:04d}.cluster.test", "facts": facts}
             for i in range(1, LARGE_MEMBERS + 1)]
    (directory / "nodes.json").write_text(json.dumps(nodes))
    inventory = directory / "inventory.sqlite"
    subprocess.run([str(BINARY), "nodes", "import", "--inventory", str(inventory), str(directory / "nodes.json")],
                   check=True, capture_output=True, timeout=120)
    service = start("large", inventory=str(inventory))
    yield service
    service.stop()


@pytest.fixture(scope="session")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        assert Path(path).is_file(), f"{path} is missing (scripts/install-dependencies.sh --test installs it)"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    downloads = OUTPUT / "downloads"
    downloads.mkdir(exist_ok=True)
    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
        "--disable-features=Translate,OptimizationHints,MediaRouter", "--lang=zh-CN",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN,zh",
    })
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=DriverService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture
def allowed_errors():
    """Console errors a test provokes on purpose: (URL pattern, status) of a request meant to be refused."""
    return []


@pytest.fixture(autouse=True)
def nothing_leaves_the_origin_and_no_console_error(request, browser, allowed_errors):
    browser.get_log("performance")
    browser.get_log("browser")
    yield
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", {}).get("url") or message["params"].get("url"))
    outside = [url for url in urls
               if not url.startswith(("data:", "blob:")) and not any(url.startswith(o + "/") for o in ORIGINS)]
    assert not outside, f"requests that left the origin: {outside}"
    assert urls, "the network log recorded no request at all"
    errors = []
    for entry in browser.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        if entry.get("source") == "network" and any(
                re.search(pattern, entry["message"]) and f"status of {status}" in entry["message"]
                for pattern, status in allowed_errors):
            continue
        errors.append(entry["message"])
    assert not errors, f"console errors: {errors}"


def wait_until(driver, condition, what: str, timeout: float = WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d), message=what)


def text_of(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).get_property("textContent")


def screenshot(driver, name: str, width: int) -> None:
    """A full-page screenshot at `width` CSS pixels; at 360 px nothing may be wider than the screen."""
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        time.sleep(0.2)
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        assert page_width <= width, f"{name} is {page_width} px wide at a {width} px screen"
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", dict(metrics, height=min(height, 12000)))
        time.sleep(0.2)
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        (OUTPUT / f"{name}-{width}px.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def set_accept_language(driver, language: str) -> None:
    driver.execute_cdp_cmd("Network.setUserAgentOverride", {
        "userAgent": driver.execute_script("return navigator.userAgent"), "acceptLanguage": language})


# ---- /docs ------------------------------------------------------------------------------------------------------


def open_docs(driver, service) -> dict:
    driver.get(service.origin + "/docs")
    document = json.loads(urllib.request.urlopen(service.origin + "/openapi.json", timeout=10).read())
    wait_until(driver, lambda d: d.find_elements(By.ID, "try-send"), "the docs page rendered its operations")
    return document


@pytest.mark.parametrize("which", ["reference", "default"])
def test_docs_lists_every_path_of_the_api_description(browser, which, request):
    service = request.getfixturevalue("reference_policy_service" if which == "reference" else "default_service")
    document = open_docs(browser, service)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert text_of(browser, "h1") == "API 文档"
    for path, item in document["paths"].items():
        for method in item:
            if method not in ("get", "post", "put", "delete", "patch", "head", "options"):
                continue
            sections = browser.find_elements(
                By.CSS_SELECTOR, f'section[data-path="{path}"][data-method="{method.upper()}"]')
            assert len(sections) == 1, f"{method.upper()} {path} is not on the page"
            assert path in sections[0].find_element(By.TAG_NAME, "h3").text
            assert browser.find_elements(By.CSS_SELECTOR, f'#toc-list a[data-path="{path}"]'), path
            for status in item[method].get("responses", {}):
                assert sections[0].find_elements(By.CSS_SELECTOR, f'[data-status="{status}"]'), (path, status)
            for parameter in item[method].get("parameters", []):
                assert sections[0].find_elements(
                    By.CSS_SELECTOR, f'[data-parameter="{parameter["name"]}"]'), (path, parameter["name"])
    # A schema folds open with the keyboard: focus its summary, press Enter.
    summary = browser.find_element(By.CSS_SELECTOR, 'section[data-path="/"] details.schema-block > summary')
    summary.send_keys(Keys.ENTER)
    assert summary.find_element(By.XPATH, "..").get_attribute("open") is not None
    if which == "default":
        assert browser.find_elements(By.CSS_SELECTOR, 'header nav a[href^="/ui"]')
        screenshot(browser, "docs", 1280)
        screenshot(browser, "docs", 360)
    else:
        # There is no /ui under compat = "reference": the page does not link to it.
        assert not browser.find_elements(By.CSS_SELECTOR, 'header nav a[href^="/ui"]')


def test_docs_try_it_answers_the_reference_request_with_the_reference_bytes(browser, reference_policy_service,
                                                                            allowed_errors):
    open_docs(browser, reference_policy_service)
    body = browser.find_element(By.ID, "try-body").get_property("value")
    assert json.loads(body) == EXAMPLE
    reference = TestClient(reference_service.app).post(
        "/", content=body.encode(), headers={"Content-Type": "application/json"})
    assert reference.status_code == 200
    browser.find_element(By.ID, "try-send").click()
    wait_until(browser, lambda d: text_of(d, "#try-status").startswith("200"), "status 200 shown")
    assert text_of(browser, "#try-output") == reference.text
    assert "content-type: application/json" in text_of(browser, "#try-headers")
    assert browser.find_element(By.ID, "try-details").get_attribute("hidden") is not None

    # A body that fails validation: the 422, its bytes as the reference's, and each error listed.
    bad = '{"name": "c1", "members": [{"node_id": "x", "name": "m1", "port": 5432}]}'
    reference = TestClient(reference_service.app).post(
        "/", content=bad.encode(), headers={"Content-Type": "application/json"})
    assert reference.status_code == 422
    allowed_errors.append((re.escape(reference_policy_service.origin + "/"), 422))
    field = browser.find_element(By.ID, "try-body")
    field.clear()
    field.send_keys(bad)
    browser.find_element(By.ID, "try-send").click()
    wait_until(browser, lambda d: text_of(d, "#try-status").startswith("422"), "status 422 shown")
    assert text_of(browser, "#try-output") == reference.text
    details = text_of(browser, "#try-details")
    assert "body.members.0.node_id: Input should be a valid integer" in details
    assert "body.members.0.host: Field required" in details


def test_redoc_lands_on_docs(browser, reference_policy_service):
    browser.get(reference_policy_service.origin + "/redoc")
    wait_until(browser, lambda d: d.current_url.endswith("/docs"), "/redoc redirected to /docs")
    wait_until(browser, lambda d: d.find_elements(By.ID, "try-send"), "the docs page rendered")


def test_docs_in_english_with_accept_language_en(browser, default_service):
    set_accept_language(browser, "en")
    try:
        open_docs(browser, default_service)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert text_of(browser, "h1") == "API documentation"
        assert text_of(browser, "#try-send") == "Send"
    finally:
        set_accept_language(browser, "zh-CN,zh")


# ---- /ui --------------------------------------------------------------------------------------------------------


def open_ui(driver, service) -> list:
    driver.get(service.origin + "/ui")
    catalogue = json.loads(urllib.request.urlopen(
        urllib.request.Request(service.origin + "/checks", headers={"Accept-Language": "zh"}), timeout=10).read())
    wait_until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#items input[name=item]")) == len(catalogue),
               "the items of /checks listed")
    wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#nodes input[data-node-id]"),
               "the nodes of /nodes listed")
    return catalogue


def run_check(driver) -> None:
    """Clicks "check" and waits for its answer: the button is disabled from the click until the answer is shown, and
    a new answer clears the previous one's marks first."""
    driver.find_element(By.ID, "run").click()
    wait_until(driver, lambda d: not d.find_element(By.ID, "run").get_property("disabled")
               and (d.find_element(By.ID, "summary").get_attribute("data-render-ms") is not None
                    or not d.find_element(By.ID, "error").get_property("hidden")), "the check answered")


def grid_cell(driver, node_id: int, item: str):
    header = driver.find_element(By.CSS_SELECTOR, f'#grid thead th[data-item="{item}"]')
    column = header.get_property("cellIndex")
    row = driver.find_element(By.CSS_SELECTOR, f'#grid tbody tr[data-node="{node_id}"]')
    return row.find_elements(By.CSS_SELECTOR, "th, td")[column]


def test_ui_demo_grid_with_the_message_on_focus(browser, default_service):
    catalogue = open_ui(browser, default_service)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert json.loads(browser.find_element(By.ID, "proposal").get_property("value")) == EXAMPLE
    run_check(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "#grid tbody tr")
    assert [row.get_attribute("data-node") for row in rows] == ["1", "2", "3"]
    headers = browser.find_elements(By.CSS_SELECTOR, "#grid thead th[data-item]")
    assert [h.get_attribute("data-item") for h in headers] == [item["name"] for item in catalogue]
    assert all(len(row.find_elements(By.TAG_NAME, "td")) == len(catalogue) for row in rows)
    summary = text_of(browser, "#summary")
    assert summary.startswith(f"3 个节点 × {len(catalogue)} 项: "), summary

    cell = grid_cell(browser, 1, "check_os_version")
    assert "cell-fail" in cell.get_attribute("class")
    assert "✗" in cell.text and "失败" in cell.text  # a symbol and a word, not the colour alone
    assert "cell-pass" in grid_cell(browser, 2, "check_os_version").get_attribute("class")
    assert "cell-unknown" in grid_cell(browser, 1, "check_facts_freshness").get_attribute("class")
    cell.click()
    assert browser.switch_to.active_element == cell
    detail = text_of(browser, "#detail-body")
    assert "172.16.70.101 操作系统版本过低, 当前系统版本为 7.1" in detail
    assert ">= 7.2" in detail and "7.1" in detail

    # The keyboard moves between cells and the details follow.
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    moved = grid_cell(browser, 1, catalogue[1]["name"])
    assert browser.switch_to.active_element == moved
    assert "check_systemd_version" in text_of(browser, "#detail-body")
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert "172.16.70.102 当前 systemd 版本为:231" in text_of(browser, "#detail-body")
    # A cell with a fix: the command and its copy button, reached with Enter.
    swap = grid_cell(browser, 2, "check_swap")
    swap.click()
    assert text_of(browser, "#detail-fix") == "swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "copy-fix"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(browser, lambda d: text_of(d, "#copy-status") in ("已复制", "复制失败, 请手动选择命令"), "copy answered")

    # The result, its grid and the details of its focused cell, as the README shows them.
    rect = browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height, scale: 1}",
        "section[aria-labelledby=result-heading]")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot",
                                   {"format": "png", "clip": rect, "captureBeyondViewport": True})
    (OUTPUT / "ui-grid.png").write_bytes(base64.b64decode(shot["data"]))
    screenshot(browser, "ui", 1280)
    screenshot(browser, "ui", 360)


def test_ui_switching_to_english_changes_the_texts(browser, default_service):
    open_ui(browser, default_service)
    run_check(browser)
    assert text_of(browser, "h1") == "集群预检"
    Select(browser.find_element(By.ID, "language")).select_by_value("en")
    wait_until(browser, lambda d: text_of(d, "#summary").startswith("3 nodes × "), "the answer in English")
    assert text_of(browser, "h1") == "Cluster pre-flight check"
    assert text_of(browser, "#run") == "Check"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "fail" in grid_cell(browser, 1, "check_os_version").text
    grid_cell(browser, 1, "check_swap").click()
    grid_cell(browser, 2, "check_swap").click()
    assert "172.16.70.102 has 2.0 GiB of swap; turn swap off" in text_of(browser, "#detail-body")
    items = browser.find_elements(By.CSS_SELECTOR, "#items label.item")
    assert "Operating system version" in items[0].text
    assert browser.find_element(By.CSS_SELECTOR, 'header nav a[href^="/docs"]').get_attribute("href").endswith(
        "/docs?lang=en")


def test_ui_in_english_with_accept_language_en(browser, default_service):
    set_accept_language(browser, "en-US,en;q=0.9")
    try:
        open_ui(browser, default_service)
        assert text_of(browser, "h1") == "Cluster pre-flight check"
        assert Select(browser.find_element(By.ID, "language")).first_selected_option.get_attribute("value") == "en"
        run_check(browser)
        assert text_of(browser, "#summary").startswith("3 nodes × ")
    finally:
        set_accept_language(browser, "zh-CN,zh")


def test_ui_unknown_node_shows_the_422_message(browser, default_service, allowed_errors):
    allowed_errors.append((re.escape(default_service.origin + "/"), 422))
    open_ui(browser, default_service)
    proposal = {"name": "c1", "members": [{"node_id": 9, "name": "m9", "host": "10.0.0.9", "port": 5432}]}
    browser.execute_script("document.getElementById('proposal').value = arguments[0]", json.dumps(proposal))
    run_check(browser)
    error = browser.find_element(By.ID, "error")
    assert error.is_displayed()
    assert "body.members.0.node_id: node_id: 9 未找到" in error.text
    assert not browser.find_element(By.ID, "grid").is_displayed()
    # Not a broken page: the example checks again.
    browser.find_element(By.ID, "example").click()
    run_check(browser)
    assert not error.is_displayed()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#grid tbody tr")) == 3
    # Nor is a proposal that is not JSON at all.
    browser.execute_script("document.getElementById('proposal').value = '{not json'")
    browser.find_element(By.ID, "run").click()
    wait_until(browser, lambda d: d.find_element(By.ID, "error").is_displayed(), "the JSON error shown")
    assert "方案不是合法的 JSON" in browser.find_element(By.ID, "error").text


def test_ui_picks_nodes_from_the_inventory(browser, default_service):
    open_ui(browser, default_service)
    browser.find_element(By.CSS_SELECTOR, "#inventory > summary").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#nodes tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows] == ["1", "2", "3"]
    assert rows[0].find_elements(By.TAG_NAME, "td")[4].text == "从未采集"
    browser.find_element(By.CSS_SELECTOR, '#nodes input[data-node-id="1"]').click()
    browser.find_element(By.CSS_SELECTOR, '#nodes input[data-node-id="3"]').click()
    browser.find_element(By.ID, "use-nodes").click()
    proposal = json.loads(browser.find_element(By.ID, "proposal").get_property("value"))
    assert proposal == {"name": "c1", "members": [
        {"node_id": 1, "name": "node1", "host": "172.16.70.101", "port": 5432},
        {"node_id": 3, "name": "node3", "host": "172.16.70.103", "port": 5432}]}
    # Only two items, chosen with the keyboard's space bar.
    browser.find_element(By.ID, "items-none").click()
    for name in ("check_os_version", "check_hostname"):
        browser.find_element(By.CSS_SELECTOR, f'#items input[value="{name}"]').send_keys(Keys.SPACE)
    run_check(browser)
    headers = browser.find_elements(By.CSS_SELECTOR, "#grid thead th[data-item]")
    assert [h.get_attribute("data-item") for h in headers] == ["check_os_version", "check_hostname"]
    assert [r.get_attribute("data-node") for r in browser.find_elements(By.CSS_SELECTOR, "#grid tbody tr")] == [
        "1", "3"]


def test_ui_fix_script_is_what_the_command_prints(browser, default_service, tmp_path):
    for leftover in browser.downloads.iterdir():
        leftover.unlink()
    open_ui(browser, default_service)
    run_check(browser)
    proposal = tmp_path / "proposal.json"
    proposal.write_text(browser.find_element(By.ID, "proposal").get_property("value"))
    printed = subprocess.run([str(BINARY), "check", "--demo", "--fix-script", str(proposal)], capture_output=True,
                             timeout=60)
    assert printed.returncode == 1, printed.stderr  # the demo nodes fail checks
    browser.find_element(By.ID, "fix-script").click()
    target = browser.downloads / "fcgi-check-fix-scripts.sh"
    wait_until(browser, lambda d: target.is_file() and not list(browser.downloads.glob("*.crdownload")),
               "the fix script downloaded")
    assert target.read_bytes() == printed.stdout
    assert printed.stdout.startswith(b"# fcgi-check fix scripts")


def test_ui_a_thousand_members(browser, large_service):
    catalogue = open_ui(browser, large_service)
    proposal = {"name": "big", "members": [
        {"node_id": i, "name": f"m{i}", "host": f"n{i:04d}.cluster.test", "port": 5432}
        for i in range(1, LARGE_MEMBERS + 1)]}
    browser.execute_script("document.getElementById('proposal').value = arguments[0]", json.dumps(proposal))
    started = time.monotonic()
    run_check(browser)
    wall = (time.monotonic() - started) * 1000
    summary = browser.find_element(By.ID, "summary")
    assert summary.get_attribute("data-cells") == str(LARGE_MEMBERS * len(catalogue))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#grid tbody tr")) == LARGE_MEMBERS
    rendered = int(summary.get_attribute("data-render-ms"))
    line = (f"browser: /ui with {LARGE_MEMBERS} members x {len(catalogue)} items: {rendered} ms from the click to "
            f"the grid painted (the page's own measure: request, answer and rendering), {wall:.0f} ms as the test "
            f"saw it (with WebDriver's polling)")
    print("\n" + line)
    with open(OUTPUT / "timings.txt", "a") as log:
        log.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + line + "\n")
    # The last row's last cell is reachable with the keyboard from the first.
    first = browser.find_element(By.CSS_SELECTOR, "#grid tbody td")
    first.click()
    browser.switch_to.active_element.send_keys(Keys.CONTROL, Keys.END)
    last = browser.switch_to.active_element
    assert last.find_element(By.XPATH, "..").get_attribute("data-node") == str(LARGE_MEMBERS)
    assert f"n{LARGE_MEMBERS:04d}" in text_of(browser, "#detail-body")
