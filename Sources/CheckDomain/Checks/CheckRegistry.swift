/// The check items a service runs, in their fixed answer order.
public struct CheckRegistry: Sendable {
    /// The registered check items, in order.
    public let items: [any CheckItem]

    /// Registers check items in order.
    /// - Throws: `CheckRegistryError.duplicateName` when two items share a name.
    public init(_ items: [any CheckItem]) throws(CheckRegistryError) {
        var names = Set<String>()
        for item in items where !names.insert(item.name).inserted {
            throw .duplicateName(item.name)
        }
        self.items = items
    }

    /// The reference service's catalogue: `check_os_version`, then `check_systemd_version`.
    public static let standard: CheckRegistry = {
        do {
            return try CheckRegistry([OSVersionCheck(), SystemdVersionCheck()])
        } catch {
            preconditionFailure("the standard check items have distinct names: \(error)")
        }
    }()
}

/// A registry that cannot be built.
public enum CheckRegistryError: Error, Equatable, CustomStringConvertible {
    /// Two check items have the same name.
    case duplicateName(String)

    public var description: String {
        switch self {
        case .duplicateName(let name):
            "two check items are named \"\(name)\"; check item names must be unique"
        }
    }
}
