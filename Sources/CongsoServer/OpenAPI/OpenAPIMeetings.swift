import CongsoCore
import Vapor

/// The meetings part of the OpenAPI document: meetings, answers, the head's decision,
/// joining on the configured video engine, and rooms.
extension OpenAPIDocument {
    static func meetingPaths() -> JSON {
        let errors = workErrors
        return [
            "/api/v1/meetings": [
                "get": op("Meetings: mine (invited, delegated or chairing) or my unit's subtree, upcoming or past, searchable without accents",
                          tag: "meetings", params: paging + [
                            query("scope", "mine or unit", str(["enum": ["mine", "unit"]])),
                            query("when", "upcoming (not yet ended) or past", str(["enum": ["upcoming", "past"]])),
                            query("q", "Search the title, insensitive to Vietnamese diacritics"),
                            query("org", "With scope=unit: keep to this org's subtree (id or code)"),
                          ], schema: list("Meeting")),
                "post": op("Schedule a meeting (online by default). In person: a room of the org or above, checked against the directive's limit and the room's capacity at its spacing (422 with every reason and the directive), then awaiting the head's approval",
                           tag: "meetings", body: "MeetingWrite", ok: "201", schema: ref("Meeting"), errors: errors),
            ],
            "/api/v1/meetings/{id}": [
                "get": op("One meeting with its agenda and invitees' answers", tag: "meetings", params: [idParam], schema: ref("Meeting")),
                "patch": op("Change the title, day or times (the calendar SEQUENCE rises; invitees are told; in person: the rules of the new day apply)",
                            tag: "meetings", params: [idParam], body: "MeetingChange", schema: ref("Meeting"), errors: errors),
            ],
            "/api/v1/meetings/{id}/invitation.ics": ["get": [
                "summary": "My invitation as iCalendar: METHOD:REQUEST with SEQUENCE, or METHOD:CANCEL once cancelled", "tags": ["meetings"],
                "parameters": [idParam],
                "responses": responses("200", nil, errors: ["403", "404"]).merging(["200": ["description": "text/calendar", "content": ["text/calendar": ["schema": ["type": "string"]]]]]) { $1 },
            ] as JSON],
            "/api/v1/meetings/{id}/attendance": ["post": op("The chair marks who is present (everyone else invited is absent), once the meeting has begun",
                                                            tag: "meetings", params: [idParam], body: "MeetingAttendance", schema: ref("Meeting"), errors: errors)],
            "/api/v1/meetings/{id}/minutes": [
                "get": op("Attendance, minutes, decisions and comments (a draft only for its keepers)", tag: "meetings", params: [idParam],
                          schema: ref("MeetingMinutes")),
                "put": op("Write the draft minutes and decisions (replacing the earlier draft)", tag: "meetings", params: [idParam],
                          body: "MeetingMinutesWrite", schema: ref("MeetingMinutes"), errors: errors),
            ],
            "/api/v1/meetings/{id}/minutes/circulate": ["post": op("Draft → circulated to the attendees for comments", tag: "meetings",
                                                                   params: [idParam], schema: ref("MeetingMinutes"), errors: errors)],
            "/api/v1/meetings/{id}/minutes/lock": ["post": op("Circulated → locked and published", tag: "meetings", params: [idParam],
                                                              schema: ref("MeetingMinutes"), errors: errors)],
            "/api/v1/meetings/{id}/minutes/comments": ["post": op("An invitee comments on circulated minutes", tag: "meetings", params: [idParam],
                                                                  body: "MeetingNoteText", ok: "201", schema: ref("MeetingMinutes"), errors: errors)],
            "/api/v1/meetings/{id}/decisions/{decision}/task": ["post": op("Make a decision with an owner and a deadline a task, once", tag: "meetings",
                                                                           params: [idParam, ["name": "decision", "in": "path", "required": true, "schema": ["type": "string"]]],
                                                                           ok: "201", schema: ref("Task"), errors: errors)],
            "/api/v1/meetings/{id}/approve": ["post": op("The head approves an in-person meeting (the rules are checked again)", tag: "meetings",
                                                         params: [idParam], body: "MeetingNote", schema: ref("Meeting"), errors: errors)],
            "/api/v1/meetings/{id}/refuse": ["post": op("The head refuses an in-person meeting, with the reason", tag: "meetings",
                                                        params: [idParam], body: "MeetingNote", schema: ref("Meeting"), errors: errors)],
            "/api/v1/meetings/{id}/cancel": ["post": op("Cancel the meeting (chair, whoever schedules in the org, or the head); invitees are told",
                                                        tag: "meetings", params: [idParam], schema: ref("Meeting"), errors: errors)],
            "/api/v1/meetings/{id}/answer": ["post": op("An invitee accepts, declines, or delegates to someone of their unit", tag: "meetings",
                                                        params: [idParam], body: "MeetingAnswer", schema: ref("Meeting"), errors: errors)],
            "/api/v1/meetings/{id}/join": ["get": op("The address that takes this person into the online room: Jitsi with a fresh HS256 token (moderator for the chair), or BigBlueButton after a signed create (MODERATOR for the chair, VIEWER otherwise). 422 when no engine is configured",
                                                     tag: "meetings", params: [idParam], schema: ref("MeetingJoin"), errors: errors + ["502"])],
            "/api/v1/meeting-rooms": [
                "get": op("Rooms an org may use (its own and those above it), with the capacity at today's spacing", tag: "meetings",
                          params: [query("org", "The org (id or code); default: mine")], schema: ["type": "array", "items": ref("MeetingRoom")]),
                "post": op("Add a room: seats in rows × columns with a pitch, or an area", tag: "meetings", body: "MeetingRoomWrite", ok: "201",
                           schema: ref("MeetingRoom"), errors: errors),
            ],
        ]
    }

