import CongsoCore
@testable import CongsoServer
import Foundation

/// A Monday of the distancing summer, at a Hanoi clock time.
func hanoi(_ day: String, _ time: String) -> Date { ReportService.parseInstant("\(day)T\(time)")! }
let monday = "2021-07-26"

func staffActor(_ p: StaffMember, _ org: Organization) -> Actor {
    Actor(userID: nil, label: p.email, displayName: p.fullName, role: .staff, orgID: org.id, scope: org.orgPath, via: "test", staffID: p.id)
}
