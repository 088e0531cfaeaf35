import Foundation
import TOMLKit

extension Policy {
    /// Reads a policy file. Every key is checked: an unknown key, a value of the wrong type or out of range, an
    /// unknown or repeated check item stops the load.
    /// - Throws: `PolicyError` naming the file, the key (or the line of a syntax error) and the problem.
    public static func load(path: String) throws(PolicyError) -> Policy {
        try parse(readFile(path: path), file: path)
    }

    /// The text of a policy file, unchecked (`parse(_:file:)` checks it).
    /// - Throws: `PolicyError` for a missing, unreadable or non-UTF-8 file.
    public static func readFile(path: String) throws(PolicyError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PolicyError(file: path, problem: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(file: path, problem: "cannot be read (is it a readable file?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: path, problem: "is not UTF-8 text")
        }
        return text
    }

    /// Reads a policy from TOML text; `file` names it in errors.
    /// - Throws: `PolicyError` as `load(path:)`.
    public static func parse(_ text: String, file: String) throws(PolicyError) -> Policy {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PolicyError(
                file: file, line: error.source.begin.line, column: error.source.begin.column,
                problem: "TOML syntax error: \(error.description)")
        } catch {
            throw PolicyError(file: file, problem: "TOML syntax error: \(error)")
        }
        return try PolicyReader(file: file).read(document)
    }
}

/// Reads a parsed policy document key by key, naming the key of every problem.
private struct PolicyReader {
    let file: String

    func fault(_ key: String, _ problem: String) -> PolicyError { PolicyError(file: file, key: key, problem: problem) }

