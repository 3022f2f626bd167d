import Foundation
import Testing
@testable import CongsoCore

/// Meetings in Core: room capacity at a spacing, the in-person rules of the directive,
/// BigBlueButton's signed calls and the video engine settings.
@Suite struct MeetingsTests {
    // MARK: - Capacity

    @Test func aGridKeepsEveryKthSeatOfEveryKthRow() {
        let room = RoomLayout.grid(rows: 4, columns: 6, pitchMeters: 1)
        #expect(room.capacity(spacing: nil) == 24)
        #expect(room.capacity(spacing: 1) == 24)
        #expect(room.capacity(spacing: 2) == 6)      // rows 1, 3 × seats 1, 3, 5
        #expect(room.capacity(spacing: 2.5) == 4)    // k = 3: rows 1, 4 × seats 1, 4
        #expect(RoomLayout.grid(rows: 5, columns: 5, pitchMeters: 0.5).capacity(spacing: 2) == 4)  // k = 4: rows 1, 5
    }

    @Test func anAreaGivesEachPersonASquareOfTheSpacing() {
        #expect(RoomLayout.area(squareMeters: 50).capacity(spacing: 2) == 12)
        #expect(RoomLayout.area(squareMeters: 50).capacity(spacing: nil) == 50)
        #expect(RoomLayout.area(squareMeters: 3.9).capacity(spacing: 2) == 0)
    }

    /// Property: in the seats the grid rule keeps, any two are at least the spacing apart,
    /// and capacity never grows as the spacing does.
    @Test func keptSeatsAreAlwaysFarEnoughApart() {
        var rng = SeededRandom(seed: 13)
        for _ in 0..<300 {
            let rows = Int.random(in: 1...12, using: &rng), cols = Int.random(in: 1...12, using: &rng)
            let pitch = Double(Int.random(in: 3...20, using: &rng)) / 10, spacing = Double(Int.random(in: 0...40, using: &rng)) / 10
            let room = RoomLayout.grid(rows: rows, columns: cols, pitchMeters: pitch)
            let k = spacing <= pitch ? 1 : Int((spacing / pitch).rounded(.up))
            let kept = (0..<rows).filter { $0 % k == 0 }.flatMap { r in (0..<cols).filter { $0 % k == 0 }.map { (r, $0) } }
            #expect(kept.count == room.capacity(spacing: spacing))
            for a in kept.indices { for b in kept.indices where a < b {
                let d = pitch * Double(((kept[a].0 - kept[b].0) * (kept[a].0 - kept[b].0) + (kept[a].1 - kept[b].1) * (kept[a].1 - kept[b].1))).squareRoot()
                #expect(d + 1e-9 >= spacing)
            } }
            #expect(room.capacity(spacing: spacing + 0.5) <= room.capacity(spacing: spacing))
        }
    }

    @Test func badLayoutsAreRefused() {
        for bad in [RoomLayout.grid(rows: 0, columns: 3, pitchMeters: 1), .grid(rows: 3, columns: 3, pitchMeters: 0),
                    .grid(rows: 3, columns: 3, pitchMeters: .nan), .area(squareMeters: -1), .area(squareMeters: .infinity)] {
            #expect(throws: RoomLayout.Problem.invalid) { try bad.validated() }
        }
    }

    // MARK: - The directive's rules

    func policy(max: Int?, spacing: Double?) -> EffectivePolicy {
        var p = EffectivePolicy()
        let source = Provenance.directive(id: "d1", number: "1557/UBND-KGVX")
        p.meetingMaxInPerson = max.map { Sourced(value: $0, source: source) }
        p.meetingSpacingMeters = spacing.map { Sourced(value: $0, source: source) }
        return p
    }

