import CongsoCore
import Fluent
import Vapor

/// "Họp": my meetings and my unit's, scheduling, the meeting page with Join, answers,
/// the head's decision on in-person requests, and the org's rooms.
enum MeetingWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("meetings", use: index)
        web.get("meetings", "new", use: newForm)
        web.post("meetings", use: create)
        web.get("meetings", "rooms", use: rooms)
        web.post("meetings", "rooms", use: createRoom)
        web.get("meetings", ":id", use: show)
        web.post("meetings", ":id", "join", use: join)
        web.post("meetings", ":id", "answer", use: answer)
        web.post("meetings", ":id", "approve", use: approve)
        web.post("meetings", ":id", "refuse", use: refuse)
        web.post("meetings", ":id", "cancel", use: cancel)
        web.post("meetings", ":id", "change", use: change)
        web.get("meetings", ":id", "invitation.ics", use: MeetingAPI.invitation)
        web.post("meetings", ":id", "attendance", use: attendance)
        web.get("meetings", ":id", "minutes", use: printable)
        web.post("meetings", ":id", "minutes", use: saveMinutes)
        web.post("meetings", ":id", "minutes", "circulate", use: circulate)
        web.post("meetings", ":id", "minutes", "lock", use: lock)
        web.post("meetings", ":id", "minutes", "comments", use: comment)
        web.post("meetings", ":id", "decisions", ":decision", "task", use: decisionTask)
    }

    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable { let id: String; let title: String; let when: String; let unit: String; let mode: String; let status: String; let statusKey: String }

    static func when(_ m: Meeting) -> String {
        "\(LocalDate.of(m.startsAt).vietnamese) \(DisplayDate.time(m.startsAt))–\(DisplayDate.time(m.endsAt))"
    }

    // MARK: - Lists

    struct IndexData: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let total: Int
        let q: String
        let tabs: [Choice]
        let canSchedule: Bool
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        var f = MeetingList.Filter()
        let tab = req.query[String.self, at: "tab"] ?? (actor.staffID == nil ? "unit" : "upcoming")
        switch tab {
        case "past": f.scope = .mine; f.when = .past
        case "unit": f.scope = .unit; f.when = .upcoming
        case "unit-past": f.scope = .unit; f.when = .past
        default: f.scope = .mine; f.when = .upcoming
        }
        f.q = req.query[String.self, at: "q"]
        let page = try PageRequest(req)
        let paged = try await MeetingList.list(f, actor: actor, page: page, on: req.db)
        let units = try await OrgService.names(Set(paged.items.map(\.orgID)), on: req.db)
        let nav = PageLinks.make(base: ["tab": tab, "q": f.q ?? ""], page: page.page, pageCount: paged.pageCount)
        var tabs = ["upcoming", "past", "unit", "unit-past"]
        if actor.staffID == nil { tabs.removeAll { $0 == "upcoming" || $0 == "past" } }
        if !actor.has(.readStaff) { tabs.removeAll { $0.hasPrefix("unit") } }
        let data = IndexData(
            rows: paged.items.map { m in
                Row(id: m.id!.uuidString, title: m.title, when: when(m), unit: units[m.orgID] ?? "", mode: req.t("meeting_mode_" + m.mode.rawValue),
                    status: req.t("meeting_status_" + m.status.rawValue), statusKey: m.status.rawValue)
            },
            hasRows: !paged.items.isEmpty, total: paged.total, q: f.q ?? "",
            tabs: tabs.map { Choice(value: $0, label: req.t("meeting_tab_" + $0.replacingOccurrences(of: "-", with: "_")), selected: $0 == tab) },
            canSchedule: actor.has(.scheduleMeetings), pages: nav.links, prev: nav.prev, next: nav.next)
        return try await WebPage.render(req, "meetings/index", title: req.t("meetings_title"), nav: "meetings", data: data)
    }

    // MARK: - Scheduling

    struct AgendaRow: Encodable { let n: Int; let title: String; let minutes: String }
    struct NewData: Encodable {
        let orgs: [FormOption]
        let orgCode: String
        let people: [FormOption]
        let chairs: [FormOption]
        let units: [FormOption]
        let rooms: [Choice]
        let date: String
        let start: String
        let end: String
        let title: String
        let agenda: [AgendaRow]
        let inPerson: Bool
        let error: String?
    }

    struct Form: Content {
        var org: String?
        var title: String?
        var date: String?
        var start: String?
        var end: String?
        var chairStaffId: String?
        var inviteeStaffIds: [String]?
        var inviteeOrgs: [String]?
        var agendaTitle: [String]?
        var agendaMinutes: [String]?
        var mode: String?
        var roomId: String?
    }

    static func renderNew(_ req: Request, form: Form?, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.scheduleMeetings)
        let code = form?.org ?? req.query[String.self, at: "org"]
        let org = try await PlanService.org(code, actor: actor, on: req.db)
        try actor.require(.scheduleMeetings, on: org.orgPath)
        let chosen = Set(form?.inviteeStaffIds ?? [])
        let everyone = try await PeopleOptions.under(actor.visiblePrefix, selected: nil, on: req.db)
        let people = everyone.map { FormOption(value: $0.value, label: $0.label, selected: chosen.contains($0.value)) }
        let chairs = everyone.map { FormOption(value: $0.value, label: $0.label, selected: $0.value == form?.chairStaffId) }
        let unitsChosen = Set(form?.inviteeOrgs ?? [])
        let units = try await OrgOptions.tree(actor: actor, selected: nil, on: req.db).map {
            FormOption(value: $0.value, label: $0.label, selected: unitsChosen.contains($0.value))
        }
        let rooms = try await MeetingRoomService.usable(by: org, on: req.db).map {
            Choice(value: $0.id!.uuidString, label: $0.name, selected: $0.id?.uuidString == form?.roomId)
        }
        let titles = form?.agendaTitle ?? [], minutes = form?.agendaMinutes ?? []
        let agenda = (0..<max(4, titles.count)).map { i in
            AgendaRow(n: i + 1, title: i < titles.count ? titles[i] : "", minutes: i < minutes.count ? minutes[i] : "")
        }
        let data = NewData(orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db), orgCode: org.code, people: people, chairs: chairs,
                           units: units, rooms: rooms, date: form?.date ?? LocalDate.of(Date()).adding(days: 1).value,
                           start: form?.start ?? "08:00", end: form?.end ?? "09:00", title: form?.title ?? "", agenda: agenda,
                           inPerson: form?.mode == Meeting.Mode.inPerson.rawValue, error: error)
        let response = try await WebPage.render(req, "meetings/new", title: req.t("meetings_new"), nav: "meetings", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func newForm(req: Request) async throws -> Response { try await renderNew(req, form: nil, error: nil) }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        let titles = f.agendaTitle ?? [], minutes = f.agendaMinutes ?? []
        let agenda = titles.indices.map { i in
            MeetingService.AgendaInput(title: titles[i], minutes: i < minutes.count ? Int(minutes[i].trimmingCharacters(in: .whitespaces)) : nil)
        }
        let input = MeetingService.Input(org: f.org, title: f.title, date: f.date, start: f.start, end: f.end,
                                         chairStaffId: f.chairStaffId.flatMap(UUID.init(uuidString:)),
                                         inviteeStaffIds: (f.inviteeStaffIds ?? []).compactMap(UUID.init(uuidString:)),
                                         inviteeOrgs: f.inviteeOrgs ?? [], agenda: agenda,
                                         mode: f.mode.flatMap(Meeting.Mode.init(rawValue:)), roomId: f.roomId.flatMap(UUID.init(uuidString:)))
        do {
            let m = try await MeetingService.create(input, actor: actor, on: req.db)
            WebPage.flash(req, m.status == .pending ? "flash.meeting_requested" : "flash.meeting_created")
            return req.redirect(to: "/meetings/\(m.id!)")
        } catch let refused as MeetingService.Refused {
            return try await renderNew(req, form: f, error: req.t("err.meeting.in_person_refused", detail: MeetingRefusalText.error(refused, req).detail))
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden, .notFound].contains(e.status) {
            return try await renderNew(req, form: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - One meeting

    struct InviteeRow: Encodable { let name: String; let answer: String; let answerKey: String; let delegate: String?; let present: String? }
    struct ShowData: Encodable {
        let id: String
        let title: String
        let when: String
        let unit: String
        let chair: String
        let mode: String
        let room: String?
        let status: String
        let statusKey: String
        let decision: String?
        let agenda: [MeetingDTO.Agenda]
        let hasAgenda: Bool
        let invitees: [InviteeRow]
        let counts: String
        /// Join: a button when an engine is configured, else the notice that none is.
        let canJoin: Bool
        let noEngine: Bool
        let canAnswer: Bool
        let myAnswer: String?
        let colleagues: [FormOption]
        let canDecide: Bool
        let canCancel: Bool
        let canChange: Bool
        let date: String
        let start: String
        let end: String
        /// The chair's record: attendance once the meeting has begun, and the minutes.
        let canMarkAttendance: Bool
        let attendance: [FormOption]
        let minutes: MinutesView
    }

    struct DecisionRow: Encodable { let n: Int; let text: String; let owners: [FormOption]; let deadline: String }
    struct MinutesView: Encodable {
        let status: String?
        let statusKey: String
        let summary: String
        let canEdit: Bool
        let canCirculate: Bool
        let canLock: Bool
        let canComment: Bool
        let rows: [DecisionRow]
        let decisions: [DecisionView]
        let hasDecisions: Bool
        let comments: [MinutesDTO.Comment]
        let hasComments: Bool
        let visible: Bool
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await MeetingService.find(try req.idParameter(), actor: actor, on: req.db)
        let dto = try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
        let me = actor.staffID
        let invited = if let me { try await MeetingService.isInvited(me, to: m, on: req.db) } else { false }
        let mine = dto.invitees.first { $0.staffId == me }
        var colleagues: [FormOption] = []
        if let me, mine != nil, let person = try await StaffMember.find(me, on: req.db) {
            colleagues = try await StaffMember.query(on: req.db).filter(\.$org.$id == person.$org.id).filter(\.$id != me).sort(\.$sortKey).limit(300).all()
                .map { FormOption(value: $0.id!.uuidString, label: $0.fullName, selected: false) }
        }
        let open = m.status == .scheduled || m.status == .pending
        let keeper = MeetingMinutesService.isKeeper(m, actor: actor)
        let record = try await MinutesDTO.make(m, actor: actor, on: req.db)
        let owners = dto.invitees.map { FormOption(value: $0.staffId.uuidString, label: $0.name, selected: false) }
        var rows = record.decisions.enumerated().map { i, d in
            DecisionRow(n: i + 1, text: d.text, owners: owners.map { FormOption(value: $0.value, label: $0.label, selected: $0.value == d.ownerStaffId?.uuidString) },
                        deadline: d.deadline ?? "")
        }
        while rows.count < max(3, record.decisions.count + 1) { rows.append(DecisionRow(n: rows.count + 1, text: "", owners: owners, deadline: "")) }
        let minutesView = MinutesView(
            status: record.status.map { req.t("meeting_minutes_" + $0.rawValue) }, statusKey: record.status?.rawValue ?? "none",
            summary: record.summary, canEdit: record.canEdit, canCirculate: keeper && record.status == .draft,
            canLock: keeper && record.status == .circulated, canComment: invited && record.status == .circulated,
            rows: rows, decisions: views(record.decisions), hasDecisions: !record.decisions.isEmpty,
            comments: record.comments, hasComments: !record.comments.isEmpty, visible: record.status != nil)
        let data = ShowData(
            id: m.id!.uuidString, title: m.title, when: when(m), unit: dto.orgName, chair: dto.chairName,
            mode: req.t("meeting_mode_" + m.mode.rawValue), room: dto.roomName, status: req.t("meeting_status_" + m.status.rawValue),
            statusKey: m.status.rawValue,
            decision: m.decidedBy.map { by in [by, m.decisionNote].compactMap { $0 }.joined(separator: ": ") },
            agenda: dto.agenda, hasAgenda: !dto.agenda.isEmpty,
            invitees: dto.invitees.map { i in
                InviteeRow(name: i.name, answer: req.t("meeting_answer_" + i.answer.rawValue), answerKey: i.answer.rawValue, delegate: i.delegateName,
                           present: i.present.map { req.t($0 ? "meeting_present" : "meeting_absent") })
            },
            counts: req.t("meeting_counts", detail: "\(dto.invitees.filter { $0.answer == .accepted }.count)/\(dto.invitees.count)"),
            canJoin: dto.joinPath != nil && invited, noEngine: req.application.videoEngine == nil && m.mode == .online && open,
            canAnswer: mine != nil && open && m.chairStaffID != me, myAnswer: mine.map { req.t("meeting_answer_" + $0.answer.rawValue) },
            colleagues: colleagues,
            canDecide: m.status == .pending && actor.may(.approveMeetings, on: OrgPath(m.orgPath)),
            canCancel: open && (actor.may(.scheduleMeetings, on: OrgPath(m.orgPath)) || m.chairStaffID == me),
            canChange: open && keeper && m.startsAt > Date(),
            date: LocalDate.of(m.startsAt).value, start: DisplayDate.time(m.startsAt), end: DisplayDate.time(m.endsAt),
            canMarkAttendance: keeper && m.status == .scheduled && Date() >= m.startsAt,
            attendance: dto.invitees.map { FormOption(value: $0.staffId.uuidString, label: $0.name, selected: $0.present == true) },
            minutes: minutesView)
        return try await WebPage.render(req, "meetings/show", title: m.title, nav: "meetings", data: data)
    }

    static func act(_ req: Request, flash: String, _ body: (Actor, UUID) async throws -> Void) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        do {
            try await body(actor, id)
            WebPage.flash(req, flash)
        } catch let refused as MeetingService.Refused {
            WebPage.flashError(req, req.t("err.meeting.in_person_refused", detail: MeetingRefusalText.error(refused, req).detail))
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden, .badGateway].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: "/meetings/\(id)")
    }

    /// Mints the person's way in at the moment they click, then sends them there.
    @Sendable static func join(req: Request) async throws -> Response {
        let id = try req.idParameter()
        do {
            let (url, _) = try await MeetingJoin.url(req, id: id)
            return req.redirect(to: url, redirectType: .normal)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .badGateway].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: "/meetings/\(id)")
        }
    }

    struct AnswerForm: Content { var answer: String?; var delegateStaffId: String? }

    @Sendable static func answer(req: Request) async throws -> Response {
        let f = try req.content.decode(AnswerForm.self)
        return try await act(req, flash: "flash.meeting_answered") { actor, id in
            guard let a = f.answer.flatMap(MeetingInvitee.Answer.init(rawValue:)) else { throw AppError.invalid("meeting.answer_invalid", f.answer ?? "") }
            try await MeetingService.answer(id, answer: a, delegate: f.delegateStaffId.flatMap(UUID.init(uuidString:)), actor: actor, on: req.db)
        }
    }

    struct NoteForm: Content { var note: String? }

    @Sendable static func approve(req: Request) async throws -> Response {
        let f = try req.content.decode(NoteForm.self)
        return try await act(req, flash: "flash.meeting_approved") { actor, id in
            _ = try await MeetingService.decide(id, approve: true, note: f.note, actor: actor, on: req.db)
        }
    }

    @Sendable static func refuse(req: Request) async throws -> Response {
        let f = try req.content.decode(NoteForm.self)
        return try await act(req, flash: "flash.meeting_refused") { actor, id in
            _ = try await MeetingService.decide(id, approve: false, note: f.note, actor: actor, on: req.db)
        }
    }

    @Sendable static func cancel(req: Request) async throws -> Response {
        try await act(req, flash: "flash.meeting_cancelled") { actor, id in _ = try await MeetingService.cancel(id, actor: actor, on: req.db) }
    }

    // MARK: - Changes, attendance and minutes

    @Sendable static func change(req: Request) async throws -> Response {
        let f = try req.content.decode(MeetingService.Change.self)
        return try await act(req, flash: "flash.meeting_changed") { actor, id in _ = try await MeetingService.change(id, f, actor: actor, on: req.db) }
    }

    struct AttendanceForm: Content { var present: [String]? }

    @Sendable static func attendance(req: Request) async throws -> Response {
        let f = try req.content.decode(AttendanceForm.self)
        return try await act(req, flash: "flash.meeting_attendance") { actor, id in
            try await MeetingMinutesService.markAttendance(id, present: (f.present ?? []).compactMap(UUID.init(uuidString:)), actor: actor, on: req.db)
        }
    }

    struct MinutesForm: Content {
        var summary: String?
        var decisionText: [String]?
        var decisionOwner: [String]?
        var decisionDeadline: [String]?
    }

    @Sendable static func saveMinutes(req: Request) async throws -> Response {
        let f = try req.content.decode(MinutesForm.self)
        let texts = f.decisionText ?? [], owners = f.decisionOwner ?? [], deadlines = f.decisionDeadline ?? []
        let decisions = texts.indices.map { i in
            MeetingMinutesService.DecisionInput(text: texts[i], ownerStaffId: i < owners.count ? UUID(uuidString: owners[i]) : nil,
                                                deadline: i < deadlines.count ? deadlines[i] : nil)
        }
        return try await act(req, flash: "flash.meeting_minutes_saved") { actor, id in
            try await MeetingMinutesService.saveDraft(id, .init(summary: f.summary, decisions: decisions), actor: actor, on: req.db)
        }
    }

    @Sendable static func circulate(req: Request) async throws -> Response {
        try await act(req, flash: "flash.meeting_minutes_circulated") { actor, id in
            try await MeetingMinutesService.advance(id, to: .circulated, actor: actor, on: req.db)
        }
    }

    @Sendable static func lock(req: Request) async throws -> Response {
        try await act(req, flash: "flash.meeting_minutes_locked") { actor, id in
            try await MeetingMinutesService.advance(id, to: .locked, actor: actor, on: req.db)
        }
    }

    struct CommentForm: Content { var text: String? }

    @Sendable static func comment(req: Request) async throws -> Response {
        let f = try req.content.decode(CommentForm.self)
        return try await act(req, flash: "flash.meeting_minutes_commented") { actor, id in
            try await MeetingMinutesService.comment(id, text: f.text, actor: actor, on: req.db)
        }
    }

    @Sendable static func decisionTask(req: Request) async throws -> Response {
        let decision = req.parameters.get("decision").flatMap(UUID.init(uuidString:))
        let back = try req.idParameter()
        do {
            guard let decision else { throw AppError.notFound("decision") }
            let task = try await MeetingMinutesService.makeTask(back, decision: decision, actor: try req.requireActor(), on: req.db)
            WebPage.flash(req, "flash.meeting_decision_task")
            return req.redirect(to: "/tasks/\(task.id!)")
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: "/meetings/\(back)/minutes")
        }
    }

    struct DecisionView: Encodable { let id: UUID; let text: String; let ownerName: String?; let deadline: String?; let taskId: UUID? }

    static func views(_ ds: [MinutesDTO.Decision]) -> [DecisionView] {
        ds.map { DecisionView(id: $0.id, text: $0.text, ownerName: $0.ownerName, deadline: $0.deadline.flatMap(LocalDate.init)?.vietnamese, taskId: $0.taskId) }
    }

    struct PrintData: Encodable {
        let id: String
        let title: String
        let when: String
        let unit: String
        let chair: String
        let mode: String
        let room: String?
        let agenda: [MeetingDTO.Agenda]
        let hasAgenda: Bool
        let present: [MinutesDTO.Person]
        let absent: [MinutesDTO.Person]
        let unmarked: [MinutesDTO.Person]
        let status: String?
        let locked: Bool
        let summary: String
        let decisions: [DecisionView]
        let hasDecisions: Bool
        let canMakeTasks: Bool
        let lockedAt: String
    }

    /// The minutes on one printable page: agenda, present and absent, the text, decisions.
    @Sendable static func printable(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await MeetingService.find(try req.idParameter(), actor: actor, on: req.db)
        let dto = try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
        let record = try await MinutesDTO.make(m, actor: actor, on: req.db)
        let data = PrintData(
            id: m.id!.uuidString, title: m.title, when: when(m), unit: dto.orgName, chair: dto.chairName,
            mode: req.t("meeting_mode_" + m.mode.rawValue), room: dto.roomName, agenda: dto.agenda, hasAgenda: !dto.agenda.isEmpty,
            present: record.present, absent: record.absent, unmarked: record.unmarked,
            status: record.status.map { req.t("meeting_minutes_" + $0.rawValue) }, locked: record.status == .locked,
            summary: record.summary, decisions: views(record.decisions), hasDecisions: !record.decisions.isEmpty,
            canMakeTasks: MeetingMinutesService.isKeeper(m, actor: actor) && (record.status == .circulated || record.status == .locked),
            lockedAt: DisplayDate.format(record.lockedAt))
        return try await WebPage.render(req, "meetings/minutes", title: req.t("meeting_minutes_title") + ": " + m.title, nav: "meetings", data: data)
    }

    // MARK: - Rooms

    struct RoomRow: Encodable { let name: String; let layout: String; let capacity: Int }
    struct RoomsData: Encodable {
        let orgs: [FormOption]
        let orgCode: String
        let spacing: String
        let rooms: [RoomRow]
        let hasRooms: Bool
        let canEdit: Bool
        let error: String?
    }

    static func renderRooms(_ req: Request, org code: String?, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await PlanService.org(code, actor: actor, on: req.db)
        let policy = try await PolicyService.effective(for: org, on: .of(Date()), db: req.db)
        let spacing = policy.policy.meetingSpacingMeters
        let rooms = try await MeetingRoomService.usable(by: org, on: req.db)
        let data = RoomsData(
            orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db), orgCode: org.code,
            spacing: spacing.map { req.t("meeting_spacing_in_force", detail: String(format: "%g", $0.value)) + " " + PolicyPresenter.sourceText($0.source, req) }
                ?? req.t("meeting_spacing_none"),
            rooms: rooms.map { r in
                let layout: String = switch r.layout {
                case let .grid(rows, columns, pitch)?: req.t("meeting_room_grid", detail: "\(rows) × \(columns), \(String(format: "%g", pitch)) m")
                case let .area(a)?: req.t("meeting_room_area", detail: String(format: "%g", a))
                case nil: ""
                }
                return RoomRow(name: r.name, layout: layout, capacity: r.layout?.capacity(spacing: spacing?.value) ?? 0)
            },
            hasRooms: !rooms.isEmpty, canEdit: actor.may(.scheduleMeetings, on: org.orgPath), error: error)
        let response = try await WebPage.render(req, "meetings/rooms", title: req.t("meetings_rooms"), nav: "meetings", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func rooms(req: Request) async throws -> Response {
        try await renderRooms(req, org: req.query[String.self, at: "org"], error: nil)
    }

    struct RoomForm: Content { var org: String?; var name: String?; var kind: String?; var rows: String?; var columns: String?; var pitch: String?; var area: String? }

    @Sendable static func createRoom(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(RoomForm.self)
        func number(_ s: String?) -> Double? { s.flatMap { Double($0.replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)) } }
        let grid = f.kind != "area"
        let input = MeetingRoomService.Input(org: f.org, name: f.name, rows: grid ? number(f.rows).map { Int($0) } : nil,
                                             columns: grid ? number(f.columns).map { Int($0) } : nil, pitchMeters: grid ? number(f.pitch) : nil,
                                             areaSquareMeters: grid ? nil : number(f.area))
        do {
            _ = try await MeetingRoomService.create(input, actor: actor, on: req.db)
            WebPage.flash(req, "flash.meeting_room_created")
            return req.redirect(to: "/meetings/rooms?org=\(f.org ?? "")")
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden].contains(e.status) {
            return try await renderRooms(req, org: f.org, error: req.t("err." + e.code, detail: e.detail))
        }
    }
}
