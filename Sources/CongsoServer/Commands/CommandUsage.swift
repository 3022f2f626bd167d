import Foundation
import Vapor

/// A usage error, whatever the log format: the message and the usage of the command that
/// was meant go to standard error, and the process exits 2 (the README's promise).
public enum CommandUsage {
    public static func fail(_ app: Application, args: [String], message: String) async -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n\n".utf8))
        FileHandle.standardError.write(Data(usage(app, args: args).utf8))
        try? await app.asyncShutdown()
        exit(2)
    }

    /// The help of the deepest command the arguments name (the whole list when none).
    static func usage(_ app: Application, args: [String]) -> String {
        let buffer = CapturingConsole()
        var command: any AnyAsyncCommand = app.asyncCommands.group()
        var path: [String] = []
        for arg in args where !arg.hasPrefix("-") {
            guard let group = command as? any AsyncCommandGroup, let next = group.commands[arg] else { break }
            command = next
            path.append(arg)
        }
        var input = CommandInput(arguments: ["congso"])
        input.executablePath = ["congso"] + path
        var context = CommandContext(console: buffer, input: input)
        context.application = app
        try? command.outputHelp(using: &context)
        return buffer.text
    }
}

/// A console that keeps what is written, so help text can go to standard error.
final class CapturingConsole: Console, @unchecked Sendable {
    private(set) var text = ""
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (100, 40) }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) {
        self.text += text.description + (newLine ? "\n" : "")
    }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { text += error + (newLine ? "\n" : "") }
}
