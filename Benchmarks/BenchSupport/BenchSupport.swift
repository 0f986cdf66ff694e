// Timing helpers shared by the benchmark executables (Benchmarks/*): medians over repeated runs,
// durations in seconds, fixed-point formatting without Foundation, and `--name N` options.

/// The median of `values` (the upper one of the two middle values for an even count).
public func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    return values.sorted()[values.count / 2]
}

/// `duration` in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Runs `body` `runs` times and returns each run's time in seconds.
public func timeRuns(_ runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
    let clock = ContinuousClock()
    var times: [Double] = []
    times.reserveCapacity(runs)
    for _ in 0..<runs {
        let start = clock.now
        try body()
        times.append(seconds(clock.now - start))
    }
    return times
}

/// Median time per call in nanoseconds: `body` runs once per call in batches of `batch` calls (one
/// batch first as a warm-up), `rounds` batches are timed, and the median batch's time per call is
/// returned.
public func medianNanoseconds(rounds: Int, batch: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<batch { try body() }
    let times = try timeRuns(rounds) {
        for _ in 0..<batch { try body() }
    }
    return median(times) * 1e9 / Double(batch)
}

/// Prints `<name> <nanoseconds with one decimal>`: the line format the benchmark scripts parse.
public func report(_ name: String, _ nanoseconds: Double) {
    print(name, format(nanoseconds, 1))
}

/// `value` rounded to `digits` decimals, as plain text (`format(2.345, 2)` is `"2.35"`).
public func format(_ value: Double, _ digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((abs(value) * scale).rounded())
    var text = String(scaled)
    while text.count <= digits { text = "0" + text }
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return sign + (digits == 0 ? text : String(text.dropLast(digits)) + "." + String(text.suffix(digits)))
}

/// The value of the integer option `name` (`--runs 7`) in the command line, or `defaultValue` when it
/// is absent or not a positive integer.
public func intOption(_ name: String, default defaultValue: Int, in arguments: [String] = CommandLine.arguments) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
          let value = Int(arguments[index + 1]), value > 0 else { return defaultValue }
    return value
}
