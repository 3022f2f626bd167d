import CQrencode
import Foundation

/// QR codes as SVG through Debian's libqrencode: a base45 string is encoded in
/// alphanumeric mode (the library picks it), error correction level Q.
enum QRCodeSVG {
    static func svg(_ text: String, moduleSize: Int = 4, quietZone: Int = 4) -> String? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                // Runs of dark modules make one rectangle each: a smaller file.
                guard data[y * width + x] & 1 == 1 else { x += 1; continue }
                let start = x
                while x < width && data[y * width + x] & 1 == 1 { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let size = width + 2 * quietZone
        return """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" width="\(size * moduleSize)" height="\(size * moduleSize)" \
        shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="\(size)" height="\(size)" fill="#fff"/>\
        <path d="\(path)" fill="#000"/></svg>
        """
    }
}
