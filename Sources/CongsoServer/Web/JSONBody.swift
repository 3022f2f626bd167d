import Vapor

/// JSON in and out of the API's hot routes without Vapor's content negotiation, which
/// parses the Content-Type header's directives and looks its coder up by media type on
/// every request: 3 % of the server's CPU in the 07:00 burst, more than decoding the body.
/// The coders are the ones Vapor is configured with, so the JSON is byte for byte the same.
enum JSONBody {
    static let decoder: JSONDecoder = (try? ContentConfiguration.global.requireDecoder(for: .json)) as? JSONDecoder ?? JSONDecoder()
    static let encoder: JSONEncoder = (try? ContentConfiguration.global.requireEncoder(for: .json)) as? JSONEncoder ?? JSONEncoder()
    static let contentType = "application/json; charset=utf-8"

    /// The two spellings clients send; anything else takes Vapor's path and its answers (415, 400).
    static func isPlain(_ contentType: String) -> Bool {
        let lower = contentType.lowercased()
        return lower == "application/json" || lower == Self.contentType
    }

    /// A response with `value` as its JSON body.
    static func response<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: contentType)
        return Response(status: status, headers: headers, body: .init(buffer: try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())))
    }
}

extension Request {
    /// The body as `T`: directly when it is plain JSON already read, else through `content`.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        if let body = body.data, let type = headers.first(name: .contentType), JSONBody.isPlain(type) {
            return try JSONBody.decoder.decode(T.self, from: body)
        }
        return try content.decode(T.self)
    }
}
