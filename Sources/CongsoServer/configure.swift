import CongsoCore
import Fluent
import Leaf
import Vapor

/// Settings the executable and the tests pass in.
public struct CongsoOptions: Sendable {
    public var database: DatabaseChoice
    /// bcrypt cost: 12 in production; tests lower it so suites stay fast.
    public var bcryptCost: Int
    public var autoMigrate: Bool

    public init(database: DatabaseChoice = .fromEnvironment(), bcryptCost: Int = 12, autoMigrate: Bool = true) {
        self.database = database
        self.bcryptCost = bcryptCost
        self.autoMigrate = autoMigrate
    }
}

public func configure(_ app: Application, options: CongsoOptions = .init()) async throws {
    if app.environment == .testing { app.logger.logLevel = .warning }

    // MARK: - Database
    try DatabaseSetup.configure(app, options.database)
    DatabaseSetup.migrations(app)
    if case .postgres(let url, _) = options.database { LiveListener.configure(app, url: url) }
    if options.autoMigrate {
        // First run creates and migrates the database; later runs are a no-op.
        app.fluent.migrationLogLevel = .debug
        try await DatabaseSetup.prepareFile(options.database)
        try await app.autoMigrate()
    }

    // MARK: - Files beside the database (tests get a directory of their own)
    app.dataDirectory = app.environment == .testing
        ? NSTemporaryDirectory() + "congso-test-" + UUID().uuidString
        : DataDirectory.fromEnvironment()

    // MARK: - Server
    if let port = Environment.get("PORT").flatMap(Int.init) { app.http.server.configuration.port = port }
    app.http.server.configuration.hostname = Environment.get("HOST") ?? "127.0.0.1"
    app.http.server.configuration.shutdownTimeout = GracefulShutdown.drainTimeout
    // /metrics is RequestMetricsMiddleware's registry; Vapor's own swift-metrics figures go
    // nowhere (no MetricsSystem is bootstrapped) but cost a route string per request.
    app.http.server.configuration.reportMetrics = false
    app.routes.defaultMaxBodySize = "10mb"
    app.passwords.use(.bcrypt(cost: options.bcryptCost))

    // MARK: - The video engine meetings use (none unless configured)
    do {
        app.videoEngine = try VideoEngineSettings.from(environment: ProcessInfo.processInfo.environment)
    } catch let problem as VideoEngineSettings.Problem {
        app.logger.critical("video engine: \(problem.description)")
        throw problem
    }

    // MARK: - E-mail (none unless an SMTP relay is configured)
    do {
        app.mailRelay = try MailRelay.from(environment: ProcessInfo.processInfo.environment,
                                           port: Environment.get("PORT").flatMap(Int.init) ?? 8080)
    } catch let problem as MailRelay.Problem {
        app.logger.critical("e-mail: \(problem.description)")
        throw problem
    }

    // MARK: - Views and texts
    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.translations = try Translations(directory: app.directory.resourcesDirectory + "Translations")

    // MARK: - Sessions: stored in the database so several processes share sign-ins
    app.sessions.use(.fluent)
    app.sessions.configuration = SessionsConfiguration(cookieName: "congso_session") { id in
        HTTPCookies.Value(string: id.string, expires: Date().addingTimeInterval(12 * 3600), maxAge: 12 * 3600,
                          path: "/", isSecure: Environment.get("COOKIE_SECURE") == "1", isHTTPOnly: true, sameSite: .lax)
    }

    // MARK: - Middleware (outermost first)
    let driver = options.database.isSQLite ? "sqlite" : "postgres"
    app.metrics = AppMetrics(poolSize: options.database.isSQLite ? 1 : 4, eventLoops: app.eventLoopGroup.makeIterator().reduce(0) { n, _ in n + 1 }, driver: driver)
    app.middleware = .init()
    app.middleware.use(RequestMetricsMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(videoEngine: app.videoEngine, cookieSecure: Environment.get("COOKIE_SECURE") == "1"))
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(PublicFiles(files: FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil)))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(ActorMiddleware())
    app.middleware.use(LiveChangeMiddleware())

    // MARK: - Batches many concurrent requests share (token checks, the daily reports)
    app.setUpTokenChecks()
    app.setUpReportHandIns()

    // MARK: - Routes and commands
    try routes(app)
    await Commands.register(app)
}
