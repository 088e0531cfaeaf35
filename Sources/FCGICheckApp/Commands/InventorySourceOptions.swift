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
    var name: String { demo ? "the demo inventory" : "inventory \(inventoryOptions.path)" }

    /// Opens the inventory in force (an SQLite inventory must exist); `onStatement` sees its SQL.
    func open(onStatement: (@Sendable (String) -> Void)? = nil) throws -> any NodeInventory {
        demo ? DemoInventory() : try inventoryOptions.open(.existing, onStatement: onStatement)
    }
}
