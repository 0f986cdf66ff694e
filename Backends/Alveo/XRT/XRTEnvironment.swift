/// Checks, before the first XRT call, the environment settings with which XRT 2.13 aborts the process
/// (it throws a C++ exception nobody catches, even behind its C API):
/// - `XILINX_XRT` unset — XRT builds its device layer's path from it, in every mode;
/// - `XCL_EMULATION_MODE` set to something other than `noop`, `sw_emu` or `hw_emu`;
/// - the device layer missing: `$XILINX_XRT/lib/libxrt_core.so.2` (a card),
///   `libxrt_noop.so.2` / `libxrt_swemu.so.2` / `libxrt_hwemu.so.2` (emulation modes).
enum XRTEnvironment {
    /// Throws ``AlveoError/unsafeEnvironment(variable:problem:fix:)`` for a setting XRT would die on;
    /// returns the device layer XRT will load.
    static func check(system: LoaderSystem) throws(AlveoError) -> String {
        let mode = system.environment("XCL_EMULATION_MODE")
        let layerFile: String
        switch mode {
        case nil, "": layerFile = "libxrt_core.so.2"
        case "noop": layerFile = "libxrt_noop.so.2"
        case "sw_emu": layerFile = "libxrt_swemu.so.2"
        case "hw_emu": layerFile = "libxrt_hwemu.so.2"
        case let other?:
            throw .unsafeEnvironment(
                variable: "XCL_EMULATION_MODE",
                problem: "'\(other)' is not an XRT emulation mode.",
                fix: "Unset it for a card, or set it to noop, sw_emu or hw_emu.")
        }
        guard let home = system.environment("XILINX_XRT"), !home.isEmpty else {
            let modeText = mode.map { " (XCL_EMULATION_MODE=\($0))" } ?? ""
            throw .unsafeEnvironment(
                variable: "XILINX_XRT",
                problem: "not set\(modeText); XRT looks for its device layer \(layerFile) in $XILINX_XRT/lib.",
                fix: "Set XILINX_XRT to XRT's folder (export XILINX_XRT=/opt/xilinx/xrt), or with Debian's "
                    + "packages to a folder whose lib is a symlink to /usr/lib/x86_64-linux-gnu "
                    + "(scripts/setup.sh makes .xrt; scripts/test.sh exports it).")
        }
        let layer = home + "/lib/" + layerFile
        guard system.fileExists(layer) else {
            throw .unsafeEnvironment(
                variable: "XILINX_XRT",
                problem: "XRT's device layer \(layer) does not exist.",
                fix: "Point XILINX_XRT at the folder whose lib/ holds \(layerFile)"
                    + (mode == nil ? " (install XRT's PCIe layer, Debian: libxrt1)." : "."))
        }
        return layer
    }
}
