import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor

@Suite struct DemoTests {
    @Test func demoFillsAnEmptyDatabaseOnceAndItsUsersSignIn() async throws {
        try await withApp { app in
            let result = try await DemoSeeder.seed(on: app.db, passwords: app.password)
            #expect(result.staff >= 5_000)
            #expect(try await Organization.query(on: app.db).filter(\.$kind == .department).count() >= 20)
            #expect(try await Organization.query(on: app.db).filter(\.$kind == .district).count() >= 30)
            #expect(try await Organization.query(on: app.db).filter(\.$kind == .ward).count() >= 30)
            #expect(try await StaffMember.query(on: app.db).count() == result.staff)
            #expect(Set(result.users.map(\.role)) == Set(Role.allCases))
            await #expect(throws: AppError.self) { _ = try await DemoSeeder.seed(on: app.db, passwords: app.password) }

            let token = try await app.token("head.hoankiem@congso.vn", password: DemoDataset.password)
            let res = try await app.send(.GET, "/api/v1/staff?q=nguyen%20van&per=5", headers: app.bearer(token))
            let list = try res.content.decode(ListResponse<StaffDTO>.self)
            #expect(list.total > 0)
            for item in list.items {
                let folded = VietnameseText.fold(item.fullName + " " + item.position + " " + item.email)
                #expect(folded.contains("nguyen") && folded.contains("van"), "\(item.fullName)")
            }
            let hk = try #require(try await Organization.query(on: app.db).filter(\.$code == "Q02").first())
            #expect(hk.name == "UBND Quận Hoàn Kiếm" && hk.headStaffID != nil)
        }
    }
}
