import CongsoCore
import Foundation
import Vapor

struct PermitCommands: AsyncCommandGroup {
    var help: String { "Travel permits (permit rotate-key, permit verify …)." }
    var commands: [String: any AnyAsyncCommand] { ["rotate-key": RotateKeyCommand(), "verify": VerifyPermitCommand()] }
}

struct RotateKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Start a new signing key; older keys keep verifying the permits they signed." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let kid = try await PermitKeys.rotate(in: context.application.dataDirectory, on: context.application.db)
        context.console.success("New signing key \(kid) in \(PermitKeys.directory(in: context.application.dataDirectory)) (mode 0600)")
    }
}

/// Verifies offline: exit 0 valid, 1 invalid (with the reason), 2 usage error.
struct VerifyPermitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "permit", help: "The VNP1: string") var permit: String
        @Option(name: "trust-list", help: "JWKS file (default: the keys in the local database)") var trustList: String?
        @Option(name: "revocations", help: "Signed revocation list file") var revocations: String?
        @Option(name: "at", help: "Check validity at this ISO 8601 time (default: now)") var at: String?
    }
    var help: String { "Verify a permit offline: verify STRING [--trust-list FILE] [--revocations FILE] [--at ISO-TIME]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        var now = Date()
        if let at = signature.at {
            let f = ISO8601DateFormatter()
            guard let d = f.date(from: at) ?? LocalDate(at)?.start else {
                throw UsageError("--at: not an ISO 8601 time: \(at)")
            }
            now = d
        }
        let jwks: JWKS.Set
        if let file = signature.trustList {
            guard let data = FileManager.default.contents(atPath: file), let set = try? JSONDecoder().decode(JWKS.Set.self, from: data) else {
                throw UsageError("--trust-list: cannot read a JWKS from \(file)")
            }
            jwks = set
        } else {
            jwks = try await PermitKeys.trustList(on: context.application.db)
        }
        let trust = JWKS.trust(jwks)
        var revoked = Set<String>()
        if let file = signature.revocations {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard let data = FileManager.default.contents(atPath: file), let doc = try? decoder.decode(RevocationList.Document.self, from: data) else {
                throw UsageError("--revocations: cannot read a revocation list from \(file)")
            }
            switch RevocationList.verify(doc, trust: trust) {
            case .success(let hashes): revoked = hashes
            case .failure(let f):
                throw UsageError("--revocations: the list is not signed by a trusted key (\(f))")
            }
        }
        switch PermitCodec.verify(signature.permit.trimmingCharacters(in: .whitespacesAndNewlines), trust: trust, revokedIDHashes: revoked, at: now) {
        case .success(let c):
            let p = c.permit
            context.console.success("VALID \(p.id): \(p.name) (\(p.idNumber)), \(p.org) — \(p.purpose); \(p.from) → \(p.to)\(p.plate.map { ", \($0)" } ?? ""); \(p.validFrom.vietnamese)–\(p.validUntil.vietnamese); issuer \(c.issuer)")
        case .failure(let f):
            context.console.error("INVALID: \(f.code.replacingOccurrences(of: "permit.", with: ""))")
            throw ExitCode(1)
        }
    }
}
