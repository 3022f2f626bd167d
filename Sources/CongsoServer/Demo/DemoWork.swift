import CongsoCore
import Fluent
import Vapor

/// Work for the demo: tasks in the Home Affairs offices of Hoàn Kiếm and Hoàng Mai
/// (given by the district heads, some finished, some in progress, one per office still
/// waiting for its lead), and the reports of the last working day's 07:00 window.
enum DemoWork {
    static let titles = [
        "Rà soát danh sách cán bộ làm việc tại công sở tuần tới",
        "Tổng hợp báo cáo tình hình phòng, chống dịch gửi UBND quận",
        "Cập nhật danh sách F1, F2 trong cơ quan",
        "Chuẩn bị nội dung họp giao ban trực tuyến",
        "Kiểm tra việc cấp giấy đi đường cho cán bộ",
        "Xây dựng phương án bố trí trực luân phiên",
        "Hướng dẫn khai báo y tế điện tử cho cán bộ",
        "Rà soát hồ sơ thủ tục hành chính trực tuyến quá hạn",
        "Dự thảo kế hoạch công tác tuần",
        "Trả lời phản ánh của người dân qua đường dây nóng",
    ]

    static func seed(on db: any Database, units: [(unit: Organization, head: User)], staff: [StaffMember], now: Date = Date()) async throws {
        let today = LocalDate.of(now)
        for (u, (unit, head)) in units.enumerated() {
            let people = staff.filter { $0.$org.id == unit.id }.sorted { $0.sortKey < $1.sortKey }
            guard !people.isEmpty else { continue }
            for (i, title) in titles.enumerated() {
                let t = WorkTask()
                t.id = UUID()
                t.title = title
                t.details = ""
                t.orgID = unit.id!
                t.orgPath = unit.path
                // The last one waits for the unit's lead to dispatch it.
                t.assigneeStaffID = i == titles.count - 1 ? nil : people[(i + u) % people.count].id
                t.assignerUserID = head.id
                t.assignerLabel = head.displayName
                let priority: TaskPriority = i % 4 == 0 ? .high : (i == 1 ? .urgent : .normal)
                t.priority = priority
                t.priorityRank = priority.rank
                t.searchText = VietnameseText.searchable(title)
                switch i % 3 {
                case 0 where t.assigneeStaffID != nil:
                    // Finished, mostly on time.
                    t.deadline = today.adding(days: -(i + 1)).value
                    t.status = .done
                    t.progress = 100
                    t.doneAt = today.adding(days: -(i + 2)).start.addingTimeInterval(15 * 3600)
                    t.doneOnTime = i != 6
                case 1 where t.assigneeStaffID != nil:
                    t.deadline = today.adding(days: i).value
                    t.status = .inProgress
                    t.progress = 20 * (i % 4 + 1)
                default:
                    t.deadline = today.adding(days: i + 2).value
                    t.status = .new
                    t.progress = 0
                }
                try await t.create(on: db)
                let created = TaskEvent()
                created.id = UUID(); created.taskID = t.id!; created.kind = .created; created.actorLabel = head.email
                created.actorName = head.displayName; created.text = ""
                created.detail = t.assigneeStaffID.flatMap { id in people.first { $0.id == id }?.fullName } ?? ""
                try await created.create(on: db)
            }
            // Two thirds of the office reported in the last working day's 07:00 window.
            var day = today.adding(days: -1)
            while !ReportSchedule.standard.isReportDay(day) { day = day.adding(days: -1) }
            let window = ReportSchedule.standard.window("07:00", on: day)!
            for (i, p) in people.enumerated() where i % 3 != 2 {
                let r = DailyReport()
                r.id = UUID(); r.staffID = p.id!; r.orgID = unit.id!; r.orgPath = unit.path; r.date = day.value; r.slot = "07:00"
                r.done = "Xử lý hồ sơ trực tuyến, trực đường dây nóng"; r.next = "Tổng hợp số liệu báo cáo quận"; r.blockers = ""
                r.location = i % 4 == 0 ? .onSite : .remote
                r.submittedAt = window.opensAt.addingTimeInterval(Double(10 + i) * 60)
                r.onTime = r.submittedAt < window.closesAt
                try await r.create(on: db)
            }
        }
    }
}
