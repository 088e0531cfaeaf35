/// A request ran out of time (`--request-timeout`): its inventory lookup was abandoned, or its check items had not
/// finished when the time was up. The request is answered 504; nothing of it is remembered.
public struct DeadlineExceededError: Error, Sendable, Equatable {
    /// Creates the error.
    public init() {}
}
