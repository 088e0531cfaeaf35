/// The POSIX `sh` script that gathers a node's raw sources (file contents and command outputs) for `FactDump`.
///
/// It interprets nothing: every judgement happens centrally in Swift (`FactCollector`), so a node needs no Python,
/// no root, no binary of ours and nothing beyond a POSIX shell, coreutils and procps; it runs under `dash`, `bash` and
/// BusyBox `sh`, and changes nothing on the node (no file written, not even in `/tmp`).
///
/// Its output is line framed: a line starting with `@@` is framing, a line starting with `|` is one line of the
/// current section's content, so no content, however hostile, can forge a frame. The script comes in two parts: the
/// `handshake`, which only announces itself, and the `body`. A collector that writes the body only after it has read
/// the handshake's line knows when the node's shell started reading it, and so bounds the clock offset by half the
/// round trip of the body's first line (the node's time). Run whole (`fcgi-check facts --script`), it is one script.
public enum CollectionScript {
    /// The version of the framing; the first line the handshake prints is `@@fcgi-check-facts VERSION`.
    public static let version = 1

    /// The line the handshake prints (without its newline).
    public static let handshakeLine = "@@fcgi-check-facts \(version)"

    /// The first part: the C locale for every command, and the announcement.
    public static let handshake = """
        LC_ALL=C; export LC_ALL; LANG=C; export LANG
        printf '%s\\n' '\(handshakeLine)'

        """

    /// The whole script, as `fcgi-check facts --script` prints it.
    public static var whole: String {
        "#!/bin/sh\n# fcgi-check fact collection script, framing version \(version): prints raw sources, changes nothing.\n"
            + handshake + body
    }

    /// The kernel settings read from `/proc/sys`, by their `sysctl` names: those `check_sysctl` may judge. A setting
    /// this kernel lacks (`kernel.numa_balancing` without NUMA) is simply absent from the facts.
    public static let kernelSettings = [
        "fs.aio-max-nr", "fs.file-max", "fs.nr_open", "kernel.numa_balancing", "kernel.pid_max", "kernel.threads-max",
        "net.core.netdev_max_backlog", "net.core.somaxconn", "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies", "net.ipv4.tcp_tw_reuse", "vm.dirty_background_ratio",
        "vm.dirty_ratio", "vm.max_map_count", "vm.min_free_kbytes", "vm.overcommit_memory", "vm.swappiness",
        "vm.zone_reclaim_mode",
    ]

    /// `fs/aio-max-nr fs/file-max ...`: the settings' paths under `/proc/sys`, several to a line.
    private static var kernelSettingPaths: String {
        var lines: [String] = []
        var line = ""
        for path in kernelSettings.map({ String($0.map { $0 == "." ? "/" : $0 }) }) {
            if line.count + path.count > 90 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + path
        }
        lines.append(line)
        return lines.joined(separator: " \\\n    ")
    }

