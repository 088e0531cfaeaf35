/// Which fields an answer carries.
public enum ResultFields: Sendable, Equatable {
    /// Only the reference service's: `name`, `description`, `not_success_nodes[].node_id`, `.message`.
    case reference
    /// The reference's fields, then per node `level`, `expected`, `actual` and `fix` (null where there is none).
    case extended
}
