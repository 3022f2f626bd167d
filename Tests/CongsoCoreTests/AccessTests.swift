import Testing
@testable import CongsoCore

@Suite struct AccessPolicyTests {
    let city = OrgPath("/c/")
    let hoanKiem = OrgPath("/c/hk/")
    let hkUnit = OrgPath("/c/hk/u1/")
    let baDinh = OrgPath("/c/bd/")

    @Test func headActsOnlyInsideTheirSubtree() {
        #expect(AccessPolicy.allows(role: .head, scope: hoanKiem, .writeStaff, on: hkUnit))
        #expect(!AccessPolicy.allows(role: .head, scope: hoanKiem, .writeStaff, on: baDinh))
        #expect(!AccessPolicy.allows(role: .head, scope: hoanKiem, .readStaff, on: city))
        // "/c/hk" must not match a sibling whose id merely starts the same way.
        #expect(!AccessPolicy.allows(role: .head, scope: hoanKiem, .readStaff, on: OrgPath("/c/hkx/")))
    }

    @Test func readOnlyRolesCannotWrite() {
        for role in [Role.steering, .homeAffairs, .staff, .inspector, .checkpoint] {
            #expect(!AccessPolicy.allows(role: role, scope: city, .writeStaff, on: hkUnit))
            #expect(!AccessPolicy.allows(role: role, scope: city, .readAudit, on: hkUnit))
        }
        #expect(!AccessPolicy.allows(role: .checkpoint, scope: city, .readStaff, on: hkUnit))
        #expect(AccessPolicy.allows(role: .admin, scope: nil, .manageUsers, on: baDinh))
        #expect(!AccessPolicy.allows(role: .head, scope: nil, .readStaff, on: baDinh))
    }

    @Test func headsCannotRestructureTheirOwnNode() {
        #expect(!AccessPolicy.mayRestructure(role: .head, scope: hoanKiem, target: hoanKiem))
        #expect(AccessPolicy.mayRestructure(role: .head, scope: hoanKiem, target: hkUnit))
        #expect(AccessPolicy.assignableRoles(by: .head).allSatisfy { $0 != .admin && $0 != .head })
    }

    @Test func pathsRebaseUnderANewParent() {
        let moved = hoanKiem.rebased(hkUnit, under: OrgPath("/c/bd/hk/"))
        #expect(moved == OrgPath("/c/bd/hk/u1/"))
        #expect(OrgKind.district.mayContain(.ward) && !OrgKind.ward.mayContain(.district))
    }
}
