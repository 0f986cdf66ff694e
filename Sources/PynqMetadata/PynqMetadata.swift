// The metadata library: one import for every reader and writer of overlay files.
@_exported import PynqMetadataCore
@_exported import PynqXML
@_exported import PynqXclbin
@_exported import PynqHWH
@_exported import PynqBitstream
