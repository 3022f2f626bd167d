import CongsoCore
import Fluent
import Vapor

/// "Kế hoạch công tác tuần": one unit's week, day by day.
enum PlanWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("plans", use: index)
        web.post("plans", "items", use: addItem)
        web.post("plans", "items", ":id", "delete", use: removeItem)
        web.post("plans", ":id", "approve", use: approve)
        web.post("plans", ":id", "reopen", use: reopen)
    }

    struct Item: Encodable { let id: String; let title: String; let task: String?; let taskHref: String?; let owner: String? }
    struct Day: Encodable { let label: String; let items: [Item]; let hasItems: Bool }
    struct Choice: Encodable { let value: String; let label: String }
    struct PageData: Encodable {
        let org: String
        let orgCode: String
        let orgs: [FormOption]
        let week: String
        let weekLabel: String
        let prevWeek: String
        let nextWeek: String
        let planId: String?
        let approved: Bool
        let approvedBy: String?
        let days: [Day]
        let hasItems: Bool
        let canEdit: Bool
        let canApprove: Bool
        let dayChoices: [Choice]
        let tasks: [Choice]
        let people: [Choice]
        let error: String?
    }

    static func render(_ req: Request, org code: String?, week raw: String?, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await PlanService.org(code, actor: actor, on: req.db)
        let week = try PlanService.monday(raw)
        let plan = try await PlanService.dto(org, week: week, on: req.db)
        let weekdays = (0..<7).map { week.adding(days: $0) }
        let names = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
        func item(_ i: PlanService.ItemDTO) -> Item {
            Item(id: i.id.uuidString, title: i.title, task: i.taskTitle.map { "\($0) (\(req.t("task.status." + (i.taskStatus ?? "new"))))" },
                 taskHref: i.taskId.map { "/tasks/\($0)" }, owner: i.ownerName)
        }
        var days = weekdays.enumerated().map { n, d in
            let items = plan.items.filter { $0.day == d.value }.map(item)
            return Day(label: "\(names[n]) \(d.vietnamese)", items: items, hasItems: !items.isEmpty)
        }
        let loose = plan.items.filter { $0.day == nil }.map(item)
        if !loose.isEmpty { days.insert(Day(label: req.t("plans_during_week"), items: loose, hasItems: true), at: 0) }
        let current = LocalDate.of(Date()).monday
        let canEdit = plan.status == .draft && week >= current
        var tasks: [Choice] = []
        var people: [Choice] = []
        if canEdit {
            tasks = try await WorkTask.query(on: req.db).filter(\.$orgPath =~ org.path)
                .filter(\.$status ~~ TaskStatus.allCases.filter(\.isOpen)).sort(\.$deadline).limit(200).all()
                .map { Choice(value: $0.id!.uuidString, label: "\($0.title) — \(LocalDate($0.deadline)?.vietnamese ?? $0.deadline)") }
            people = try await StaffMember.query(on: req.db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
                .filter(Organization.self, \.$path =~ org.path).sort(\.$sortKey).limit(300).all()
                .map { Choice(value: $0.id!.uuidString, label: $0.fullName) }
        }
        let data = PageData(
            org: org.name, orgCode: org.code, orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db),
            week: week.value, weekLabel: "\(week.vietnamese) – \(week.adding(days: 6).vietnamese)",
            prevWeek: "/plans?org=\(org.code)&week=\(week.adding(days: -7).value)", nextWeek: "/plans?org=\(org.code)&week=\(week.adding(days: 7).value)",
            planId: plan.id?.uuidString, approved: plan.status == .approved,
            approvedBy: plan.approvedBy.map { "\($0) · \(DisplayDate.format(plan.approvedAt))" },
            days: days, hasItems: !plan.items.isEmpty, canEdit: canEdit,
            canApprove: actor.may(.assignTasks, on: org.orgPath) && plan.id != nil,
            dayChoices: [Choice(value: "", label: req.t("plans_during_week"))] + zip(names, weekdays).map { Choice(value: $1.value, label: "\($0) \($1.vietnamese)") },
            tasks: tasks, people: people, error: error)
        let response = try await WebPage.render(req, "plans/index", title: req.t("plans_title"), nav: "plans", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response {
        try await render(req, org: req.query[String.self, at: "org"], week: req.query[String.self, at: "week"], error: nil)
    }

    struct Form: Content { var org: String?; var week: String?; var title: String?; var day: String?; var taskId: String?; var ownerStaffId: String? }

    @Sendable static func addItem(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            _ = try await PlanService.addItem(.init(org: f.org, week: f.week, title: f.title, day: f.day,
                                                    taskId: f.taskId.flatMap(UUID.init(uuidString:)),
                                                    ownerStaffId: f.ownerStaffId.flatMap(UUID.init(uuidString:))), actor: actor, on: req.db)
            WebPage.flash(req, "flash.plan_item_added")
            return req.redirect(to: "/plans?org=\(f.org ?? "")&week=\(f.week ?? "")")
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden].contains(e.status) {
            return try await render(req, org: f.org, week: f.week, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct Back: Content { var org: String?; var week: String? }

    static func act(_ req: Request, flash: String, _ body: (Actor, UUID) async throws -> Void) async throws -> Response {
        let actor = try req.requireActor()
        let back = try req.content.decode(Back.self)
        do {
            try await body(actor, try req.idParameter())
            WebPage.flash(req, flash)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: "/plans?org=\(back.org ?? "")&week=\(back.week ?? "")")
    }

    @Sendable static func removeItem(req: Request) async throws -> Response {
        try await act(req, flash: "flash.plan_item_removed") { actor, id in try await PlanService.removeItem(id, actor: actor, on: req.db) }
    }

    @Sendable static func approve(req: Request) async throws -> Response {
        try await act(req, flash: "flash.plan_approved") { actor, id in _ = try await PlanService.decide(id, approve: true, actor: actor, on: req.db) }
    }

    @Sendable static func reopen(req: Request) async throws -> Response {
        try await act(req, flash: "flash.plan_reopened") { actor, id in _ = try await PlanService.decide(id, approve: false, actor: actor, on: req.db) }
    }
}
