import ArgumentParser
import PynqMetadata

@main
struct PynqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pynq", abstract: "PYNQ's host tools in Swift.")
}
