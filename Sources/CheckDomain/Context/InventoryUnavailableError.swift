/// The inventory failed to answer a load; the request cannot be checked now, and nothing was cached.
public struct InventoryUnavailableError: Error, Sendable {
    /// What the inventory threw.
    public var underlying: any Error
}