    static func meetingSchemas() -> JSON {
        let number: JSON = ["type": "number"], integer: JSON = ["type": "integer"]
        return [
            "Meeting": object([
                "id": uuid, "orgId": uuid, "orgName": str(), "title": str(), "startsAt": str(["format": "date-time"]), "endsAt": str(["format": "date-time"]),
                "chairStaffId": uuid, "chairName": str(), "mode": str(["enum": Meeting.Mode.allCases.map(\.rawValue)]),
                "roomId": nullable(uuid), "roomName": nullable(str()), "status": str(["enum": Meeting.Status.allCases.map(\.rawValue)]),
                "decisionNote": nullable(str()), "decidedBy": nullable(str()), "sequence": integer,
                "agenda": ["type": "array", "items": object(["title": str(), "minutes": integer])],
                "invitees": ["type": "array", "items": object(["staffId": uuid, "name": str(),
                                                               "answer": str(["enum": MeetingInvitee.Answer.allCases.map(\.rawValue)]),
                                                               "delegateStaffId": nullable(uuid), "delegateName": nullable(str()),
                                                               "present": nullable(["type": "boolean"])])],
                "joinPath": nullable(str()),
            ]),
            "MeetingWrite": object([
                "org": str(), "title": str(), "date": str(["format": "date"]), "start": str(["description": "HH:mm, Asia/Ho_Chi_Minh"]),
                "end": str(["description": "HH:mm, Asia/Ho_Chi_Minh"]), "chairStaffId": uuid,
                "inviteeStaffIds": ["type": "array", "items": uuid], "inviteeOrgs": ["type": "array", "items": str()],
                "agenda": ["type": "array", "items": object(["title": str(), "minutes": integer])],
                "mode": str(["enum": Meeting.Mode.allCases.map(\.rawValue)]), "roomId": uuid,
            ], required: ["org", "title", "date", "start", "end", "chairStaffId"]),
            "MeetingNote": object(["note": str()]),
            "MeetingNoteText": object(["text": str()], required: ["text"]),
            "MeetingChange": object(["title": str(), "date": str(["format": "date"]), "start": str(), "end": str()]),
            "MeetingAttendance": object(["present": ["type": "array", "items": uuid]], required: ["present"]),
            "MeetingMinutesWrite": object(["summary": str(), "decisions": ["type": "array", "items": object([
                "text": str(), "ownerStaffId": uuid, "deadline": str(["format": "date"])])]]),
            "MeetingMinutes": object([
                "meetingId": uuid, "status": nullable(str(["enum": MeetingMinutes.Status.allCases.map(\.rawValue)])), "summary": str(),
                "updatedBy": nullable(str()), "circulatedAt": nullable(str(["format": "date-time"])), "lockedAt": nullable(str(["format": "date-time"])),
                "decisions": ["type": "array", "items": object(["id": uuid, "text": str(), "ownerStaffId": nullable(uuid), "ownerName": nullable(str()),
                                                               "deadline": nullable(str(["format": "date"])), "taskId": nullable(uuid)])],
                "comments": ["type": "array", "items": object(["author": str(), "text": str(), "at": nullable(str(["format": "date-time"]))])],
                "present": ["type": "array", "items": object(["staffId": uuid, "name": str()])],
                "absent": ["type": "array", "items": object(["staffId": uuid, "name": str()])],
                "unmarked": ["type": "array", "items": object(["staffId": uuid, "name": str()])],
                "canEdit": ["type": "boolean"],
            ]),
            "MeetingAnswer": object(["answer": str(["enum": ["accepted", "declined", "delegated"]]), "delegateStaffId": uuid], required: ["answer"]),
            "MeetingJoin": object(["url": str(), "engine": str(["enum": ["jitsi", "bigbluebutton"]]), "moderator": ["type": "boolean"]]),
            "MeetingRoom": object(["id": uuid, "orgId": uuid, "name": str(), "rows": nullable(integer), "columns": nullable(integer),
                                   "pitchMeters": nullable(number), "areaSquareMeters": nullable(number),
                                   "capacityAtSpacing": nullable(integer), "spacingMeters": nullable(number)]),
            "MeetingRoomWrite": object(["org": str(), "name": str(), "rows": integer, "columns": integer, "pitchMeters": number,
                                        "areaSquareMeters": number], required: ["org", "name"]),
        ]
    }
}
