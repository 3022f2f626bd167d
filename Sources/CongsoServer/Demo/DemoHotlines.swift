import CongsoCore
import Fluent
import Vapor

/// Hotlines for the demo: numbers of UBND quận Hoàng Mai and two wards, a 24/7 duty rota of the
/// district office (three 8-hour shifts, people with the skill "hotline") planned by the roster
/// solver and published, and a few calls and letters — one already past its answer time.
enum DemoHotlines {
    static func seed(on db: any Database, now: Date = Date()) async throws {
        guard let headUser = try await User.query(on: db).filter(\.$email == "head.hoangmai@congso.vn").first(),
              let office = try await Organization.query(on: db).filter(\.$code == "Q08-P1").first() else { return }
        let head = try await Actor.load(user: headUser, via: "demo", on: db)
        for (org, label, number, hours) in [
            ("Q08", "Đường dây nóng UBND quận Hoàng Mai (phòng, chống dịch)", "0243 8641 234", "24/7"),
            ("Q08", "Tiếp nhận phản ánh về thủ tục hành chính", "0243 8643 567", "Giờ hành chính"),
            ("Q08-W01", "Đường dây nóng UBND phường", "0912 300 101", "24/7"),
            ("Q08-W02", "Đường dây nóng UBND phường", "0912 300 202", "24/7"),
        ] {
            _ = try await HotlineService.create(.init(org: org, label: label, number: number, hours: hours), actor: head, on: db)
        }
        // The office's people answer the hotline: give six of them the skill.
        let district = try await Organization.query(on: db).filter(\.$code == "Q08").first()
        let leaders = Set([district?.headStaffID, district?.contactStaffID, office.headStaffID].compactMap { $0 })
        let team = try await StaffMember.query(on: db).filter(\.$org.$id == office.id!).sort(\.$sortKey).all().filter { !leaders.contains($0.id!) }
        for p in team.prefix(6) where !p.skills.split(separator: ";").contains("hotline") {
            p.skills = p.skills.isEmpty ? "hotline" : p.skills + ";hotline"
            try await p.save(on: db)
        }
        let today = LocalDate.of(now)
        let rota = try await DutyRotaService.generate(.init(org: "Q08-P1", start: today.adding(days: -1).value, days: 14, pattern: "3x8",
                                                            perShift: 1, skill: "hotline", dutyPhone: "0243 8641 234"), actor: head, on: db)
        if DutyRotaService.report(rota).unstaffed.isEmpty { _ = try await DutyRotaService.publish(rota.id!, actor: head, on: db, now: now) }
        for (i, (channel, subject, phone)) in [
            (Ticket.Channel.call, "Hỏi thủ tục cấp Giấy đi đường cho người chăm sóc người bệnh", "0987 111 222"),
            (.call, "Phản ánh tụ tập đông người tại chợ Mai Động", "0987 333 444"),
            (.written, "Kiến nghị bố trí thêm điểm tiêm cho người cao tuổi", ""),
        ].enumerated() {
            _ = try await TicketService.log(.init(org: i == 2 ? "Q08" : "Q08-P1", channel: channel.rawValue, subject: subject, body: "",
                                                  citizenName: i == 2 ? "" : "Công dân phường Mai Động", citizenPhone: phone),
                                            actor: head, on: db, now: now.addingTimeInterval(-Double(3 - i) * 3 * 3_600))
        }
    }
}
