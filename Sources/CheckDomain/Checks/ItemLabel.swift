/// What an answer shows of a registered item in one language: its name, its description and the answer's bytes before
/// its failures (`{"name":…,"description":…,"not_success_nodes":[`), made once when the item is registered.
///
/// Every request's results carry their items' labels, and every answer writes them. Held as strings and arrays, a
/// label was retained when a result was made and again when it was written, and released twice: six atomic
/// operations an item, some 150 a request of the default catalogue, all on memory every accept thread shares, so that
/// each waited for the cache line the other core had just written (`swift_retain` and `swift_release` were a sixth of
/// the service's CPU under load). A label is instead a pointer to memory that is never freed, read without counting
/// references.
///
/// Labels are interned: registering an item whose label exists already (each policy reload registers every item again,
/// each test its own registry) finds the one made before, so the memory they hold is bounded by the distinct labels
/// the process ever shows, a few hundred bytes each.
struct ItemLabel: @unchecked Sendable {
    // @unchecked: the storage is written once, before the label is first handed out, and never again nor freed.
    private let storage: UnsafePointer<Storage>

    private struct Storage {
        let name: String
        let description: String
        let head: UnsafeBufferPointer<UInt8>
    }

    /// The labels made so far, by their head (which holds the name and the description). Behind a lock that
    /// ThreadSanitizer sees (see `LockedValue`): two tests registering items at once showed up as a race.
    private static let interned = LockedValue<[[UInt8]: ItemLabel]>([:])

    /// The label of an item of this name and description: the one made before, or a new one.
    init(name: String, description: String) {
        let head = CheckItemResult.head(name: name, description: description)
        self = Self.interned.withLock { labels in
            if let label = labels[head] { return label }
            let storage = UnsafeMutablePointer<Storage>.allocate(capacity: 1)
            storage.initialize(to: Storage(name: name, description: description, head: ImmortalBytes(head).bytes))
            let label = ItemLabel(storage: storage)
            labels[head] = label
            return label
        }
    }

    private init(storage: UnsafeMutablePointer<Storage>) {
        self.storage = UnsafePointer(storage)
    }

    /// The item's name.
    var name: String { storage.pointee.name }
    /// The item's description in the label's language.
    var description: String { storage.pointee.description }
    /// The answer's bytes before the item's failures, read in place.
    var head: UnsafeBufferPointer<UInt8> { storage.pointee.head }
}
