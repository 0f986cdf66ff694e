// Writes the overlay files the examples load (Examples/overlays/), from the project's own xclbin
// writer. Run from the package root: `swift run make-overlays` (a test checks the committed files are
// what this writes).
import Foundation
import Pynq
import PynqMock

let folder = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Examples/overlays"
let path = folder + "/kernel_opt.xclbin"
let bytes = try MockOverlays.kernelOptXclbin()
try Data(bytes).write(to: URL(fileURLWithPath: path))
print("wrote \(path) (\(bytes.count) bytes)")
