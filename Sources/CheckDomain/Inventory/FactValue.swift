import Foundation

/// A fact as a store holds it, whatever the store: what `FactColumns` reads and writes, and what each store turns
/// its own values into and back.
enum FactValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case date(Date)

    /// The integer; nil for another shape.
    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// A number, integer or real; nil for another shape.
    var real: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    /// The text; nil for another shape.
    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The instant; nil for another shape.
    var date: Date? {
        if case .date(let value) = self { return value }
        return nil
    }
}
