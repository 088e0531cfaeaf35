/// The check items a service runs, in their fixed answer order.
public struct CheckRegistry: Sendable {
    /// The registered check items, in order.
    public let items: [any CheckItem]
    /// Every fact its items read: what a request reads from the inventory.
    public let facts: FactSet

    /// Registers check items in order.
    /// - Throws: `CheckRegistryError.duplicateName` when two items share a name.
    public init(_ items: [any CheckItem]) throws(CheckRegistryError) {
        var names = Set<String>()
        for item in items where !names.insert(item.name).inserted {
            throw .duplicateName(item.name)
        }
        self.init(validated: items)
    }

    /// Registers items whose names are known to be distinct (a validated policy's).
    init(validated items: [any CheckItem]) {
        self.init(
            items: items,
            shown: items.map { item in
                Shown(
                    chinese: ItemLabel(name: item.name, description: item.description(in: .chinese)),
                    english: ItemLabel(name: item.name, description: item.description(in: .english)))
            },
            held: items.map(HeldItem.init))
    }

    private init(items: [any CheckItem], shown: [Shown], held: [HeldItem]) {
        self.items = items
        self.shown = shown
        self.held = held
        heldInPlace = held.map { Unmanaged.passUnretained($0) }
        facts = FactSet(items.flatMap(\.facts))
    }

    /// An item in an object of its own, so that a run can call it where it is.
    private final class HeldItem: Sendable {
        let item: any CheckItem
        init(_ item: any CheckItem) { self.item = item }
    }

    /// The `items`, each in its `HeldItem`, in the same order (they keep the objects alive).
    private let held: [HeldItem]
    /// The same objects, reached without counting references.
    private let heldInPlace: [Unmanaged<HeldItem>]

    /// The failures of the item at `index` of `items` on `context`, added to `failures`.
    ///
    /// The item is called where it is kept, through an object that `held` keeps alive: taken out of `items`, an item
    /// (an existential, in a box of its own) was copied for the call, its box retained and released, memory every
    /// accept thread shares.
    func failures(ofItemAt index: Int, in context: RequestContext, into failures: inout NodeFailures) throws {
        try heldInPlace[index]._withUnsafeGuaranteedRef { try $0.item.failures(in: context, into: &failures) }
    }

    /// What an answer shows of an item in each language (see `ItemLabel`), made once: an item's settings do not
    /// change once registered, and every answer shows every item's name and description.
    private struct Shown: Sendable {
        let chinese: ItemLabel
        let english: ItemLabel
    }

    /// The `items`' `Shown`, in the same order.
    private let shown: [Shown]

    /// The description of the item at `index` of `items`, in `language`.
    public func description(ofItemAt index: Int, in language: Language) -> String {
        language == .english ? shown[index].english.description : shown[index].chinese.description
    }

    /// What an answer shows of the item at `index` of `items`, in `language`.
    func label(ofItemAt index: Int, in language: Language) -> ItemLabel {
        language == .english ? shown[index].english : shown[index].chinese
    }

    /// The reference service's catalogue: `check_os_version`, then `check_systemd_version`, with its thresholds.
    public static let standard = Policy.reference.registry()

    /// The names of the items, in order.
    public var names: [String] { items.map(\.name) }

    /// The items named in `names`, in registry order (a name given twice counts once).
    /// - Returns: the selection, or the names that are not registered, in the order given, each once, at most
    ///   `UnknownCheckNamesError.reportLimit` of them (a long query of made-up names must not buy a huge answer).
    public func selecting(_ names: [String]) -> Result<CheckRegistry, UnknownCheckNamesError> {
        let registered = self.names
        let known = Set(registered)
        var unknown: [String] = []
        var seen = Set<String>()
        for name in names where !known.contains(name) && seen.insert(name).inserted {
            guard unknown.count < UnknownCheckNamesError.reportLimit else { break }
            unknown.append(name)
        }
        guard unknown.isEmpty else { return .failure(UnknownCheckNamesError(unknown: unknown, known: registered)) }
        let chosen = Set(names)
        // What the items show was made with this registry; a selection keeps it rather than make it again for each
        // request.
        let indices = items.indices.filter { chosen.contains(items[$0].name) }
        return .success(
            CheckRegistry(
                items: indices.map { items[$0] }, shown: indices.map { shown[$0] }, held: indices.map { held[$0] }))
    }
}
