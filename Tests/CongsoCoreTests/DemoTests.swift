import Testing
@testable import CongsoCore

@Suite struct DemoDatasetTests {
    @Test func isLargeRealisticAndValid() throws {
        let demo = DemoDataset()
        #expect(demo.orgs.filter { $0.kind == .department }.count >= 20)
        #expect(demo.orgs.filter { $0.kind == .district }.count >= 30)
        #expect(demo.orgs.filter { $0.kind == .ward }.count >= 30)
        #expect(demo.staff.count >= 5_000)
        #expect(Set(demo.orgs.map(\.code)).count == demo.orgs.count)
        #expect(Set(demo.staff.map(\.draft.email)).count == demo.staff.count)
        let codes = Set(demo.orgs.map(\.code))
        for org in demo.orgs { if let p = org.parentCode { #expect(codes.contains(p)) } }
        for person in demo.staff.prefix(500) { #expect(try person.draft.validated() == person.draft) }
        #expect(Set(demo.users.map(\.role)) == Set(Role.allCases))
        #expect(demo.staff.contains { $0.draft.fullName.hasPrefix("Nguyễn") })
    }

    @Test func isDeterministic() {
        #expect(DemoDataset().staff.map(\.draft.email) == DemoDataset().staff.map(\.draft.email))
    }
}
