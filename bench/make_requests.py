#!/usr/bin/env python3
"""Writes the benchmark's inputs into DIR: request bodies of 3, 100 and 1,000 members, a 1,000-node inventory
(nodes 1-3 carry the reference facts, so the 3-member request gets the reference answer), and that answer."""
import json
import sys

out = sys.argv[1]
nodes = []
for i in range(1, 1001):
    facts = {"os_id": "centos", "os_version": "7.9.2009", "systemd_version": 219}
    if i <= 3:
        facts = {"os_id": "centos", "os_version": ["7.1", "7.2", "7.3"][i - 1], "systemd_version": [219, 231, 231][i - 1]}
    elif i % 10 == 0:
        facts["systemd_version"] = 231  # some failures, so that answers carry messages
    nodes.append({"id": i, "name": f"node{i}", "host": f"172.16.{70 + i // 250}.{100 + i % 250}", "facts": facts})
json.dump(nodes, open(f"{out}/nodes.json", "w"))

for count in (3, 100, 1000):
    members = [{"node_id": i, "name": f"m{i}", "host": f"172.16.70.{100 + i % 150}", "port": 5432} for i in range(1, count + 1)]
    with open(f"{out}/body-{count}.json", "w") as body:
        json.dump({"name": "c1", "members": members}, body)

reference = (
    '[{"name":"check_os_version","description":"检查操作系统版本","not_success_nodes":[{"node_id":1,"message":"172.16.70.101 '
    '操作系统版本过低, 当前系统版本为 7.1"}]},{"name":"check_systemd_version","description":"检测 systemd 检查版本 >213 且 != 231",'
    '"not_success_nodes":[{"node_id":2,"message":"172.16.70.102 当前 systemd 版本为:231"},{"node_id":3,"message":'
    '"172.16.70.103 当前 systemd 版本为:231"}]}]'
)
open(f"{out}/reply.json", "wb").write(reference.encode())