    func read(_ document: TOMLTable) throws(PolicyError) -> Policy {
        var policy = Policy()
        let topKeys = ["compat", "checks"] + Policy.catalogue
        for key in document.keys.sorted() where !topKeys.contains(key) {
            throw fault(key, "unknown key (known: \(topKeys.joined(separator: ", ")))")
        }
        if let compat = try string(document, "compat", in: "") {
            guard let value = Policy.Compatibility(rawValue: compat) else {
                throw fault("compat", "must be \"none\" or \"reference\", not \"\(compat)\"")
            }
            policy.compatibility = value
        }
        if policy.compatibility == .reference {
            for key in document.keys.sorted() where key != "compat" {
                throw fault(
                    key,
                    "compat = \"reference\" fixes the check items and their thresholds to the reference's; remove it")
            }
            return .reference
        }
        if let names = try strings(document, "checks", in: "") {
            guard !names.isEmpty else { throw fault("checks", "must name at least one check item") }
            var seen = Set<String>()
            for name in names {
                guard Policy.catalogue.contains(name) else {
                    throw fault(
                        "checks", "unknown check item \"\(name)\" (known: \(Policy.catalogue.joined(separator: ", ")))")
                }
                guard seen.insert(name).inserted else { throw fault("checks", "\"\(name)\" is listed twice") }
            }
            policy.checks = names
        }
        try readOS(document, into: &policy)
        if let table = try section(document, "check_systemd_version", keys: ["minimum", "banned"]) {
            let key = "check_systemd_version"
            policy.systemdMinimum = try int(table, "minimum", in: key, atLeast: 1) ?? policy.systemdMinimum
            if let banned = try ints(table, "banned", in: key, atLeast: 1) { policy.systemdBanned = banned }
        }
        if let table = try section(document, "check_kernel_version", keys: ["minimum"]) {
            policy.kernelMinimum = try version(table, "minimum", in: "check_kernel_version") ?? policy.kernelMinimum
        }
        if let table = try section(document, "check_cpu_count", keys: ["minimum", "recommended"]) {
            policy.cpuMinimum = try int(table, "minimum", in: "check_cpu_count", atLeast: 1) ?? policy.cpuMinimum
            policy.cpuRecommended =
                try int(table, "recommended", in: "check_cpu_count", atLeast: 1) ?? policy.cpuRecommended
        }
        guard policy.cpuRecommended >= policy.cpuMinimum else {
            throw fault("check_cpu_count.recommended", "must be at least minimum (\(policy.cpuMinimum))")
        }
        if let table = try section(document, "check_memory", keys: ["minimum_mib", "recommended_mib"]) {
            policy.memoryMinimumMiB =
                try int(table, "minimum_mib", in: "check_memory", atLeast: 1) ?? policy.memoryMinimumMiB
            policy.memoryRecommendedMiB =
                try int(table, "recommended_mib", in: "check_memory", atLeast: 1) ?? policy.memoryRecommendedMiB
        }
        guard policy.memoryRecommendedMiB >= policy.memoryMinimumMiB else {
            throw fault("check_memory.recommended_mib", "must be at least minimum_mib (\(policy.memoryMinimumMiB))")
        }
        if let table = try section(document, "check_swap", keys: ["maximum_mib"]) {
            policy.swapMaximumMiB = try int(table, "maximum_mib", in: "check_swap", atLeast: 0) ?? policy.swapMaximumMiB
        }
        if let table = try section(document, "check_transparent_hugepages", keys: ["pass", "warn"]) {
            policy.transparentHugePages = try settings(
                table, in: "check_transparent_hugepages", known: ["always", "madvise", "never"],
                current: policy.transparentHugePages)
        }
        if let table = try section(document, "check_selinux", keys: ["pass", "warn"]) {
            policy.selinux = try settings(
                table, in: "check_selinux", known: ["enforcing", "permissive", "disabled"], current: policy.selinux)
        }
        policy.clockSyncLevel = try level(document, "check_clock_sync") ?? policy.clockSyncLevel
        if let table = try section(document, "check_facts_freshness", keys: ["max_age_hours", "warn_age_hours"]) {
            let key = "check_facts_freshness"
            policy.factsMaximumAgeHours =
                try int(table, "max_age_hours", in: key, atLeast: 1) ?? policy.factsMaximumAgeHours
            policy.factsWarnAgeHours = try int(table, "warn_age_hours", in: key, atLeast: 0) ?? policy.factsWarnAgeHours
        }
        guard policy.factsWarnAgeHours <= policy.factsMaximumAgeHours else {
            throw fault(
                "check_facts_freshness.warn_age_hours", "must not exceed max_age_hours (\(policy.factsMaximumAgeHours))"
            )
        }
        if let table = try section(document, "check_member_port", keys: ["minimum", "maximum"]) {
            policy.portMinimum = try int(table, "minimum", in: "check_member_port", atLeast: 1) ?? policy.portMinimum
            policy.portMaximum = try int(table, "maximum", in: "check_member_port", atLeast: 1) ?? policy.portMaximum
        }
        guard policy.portMaximum <= 65535 else { throw fault("check_member_port.maximum", "must be at most 65535") }
        guard policy.portMinimum <= policy.portMaximum else {
            throw fault("check_member_port.minimum", "must not exceed maximum (\(policy.portMaximum))")
        }
        policy.memberHostLevel = try level(document, "check_member_host") ?? policy.memberHostLevel
        policy.osFamilyLevel = try level(document, "check_os_family") ?? policy.osFamilyLevel
        return policy
    }

    private func readOS(_ document: TOMLTable, into policy: inout Policy) throws(PolicyError) {
        let key = "check_os_version"
        guard let table = try section(document, key, keys: ["minimum", "default_minimum"]) else { return }
        policy.osDefaultMinimum = try version(table, "default_minimum", in: key) ?? policy.osDefaultMinimum
        guard let value = table["minimum"] else { return }
        guard let minimums = value.table else { throw wrongType("\(key).minimum", "a table", value) }
        var seen: [String: String] = [:]
        for id in minimums.keys.sorted() {
            guard let version = try version(minimums, id, in: "\(key).minimum") else { continue }
            // OS ids are compared case-insensitively, so two spellings of one id would silently overwrite each other.
            if let earlier = seen.updateValue(id, forKey: id.lowercased()) {
                throw fault("\(key).minimum.\(id)", "names the same OS id as \(earlier) (ids ignore case)")
            }
            policy.osMinimums[id.lowercased()] = version
        }
    }

    // MARK: - Values

