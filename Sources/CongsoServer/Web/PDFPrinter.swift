import Foundation
import Vapor

/// Turns a printable page into a PDF with headless Chromium (Debian's `chromium`, which the
/// browser tests already install): the same print CSS a civil servant gets from the browser's
/// own "Print", no PDF code of our own. Two at a time at most — each Chromium is heavy.
actor PDFPrinter {
    static let shared = PDFPrinter()
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    static var binary: String? {
        let candidates = [ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private func acquire() async {
        if running < 2 { running += 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }

    /// `html` is a whole page; its stylesheet link is replaced by the CSS itself so the page
    /// prints from a file without the server.
    func print(html: Data, css cssPath: String) async throws -> Data {
        guard let chromium = Self.binary else {
            throw AppError(status: .serviceUnavailable, code: "pdf.unavailable", detail: "chromium")
        }
        await acquire()
        defer { release() }
        let dir = NSTemporaryDirectory() + "congso-pdf-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var page = String(decoding: html, as: UTF8.self)
        let css = (try? String(contentsOfFile: cssPath, encoding: .utf8)) ?? ""
        page = page.replacingOccurrences(of: "<link rel=\"stylesheet\" href=\"/css/app.css\">", with: "<style>\(css)</style>")
        let input = dir + "/page.html", output = dir + "/page.pdf"
        try Data(page.utf8).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=" + dir + "/profile", "--no-pdf-header-footer", "--print-to-pdf=" + output, "file://" + input]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning {
            if Date() > deadline { process.terminate(); throw AppError(status: .gatewayTimeout, code: "pdf.timeout", detail: "60 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard process.terminationStatus == 0, let pdf = FileManager.default.contents(atPath: output), pdf.starts(with: Data("%PDF".utf8)) else {
            throw AppError(status: .internalServerError, code: "pdf.failed", detail: "exit \(process.terminationStatus)")
        }
        return pdf
    }
}
