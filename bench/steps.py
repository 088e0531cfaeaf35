#!/usr/bin/env python3
"""Time per step of a request, from a sampled CPU profile of a loaded service.

Reads `perf script -F ip,sym,dso | swift demangle --simplified` on stdin (one stack per sample, leaf first, stacks
separated by blank lines) and gives each sample to a step of the request: walking its stack from the leaf outward,
the first frame that belongs to a step decides, the program's frames before the kernel's. A sample of SQLite's code
counts as the lookup even when its stack is cut short (the system's libsqlite3 has no frame pointers), as does one
in `fcntl` (only SQLite's WAL locks call it on the request path); system calls are known by their kernel functions,
so a program without frame pointers (the C program) is divided too; one of libc's allocator with no caller left is
counted apart. With --cpu-us (the program's CPU per request, measured without the profiler), each step's share
becomes microseconds. Usage: steps.py [--cpu-us N] [--title T] < script.txt
"""
import argparse
import collections
import re
import sys

# (step, what it covers, frames that belong to it), in the order the answer is made; each frame of a stack is tried
# against them in this order.
STEPS = [
    ("accept", "waiting for and accepting a connection (`epoll_wait`, `accept4`)",
     r"ConnectionAcceptor|^accept4?$|^epoll_wait$|__sys_accept|do_epoll_wait|do_sys_poll"),
    ("read", "the I/O timeout, libfcgi reading the params and body records, the params found",
     r"FastCGIConnection\.begin|readRequest|FastCGIConnection\.params|FCGX_Accept_r|FCGX_GetStr|ReadParams|"
     r"__GI___setsockopt|^read$|^__libc_read$|^ksys_read$"),
    ("decode", "the body into a proposal", r"ProposalDecoder|PythonJSONParser"),
    ("lookup", "the members' nodes from the inventory: SQLite's statement and its locks, rows into nodes",
     r"sqlite3|SQLite|NodeReader|RequestContext\.load|RequestContext\.memberNodes|PostgreSQL|PQ|"
     r"__x64_sys_fcntl|^__fcntl64"),
    # Before "checks": a failure is written into the answer by `NodeFailures` as the item finds it, and a frame of
    # the writer is encoding whichever item called it. (Writing inlined into an item's own frame counts as checks.)
    ("encode", "the answer's bytes (each failure written as its item finds it)",
     r"CheckItemResult\.responseB|PythonJSONWriter|ProposalCheck\.responseBody|NodeFailures\.|ItemLabel"),
    ("checks", "the check items and their failures, in the per-request context",
     r"ClusterCheck\.(run|answer)|(?<!Proposal)Check\.|CheckItem(?!Result\.responseB)|CheckRegistry|NodeFailure|"
     r"MessageText|RequestContext|ClusterMajority|UnknownFact"),
    ("route", "the router and the pipeline around the steps above",
     r"Router\.|ProposalCheck\."),
    ("write", "the answer to the web server (`write`/`writev`), with the end of the request",
     r"endResponse|writeWhole|FastCGIConnection\.put|FCGX_PutStr|__GI___writev|^__libc_write$|cgiHead|"
     r"^ksys_write$|^do_writev$"),
    ("count and log", "the scoreboard's counters and the access line into the thread's batch",
     r"RequestRecorder|AccessLog|Scoreboard|StderrLogHandler|Logger"),
    ("close", "finishing the request and closing the connection",
     r"FastCGIConnection\.finish|FCGX_Finish|__close|__x64_sys_close|__x64_sys_shutdown|^__fput$"),
    ("the loop", "the accept loop and `serve` themselves", r"FastCGIServer\.serve|FastCGIServer\.acceptLoop"),
]
COMPILED = [(name, re.compile(pattern)) for name, _, pattern in STEPS]
ALLOCATOR = re.compile(r"^(malloc|free|cfree|_int_malloc|_int_free|malloc_consolidate|unlink_chunk|__libc_)")


def step_of(stack):
    # The program's own frames first (they say what the program was doing: a `write` of the access log is the log's),
    # then the kernel's (a system call of a program whose stack is cut short).
    user = [frame for frame in stack if "kernel" not in frame[1]]
    kernel = [frame for frame in stack if "kernel" in frame[1]]
    for symbol, _ in user + kernel:
        for name, pattern in COMPILED:
            if pattern.search(symbol):
                return name
    leaf_symbol, leaf_object = stack[0]
    if "sqlite" in leaf_object:
        return "lookup"
    if "kernel" in leaf_object:
        return "kernel, no user stack"
    if ALLOCATOR.search(leaf_symbol):
        return "allocator, caller unknown"
    return "other"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu-us", type=float)
    parser.add_argument("--title", default="")
    arguments = parser.parse_args()
    counts = collections.Counter()
    kernel = collections.Counter()
    total = 0
    stack = []

    def flush():
        nonlocal total
        if not stack:
            return
        total += 1
        name = step_of(stack)
        counts[name] += 1
        if "kernel" in stack[0][1]:
            kernel[name] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            stack = []
            continue
        match = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line)
        if match:
            stack.append((match.group(1), match.group(2)))
    flush()
    if total == 0:
        sys.exit("steps: no samples")
    order = [name for name, _, _ in STEPS] + ["allocator, caller unknown", "kernel, no user stack", "other"]
    what = {name: description for name, description, _ in STEPS}
    what["allocator, caller unknown"] = "malloc/free called from code without frame pointers (SQLite, libfcgi)"
    what["kernel, no user stack"] = "interrupts and scheduling"
    what["other"] = "anything else"
    per = arguments.cpu_us
    if arguments.title:
        print(f"{arguments.title} ({total} samples)\n")
    print("| step | share | of it in the kernel |" + (" µs/request |" if per else "") + " what |")
    print("|---|---:|---:|" + ("---:|" if per else "") + "---|")
    for name in order:
        if not counts[name]:
            continue
        share = counts[name] / total
        row = f"| {name} | {100 * share:.1f}% | {100 * kernel[name] / counts[name]:.0f}% |"
        if per:
            row += f" {per * share:.1f} |"
        print(row + f" {what[name]} |")
    if per:
        print(f"| all | 100% | {100 * sum(kernel.values()) / total:.0f}% | {per:.1f} | |")


if __name__ == "__main__":
    main()
