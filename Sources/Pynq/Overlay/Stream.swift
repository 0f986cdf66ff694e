import PynqMetadataCore

/// An AXI-Stream connection between two IPs of a loaded overlay (pynq's `XrtStream`, `ol.dc_0`).
/// Streams cannot hold buffers.
public final class Stream: Sendable, CustomStringConvertible {
    /// The connection as the overlay describes it.
    public let connection: StreamConnection
    /// `"ip.port"` of the producing end, e.g. `krnl_stream_vadd_1.out_r`.
    public let source: String?
    /// `"ip.port"` of the consuming end.
    public let sink: String?
    /// The IP at the producing end (pynq's `source_ip`).
    public let sourceIP: DefaultIP?
    /// The IP at the consuming end (pynq's `sink_ip`).
    public let sinkIP: DefaultIP?
    /// Monitor IPs attached to the stream (`"ip.port"`); none in xclbin designs.
    public let monitors: [String]

    init(connection: StreamConnection, ips: [String: DefaultIP]) {
        self.connection = connection
        // Prefer what the connection names; otherwise find the ports that point at this stream.
        func endpoint(_ direction: String) -> String? {
            for (name, ip) in ips.sorted(by: { $0.key < $1.key }) {
                for (port, stream) in ip.block.streams.sorted(by: { $0.key < $1.key })
                where stream.streamTag == connection.tag && stream.direction == direction {
                    return "\(name).\(port)"
                }
            }
            return nil
        }
        source = connection.source ?? endpoint("output")
        sink = connection.sink ?? endpoint("input")
        func ipName(_ endpoint: String?) -> String? {
            endpoint.map { String($0[..<($0.lastIndex(of: ".") ?? $0.endIndex)]) }
        }
        sourceIP = ipName(source).flatMap { ips[$0] }
        sinkIP = ipName(sink).flatMap { ips[$0] }
        monitors = []
    }

    /// The stream's name, e.g. `dc_0`.
    public var tag: String { connection.tag }
    /// MEM_TOPOLOGY index.
    public var index: Int { connection.index }

    /// As pynq prints it: `XrtStream(source=krnl_stream_vadd_1.out_r, sink=krnl_stream_vmult_1.in1)`.
    public var description: String {
        "XrtStream(source=\(source ?? "None"), sink=\(sink ?? "None"))"
    }
}