    /// The second part: the node's clock first, then every source.
    public static let body = #"""
        printf '@@ clock %s\n' "$(date -u +%s.%N 2>/dev/null)"
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
        umask 077
        _t=""
        command -v timeout >/dev/null 2>&1 && _t="timeout 10"
        # _lines: prefixes each line of standard input with |, using builtins only.
        _lines() {
            while IFS= read -r _l || [ -n "$_l" ]; do printf '|%s\n' "$_l"; done
        }
        # _file PATH: a file's text, through sed: the shell's own `read` takes a byte at a time, and a /proc/sys file
        # read at an offset past 0 answers end of file, so only one process that reads whole buffers sees it all.
        _file() {
            if [ ! -e "$1" ]; then printf '@@ missing %s\n' "$1"; return; fi
            if [ ! -r "$1" ] || [ -d "$1" ]; then printf '@@ unreadable %s\n' "$1"; return; fi
            printf '@@ file %s\n' "$1"
            sed 's/^/|/' "$1" 2>/dev/null
            printf '\n@@ end\n'
        }
        # _listening FILE: a socket table, its header and its listening sockets only (state 0A): a busy node holds
        # tens of thousands of connections, and the whole table would make the dump megabytes (and fail the node).
        _listening() {
            if [ ! -e "$1" ]; then printf '@@ missing %s\n' "$1"; return; fi
            if [ ! -r "$1" ]; then printf '@@ unreadable %s\n' "$1"; return; fi
            printf '@@ file %s\n' "$1"
            sed -n -e '1s/^/|/p' -e '/^ *[0-9][0-9]*: [0-9A-Fa-f:]* [0-9A-Fa-f:]* 0A /s/^/|/p' "$1" 2>/dev/null
            printf '\n@@ end\n'
        }
        # _cmd NAME COMMAND [ARG ...]: a command's standard output and exit status (absent when not installed);
        # _slow NAME COMMAND [ARG ...]: the same, stopped after 10 s where `timeout` exists (D-Bus, NFS, daemons).
        _cmd() { _run "" "$@"; }
        _slow() { _run "$_t" "$@"; }
        _run() {
            _w=$1; _n=$2; shift 2
            if ! command -v "$1" >/dev/null 2>&1; then printf '@@ absent %s\n' "$_n"; return; fi
            printf '@@ cmd %s\n' "$_n"
            _o=$($_w "$@" </dev/null 2>/dev/null); _s=$?
            if [ -n "$_o" ]; then printf '%s\n' "$_o" | _lines; fi
            printf '@@ exit %s\n' "$_s"
        }
        # _running PROCESS: whether a process of that name runs (pgrep's exit status: 0 yes, 1 no), read from /proc
        # where there is no pgrep.
        _running() {
            if command -v pgrep >/dev/null 2>&1; then _cmd "$1" pgrep -x "$1"; return; fi
            printf '@@ cmd %s\n' "$1"
            _s=1
            for _p in /proc/[0-9]*/comm; do
                { read -r _c < "$_p"; } 2>/dev/null && [ "$_c" = "$1" ] && { printf '|%s\n' "$_p"; _s=0; }
            done
            printf '@@ exit %s\n' "$_s"
        }
        # _dir PATH: whether a directory exists.
        _dir() {
            if [ -d "$1" ]; then printf '@@ dir %s\n' "$1"; else printf '@@ missing %s\n' "$1"; fi
        }

        _file /etc/os-release
        _file /usr/lib/os-release
        for _p in /etc/centos-release /etc/oracle-release /etc/rocky-release /etc/almalinux-release \
            /etc/redhat-release /etc/kylin-release /etc/debian_version; do _file "$_p"; done
        _cmd systemctl-version systemctl --version
        _file /proc/sys/kernel/osrelease
        _file /proc/sys/kernel/hostname
        _file /sys/devices/system/cpu/online
        _file /proc/meminfo
        _file /sys/kernel/mm/transparent_hugepage/enabled
        _file /sys/fs/selinux/enforce
        _file /etc/selinux/config
        _file /proc/self/limits
        _file /etc/security/limits.conf
        _dir /etc/security/limits.d
        for _p in /etc/security/limits.d/*.conf; do [ -e "$_p" ] && _file "$_p"; done
        # Many one-line files in one process: grep prefixes each line with its file's name.
        cd /proc/sys 2>/dev/null && _cmd sysctl grep '' \#(kernelSettingPaths)
        cd / 2>/dev/null
        _dir /sys/devices/system/cpu/cpufreq
        _cmd governors grep '' /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor
        _listening /proc/net/tcp
        _listening /proc/net/tcp6
        _slow timedatectl timedatectl status
        _file /etc/timezone
        _cmd localtime-link readlink /etc/localtime
        _file /etc/sysconfig/clock
        _file /run/systemd/timesync/synchronized
        _slow chronyc-tracking chronyc -n tracking
        _slow ntpstat ntpstat
        _running phc2sys
        _cmd firewalld-active systemctl is-active firewalld
        _file /etc/ufw/ufw.conf
        _slow iptables iptables -S
        _slow nft nft list ruleset
        _file /proc/mounts
        _slow df df -P -k
        _dir /sys/devices/system/node
        printf '@@ cmd numa-nodes\n'
        for _p in /sys/devices/system/node/node[0-9]*; do [ -d "$_p" ] && printf '|%s\n' "${_p##*/}"; done
        printf '@@ exit 0\n'
        _running irqbalance
        printf '@@ done\n'

        """#
}