    private func path(_ key: String, in parent: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    private func wrongType(_ key: String, _ expected: String, _ value: any TOMLValueConvertible) -> PolicyError {
        let found = "\(value.type)"
        let article = found.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return fault(key, "must be \(expected), not \(article) \(found)")
    }

    /// The table `name`, refusing keys not in `keys`; nil when absent.
    private func section(_ document: TOMLTable, _ name: String, keys: [String]) throws(PolicyError) -> TOMLTable? {
        guard let value = document[name] else { return nil }
        guard let table = value.table else { throw wrongType(name, "a table", value) }
        for key in table.keys.sorted() where !keys.contains(key) {
            throw fault("\(name).\(key)", "unknown key (known: \(keys.joined(separator: ", ")))")
        }
        return table
    }

    private func string(_ table: TOMLTable, _ key: String, in parent: String) throws(PolicyError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw wrongType(path(key, in: parent), "a string", value) }
        return text
    }

    private func strings(_ table: TOMLTable, _ key: String, in parent: String) throws(PolicyError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw wrongType(path(key, in: parent), "an array of strings", value) }
        var result: [String] = []
        for element in array {
            guard let text = element.string else {
                throw wrongType(path(key, in: parent), "an array of strings", element)
            }
            result.append(text)
        }
        return result
    }

    private func int(_ table: TOMLTable, _ key: String, in parent: String, atLeast minimum: Int) throws(PolicyError)
        -> Int?
    {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw wrongType(path(key, in: parent), "an integer", value) }
        guard number >= minimum else {
            throw fault(path(key, in: parent), "must be at least \(minimum), not \(number)")
        }
        // Thresholds are multiplied out (MiB to bytes, hours to seconds) when checks run: a value whose product would
        // overflow must stop start-up here, not every request later.
        guard number <= Self.largestInteger else {
            throw fault(path(key, in: parent), "must be at most \(Self.largestInteger), not \(number)")
        }
        return number
    }

    /// The largest integer threshold (2^40: 1 TiB of MiB fits an Int64 in bytes with room to spare).
    static let largestInteger = 1 << 40

    private func ints(_ table: TOMLTable, _ key: String, in parent: String, atLeast minimum: Int) throws(PolicyError)
        -> [Int]?
    {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw wrongType(path(key, in: parent), "an array of integers", value) }
        var result: [Int] = []
        for element in array {
            guard let number = element.int else {
                throw wrongType(path(key, in: parent), "an array of integers", element)
            }
            guard number >= minimum else {
                throw fault(path(key, in: parent), "must hold integers of at least \(minimum), not \(number)")
            }
            result.append(number)
        }
        return result
    }

    private func version(_ table: TOMLTable, _ key: String, in parent: String) throws(PolicyError) -> DottedVersion? {
        guard let text = try string(table, key, in: parent) else { return nil }
        guard let version = ReleaseVersion.exact(text) else {
            throw fault(path(key, in: parent), "\"\(text)\" is not a version (dot-separated integers, e.g. \"7.2\")")
        }
        return version
    }

    private func level(_ document: TOMLTable, _ name: String) throws(PolicyError) -> CheckLevel? {
        guard let table = try section(document, name, keys: ["level"]),
            let text = try string(table, "level", in: name)
        else { return nil }
        guard let level = CheckLevel(rawValue: text) else {
            throw fault("\(name).level", "must be \"fail\" or \"warn\", not \"\(text)\"")
        }
        return level
    }

    private func settings(_ table: TOMLTable, in name: String, known: [String], current: AllowedSettings)
        throws(PolicyError) -> AllowedSettings
    {
        var result = current
        if let pass = try strings(table, "pass", in: name) { result.pass = pass }
        if let warn = try strings(table, "warn", in: name) { result.warn = warn }
        for (key, values) in [("pass", result.pass), ("warn", result.warn)] {
            for value in values where !known.contains(value) {
                throw fault("\(name).\(key)", "unknown setting \"\(value)\" (known: \(known.joined(separator: ", ")))")
            }
        }
        guard !result.pass.isEmpty else { throw fault("\(name).pass", "must name at least one setting") }
        if let both = result.pass.first(where: result.warn.contains) {
            throw fault("\(name).warn", "\"\(both)\" is also in pass")
        }
        return result
    }
}
