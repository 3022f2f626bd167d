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
            "/api/v1/meetings/{id}": ["get": op("One meeting with its agenda and invitees' answers", tag: "meetings", params: [idParam], schema: ref("Meeting"))],
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
