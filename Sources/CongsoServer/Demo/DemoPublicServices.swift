import CongsoCore
import Fluent
import Vapor

/// Public services for the demo: a catalogue for UBND quận Hoàng Mai and two of its wards, and
/// dossiers over the last weeks in every state — received, processed on time or late, one
/// suspended, one waiting for papers — made through the same services the desk uses.
enum DemoPublicServices {
    static let catalogue: [(org: String, code: String, name: String, time: String, fee: Int, level: OnlineLevel, post: Bool, papers: [(String, Bool)])] = [
        ("Q08", "1.001612", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "15d", 75_000, .partial, true,
         [("Đơn đề nghị cấp giấy phép xây dựng", true), ("Bản sao giấy tờ về quyền sử dụng đất", true), ("Bản vẽ thiết kế xây dựng", false)]),
        ("Q08", "2.000889", "Cấp bản sao từ sổ gốc", "1d", 0, .full, true, [("Tờ khai yêu cầu cấp bản sao", true)]),
        ("Q08", "1.004227", "Đăng ký thành lập hộ kinh doanh", "3d", 100_000, .full, true,
         [("Giấy đề nghị đăng ký hộ kinh doanh", true), ("Bản sao căn cước của chủ hộ", true)]),
        ("Q08-W01", "1.001193", "Đăng ký khai sinh", "1d", 0, .full, true, [("Tờ khai đăng ký khai sinh", true), ("Giấy chứng sinh", true)]),
        ("Q08-W01", "2.000908", "Chứng thực bản sao từ bản chính", "8h", 2_000, .none, false, [("Bản chính giấy tờ", false)]),
        ("Q08-W02", "1.004873", "Xác nhận tình trạng hôn nhân", "3d", 0, .partial, true, [("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", true)]),
    ]

    static func seed(on db: any Database, now: Date = Date()) async throws {
        guard let headUser = try await User.query(on: db).filter(\.$email == "head.hoangmai@congso.vn").first() else { return }
        let head = try await Actor.load(user: headUser, via: "demo", on: db)
        var procedures: [ServiceProcedure] = []
        for c in catalogue {
            var input = ProcedureService.Input()
            input.org = c.org; input.code = c.code; input.name = c.name; input.processing = c.time; input.fee = c.fee
            input.onlineLevel = c.level.rawValue; input.byPost = c.post; input.papers = c.papers.map { .init(name: $0.0, scan: $0.1) }
            procedures.append(try await ProcedureService.create(input, actor: head, on: db))
        }
        let names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Dung", "Hoàng Quốc Đạt", "Vũ Thị Hà", "Đỗ Mạnh Hùng", "Bùi Lan Hương"]
        var rng = SeededRandom(seed: 15)
        // Twenty dossiers over the last four weeks; each moves as far as its age and luck allow.
        for i in 0..<20 {
            let p = procedures[i % procedures.count]
            let submitted = now.addingTimeInterval(-Double(28 - i) * 86_400 + Double(i % 5) * 3_600)
            let who = (name: names[i % names.count], phone: "09" + String(format: "%08d", 12_345_678 + i * 7_919), email: "",
                       address: "Số \(i + 3) phố Tam Trinh, quận Hoàng Mai", post: p.byPost && i % 3 == 0, note: "")
            let channel: ApplicationChannel = p.onlineLevel.acceptsOnline && i % 2 == 0 ? .online : .desk
            var a = try await ApplicationService.create(p, who: who, files: [], channel: channel, actor: channel == .online ? .citizen("demo") : head,
                                                        app: nil, on: db, now: submitted)
            // The demo's own clock: each step some hours after the one before.
            var clock = submitted
            let officer = try await PeopleOptions.under(p.orgPath, selected: nil, limit: 1, on: db).first.flatMap { UUID(uuidString: $0.value) }
            func step(_ action: ApplicationStatus.Action, hours: Double, reason: String? = nil, method: ReturnMethod? = nil) async throws {
                var s = ApplicationService.Step(action: action.rawValue, reason: reason)
                if action == .assign { s.assigneeStaffId = officer }
                if let method { s.returnMethod = method.rawValue; s.postalTracking = method == .post ? "EV\(100_200_300 + i)VN" : nil }
                clock = min(now, clock.addingTimeInterval(hours * 3_600))
                a = try await ApplicationService.act(a.id!, s, actor: head, on: db, now: clock)
            }
            if i == 19 { continue }                                         // still waiting for the desk
            if i == 18, channel == .online { try await step(.requestCompletion, hours: 2, reason: "Thiếu bản chụp giấy chứng sinh rõ nét"); continue }
            if a.status == .submitted { try await step(.receive, hours: 1) }
            try await step(.assign, hours: 1)
            if i == 17 { try await step(.suspend, hours: 20, reason: "Chờ công dân bổ sung bản vẽ mặt bằng"); continue }
            if i >= 15 { continue }                                         // being processed
            // Most finish within their time; every fourth one runs late.
            let late = i % 4 == 3
            let hours = late ? 24.0 * Double(8 + Int.random(in: 0...5, using: &rng)) : 3.0 + Double(Int.random(in: 0...20, using: &rng))
            try await step(.approve, hours: hours)
            try await step(.return, hours: 2, method: a.wantsPost ? .post : .desk)
        }
    }
}
