#!/usr/bin/env python3
"""Writes the benchmark's inputs into DIR: request bodies of 3, 100 and 1,000 members, a 1,000-node inventory
(nodes 1-3 carry the reference facts, so the 3-member request gets the reference answer), and that answer; and the
same 1,000 nodes with every fact collected (nodes-collected.json), as `nodes collect` leaves a healthy CentOS 7 server
with 16 CPUs, two mounts and six kernel settings, stamped now."""
import datetime
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

# Every fact the default catalogue reads, with values it passes, so that the 3-member answer names only what nodes
# 1-3 get wrong in the reference answer. The first inventory knows the OS and systemd only, so most of its catalogue's
# failures are "fact unknown"; this is the work of a request on collected nodes (list facts to read, fewer failures).
collected_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for node in nodes:
    node["facts"].update({
        "kernel_release": "3.10.0-1160.el7.x86_64", "cpu_count": 16, "memory_total_bytes": 67_271_577_600,
        "swap_total_bytes": 0, "transparent_hugepages": "never", "selinux_mode": "disabled",
        "selinux_config_mode": "disabled", "clock_synchronized": True, "hostname": node["name"],
        "collected_at": collected_at, "clock_offset_seconds": 0.002, "clock_offset_error_seconds": 0.001,
        "timezone": "Asia/Shanghai", "nofile_soft": 1048576, "nofile_hard": 1048576,
        "nproc_soft": "unlimited", "nproc_hard": "unlimited", "limits_rules": [],
        "sysctl": {"fs.file-max": "6529017", "fs.aio-max-nr": "1048576", "vm.swappiness": "0",
                   "vm.overcommit_memory": "0", "vm.max_map_count": "262144", "net.core.somaxconn": "32768"},
        "cpu_governors": ["performance"] * 16, "listening_tcp": ["0.0.0.0:22", "[::]:22"], "firewall": "none",
        "mounts": [{"mount_point": "/", "device": "/dev/sda2", "fs_type": "xfs", "options": "rw,relatime",
                    "size_bytes": 50 << 30, "free_bytes": 40 << 30},
                   {"mount_point": "/data", "device": "/dev/sdb1", "fs_type": "xfs", "options": "rw,noatime",
                    "size_bytes": 2 << 40, "free_bytes": 1 << 40}],
        "numa_nodes": 2, "irqbalance_running": True,
    })
json.dump(nodes, open(f"{out}/nodes-collected.json", "w"))

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