    @Test func everyReasonIsGivenWithItsDirective() {
        let room = RoomLayout.grid(rows: 4, columns: 6, pitchMeters: 1)
        let source = Provenance.directive(id: "d1", number: "1557/UBND-KGVX")
        #expect(InPersonRule.check(attendees: 6, layout: room, policy: policy(max: 10, spacing: 2)).isEmpty)
        #expect(InPersonRule.check(attendees: 7, layout: room, policy: policy(max: 10, spacing: 2))
                == [.overRoom(attendees: 7, capacity: 6, spacingMeters: 2, source: source)])
        #expect(InPersonRule.check(attendees: 12, layout: room, policy: policy(max: 10, spacing: 2))
                == [.overLimit(attendees: 12, limit: 10, source: source), .overRoom(attendees: 12, capacity: 6, spacingMeters: 2, source: source)])
        #expect(InPersonRule.check(attendees: 2, layout: room, policy: policy(max: 0, spacing: 2)) == [.forbidden(source: source)])
        #expect(InPersonRule.check(attendees: 24, layout: room, policy: policy(max: nil, spacing: nil)).isEmpty)
    }

    // MARK: - BigBlueButton

    @Test func theChecksumMatchesBigBlueButtonsDocumentedExample() {
        // docs.bigbluebutton.org, API reference, "Usage": the SHA-1 checksum of a create call.
        let bbb = BigBlueButtonCall(api: "https://bbb.example.org/bigbluebutton/", secret: "639259d4-9dd8-4b25-bf01-95f9567eaf4b", digest: .sha1)
        #expect(bbb.checksum(call: "create", query: "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444")
                == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17")
        #expect(bbb.api == "https://bbb.example.org/bigbluebutton/api")
        #expect(BigBlueButtonCall.query([("name", "Test Meeting"), ("meetingID", "abc123")]) == "name=Test+Meeting&meetingID=abc123")
    }

    @Test func joinCarriesTheRoleAndNoPassword() throws {
        let bbb = BigBlueButtonCall(api: "https://bbb.example.org/bigbluebutton/api", secret: "s3cret", digest: .sha256)
        let url = bbb.join(meetingID: "congso-abc", fullName: "Nguyễn Văn An", userID: "u1", role: .viewer)
        #expect(url.hasPrefix("https://bbb.example.org/bigbluebutton/api/join?fullName=Nguy%E1%BB%85n+V%C4%83n+An&"))
        #expect(url.contains("role=VIEWER") && !url.contains("password"))
        let query = String(url.split(separator: "?")[1])
        let (signed, checksum) = (query.components(separatedBy: "&checksum=")[0], query.components(separatedBy: "&checksum=")[1])
        #expect(checksum.count == 64 && checksum == bbb.checksum(call: "join", query: signed))
    }

    // MARK: - Settings

    @Test func settingsComeFromTheEnvironmentWithClearProblems() throws {
        #expect(try VideoEngineSettings.from(environment: [:]) == nil)
        let jitsi = try VideoEngineSettings.from(environment: ["CONGSO_VIDEO_ENGINE": "jitsi", "CONGSO_JITSI_URL": "https://meet.example.org/",
                                                              "CONGSO_JITSI_APP_ID": "congso", "CONGSO_JITSI_SECRET": String(repeating: "k", count: 32)])
        #expect(jitsi == .jitsi(.init(base: "https://meet.example.org", appID: "congso", secret: String(repeating: "k", count: 32), audience: "jitsi",
                                      domain: "meet.example.org", tokenMinutes: 5)))
        let bbb = try VideoEngineSettings.from(environment: ["CONGSO_VIDEO_ENGINE": "bigbluebutton", "CONGSO_BBB_URL": "https://bbb.example.org/bigbluebutton",
                                                            "CONGSO_BBB_SECRET": "s", "CONGSO_BBB_CHECKSUM": "SHA1"])
        #expect(bbb == .bigBlueButton(.init(api: "https://bbb.example.org/bigbluebutton/api", secret: "s", digest: .sha1)))
        for bad: [String: String] in [["CONGSO_VIDEO_ENGINE": "zoom"], ["CONGSO_VIDEO_ENGINE": "jitsi", "CONGSO_JITSI_URL": "meet"],
                                       ["CONGSO_VIDEO_ENGINE": "jitsi", "CONGSO_JITSI_URL": "https://m.org", "CONGSO_JITSI_APP_ID": "a"],
                                       ["CONGSO_VIDEO_ENGINE": "jitsi", "CONGSO_JITSI_URL": "https://m.org", "CONGSO_JITSI_APP_ID": "a", "CONGSO_JITSI_SECRET": "short"],
                                       ["CONGSO_VIDEO_ENGINE": "bbb", "CONGSO_BBB_URL": "https://b.org", "CONGSO_BBB_SECRET": "s", "CONGSO_BBB_CHECKSUM": "md5"]] {
            #expect(throws: VideoEngineSettings.Problem.self) { try VideoEngineSettings.from(environment: bad) }
        }
    }

    @Test func roomNamesAreLongAndDistinct() {
        let names = (0..<1000).map { _ in MeetingRoomName.random() }
        #expect(Set(names).count == 1000)
        #expect(names.allSatisfy { $0.count == 33 && $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
    }
}
