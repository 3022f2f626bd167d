import Vapor
import Fluent
import FluentSQLiteDriver
import FluentPostgresDriver
import Leaf
import Prometheus
public func bootstrapPlaceholder(_ app: Application) {}
