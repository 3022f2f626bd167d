import CongsoCore
import Fluent
import Vapor

/// Documents for the demo, in the registers of UBND quận Hoàng Mai: three incoming ones (one
/// routed to the Home Affairs office with a deadline), the reply to it, and a classified entry,
/// all made through the same services as a clerk and the district head would.
enum DemoDocuments {
    static func seed(on db: any Database, now: Date = Date()) async throws {
        guard let clerkUser = try await User.query(on: db).filter(\.$email == "vanthu.hoangmai@congso.vn").first(),
              let headUser = try await User.query(on: db).filter(\.$email == "head.hoangmai@congso.vn").first(),
              let clerkStaff = clerkUser.staffID else { return }
        let clerk = try await Actor.load(user: clerkUser, via: "demo", on: db)
        let head = try await Actor.load(user: headUser, via: "demo", on: db)
        let today = LocalDate.of(now)
        // Dates stay inside this year's register, whatever day the demo is loaded.
        let firstOfYear = LocalDate(String(format: "%04d-01-01", today.year))!
        let earlier = max(today.adding(days: -3), firstOfYear)
        func incoming(_ number: String, _ type: DocumentType, _ summary: String, urgency: DocumentUrgency = .normal) -> DocumentService.Input {
            var i = DocumentService.Input()
            i.org = "Q08"; i.numberSymbol = number; i.documentDate = earlier.value; i.registeredOn = today.value
            i.issuer = "UBND thành phố Hà Nội"; i.type = type.rawValue; i.summary = summary; i.urgency = urgency.rawValue
            return i
        }
        let permits = try await DocumentService.register(.incoming, incoming(
            "1557/UBND-KGVX", .officialLetter, "V/v kiểm soát Giấy đi đường của cán bộ, công chức tại các chốt quận Đống Đa, Hoàng Mai",
            urgency: .urgent), actor: clerk, on: db, now: now)
        _ = try await DocumentService.register(.incoming, incoming(
            "17/CT-UBND", .directive, "Về thực hiện giãn cách xã hội trên địa bàn thành phố Hà Nội"), actor: clerk, on: db, now: now)
        _ = try await DocumentService.register(.incoming, incoming(
            "05/KH-UBND", .plan, "Kế hoạch bố trí cán bộ trực luân phiên tại công sở"), actor: clerk, on: db, now: now)
        var route = DocumentRouting.Input()
        route.leadOrg = "Q08-P2"; route.cooperateOrgs = ["Q08-P1"]; route.deadline = today.adding(days: 4).value
        route.instruction = "Phòng Nội vụ chủ trì rà soát danh sách cán bộ được cấp Giấy đi đường, báo cáo UBND quận."
        _ = try await DocumentRouting.route(permits.id!, route, actor: head, on: db)
        var reply = DocumentService.Input()
        reply.org = "Q08"; reply.type = DocumentType.report.rawValue; reply.documentDate = today.value
        reply.summary = "Báo cáo kết quả rà soát Giấy đi đường của cán bộ, công chức quận Hoàng Mai"
        reply.signer = head.displayName; reply.outsideRecipients = "UBND thành phố Hà Nội\nSở Nội vụ"; reply.replyToId = permits.id
        _ = try await DocumentService.register(.outgoing, reply, actor: clerk, on: db, now: now)
        var secret = DocumentService.Input()
        secret.org = "Q08"; secret.numberSymbol = "12/CAHN-PV01"; secret.documentDate = earlier.value; secret.registeredOn = today.value
        secret.issuer = "Công an thành phố Hà Nội"; secret.classification = Classification.confidential.rawValue
        secret.holderStaffId = clerkStaff; secret.storageLocation = "Tủ tài liệu mật, phòng Văn thư UBND quận"
        _ = try await DocumentService.register(.classified, secret, actor: clerk, on: db, now: now)
    }
}
