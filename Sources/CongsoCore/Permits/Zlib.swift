import CZlib

/// zlib (RFC 1950) through the system library: compress for issuing, and a bounded
/// inflate for verifying, so a small hostile payload cannot expand without limit.
public enum Zlib {
    public enum Failure: Error, Equatable, Sendable { case corrupt, tooLarge }

    public static func compress(_ input: [UInt8], level: Int32 = 9) -> [UInt8] {
        var destLen = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(destLen))
        let status = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destLen, src.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        return Array(out.prefix(Int(destLen)))
    }

    /// Inflates a zlib stream of at most `maxOutput` bytes.
    public static func decompress(_ input: [UInt8], maxOutput: Int = 16 * 1024) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw .corrupt }
        defer { inflateEnd(&stream) }
        var status: Int32 = Z_OK
        let out = [UInt8](unsafeUninitializedCapacity: maxOutput + 1) { dst, initialized in
            input.withUnsafeBufferPointer { src in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                status = inflate(&stream, Z_FINISH)
            }
            initialized = Int(stream.total_out)
        }
        if out.count > maxOutput { throw .tooLarge }
        guard status == Z_STREAM_END, stream.avail_in == 0 else { throw .corrupt }
        return out
    }
}
