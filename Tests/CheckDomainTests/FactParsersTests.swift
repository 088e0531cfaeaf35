import Testing

@testable import CheckDomain

/// The fact parsers against real files of the distributions operators run.
@Suite struct FactParsersTests {
    struct Distribution: Sendable, CustomTestStringConvertible {
        var name: String
        var osRelease: String
        var releaseFiles: [String: String] = [:]
        var debianVersion: String? = nil
        var id: String?
        var version: String?
        var testDescription: String { name }
    }

    static let distributions: [Distribution] = [
        Distribution(
            name: "CentOS 7",
            osRelease: """
                NAME="CentOS Linux"
                VERSION="7 (Core)"
                ID="centos"
                ID_LIKE="rhel fedora"
                VERSION_ID="7"
                PRETTY_NAME="CentOS Linux 7 (Core)"
                ANSI_COLOR="0;31"
                CPE_NAME="cpe:/o:centos:centos:7"
                HOME_URL="https://www.centos.org/"
                """,
            releaseFiles: [
                "/etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\n",
                "/etc/redhat-release": "CentOS Linux release 7.9.2009 (Core)\n",
            ],
            id: "centos", version: "7.9.2009"
        ),
        Distribution(
            name: "RHEL 8.10",
            osRelease: """
                NAME="Red Hat Enterprise Linux"
                VERSION="8.10 (Ootpa)"
                ID="rhel"
                ID_LIKE="fedora"
                VERSION_ID="8.10"
                PLATFORM_ID="platform:el8"
                PRETTY_NAME="Red Hat Enterprise Linux 8.10 (Ootpa)"
                """,
            releaseFiles: ["/etc/redhat-release": "Red Hat Enterprise Linux release 8.10 (Ootpa)\n"],
            id: "rhel", version: "8.10"
        ),
        Distribution(
            name: "Rocky Linux 9",
            osRelease: """
                NAME="Rocky Linux"
                VERSION="9.4 (Blue Onyx)"
                ID="rocky"
                ID_LIKE="rhel centos fedora"
                VERSION_ID="9.4"
                PLATFORM_ID="platform:el9"
                """,
            releaseFiles: [
                "/etc/rocky-release": "Rocky Linux release 9.4 (Blue Onyx)\n",
                "/etc/redhat-release": "Rocky Linux release 9.4 (Blue Onyx)\n",
            ],
            id: "rocky", version: "9.4"
        ),
        Distribution(
            name: "Oracle Linux 7 (its redhat-release claims Red Hat 7.9)",
            osRelease: """
                NAME="Oracle Linux Server"
                VERSION="7.9"
                ID="ol"
                ID_LIKE="fedora"
                VARIANT="Server"
                VERSION_ID="7.9"
                PRETTY_NAME="Oracle Linux Server 7.9"
                """,
            releaseFiles: [
                "/etc/oracle-release": "Oracle Linux Server release 7.9\n",
                "/etc/redhat-release": "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n",
            ],
            id: "ol", version: "7.9"
        ),
        Distribution(
            name: "Ubuntu 22.04",
            osRelease: """
                PRETTY_NAME="Ubuntu 22.04.4 LTS"
                NAME="Ubuntu"
                VERSION_ID="22.04"
                VERSION="22.04.4 LTS (Jammy Jellyfish)"
                VERSION_CODENAME=jammy
                ID=ubuntu
                ID_LIKE=debian
                """,
            debianVersion: "bookworm/sid\n",
            id: "ubuntu", version: "22.04"
        ),
        Distribution(
            name: "Debian 12",
            osRelease: """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                VERSION_CODENAME=bookworm
                ID=debian
                """,
            debianVersion: "12.7\n",
            id: "debian", version: "12.7"
        ),
        Distribution(
            name: "Kylin V10",
            osRelease: """
                NAME="Kylin Linux Advanced Server"
                VERSION="V10 (Lance)"
                ID="kylin"
                VERSION_ID="V10"
                PRETTY_NAME="Kylin Linux Advanced Server V10 (Lance)"
                ANSI_COLOR="0;31"
                """,
            releaseFiles: ["/etc/redhat-release": "Kylin Linux Advanced Server release V10 (Lance)\n"],
            id: "kylin", version: "V10"
        ),
        Distribution(
            name: "Amazon Linux 2023",
            osRelease: """
                NAME="Amazon Linux"
                VERSION="2023"
                ID="amzn"
                ID_LIKE="fedora"
                VERSION_ID="2023"
                PLATFORM_ID="platform:al2023"
                PRETTY_NAME="Amazon Linux 2023.5.20240805"
                """,
            releaseFiles: [
                "/etc/system-release": "Amazon Linux release 2023.5.20240805 (Amazon Linux)\n"
            ],
            id: "amzn", version: "2023"
        ),
    ]

    @Test(arguments: distributions)
    func osIdentity(of distribution: Distribution) {
        let identity = FactParsers.osIdentity(
            osRelease: distribution.osRelease,
            releaseFiles: distribution.releaseFiles,
            debianVersion: distribution.debianVersion
        )
        #expect(identity.id == distribution.id)
        #expect(identity.version == distribution.version)
    }

