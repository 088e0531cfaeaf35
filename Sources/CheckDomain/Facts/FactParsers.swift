/// Pure functions from the text of system files and commands to facts; each returns nil when the text does not say.
public enum FactParsers {
    /// The fields of an `os-release` file (`KEY=value`, `KEY="value"`, `KEY='value'`, `#` comments).
    public static func osRelease(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
                if first == "\"" {
                    value = value.replacingOccurrences(of: "\\\"", with: "\"")
                        .replacingOccurrences(of: "\\$", with: "$")
                        .replacingOccurrences(of: "\\`", with: "`")
                        .replacingOccurrences(of: "\\\\", with: "\\")
                }
            }
            fields[key] = value
        }
        return fields
    }

    /// The release files that hold a fuller version than `VERSION_ID`, in the order they are trusted. Oracle Linux
    /// also ships `/etc/redhat-release` (claiming to be Red Hat), so its own file is read first.
    public static let releaseFiles = [
        "/etc/centos-release", "/etc/oracle-release", "/etc/rocky-release", "/etc/almalinux-release",
        "/etc/redhat-release", "/etc/kylin-release",
    ]

    /// The OS id and full version from `/etc/os-release` and the distribution's release files.
    /// - Parameters:
    ///   - osRelease: the text of `/etc/os-release` (or `/usr/lib/os-release`), if readable.
    ///   - releaseFiles: the text of each of `releaseFiles` that exists, by path.
    ///   - debianVersion: the text of `/etc/debian_version`, if readable.
    public static func osIdentity(
        osRelease: String?,
        releaseFiles: [String: String],
        debianVersion: String? = nil
    ) -> (id: String?, version: String?) {
        let fields = osRelease.map(Self.osRelease) ?? [:]
        let id = fields["ID"].map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let versionID = fields["VERSION_ID"].flatMap { $0.isEmpty ? nil : $0 }
        for path in Self.releaseFiles {
            if let text = releaseFiles[path], let version = releaseVersion(text) {
                // A release file only refines the same major version os-release names.
                if let versionID, version.split(separator: ".").first != versionID.split(separator: ".").first {
                    continue
                }
                return (id, version)
            }
        }
        if id == "debian", let debianVersion = debianVersion?.trimmingCharacters(in: .whitespacesAndNewlines),
            let versionID, debianVersion.hasPrefix(versionID + "."), DottedVersion(debianVersion) != nil
        {
            return (id, debianVersion)
        }
        return (id, versionID)
    }

    /// `CentOS Linux release 7.9.2009 (Core)` → `7.9.2009`.
    public static func releaseVersion(_ text: String) -> String? {
        guard let match = text.firstMatch(of: /release\s+([0-9]+(?:\.[0-9]+)*)/) else { return nil }
        return String(match.1)
    }

    /// The systemd version from `systemctl --version`: `^systemd\s+(\d+)` on the first line, never the last token
    /// (`systemd 245 (245.4-4ubuntu3.2)` is 245).
    public static func systemdVersion(_ output: String) -> Int? {
        guard let firstLine = output.split(whereSeparator: \.isNewline).first,
            let match = firstLine.firstMatch(of: /^systemd\s+(\d+)/)
        else { return nil }
        return Int(match.1)
    }

    /// `MemTotal` and `SwapTotal` of `/proc/meminfo`, in bytes.
    public static func memoryInfo(_ text: String) -> (memoryTotal: Int64?, swapTotal: Int64?) {
        func kilobytes(_ key: String) -> Int64? {
            for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(key + ":") {
                let parts = line.split(whereSeparator: \.isWhitespace)
                guard parts.count >= 2, let value = Int64(parts[1]) else { return nil }
                let unit = parts.count >= 3 ? parts[2].lowercased() : ""
                return unit == "kb" ? kibibytes(value) : (unit.isEmpty ? value : nil)
            }
            return nil
        }
        return (kilobytes("MemTotal"), kilobytes("SwapTotal"))
    }

    /// The selected value of `/sys/kernel/mm/transparent_hugepage/enabled`: `always [madvise] never` → `madvise`.
    public static func transparentHugePages(_ text: String) -> String? {
        guard let match = text.firstMatch(of: /\[([a-z_]+)\]/) else { return nil }
        return String(match.1)
    }

    /// The SELinux mode from `/sys/fs/selinux/enforce` (`1` enforcing, `0` permissive). No SELinux filesystem
    /// means SELinux is disabled (or absent, as on Debian and Ubuntu).
    public static func selinuxMode(enforce: String?, selinuxFilesystemPresent: Bool) -> String? {
        guard selinuxFilesystemPresent else { return "disabled" }
        switch enforce?.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "1": return "enforcing"
        case "0": return "permissive"
        default: return nil
        }
    }
}
