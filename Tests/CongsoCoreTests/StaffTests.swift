import Testing
@testable import CongsoCore

@Suite struct StaffCSVTests {
    let header = "full_name,unit_code,position,phone,email,skills,status\n"

    @Test func parsesGoodRowsAndNamesEveryBadLine() {
        let csv = header
            + "Nguyễn Văn An,Q02-P2,Chuyên viên,0912 345 678,an@hanoi.gov.vn,it;classified,remote\n"
            + ",Q02-P2,Chuyên viên,,x@hanoi.gov.vn,,remote\n"
            + "Trần Thị Bình,Q02-P2,Chuyên viên,12345,binh@hanoi.gov.vn,,remote\n"
            + "Lê Văn C,Q02-P2,Chuyên viên,,not-an-email,,remote\n"
            + "Phạm D,Q02-P2,Chuyên viên,,d@hanoi.gov.vn,,sleeping\n"
            + "Hồ E,,Chuyên viên,,e@hanoi.gov.vn,,remote\n"
            + "Vũ F,Q02-P2\n"
            + "Đỗ G,Q02-P2,Chuyên viên,+84 912000111,AN@hanoi.gov.vn,,onSite\n"
        let parsed = StaffCSV.parse(Array(csv.utf8))
        #expect(parsed.rows.count == 1)
        #expect(parsed.rows[0].draft.phone == "0912345678")
        #expect(parsed.rows[0].draft.skills == ["it", "classified"])
        #expect(parsed.errors.map(\.line) == [3, 4, 5, 6, 7, 8, 9])
        #expect(parsed.errors[0].reason.contains("full name"))
        #expect(parsed.errors[1].reason.contains("phone"))
        #expect(parsed.errors[6].reason.contains("line 2"))
    }

    @Test func headerMustNameTheRequiredColumns() {
        let parsed = StaffCSV.parse(Array("name,unit\nA,B\n".utf8))
        #expect(parsed.rows.isEmpty)
        #expect(parsed.errors.count == 1 && parsed.errors[0].line == 1)
        #expect(StaffCSV.parse([]).errors.count == 1)
    }

    @Test func exportLineRoundTrips() throws {
        let draft = try StaffDraft(fullName: "Nguyễn Thị \"Bé\", Hà", position: "Văn thư", phone: "0987654321",
                                   email: "ha@hanoi.gov.vn", skills: ["it"], status: .isolating).validated()
        let csv = StaffCSV.header() + StaffCSV.line(unitCode: "HN", draft)
        let parsed = StaffCSV.parse(Array(csv.utf8))
        #expect(parsed.errors.isEmpty)
        #expect(parsed.rows.first?.draft == draft)
    }
}
