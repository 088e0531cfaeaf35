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

/// Reads a parsed policy document key by key, naming the key of every problem. The keys of each check item's table
/// are the item's own (`CheckItem.settings`).
private struct PolicyReader {
    let file: String

    func fault(_ key: String, _ problem: String) -> PolicyError { PolicyError(file: file, key: key, problem: problem) }

    func read(_ document: TOMLTable) throws(PolicyError) -> Policy {
        var policy = Policy()
        let topKeys = ["compat", "checks"] + Policy.catalogue
        for key in document.keys.sorted() where !topKeys.contains(key) {
            throw fault(key, "unknown key (known: \(topKeys.joined(separator: ", ")))")
        }
        if let compat = try string(document, "compat") {
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
        if let names = try strings(document, "checks") {
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
        for item in CheckCatalogue.items {
            try read(item, from: document, into: &policy)
        }
        return policy
    }

    /// The item's table, when the file has one: each key read by the item's setting of that name, then the settings
    /// checked against each other.
    private func read<Item: CheckItem>(_ type: Item.Type, from document: TOMLTable, into policy: inout Policy)
        throws(PolicyError)
    {
        guard let value = document[Item.name] else { return }
        guard let table = value.table else {
            throw PolicyError(from: .wrongType(Item.name, "a table", value), file: file, item: nil)
        }
        let settings = Item.settings
        for key in table.keys.sorted() where !settings.contains(where: { $0.key == key }) {
            throw fault(
                "\(Item.name).\(key)", "unknown key (known: \(settings.map(\.key).joined(separator: ", ")))")
        }
        var item = policy.item(Item.self)
        do {
            for setting in settings {
                if let value = table[setting.key] { try setting.read(&item, value) }
            }
            try item.validate()
        } catch {
            throw PolicyError(from: error, file: file, item: Item.name)
        }
        policy.set(item)
    }

    // MARK: - Values

    private func string(_ table: TOMLTable, _ key: String) throws(PolicyError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw PolicyError(from: .wrongType(key, "a string", value), file: file, item: nil)
        }
        return text
    }

    private func strings(_ table: TOMLTable, _ key: String) throws(PolicyError) -> [String]? {
        guard let value = table[key] else { return nil }
        do {
            return try SettingValue.strings(value, key: key)
        } catch {
            throw PolicyError(from: error, file: file, item: nil)
        }
    }
}

extension PolicyError {
    /// The policy error of a bad setting of `item`'s table (nil: a top-level key).
    init(from error: CheckSettingError, file: String, item: String?) {
        self.init(file: file, key: item.map { "\($0).\(error.key)" } ?? error.key, problem: error.problem)
    }
}
