import CongsoCore
import Fluent
import Vapor

enum MeetingAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("meetings", use: list)
        api.post("meetings", use: create)
        api.get("meetings", ":id", use: show)
        api.post("meetings", ":id", "approve", use: approve)
        api.post("meetings", ":id", "refuse", use: refuse)
        api.post("meetings", ":id", "cancel", use: cancel)
        api.post("meetings", ":id", "answer", use: answer)
        api.get("meetings", ":id", "join", use: join)
        api.patch("meetings", ":id", use: change)
        api.get("meetings", ":id", "invitation.ics", use: invitation)
        api.post("meetings", ":id", "attendance", use: attendance)
        api.get("meetings", ":id", "minutes", use: minutes)
        api.put("meetings", ":id", "minutes", use: saveMinutes)
        api.post("meetings", ":id", "minutes", "circulate", use: circulate)
        api.post("meetings", ":id", "minutes", "lock", use: lock)
        api.post("meetings", ":id", "minutes", "comments", use: comment)
        api.post("meetings", ":id", "decisions", ":decision", "task", use: decisionTask)
        api.get("meeting-rooms", use: rooms)
        api.post("meeting-rooms", use: createRoom)
    }

    static func filter(_ req: Request, actor: Actor) async throws -> MeetingList.Filter {
        var f = MeetingList.Filter()
        if let raw = req.query[String.self, at: "scope"], !raw.isEmpty {
            guard let s = MeetingList.Scope(rawValue: raw) else { throw AppError.badRequest("scope must be mine or unit") }
            f.scope = s
        }
        if let raw = req.query[String.self, at: "when"], !raw.isEmpty {
            guard let w = MeetingList.When(rawValue: raw) else { throw AppError.badRequest("when must be upcoming or past") }
            f.when = w
        }
        f.q = req.query[String.self, at: "q"]
        if let code = req.query[String.self, at: "org"], !code.isEmpty { f.under = try await OrgService.find(code, actor: actor, on: req.db) }
        return f
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<MeetingDTO> {
        let actor = try req.requireActor()
        let page = try await MeetingList.list(try await filter(req, actor: actor), actor: actor, page: try PageRequest(req), on: req.db)
        let items = try await MeetingDTO.list(page.items, engine: req.application.videoEngine, on: req.db)
        return ListResponse(Paged(items: items, total: page.total, page: page.page))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(MeetingService.Input.self)
        do {
            let m = try await MeetingService.create(input, actor: actor, on: req.db)
            return try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db).encodeResponse(status: .created, for: req)
        } catch let refused as MeetingService.Refused {
            throw MeetingRefusalText.error(refused, req)
        }
    }

    @Sendable static func show(req: Request) async throws -> MeetingDTO {
        let m = try await MeetingService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
    }

    struct Note: Content { var note: String? }

    static func decide(_ req: Request, approve: Bool) async throws -> MeetingDTO {
        let note = try? req.content.decode(Note.self)
        do {
            let m = try await MeetingService.decide(try req.idParameter(), approve: approve, note: note?.note, actor: try req.requireActor(), on: req.db)
            return try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
        } catch let refused as MeetingService.Refused {
            throw MeetingRefusalText.error(refused, req)
        }
    }

    @Sendable static func approve(req: Request) async throws -> MeetingDTO { try await decide(req, approve: true) }
    @Sendable static func refuse(req: Request) async throws -> MeetingDTO { try await decide(req, approve: false) }

    @Sendable static func cancel(req: Request) async throws -> MeetingDTO {
        let m = try await MeetingService.cancel(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
    }

    struct AnswerInput: Content { var answer: MeetingInvitee.Answer?; var delegateStaffId: UUID? }

    @Sendable static func answer(req: Request) async throws -> MeetingDTO {
        let actor = try req.requireActor()
        guard let input = try? req.content.decode(AnswerInput.self), let answer = input.answer else {
            throw AppError.invalid("meeting.answer_invalid", "")
        }
        let id = try req.idParameter()
        try await MeetingService.answer(id, answer: answer, delegate: input.delegateStaffId, actor: actor, on: req.db)
        return try await MeetingDTO.make(try await MeetingService.find(id, actor: actor, on: req.db), engine: req.application.videoEngine, on: req.db)
    }

    @Sendable static func change(req: Request) async throws -> MeetingDTO {
        do {
            let m = try await MeetingService.change(try req.idParameter(), try req.content.decode(MeetingService.Change.self),
                                                    actor: try req.requireActor(), on: req.db)
            return try await MeetingDTO.make(m, engine: req.application.videoEngine, on: req.db)
        } catch let refused as MeetingService.Refused {
            throw MeetingRefusalText.error(refused, req)
        }
    }

    /// The requester's own invitation (METHOD:REQUEST, or CANCEL once cancelled).
    @Sendable static func invitation(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await MeetingService.find(try req.idParameter(), actor: actor, on: req.db)
        let text = try await MeetingInvitation.forPerson(m, staffID: actor.staffID, baseURL: ScheduleWeb.feedBase(req), on: req.db)
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8; method=\(m.status == .cancelled ? "CANCEL" : "REQUEST")")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"meeting-\(m.id!.uuidString.lowercased()).ics\"")
        return response
    }

    struct Attendance: Content { var present: [UUID]? }

    @Sendable static func attendance(req: Request) async throws -> MeetingDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let body = try req.content.decode(Attendance.self)
        try await MeetingMinutesService.markAttendance(id, present: body.present ?? [], actor: actor, on: req.db)
        return try await MeetingDTO.make(try await MeetingService.find(id, actor: actor, on: req.db), engine: req.application.videoEngine, on: req.db)
    }

    @Sendable static func minutes(req: Request) async throws -> MinutesDTO {
        let actor = try req.requireActor()
        let m = try await MeetingService.find(try req.idParameter(), actor: actor, on: req.db)
        return try await MinutesDTO.make(m, actor: actor, on: req.db)
    }

    @Sendable static func saveMinutes(req: Request) async throws -> MinutesDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        try await MeetingMinutesService.saveDraft(id, try req.content.decode(MeetingMinutesService.DraftInput.self), actor: actor, on: req.db)
        return try await MinutesDTO.make(try await MeetingService.find(id, actor: actor, on: req.db), actor: actor, on: req.db)
    }

    static func advance(_ req: Request, to next: MeetingMinutes.Status) async throws -> MinutesDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        try await MeetingMinutesService.advance(id, to: next, actor: actor, on: req.db)
        return try await MinutesDTO.make(try await MeetingService.find(id, actor: actor, on: req.db), actor: actor, on: req.db)
    }

    @Sendable static func circulate(req: Request) async throws -> MinutesDTO { try await advance(req, to: .circulated) }
    @Sendable static func lock(req: Request) async throws -> MinutesDTO { try await advance(req, to: .locked) }

    struct CommentInput: Content { var text: String? }

    @Sendable static func comment(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        try await MeetingMinutesService.comment(id, text: try req.content.decode(CommentInput.self).text, actor: actor, on: req.db)
        return try await MinutesDTO.make(try await MeetingService.find(id, actor: actor, on: req.db), actor: actor, on: req.db)
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func decisionTask(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let raw = req.parameters.get("decision"), let decision = UUID(uuidString: raw) else { throw AppError.notFound("decision") }
        let task = try await MeetingMinutesService.makeTask(try req.idParameter(), decision: decision, actor: actor, on: req.db)
        return try await TaskDTO.one(task, on: req.db).encodeResponse(status: .created, for: req)
    }

    struct JoinDTO: Content { let url: String; let engine: String; let moderator: Bool }

    @Sendable static func join(req: Request) async throws -> JoinDTO {
        let (url, moderator) = try await MeetingJoin.url(req, id: try req.idParameter())
        let engine: String = switch req.application.videoEngine { case .jitsi: "jitsi"; case .bigBlueButton: "bigbluebutton"; case nil: "" }
        return JoinDTO(url: url, engine: engine, moderator: moderator)
    }

    @Sendable static func rooms(req: Request) async throws -> [MeetingRoomService.DTO] {
        let actor = try req.requireActor()
        let org = try await PlanService.org(req.query[String.self, at: "org"], actor: actor, on: req.db)
        let spacing = try await PolicyService.effective(for: org, on: .of(Date()), db: req.db).policy.meetingSpacingMeters?.value
        return try await MeetingRoomService.usable(by: org, on: req.db).map { .init($0, spacing: spacing, withCapacity: true) }
    }

    @Sendable static func createRoom(req: Request) async throws -> Response {
        let room = try await MeetingRoomService.create(try req.content.decode(MeetingRoomService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await MeetingRoomService.DTO(room).encodeResponse(status: .created, for: req)
    }
}

/// "Join": who may, and where they go. Shared by the page (a redirect) and the API (the address).
enum MeetingJoin {
    static func url(_ req: Request, id: UUID) async throws -> (String, Bool) {
        let actor = try req.requireActor()
        let m = try await MeetingService.find(id, actor: actor, on: req.db)
        guard let engine = req.application.videoEngine else { throw AppError.invalid("meeting.no_video_engine", "") }
        guard m.mode == .online else { throw AppError.invalid("meeting.not_online", m.title) }
        guard m.status == .scheduled else { throw AppError.conflict("meeting.not_scheduled", m.title) }
        guard let me = actor.staffID, try await MeetingService.isInvited(me, to: m, on: req.db),
              let person = try await StaffMember.find(me, on: req.db) else { throw AppError.invalid("meeting.not_invited", m.title) }
        let email = try await actor.userID.asyncUser(on: req.db)?.email ?? ""
        let moderator = m.chairStaffID == me
        let url = try await MeetingVideo.joinURL(m, person: .init(id: me.uuidString, name: person.fullName, email: email), moderator: moderator,
                                                 settings: engine, client: req.client)
        try await AuditService.record(on: req.db, actor: actor, action: "meeting.join", entityType: "meeting", entityID: m.id,
                                      orgPath: m.orgPath, summary: m.title)
        return (url, moderator)
    }
}

private extension Optional where Wrapped == UUID {
    func asyncUser(on db: any Database) async throws -> User? {
        guard let id = self else { return nil }
        return try await User.find(id, on: db)
    }
}
