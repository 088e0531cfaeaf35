#!/usr/bin/env python3
"""Soak client: mixed valid and invalid requests to 127.0.0.1 for a bounded time, every answer checked.

Usage: soak_client.py PORT SECONDS APP_PID REPORT.json
Samples the app's resident memory and open file descriptors every 10 s; exits 1 on any wrong answer, or when memory
or descriptors grow between the first and the last third of the run beyond a small allowance.
"""
import http.client
import json
import os
import sys
import threading
import time

port, seconds, pid, report_path = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

REFERENCE = (
    '[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 '
    '操作系统版本过低, 当前系统版本为 7.1"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231",'
    '"not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":'
    '"172.16.70.103 当前 systemd 版本为:231"}]}]'
).encode()
VALID = json.dumps({"name": "c1", "members": [
    {"node_id": i, "name": f"m{i}", "host": f"172.16.70.10{i}", "port": 5432} for i in (1, 2, 3)]}).encode()
MIXES = [  # (method, path, content type, body, expected status, expected body or None)
    ("POST", "/", "application/json", VALID, 200, REFERENCE),
    ("POST", "/", "application/json", b'{"name":"c","members":[{"node_id":9,"name":"a","host":"h","port":1}]}', 422,
     '{"detail":[{"type":"node_not_found","loc":["body","members",0,"node_id"],"msg":"node_id: 9 未找到","input":9}]}'.encode()),
    ("POST", "/", "application/json", b"{", 422,
     b'{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}'),
    ("POST", "/", "application/json", b"\xff", 400, b'{"detail":"There was an error parsing the body"}'),
    ("GET", "/", None, b"", 405, b'{"detail":"Method Not Allowed"}'),
    ("POST", "/x", "application/json", VALID, 404, b'{"detail":"Not Found"}'),
    ("POST", "/", "application/json", b"[" * 5000, 400, b'{"detail":"There was an error parsing the body"}'),
]

stop_at = time.monotonic() + seconds
counts = {"requests": 0, "wrong": 0}
lock = threading.Lock()
wrong_examples = []


def worker(offset):
    i = offset
    while time.monotonic() < stop_at:
        method, path, ctype, body, status, expected = MIXES[i % len(MIXES)]
        i += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": ctype} if ctype else {}
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            ok = response.status == status and (expected is None or data == expected)
        except Exception as error:  # a refused or cut connection is a wrong answer too
            ok, data = False, repr(error).encode()
        finally:
            connection.close()
        with lock:
            counts["requests"] += 1
            if not ok:
                counts["wrong"] += 1
                if len(wrong_examples) < 5:
                    wrong_examples.append(f"{method} {path}: {data[:200]!r}")


def sample():
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
samples = []
while time.monotonic() < stop_at:
    samples.append(sample())
    time.sleep(min(10, max(0.1, stop_at - time.monotonic())))
for thread in threads:
    thread.join()
samples.append(sample())

third = max(1, len(samples) // 3)
early_rss = max(rss for rss, _ in samples[:third])
late_rss = max(rss for rss, _ in samples[-third:])
early_fds = max(fds for _, fds in samples[:third])
late_fds = max(fds for _, fds in samples[-third:])
report = {"seconds": seconds, **counts, "rss_kb": [rss for rss, _ in samples], "fds": [fds for _, fds in samples],
          "wrong_examples": wrong_examples}
json.dump(report, open(report_path, "w"), indent=1)
print(f"{counts['requests']} requests, {counts['wrong']} wrong; RSS {samples[0][0]} -> {samples[-1][0]} kB "
      f"(early max {early_rss}, late max {late_rss}); fds {samples[0][1]} -> {samples[-1][1]}")
failed = counts["wrong"] > 0 or late_rss > early_rss * 1.10 + 2048 or late_fds > early_fds + 2
print("soak:", "FAILED" if failed else "passed", *wrong_examples, sep="\n  ")
sys.exit(1 if failed else 0)