    @Test func noOSReleaseMeansUnknown() {
        let identity = FactParsers.osIdentity(osRelease: nil, releaseFiles: [:])
        #expect(identity.id == nil && identity.version == nil)
    }

    @Test(arguments: [
        (
            "systemd 219\n+PAM +AUDIT +SELINUX +IMA -APPARMOR +SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 -SECCOMP +BLKID +ELFUTILS +KMOD +IDN\n",
            219
        ),
        (
            "systemd 245 (245.4-4ubuntu3.2)\n+PAM +AUDIT +SELINUX +IMA +APPARMOR +SMACK +SYSVINIT +UTMP +LIBCRYPTSETUP +GCRYPT +GNUTLS +ACL +XZ +LZ4 +SECCOMP +BLKID +ELFUTILS +KMOD +IDN2 -IDN +PCRE2 default-hierarchy=hybrid\n",
            245
        ),
        (
            "systemd 252 (252.30-1~deb12u2)\n+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified\n",
            252
        ),
        ("systemd 239 (239-78.el8)\n", 239),
    ])
    func systemdVersionIsTheFirstLinesNumber(output: String, version: Int) {
        #expect(FactParsers.systemdVersion(output) == version)
    }

    @Test(arguments: [
        "", "bash: systemctl: command not found", "System has not been booted with systemd\n", "systemd x",
    ])
    func noSystemdVersionWhenTheOutputDoesNotSayIt(output: String) {
        #expect(FactParsers.systemdVersion(output) == nil)
    }

    @Test func memoryTotalsInBytes() {
        let meminfo = """
            MemTotal:       16318412 kB
            MemFree:         1204000 kB
            MemAvailable:    9100000 kB
            SwapCached:            0 kB
            SwapTotal:       2097148 kB
            SwapFree:        2097148 kB
            """
        let info = FactParsers.memoryInfo(meminfo)
        #expect(info.memoryTotal == Int64(16_318_412) * 1024)
        #expect(info.swapTotal == Int64(2_097_148) * 1024)
        #expect(FactParsers.memoryInfo("garbage").memoryTotal == nil)
    }

    @Test(arguments: [
        ("always [madvise] never\n", "madvise"), ("[always] madvise never", "always"),
        ("always madvise [never]", "never"), ("", nil),
    ])
    func transparentHugePagesSelection(text: String, expected: String?) {
        #expect(FactParsers.transparentHugePages(text) == expected)
    }

    @Test func selinuxModes() {
        #expect(FactParsers.selinuxMode(enforce: "1\n", selinuxFilesystemPresent: true) == "enforcing")
        #expect(FactParsers.selinuxMode(enforce: "0", selinuxFilesystemPresent: true) == "permissive")
        #expect(FactParsers.selinuxMode(enforce: nil, selinuxFilesystemPresent: false) == "disabled")
        #expect(FactParsers.selinuxMode(enforce: nil, selinuxFilesystemPresent: true) == nil)
    }

    static let trackingSynchronised = "Reference ID    : C0A80A01 (192.168.10.1)\nLeap status     : Normal\n"
    static let trackingUnsynchronised = "Reference ID    : 00000000 ()\nLeap status     : Not synchronised\n"

    /// chrony, timesyncd and PTP each count as synchronised, whatever timedated says of the kernel's flag (chronyd
    /// without clock control and phc2sys leave it unset); no when only "no"s answered; unknown when nothing did.
    @Test(
        arguments: [
            ("System clock synchronized: yes\n", false, nil, nil, nil, true),
            ("System clock synchronized: no\n", false, nil, nil, nil, false),
            ("System clock synchronized: no\n", true, nil, nil, nil, true),
            ("System clock synchronized: no\n", false, trackingSynchronised, nil, nil, true),
            ("System clock synchronized: no\n", false, trackingUnsynchronised, Int32(1), false, false),
            ("System clock synchronized: no\n", false, nil, nil, true, true),
            ("      NTP synchronized: yes\n", false, nil, nil, nil, true),
            (nil, false, nil, Int32(0), nil, true),
            (nil, false, nil, Int32(2), false, nil),
            (nil, false, "506 Cannot talk to daemon\n", nil, nil, nil),
            (nil, false, nil, nil, true, true),
            (nil, false, nil, nil, nil, nil),
        ] as [(String?, Bool, String?, Int32?, Bool?, Bool?)])
    func clockSynchronisedBySourceAnyOfWhichCounts(
        timedatectl: String?, timesyncdFlag: Bool, chrony: String?, ntpstat: Int32?, phc2sys: Bool?, expected: Bool?
    ) {
        #expect(
            FactParsers.clockSynchronized(
                timedatectl: timedatectl, timesyncdFlagPresent: timesyncdFlag, chronyTracking: chrony,
                ntpstatStatus: ntpstat, phc2sysRunning: phc2sys) == expected)
    }
}
