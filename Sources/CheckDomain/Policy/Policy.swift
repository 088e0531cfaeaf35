/// Which check items run, in which order, with which settings; and whether answers keep to the reference service's
/// bytes. Read once at start-up from a TOML file (`Policy.load(path:)`); `Policy()` holds the defaults.
public struct Policy: Sendable, Equatable {
    /// How closely answers follow the reference service.
    public enum Compatibility: String, Sendable, Equatable, CaseIterable {
        /// The whole catalogue, added fields, English on request.
        case none
        /// Byte for byte the reference service's answers: its two check items, its thresholds, no added fields.
        case reference
    }

    /// Every check item this build knows, in default order.
    public static var catalogue: [String] { CheckCatalogue.names }

    /// `compat`.
    public var compatibility: Compatibility = .none
    /// `checks`: the items that run, in answer order.
    public var checks: [String] = CheckCatalogue.names
    /// Every item of the catalogue with its settings (`[check_...]` tables), by name, whether it runs or not.
    private var configured: [String: any CheckItem]

    /// The defaults: every item of the catalogue, with its default settings.
    public init() {
        configured = Dictionary(uniqueKeysWithValues: CheckCatalogue.items.map { ($0.name, $0.init()) })
    }

    /// The policy of `compat = "reference"`.
    public static var reference: Policy {
        var policy = Policy()
        policy.compatibility = .reference
        policy.checks = [OSVersionCheck.name, SystemdVersionCheck.name]
        policy.set(OSVersionCheck.reference)
        return policy
    }

    /// The fields answers carry.
    public var fields: ResultFields { compatibility == .reference ? .reference : .extended }

    /// Whether requests may choose the language and the check items (not under `compat = "reference"`, whose
    /// reference ignored headers and query strings).
    public var honoursRequestOptions: Bool { compatibility == .none }

    /// The check items of this policy, in order.
    public func registry() -> CheckRegistry {
        CheckRegistry(validated: checks.compactMap { configured[$0] })
    }

    /// The check item `name` with this policy's settings; nil for a name not in the catalogue.
    public func item(named name: String) -> (any CheckItem)? { configured[name] }

    /// The check item of this type with this policy's settings.
    public func item<Item: CheckItem>(_ type: Item.Type) -> Item {
        guard let item = configured[Item.name] as? Item else { preconditionFailure("\(Item.name) is not registered") }
        return item
    }

    /// Replaces the settings of an item of the catalogue.
    public mutating func set<Item: CheckItem>(_ item: Item) {
        precondition(configured[Item.name] != nil, "\(Item.name) is not in the catalogue")
        configured[Item.name] = item
    }

    /// Two policies are equal when they run the same items in the same order with the same settings.
    public static func == (lhs: Policy, rhs: Policy) -> Bool {
        guard lhs.compatibility == rhs.compatibility, lhs.checks == rhs.checks else { return false }
        return CheckCatalogue.names.allSatisfy { name in
            let left = lhs.configured[name]
            let right = rhs.configured[name]
            return left?.thresholds == right?.thresholds
                && left?.description(in: .chinese) == right?.description(in: .chinese)
        }
    }
}
