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
