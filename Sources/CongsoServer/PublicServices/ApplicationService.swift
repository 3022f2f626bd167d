import CongsoCore
import Fluent
import Vapor

/// Dossiers at the one-stop desk: a citizen applies (online, no account) or the desk takes
/// one in; the desk receives it (the promised date is set), asks for what is missing, or
/// refuses; assigns, processes, suspends while waiting for the citizen (the clock stops),
/// approves and returns the result. Every step is a state the citizen sees and an audit line.
enum ApplicationService {
    static let filesArea = "applications"

    struct Applicant {
        var name: String?
        var phone: String?
        var email: String?
        var address: String?
        var wantsPost: Bool?
        var note: String?
    }

    /// One uploaded paper: which of the procedure's papers it is.
    struct Paper {
        var index: Int
        var file: File
    }

    static func applicant(_ a: Applicant, procedure: ServiceProcedure) throws -> (name: String, phone: String, email: String, address: String, post: Bool, note: String) {
        let name = VietnameseText.normalize(a.name ?? "")
        guard !name.isEmpty else { throw AppError.invalid("application.name_missing", "") }
        guard name.count <= 200 else { throw AppError.invalid("too_long", "200") }
        guard let phone = PhoneNumber.normalize(a.phone ?? "") else { throw AppError.invalid("application.phone_invalid", a.phone ?? "") }
        let email = (a.email ?? "").trimmingCharacters(in: .whitespaces)
        if !email.isEmpty {
            let parts = email.split(separator: "@")
            guard email.count <= 200, parts.count == 2, parts[1].contains("."), !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
                throw AppError.invalid("application.email_invalid", email)
            }
        }
        let address = VietnameseText.normalize(a.address ?? "")
        guard address.count <= 300 else { throw AppError.invalid("too_long", "300") }
        let post = a.wantsPost ?? false
        if post {
            guard procedure.byPost else { throw AppError.invalid("application.post_not_offered", procedure.name) }
            guard !address.isEmpty else { throw AppError.invalid("application.address_missing", "") }
        }
        let note = VietnameseText.normalize(a.note ?? "")
        guard note.count <= 2000 else { throw AppError.invalid("too_long", "2000") }
        return (name, phone, email, address, post, note)
    }

    /// Checks every upload against the procedure's papers before anything is stored. Online,
    /// each paper that may be sent as a scan must be; originals come to the desk.
    static func papers(_ uploads: [Paper], procedure: ServiceProcedure, requireScans: Bool) throws -> [(Int, FileStore.Checked)] {
        let list = procedure.papers
        guard uploads.count <= 40 else { throw AppError.invalid("application.too_many_files", "40") }
        var out: [(Int, FileStore.Checked)] = []
        for u in uploads {
            guard list.indices.contains(u.index) else { throw AppError.invalid("application.paper_unknown", String(u.index)) }
            out.append((u.index, try FileStore.check(u.file, codes: "application")))
        }
        if requireScans {
            for (i, paper) in list.enumerated() where paper.scan && !out.contains(where: { $0.0 == i }) {
                throw AppError.invalid("application.paper_missing", paper.name)
            }
        }
        return out
    }

    /// A citizen applies online. Returns the dossier with its new code.
    static func apply(procedureID: UUID, _ a: Applicant, uploads: [Paper], app: Application, on db: any Database, now: Date = Date()) async throws -> ServiceApplication {
        guard let p = try await ServiceProcedure.find(procedureID, on: db), p.active else { throw AppError.notFound(procedureID.uuidString) }
        guard p.onlineLevel.acceptsOnline else { throw AppError.invalid("application.not_online", p.name) }
        let who = try applicant(a, procedure: p)
        let files = try papers(uploads, procedure: p, requireScans: true)
        return try await create(p, who: who, files: files, channel: .online, actor: .citizen("public"), app: app, on: db, now: now)
    }

    /// The desk takes a dossier in person (or by post): it is received at once.
    static func intake(procedureID: UUID, _ a: Applicant, uploads: [Paper], channel: ApplicationChannel, actor: Actor, app: Application,
                       on db: any Database, now: Date = Date()) async throws -> ServiceApplication {
        guard let p = try await ServiceProcedure.find(procedureID, on: db), p.active else { throw AppError.notFound(procedureID.uuidString) }
        try actor.require(.handleApplications, on: OrgPath(p.orgPath))
        guard channel != .online else { throw AppError.invalid("application.channel_invalid", channel.rawValue) }
        let who = try applicant(a, procedure: p)
        let files = try papers(uploads, procedure: p, requireScans: false)
        return try await create(p, who: who, files: files, channel: channel, actor: actor, app: app, on: db, now: now)
    }

    static func create(_ p: ServiceProcedure, who: (name: String, phone: String, email: String, address: String, post: Bool, note: String),
                       files: [(Int, FileStore.Checked)], channel: ApplicationChannel, actor: Actor, app: Application?,
                       on db: any Database, now: Date) async throws -> ServiceApplication {
        let deadline = try await WorkingDayService.deadline(on: db)
        var written: [String] = []
        if let app { for (_, f) in files where try FileStore.write(f, area: filesArea, app: app) { written.append(f.sha) } }
        do {
            // A code is random; on the rare clash with an existing one, draw again.
            for attempt in 0..<5 {
                let a = ServiceApplication()
                a.id = UUID(); a.code = TrackingCode.make(); a.procedureID = p.id!; a.orgID = p.orgID; a.orgPath = p.orgPath
                a.channel = channel; a.applicantName = who.name; a.applicantPhone = who.phone; a.applicantEmail = who.email
                a.applicantAddress = who.address; a.wantsPost = who.post; a.note = who.note; a.submittedAt = now; a.reason = ""
                if channel == .online {
                    a.status = .submitted
                } else {
                    a.status = .received; a.receivedAt = now
                    a.dueAt = deadline.due(received: now, time: p.time); a.legalDueAt = a.dueAt
                }
                do {
                    return try await db.writeTransaction { tx in
                        try await a.create(on: tx)
                        for (i, f) in files { try await fileRow(a, paper: i, f).create(on: tx) }
                        try await event(a, channel == .online ? .submitted : .received, note: "", actor: actor, on: tx, now: now)
                        try await CitizenMail.enqueue(to: a.applicantEmail, name: a.applicantName, kind: "mail_citizen_receipt",
                                                      detail: "\(a.code) · \(p.name)", link: "/services/track?code=\(a.code)", on: tx, now: now)
                        try await AuditService.record(on: tx, actor: actor, action: "application.\(channel == .online ? "submit" : "intake")",
                                                      entityType: "application", entityID: a.id, orgPath: a.orgPath, summary: "\(a.code) · \(p.code)")
                        return a
                    }
                } catch where DatabaseFailure.isUniqueViolation(error) && attempt < 4 {
                    continue
                }
            }
            throw AppError(status: .internalServerError, code: "internal", detail: "no free code")
        } catch {
            if let app {
                for sha in written where try await ApplicationFile.query(on: db).filter(\.$sha256 == sha).count() == 0 {
                    FileStore.remove(sha: sha, area: filesArea, app: app)
                }
            }
            throw error
        }
    }

    static func fileRow(_ a: ServiceApplication, paper: Int, _ f: FileStore.Checked) -> ApplicationFile {
        let row = ApplicationFile()
        row.id = UUID(); row.applicationID = a.id!; row.paper = paper; row.sha256 = f.sha; row.fileName = f.name
        row.kind = f.kind; row.size = f.bytes.count
        return row
    }

    static func event(_ a: ServiceApplication, _ kind: ApplicationEvent.Kind, note: String, actor: Actor, on db: any Database, now: Date) async throws {
        let e = ApplicationEvent()
        e.applicationID = a.id!; e.kind = kind; e.status = a.status; e.note = note; e.dueAt = a.dueAt
        e.actorName = actor.userID == nil && actor.via != "cli" ? "" : actor.displayName; e.at = now
        try await e.create(on: db)
    }

    // MARK: - The desk

    struct Step: Content {
        /// ApplicationStatus.Action raw value.
        var action: String?
        /// What is missing, why refused, why suspended.
        var reason: String?
        var assigneeStaffId: UUID?
        /// ReturnMethod raw value; post needs the postal tracking number.
        var returnMethod: String?
        var postalTracking: String?
    }

    /// A dossier the actor may handle (or, for the assignee, process).
    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> ServiceApplication {
        guard let a = try await ServiceApplication.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if actor.staffID != nil && actor.staffID == a.assigneeStaffID { return a }
        try actor.require(.handleApplications, on: a.path)
        return a
    }

    static func act(_ id: UUID, _ step: Step, actor: Actor, on db: any Database, now: Date = Date()) async throws -> ServiceApplication {
        let a = try await find(id, actor: actor, on: db)
        guard let action = step.action.flatMap(ApplicationStatus.Action.init(rawValue:)), action != .complete else {
            throw AppError.invalid("application.action_invalid", step.action ?? "")
        }
        // The assignee processes; only the desk receives, assigns and returns.
        let isDesk = actor.may(.handleApplications, on: a.path)
        guard isDesk || [.suspend, .resume, .approve].contains(action) else { throw AppError.forbidden }
        guard let next = a.status.after(action) else {
            throw AppError.conflict("application.wrong_state", "\(a.code): \(a.status.rawValue) → \(action.rawValue)")
        }
        guard let p = try await ServiceProcedure.find(a.procedureID, on: db) else { throw AppError.notFound(a.procedureID.uuidString) }
        let reason = VietnameseText.normalize(step.reason ?? "")
        guard reason.count <= 2000 else { throw AppError.invalid("too_long", "2000") }
        let deadline = try await WorkingDayService.deadline(on: db)
        var kind: ApplicationEvent.Kind
        var note = reason
        var notifyStaff: UUID?
        switch action {
        case .receive:
            a.receivedAt = now; a.dueAt = deadline.due(received: now, time: p.time); a.legalDueAt = a.dueAt; kind = .received
        case .requestCompletion:
            guard !reason.isEmpty else { throw AppError.invalid("application.reason_missing", "") }
            kind = .incomplete
        case .refuse:
            guard !reason.isEmpty else { throw AppError.invalid("application.reason_missing", "") }
            a.finishedAt = nil; kind = .refused
        case .assign:
            guard let s = step.assigneeStaffId else { throw AppError.invalid("application.assignee_missing", "") }
            let person = try await StaffService.find(s, actor: actor, on: db)
            guard a.path.contains(person.org.orgPath) else { throw AppError.invalid("application.assignee_outside", person.fullName) }
            a.assigneeStaffID = person.id; kind = .assigned; note = person.fullName; notifyStaff = person.id
        case .suspend:
            guard !reason.isEmpty else { throw AppError.invalid("application.reason_missing", "") }
            a.suspendedAt = now
            a.remaining = deadline.remaining(at: now, due: a.legalDueAt ?? a.dueAt ?? now, time: p.time).description
            kind = .suspended
        case .resume:
            // The legal promise gets back what was left; a later date an apology gave moves with it.
            let left = ProcessingTime(a.remaining ?? "") ?? p.time
            let legal = deadline.due(received: now, time: left)
            let extra = max(0, (a.dueAt ?? legal).timeIntervalSince(a.legalDueAt ?? a.dueAt ?? legal))
            a.legalDueAt = legal
            a.dueAt = extra > 0 ? legal.addingTimeInterval(extra) : legal
            a.suspendedAt = nil; a.remaining = nil
            kind = .resumed
        case .approve:
            a.finishedAt = now; kind = .approved
        case .return:
            guard let method = step.returnMethod.flatMap(ReturnMethod.init(rawValue:)) else {
                throw AppError.invalid("application.return_method_invalid", step.returnMethod ?? "")
            }
            if method == .post {
                guard p.byPost else { throw AppError.invalid("application.post_not_offered", p.name) }
                let tracking = VietnameseText.normalize(step.postalTracking ?? "").uppercased()
                guard (6...40).contains(tracking.count), tracking.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw AppError.invalid("application.tracking_invalid", step.postalTracking ?? "")
                }
                a.postalTracking = tracking; note = tracking
            }
            if method == .online && p.onlineLevel != .full { throw AppError.invalid("application.online_result_not_offered", p.name) }
            a.returnMethod = method; a.returnedAt = now; kind = .returned
        case .complete:
            throw AppError.invalid("application.action_invalid", action.rawValue)
        }
        a.status = next
        if !reason.isEmpty && [.requestCompletion, .refuse, .suspend].contains(action) { a.reason = reason }
        let saved = a, eventKind = kind, eventNote = note, staff = notifyStaff
        return try await db.writeTransaction { tx in
            // Two officers acting at once: the second finds the state already moved.
            guard let current = try await ServiceApplication.lockedForUpdate(saved.id!, on: tx) else { throw AppError.notFound(saved.code) }
            guard current.status.after(action) == next else {
                throw AppError.conflict("application.wrong_state", "\(saved.code): \(current.status.rawValue) → \(action.rawValue)")
            }
            try await saved.save(on: tx)
            try await event(saved, eventKind, note: eventNote, actor: actor, on: tx, now: now)
            // The citizen hears of the steps that need them or end the dossier.
            if [.requestCompletion, .refuse, .suspend, .approve, .receive].contains(action) {
                try await CitizenMail.enqueue(to: saved.applicantEmail, name: saved.applicantName, kind: "mail_citizen_\(action.rawValue)",
                                              detail: saved.code, link: "/services/track?code=\(saved.code)", on: tx, now: now)
            }
            try await AuditService.record(on: tx, actor: actor, action: "application.\(action.rawValue)", entityType: "application",
                                          entityID: saved.id, orgPath: saved.orgPath, summary: "\(saved.code) → \(next.rawValue)" + (eventNote.isEmpty ? "" : ": \(eventNote)"))
            if let staff {
                let users = try await TaskService.userIDsOfStaff(staff, on: tx).filter { $0 != actor.userID }
                try await NotificationService.notify(users, kind: "notif.application_assigned", detail: saved.code, link: "/desk/\(saved.id!)", on: tx)
            }
            return saved
        }
    }

    /// Phiếu xin lỗi và hẹn lại ngày trả kết quả: for a dossier that is late (or will be), the
    /// reason and a new promised date, which the citizen sees in the lookup.
    static func apologize(_ id: UUID, reason raw: String?, newDue rawDue: String?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> ApplicationEvent {
        let a = try await find(id, actor: actor, on: db)
        try actor.require(.handleApplications, on: a.path)
        guard a.status.wasReceived, !a.status.isFinished, !a.status.isClosed else {
            throw AppError.conflict("application.wrong_state", "\(a.code): \(a.status.rawValue) → apology")
        }
        let reason = VietnameseText.normalize(raw ?? "")
        guard !reason.isEmpty else { throw AppError.invalid("application.reason_missing", "") }
        guard reason.count <= 2000 else { throw AppError.invalid("too_long", "2000") }
        guard let day = LocalDate((rawDue ?? "").trimmingCharacters(in: .whitespaces)) else { throw AppError.invalid("date_invalid", rawDue ?? "") }
        let calendar = try await WorkingDayService.calendar(on: db)
        guard day > LocalDate.of(now), day > LocalDate.of(a.dueAt ?? now) else { throw AppError.invalid("application.new_due_not_later", day.vietnamese) }
        guard calendar.isWorkingDay(day) else { throw AppError.invalid("application.new_due_rest_day", day.vietnamese) }
        guard day <= LocalDate.of(now).adding(days: 366) else { throw AppError.invalid("date_invalid", day.value) }
        a.dueAt = day.start.addingTimeInterval(Double(ProcessingDeadline.closing) * 60)
        let saved = a
        return try await db.writeTransaction { tx in
            try await saved.save(on: tx)
            let e = ApplicationEvent()
            e.applicationID = saved.id!; e.kind = .apology; e.status = saved.status; e.note = reason; e.dueAt = saved.dueAt
            e.actorName = actor.displayName; e.at = now
            try await e.create(on: tx)
            try await CitizenMail.enqueue(to: saved.applicantEmail, name: saved.applicantName, kind: "mail_citizen_apology",
                                          detail: "\(saved.code) — \(day.vietnamese): \(reason)", link: "/services/track?code=\(saved.code)", on: tx, now: now)
            try await AuditService.record(on: tx, actor: actor, action: "application.apology", entityType: "application", entityID: saved.id,
                                          orgPath: saved.orgPath, summary: "\(saved.code) → \(day.value): \(reason)")
            return e
        }
    }

    // MARK: - The citizen

    /// The citizen sends what was missing: needs the code and the phone given when applying.
    static func complete(code raw: String, phone: String?, uploads: [Paper], note: String?, app: Application,
                         on db: any Database, now: Date = Date()) async throws -> ServiceApplication {
        guard let a = try await byCode(raw, on: db), PhoneNumber.normalize(phone ?? "") == a.applicantPhone else {
            throw AppError.invalid("application.code_or_phone_wrong", "")
        }
        guard a.status == .incomplete else { throw AppError.conflict("application.wrong_state", "\(a.code): \(a.status.rawValue) → complete") }
        guard let p = try await ServiceProcedure.find(a.procedureID, on: db) else { throw AppError.notFound(a.code) }
        let files = try papers(uploads, procedure: p, requireScans: false)
        let text = VietnameseText.normalize(note ?? "")
        guard text.count <= 2000 else { throw AppError.invalid("too_long", "2000") }
        guard !files.isEmpty || !text.isEmpty else { throw AppError.invalid("application.nothing_sent", "") }
        var written: [String] = []
        for (_, f) in files where try FileStore.write(f, area: filesArea, app: app) { written.append(f.sha) }
        a.status = .submitted; a.submittedAt = now
        let saved = a
        do {
            return try await db.writeTransaction { tx in
                guard let current = try await ServiceApplication.lockedForUpdate(saved.id!, on: tx), current.status == .incomplete else {
                    throw AppError.conflict("application.wrong_state", "\(saved.code) → complete")
                }
                try await saved.save(on: tx)
                for (i, f) in files { try await fileRow(saved, paper: i, f).create(on: tx) }
                try await event(saved, .completed, note: text, actor: .citizen("public"), on: tx, now: now)
                try await AuditService.record(on: tx, actor: .citizen("public"), action: "application.complete", entityType: "application",
                                              entityID: saved.id, orgPath: saved.orgPath, summary: "\(saved.code): \(files.count) files")
                return saved
            }
        } catch {
            for sha in written where try await ApplicationFile.query(on: db).filter(\.$sha256 == sha).count() == 0 {
                FileStore.remove(sha: sha, area: filesArea, app: app)
            }
            throw error
        }
    }

    static func byCode(_ raw: String, on db: any Database) async throws -> ServiceApplication? {
        guard let code = TrackingCode.normalize(raw) else { return nil }
        return try await ServiceApplication.query(on: db).filter(\.$code == code).first()
    }

    static func events(_ a: ServiceApplication, on db: any Database) async throws -> [ApplicationEvent] {
        try await ApplicationEvent.query(on: db).filter(\.$applicationID == a.id!).sort(\.$at).all()
    }

    static func files(_ a: ServiceApplication, on db: any Database) async throws -> [ApplicationFile] {
        try await ApplicationFile.query(on: db).filter(\.$applicationID == a.id!).sort(\.$createdAt).all()
    }
}
