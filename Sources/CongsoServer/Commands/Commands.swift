import CongsoCore
import Fluent
import Vapor

/// The command line: Vapor's `serve` (wrapped to add --demo) and `migrate`, plus ours.
enum Commands {
    static func register(_ app: Application) async {
        await app.asyncCommands.use(CongsoServeCommand(inner: app.servers.asyncCommand), as: "serve", isDefault: true)
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(ImportStaffCommand(), as: "import-staff")
        app.asyncCommands.use(ExportStaffCommand(), as: "export-staff")
        app.asyncCommands.use(PermitCommands(), as: "permit")
        app.asyncCommands.use(RosterCommands(), as: "roster")
        app.asyncCommands.use(SchedulerCommand(), as: "scheduler")
        app.asyncCommands.use(SearchReindexCommand(), as: "search-reindex")
        app.asyncCommands.use(SeedDocumentsCommand(), as: "seed-documents")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(RestoreCommand(), as: "restore")
    }
}

/// `serve [--demo] [--hostname H] [--port P]`: with --demo, fills an empty database
/// with demo data first, then serves through Vapor's own serve command.
struct CongsoServeCommand: AnyAsyncCommand {
    let inner: any AnyAsyncCommand
    var help: String { "Serve Congso over HTTP (--demo: load demo data into an empty database first; also --hostname, --port, --bind)." }

    func outputHelp(using context: inout CommandContext) throws {
        try inner.outputHelp(using: &context)
        context.console.output("--demo  Load demo data when the database is empty.")
    }

    func run(using context: inout CommandContext) async throws {
        var args = context.input.arguments
        if let i = args.firstIndex(of: "--demo") {
            args.remove(at: i)
            let app = context.application
            if try await DemoSeeder.isEmpty(app.db) {
                context.console.info("Đang nạp dữ liệu mẫu / loading demo data…")
                let console = context.console
                let result = try await DemoSeeder.seed(on: app.db, passwords: app.password, log: { console.output($0.consoleText()) })
                context.console.output(DemoSeeder.printout(result).consoleText())
            } else {
                context.console.info("Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu / database not empty; demo data skipped.")
            }
        }
        context.input.arguments = args
        // Reminders run inside the server (several servers may share a database).
        // Serve returns once the server listens; the loop stops when the app shuts down.
        try await inner.run(using: &context)
        if let scheduler = Scheduler.start(context.application) {
            context.application.lifecycle.use(Scheduler.Stopper(task: scheduler))
        }
        // Dashboards of every process stay in step through LISTEN/NOTIFY (PostgreSQL).
        context.application.lifecycle.use(LiveListener.Stopper(task: LiveListener.start(context.application)))
    }
}

struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Fill an empty database with a Hanoi-like administration and one user per role." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard try await DemoSeeder.isEmpty(app.db) else {
            context.console.error("The database is not empty; demo data is only loaded into an empty database.")
            throw ExitCode(1)
        }
        let console = context.console
        let result = try await DemoSeeder.seed(on: app.db, passwords: app.password, log: { console.output($0.consoleText()) })
        context.console.output(DemoSeeder.printout(result).consoleText())
    }
}

struct UserCommands: AsyncCommandGroup {
    var help: String { "Manage users (user create …)." }
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand(), "unlock": UserUnlockCommand()] }
}

/// Lifts a sign-in lock from the server's machine: the way back in when the administrators'
/// own accounts are the ones locked.
struct UserUnlockCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The locked account's e-mail") var email: String?
        @Option(name: "address", help: "The locked client address") var address: String?
    }
    var help: String { "Lift a sign-in lock: user unlock --email E | --address A" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let subject: SignInThrottle.Subject
        switch (signature.email, signature.address) {
        case (let e?, nil): subject = .account(e)
        case (nil, let a?): subject = .address(a)
        default: throw UsageError("Give exactly one of --email and --address.")
        }
        let app = context.application
        do {
            try await SignInGuard.lift(key: subject.key, actor: .commandLine(), on: app.db)
            context.console.success("Lifted the sign-in lock of \(subject.key) / Đã mở khóa \(subject.key)")
        } catch let e as AppError {
            context.console.error(app.translations.text("err." + e.code, "en", detail: e.detail))
            throw ExitCode(1)
        }
    }
}

struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Sign-in e-mail") var email: String?
        @Option(name: "password", help: "Password (at least 8 characters)") var password: String?
        @Option(name: "role", help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String?
        @Option(name: "org", help: "Org id or code of the user's subtree (all roles but admin)") var org: String?
        @Option(name: "name", help: "Display name") var name: String?
    }
    var help: String { "Create a user: user create --email E --password P --role ROLE [--org ORG_ID]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email, let password = signature.password, let roleRaw = signature.role else {
            throw UsageError("--email, --password and --role are required.")
        }
        guard let role = Role(rawValue: roleRaw) else {
            throw UsageError("Unknown role \(roleRaw); use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let app = context.application
        let input = UserService.Input(email: email, displayName: signature.name, password: password, role: role, orgID: signature.org)
        do {
            let user = try await UserService.create(input, actor: .commandLine(), on: app.db, passwords: app.password)
            context.console.success("Created \(user.email) (\(user.role)), id \(user.id!.uuidString)")
        } catch let e as AppError {
            context.console.error(app.translations.text("err." + e.code, "en", detail: e.detail))
            throw ExitCode(1)
        }
    }
}

struct ImportStaffCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "UTF-8 CSV with a header row") var file: String
        @Flag(name: "skip-invalid", help: "Import the good rows and report the bad ones") var skipInvalid: Bool
    }
    var help: String { "Import staff from CSV (nothing is imported if any row is bad, unless --skip-invalid)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            throw UsageError("Cannot read \(signature.file)")
        }
        let console = context.console
        let report = try await StaffCSVService.importCSV(
            Array(data), skipInvalid: signature.skipInvalid, actor: .commandLine("cli:import-staff"), on: context.application.db,
            progress: { done, total in console.output("  \(done)/\(total) rows".consoleText()) })
        for e in report.errors { context.console.warning("line \(e.line): \(e.reason)") }
        if report.committed {
            context.console.success("Imported: \(report.created) created, \(report.updated) updated, \(report.errors.count) rejected.")
        } else {
            context.console.error("Nothing imported: \(report.errors.count) bad row(s). Fix them or use --skip-invalid.")
            throw ExitCode(1)
        }
    }
}

struct ExportStaffCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the CSV") var file: String
        @Option(name: "org", help: "Only this org's subtree (id or code)") var org: String?
    }
    var help: String { "Export staff to CSV, in the format import-staff reads." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let actor = Actor.commandLine()
        let under = try await signature.org.asyncMap { try await OrgService.find($0, actor: actor, on: db) }
        let csv = try await StaffCSVService.exportCSV(actor: actor, under: under, on: db)
        // Write to a temporary file and rename, so a failure never leaves half a file.
        let tmp = signature.file + ".tmp-\(UUID().uuidString.prefix(8))"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: tmp))
        _ = try? FileManager.default.removeItem(atPath: signature.file)
        try FileManager.default.moveItem(atPath: tmp, toPath: signature.file)
        let rows = csv.split(separator: "\r\n").count - 1
        context.console.success("Exported \(rows) staff to \(signature.file)")
    }
}

/// A command used wrongly (a missing or malformed option): the executable prints the message
/// and the command's usage and exits 2, like ConsoleKit's own parsing errors.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}

/// Lets a command fail with a chosen exit status.
public struct ExitCode: Error, Sendable, CustomStringConvertible {
    public var description: String { "exit status \(code)" }
    public let code: Int32
    init(_ code: Int32) { self.code = code }
}
