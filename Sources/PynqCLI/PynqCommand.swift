import ArgumentParser

/// The `pynq` command. Each subcommand lives in its own file and is listed here.
@main
struct PynqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pynq",
        abstract: "PYNQ's host tools in Swift.",
        subcommands: [Inspect.self, Devices.self])
}
