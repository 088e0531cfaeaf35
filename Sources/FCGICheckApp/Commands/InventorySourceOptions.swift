import ArgumentParser
import CheckDomain

/// `--demo` or `--inventory PATH`: where the commands that run checks (`serve`, `check`) get their nodes.
struct InventorySourceOptions: ParsableArguments {
    @Flag(help: "Use the built-in demo inventory (nodes 1, 2 and 3 of the reference service).")
    var demo = false

    @OptionGroup var inventoryOptions: InventoryOptions

    func validate() throws {
        if demo && inventoryOptions.inventory != nil {
            throw ValidationError("--demo and --inventory exclude each other")
        }
    }

    /// How logs name the inventory in force.
    var name: String { demo ? "the demo inventory" : "inventory \(inventoryOptions.displayName)" }

    /// Opens the inventory in force (it must exist); `onStatement` sees its SQL.
    /// - Parameter statementTimeout: the most a PostgreSQL statement may run.
    func open(statementTimeout: Duration? = nil, onStatement: (@Sendable (String) -> Void)? = nil) throws
        -> any NodeInventory
    {
        demo
            ? DemoInventory()
            : try inventoryOptions.open(.existing, statementTimeout: statementTimeout, onStatement: onStatement)
    }
}
