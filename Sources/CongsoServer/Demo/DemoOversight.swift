import CongsoCore
import Fluent
import Vapor

/// Oversight for the demo: Hoàng Mai's health office (Q08-P5) has a contingency plan and is
/// at alert level 3; the city's inspectors have a team, a checklist for Directive 17, a
/// sample of Hoàng Mai's units drawn with seed 2021, one visit recorded with a failed line,
/// and a violation charged to that unit's head.
enum DemoOversight {
    static func seed(on db: any Database, now: Date = Date()) async throws {
        guard let headUser = try await User.query(on: db).filter(\.$email == "head.hoangmai@congso.vn").first(),
              let inspectorUser = try await User.query(on: db).filter(\.$email == "thanhtra@congso.vn").first(),
              let office = try await Organization.query(on: db).filter(\.$code == "Q08-P5").first(),
              let district = try await Organization.query(on: db).filter(\.$code == "Q08").first(),
              let city = try await Organization.query(on: db).filter(\.$code == "HN").first(),
              let directive = try await Directive.query(on: db).filter(\.$number == "17/CT-UBND").first() else { return }
        let head = try await Actor.load(user: headUser, via: "demo", on: db)
        let inspector = try await Actor.load(user: inspectorUser, via: "demo", on: db)
        let people = try await StaffMember.query(on: db).filter(\.$org.$id == office.id!).sort(\.$sortKey).limit(2).all()

        typealias Level = ContingencyService.PlanInput.Level
        let plan = ContingencyService.PlanInput(levels: [
            Level(level: 1, maxOnSiteShare: "1/1", minOnDuty: 1, essentialStaffIds: [], workplace: "Tại trụ sở, như bình thường"),
            Level(level: 2, maxOnSiteShare: "1/2", minOnDuty: 1, essentialStaffIds: [], workplace: "Luân phiên tại trụ sở và tại nhà theo tuần"),
            Level(level: 3, maxOnSiteShare: "1/3", minOnDuty: 2, essentialStaffIds: people.compactMap(\.id),
                  workplace: "Tại nhà; họp trực tuyến; trực điện thoại 24/7"),
            Level(level: 4, maxOnSiteShare: "1/4", minOnDuty: 1, essentialStaffIds: people.compactMap(\.id),
                  workplace: "Tại nhà; chỉ người thiết yếu đến trụ sở, có giấy đi đường"),
        ], note: "Theo Nghị quyết 128/NQ-CP")
        _ = try await ContingencyService.save(plan, org: office, actor: head, on: db)
        _ = try await ContingencyService.switchLevel(.three, org: office, note: "Có ca nghi nhiễm trong phường", actor: head, on: db, now: now)

        let team = try await InspectionService.createTeam(name: "Đoàn kiểm tra liên ngành số 1", org: city, members: [inspectorUser.id!],
                                                          actor: inspector, on: db)
        let checklist = try await InspectionService.createChecklist(
            directiveID: directive.id, title: "Giãn cách tại công sở theo Chỉ thị 17",
            items: ["Số người làm việc tại trụ sở không vượt tỷ lệ cho phép", "Mỗi ca có ít nhất một người trực",
                    "Có sổ khai báo y tế và đo thân nhiệt khách đến", "Báo cáo 07:00, 11:00, 17:00 đầy đủ"],
            org: city, actor: inspector, on: db)
        let sample = try await InspectionService.draw(team: team, checklist: checklist, org: district, size: 4, seed: 2021, actor: inspector, on: db)
        guard let visit = try await InspectionVisit.query(on: db).filter(\.$sampleID == sample.id!).sort(\.$orgPath).first() else { return }
        let recorded = try await InspectionService.record(
            visit: visit, findings: [.init(result: "pass"), .init(result: "fail", note: "Ca chiều thứ Sáu không có ai trực"),
                                     .init(result: "pass"), .init(result: "pass")],
            summary: "Cơ bản chấp hành; thiếu người trực ca chiều.", visitedOn: LocalDate.of(now).adding(days: -1), photos: [],
            actor: inspector, app: nil, on: db, now: now)
        _ = try await InspectionService.charge(visit: recorded, description: "Không bố trí người trực ca chiều theo Chỉ thị 17",
                                               deadline: LocalDate.of(now).adding(days: 7), actor: inspector, on: db, now: now)
    }
}
