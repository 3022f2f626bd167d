import Fluent
import Vapor

/// Every schema change, in the order it shipped. The list is append-only: a migration
/// that has landed is never edited, reordered or removed, because databases made by
/// earlier builds have recorded it as done and will never run it again. A schema change
/// is a new migration at the end (`congso migrate` brings any older database up to date).
/// `MigrationTests` (DatabaseMigrationsTests.swift) holds a fingerprint of what each one does to the schema and fails
/// when an old one changes; a new one is added to `Tests/CongsoServerTests/Support/migrations.lock`.
enum Migrations {
    static var ordered: [any Migration] {
        [
            SessionRecord.migration,
            CreateOrganization(),
            CreateStaff(),
            CreateUser(),
            CreateAuditEntry(),
            CreateDirectives(),
            CreateOnSite(),
            CreateNotifications(),
            CreatePermits(),
            CreateRosters(),
            CreateStaffAbsences(),
            CreateTasks(),
            CreateReports(),
            CreateCheckIns(),
            CreateSchedulerClaims(),
            CreateMonthlyRatings(),
            CreateWeeklyPlans(),
            UniqueOnSiteRequests(),
            AddTaskOverdueReminderDay(),
            AddTaskEventFields(),
            CreatePermitTrust(),
            CreateMeetings(),
            CreateMeetingMinutes(),
            CreateMailOutbox(),
            CreateDocuments(),
            CreateSearchIndex(),
            CreateWorkingDayAdjustments(),
            CreatePublicServices(),
            CreateHotlines(),
            CreateCitizenMail(),
            CreateHealth(),
            AddRosterReplanNote(),
            CreateContingency(),
            CreateInspections(),
            AddDashboardIndexes(),
            AddReportCounts(),
            AddUnitCounts(),
            CreateSignInThrottles(),
        ]
    }
}
