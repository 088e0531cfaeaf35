/// One pre-flight check run against the nodes of a proposed cluster: one file holds the whole item.
///
/// An item owns its name, its descriptions, its settings with their defaults (`init()` and `settings`: how its
/// policy table is read, validated and shown by `GET /checks`) and its judgement over the request's context. It is
/// registered by one line in `CheckCatalogue.items`; the policy reader, `GET /checks` and the API description learn
/// it from there.
///
/// A check item reads what it needs through the request's `RequestContext`, which loads each node once per request
/// however many items ask for it, and writes its messages in the context's language. It runs synchronously on the
/// thread that answers the request: it computes over facts already loaded and never waits.
public protocol CheckItem: Sendable {
    /// The stable name consoles key on, e.g. `check_os_version`; also the name of its table in the policy file.
    static var name: String { get }
    /// The item's name: `Self.name`, unless one type serves several items.
    var name: String { get }
    /// The item with its default settings.
    init()
    /// The settings of its policy table, in the order `GET /checks` shows them.
    static var settings: [CheckSetting<Self>] { get }
    /// The description shown to operators in `language` (the Chinese one is the reference service's wording).
    func description(in language: Language) -> String
    /// Checks the settings against each other once every key of the policy table has been read.
    /// - Throws: `CheckSettingError` naming the key at fault.
    func validate() throws(CheckSettingError)
    /// Adds to `failures` the nodes that did not pass, in the order of the proposal's member nodes.
    /// - Throws: when the nodes cannot be loaded.
    func failures(in context: RequestContext, into failures: inout NodeFailures) throws
    /// The facts `failures(in:into:)` reads: a request reads only its items' facts from the inventory, and a fact not
    /// named here may be unknown when the item runs (`CheckItemFactsTests` holds every item to its list).
    var facts: [Fact] { get }
}

extension CheckItem {
    /// The item's name.
    public var name: String { Self.name }

    /// Every fact, for an item that does not say which it reads (correct, but a request then reads every column).
    public var facts: [Fact] { Fact.allCases }

    /// No settings, for items without any.
    public static var settings: [CheckSetting<Self>] { [] }

    /// Nothing to check across settings.
    public func validate() throws(CheckSettingError) {}

    /// The nodes that did not pass, in the order of the proposal's member nodes, kept as values.
    /// - Throws: when the nodes cannot be loaded.
    public func failures(in context: RequestContext) throws -> [NodeFailure] {
        var failures = NodeFailures()
        try self.failures(in: context, into: &failures)
        return failures.kept
    }

    /// The settings in force, as `GET /checks` shows them.
    public var thresholds: [CheckThreshold] { Self.settings.map { CheckThreshold($0.key, $0.show(self)) } }
}
