import CongsoCore
import Vapor

/// Health and movement (issue 16): declarations, monitoring and isolation, contact tracing,
/// outbreak places, leaving the city, the visitor log, counts and delegates.
extension OpenAPIDocument {
    static func healthPaths() -> JSON {
        let errors = workErrors
        let csv: JSON = ["required": true, "content": ["text/csv": ["schema": ["type": "string"]], "text/plain": ["schema": ["type": "string"]]]]
        let orgQuery = query("org", "An org (id or code) in your subtree")
        return [
            "/api/v1/health/declarations": [
                "get": op("Declarations you may read: your own, or a subtree's if you are its head or the head's delegate (each read is audited)",
                          tag: "health", params: paging + [orgQuery, query("staff", "One person's (id)")], schema: list("Declaration"), errors: ["400", "401", "403", "404"]),
                "post": op("Declare your health. The directive in force says which fields are required; symptoms or a positive test start isolation, contact with a case or a visit to an announced place monitoring, a negative test ends isolation",
                           tag: "health", body: "DeclarationWrite", ok: "201", schema: ref("DeclarationResult"), errors: errors),
            ],
            "/api/v1/health/declarations/{id}": ["get": op("One declaration (audited when read by someone else)", tag: "health", params: [idParam],
                                                            schema: ref("Declaration"), errors: ["400", "401", "403", "404"])],
            "/api/v1/health/states": [
                "get": op("Monitoring and isolation in force today: a subtree's (head or delegate), else your own history", tag: "health", params: [orgQuery],
                          schema: ["type": "array", "items": ref("HealthState")], errors: ["400", "401", "403", "404"]),
                "post": op("A head's decision: isolate (or monitor) someone in the subtree. Takes effect at once: on-site requests withdrawn, permits suspended, rosters marked for replanning, lead and head told",
                           tag: "health", body: "HealthDecision", ok: "201", schema: ref("HealthState"), errors: errors),
            ],
            "/api/v1/health/states/{id}/end": ["post": op("End a state early (the head); permits come back when nothing else holds the person", tag: "health",
                                                          params: [idParam], schema: ref("HealthState"), errors: errors)],
            "/api/v1/health/trace": [
                "get": op("Contacts of a confirmed case from the presence register (same unit and shift), in-person meetings and admitted visitors, with overlaps",
                          tag: "health", params: [query("staff", "The case (staff id)"), query("days", "Days back, 1–21 (default 4)", ["type": "integer"])],
                          schema: ref("Trace"), errors: errors),
                "post": op("Trace and act in one step: the case isolating, every staff contact under monitoring (permits suspended, rosters marked, people and leads told)",
                           tag: "health", body: "TraceWrite", schema: ref("Trace"), errors: errors),
            ],
            "/api/v1/health/outbreaks": [
                "get": op("Announced outbreak places and times", tag: "health", params: paging + [orgQuery], schema: list("OutbreakPlace"), errors: ["400", "401", "404"]),
                "post": op("Announce a place and time; declarations that overlap it put their people under monitoring", tag: "health", body: "OutbreakWrite",
                           ok: "201", schema: object(["place": ref("OutbreakPlace"), "monitored": ["type": "integer"]]), errors: errors),
            ],
            "/api/v1/health/outbreaks/import": ["post": [
                "summary": "Import outbreak places from CSV (columns place,address,from,to,source; times yyyy-MM-dd HH:mm Hanoi time or ISO 8601); all rows or none",
                "tags": ["health"], "parameters": [query("org", "The announcing org (code)")], "requestBody": csv,
                "responses": responses("200", object(["created": ["type": "integer"], "monitored": ["type": "integer"]]), errors: errors),
            ] as JSON],
            "/api/v1/health/trips": [
                "get": op("Trips out of the city: your own, or a subtree's (heads; status=requested for those waiting)", tag: "health",
                          params: paging + [orgQuery, query("status", "requested")], schema: list("Trip"), errors: ["400", "401", "403", "404"]),
                "post": op("Ask to leave the city (approved at once where no directive requires approval)", tag: "health", body: "TripWrite", ok: "201",
                           schema: ref("Trip"), errors: errors),
            ],
            "/api/v1/health/trips/{id}/decision": ["post": op("Approve or refuse a trip (the head; a refusal needs a reason)", tag: "health", params: [idParam],
                                                              body: "TripDecision", schema: ref("Trip"), errors: errors)],
            "/api/v1/health/trips/{id}/return": ["post": op("Report being back; the declaration is due within the directive's hours", tag: "health",
                                                            params: [idParam], schema: ref("Trip"), errors: errors)],
            "/api/v1/health/visits": [
                "get": op("A unit's visitor log for a day", tag: "health", params: paging + [orgQuery, query("date", "Default today", str(["format": "date"]))],
                          schema: list("Visit"), errors: ["400", "401", "403", "404", "422"]),
                "post": op("Record a visitor at the front desk; a temperature at or above the threshold, symptoms or contact is refused entry and noted",
                           tag: "health", body: "VisitWrite", ok: "201", schema: ref("Visit"), errors: errors),
            ],
            "/api/v1/health/visits/{id}/leave": ["post": op("The visitor leaves", tag: "health", params: [idParam], schema: ref("Visit"), errors: errors)],
            "/api/v1/health/counts": ["get": op("Counts per unit below an org, no names: isolating, monitoring, trips waiting, late returns and declarations",
                                                tag: "health", params: [orgQuery], schema: ref("HealthCounts"), errors: ["400", "401", "403", "404"])],
            "/api/v1/health/delegates": [
                "get": op("Whom heads let read health data", tag: "health", schema: ["type": "array", "items": ref("HealthDelegate")], errors: ["401", "403"]),
                "post": op("Let someone in your subtree read a unit's health data", tag: "health", body: "HealthDelegateWrite", ok: "201",
                           schema: ref("HealthDelegate"), errors: errors),
            ],
            "/api/v1/rosters/{id}/replan": ["post": op("Solve the roster again with today's isolation and monitoring: those days unavailable, their obligations dropped; the draft waits to be published",
                                                       tag: "rosters", params: [idParam], schema: ref("Roster"), errors: errors)],
            "/api/v1/rosters/{id}/conflicts": ["get": op("Who is on the roster (published or draft) on a day they are isolating or under monitoring", tag: "rosters",
                                                         params: [idParam], schema: ["type": "array", "items": object(["staffId": uuid, "name": str(), "date": str(["format": "date"]),
                                                             "shift": str(), "kind": str(["enum": HealthStateKind.allCases.map(\.rawValue)]), "lastDay": str(["format": "date"]),
                                                             "published": ["type": "boolean"]])], errors: ["400", "401", "403", "404"])],
            "/api/v1/health/delegates/{id}": ["delete": op("Take a delegation back", tag: "health", params: [idParam], ok: "204", schema: nil,
                                                           errors: ["400", "401", "403", "404"])],
        ]
    }

    static func healthSchemas() -> JSON {
        let time = str(["format": "date-time"]), day = str(["format": "date"]), integer: JSON = ["type": "integer"], bool: JSON = ["type": "boolean"]
        let number: JSON = ["type": "number"]
        let symptom = str(["enum": Symptom.allCases.map(\.rawValue)])
        let kind = str(["enum": HealthStateKind.allCases.map(\.rawValue)])
        let basis = str(["enum": HealthBasis.allCases.map(\.rawValue)])
        let place = object(["place": str(), "address": str(), "from": time, "to": time])
        let test = object(["takenOn": day, "kind": str(["enum": TestResult.Kind.allCases.map(\.rawValue)]),
                           "outcome": str(["enum": TestResult.Outcome.allCases.map(\.rawValue)])])
        let countRow = object(["org": str(), "code": str(), "name": str(), "isolating": integer, "monitoring": integer, "tripsWaiting": integer,
                               "lateReturns": integer, "lateDeclarations": integer])
        let contact = object(["staffId": uuid, "name": str(), "unit": str(), "date": day, "shift": nullable(str(["enum": Shift.allCases.map(\.rawValue)])),
                              "overlapMinutes": integer, "via": str(), "state": nullable(kind)])
        let visitor = object(["name": str(), "phone": str(), "unit": str(), "date": day, "shift": str(), "overlapMinutes": integer])
        return [
            "DeclarationWrite": object(["symptoms": ["type": "array", "items": symptom], "noSymptoms": bool, "contactWithCase": bool,
                                        "testTakenOn": day, "testKind": str(["enum": TestResult.Kind.allCases.map(\.rawValue)]),
                                        "testOutcome": str(["enum": TestResult.Outcome.allCases.map(\.rawValue)]),
                                        "places": ["type": "array", "items": place], "noPlaces": bool, "temperature": number]),
            "Declaration": object(["id": uuid, "staffId": nullable(uuid), "declaredAt": time, "symptoms": ["type": "array", "items": symptom],
                                   "noSymptoms": bool, "contactWithCase": nullable(bool), "test": nullable(test),
                                   "places": ["type": "array", "items": place], "noPlaces": bool, "temperature": nullable(number),
                                   "outcome": nullable(basis), "tripId": nullable(uuid)]),
            "DeclarationResult": object(["declaration": ref("Declaration"), "state": nullable(ref("HealthState")), "isolationEnded": bool,
                                         "matches": ["type": "array", "items": str()]]),
            "HealthState": object(["id": uuid, "staffId": uuid, "name": str(), "org": uuid, "kind": kind, "basis": basis, "startsOn": day,
                                   "lastDay": day, "detail": str(), "endedOn": nullable(day), "endReason": nullable(str())]),
            "HealthDecision": object(["staffId": uuid, "kind": kind, "from": day, "lastDay": day, "note": str()], required: ["staffId"]),
            "TraceWrite": object(["staffId": uuid, "days": integer], required: ["staffId"]),
            "Trace": object(["caseStaffId": uuid, "caseName": str(), "from": day, "to": day, "stays": integer,
                             "contacts": ["type": "array", "items": contact], "visitors": ["type": "array", "items": visitor],
                             "monitored": nullable(integer), "millis": number]),
            "OutbreakPlace": object(["id": uuid, "place": str(), "address": str(), "from": time, "to": time, "source": str()]),
            "OutbreakWrite": object(["org": str(), "place": str(), "address": str(), "from": str(["description": "yyyy-MM-dd HH:mm (Hanoi) or ISO 8601"]),
                                     "to": str(), "source": str()], required: ["org", "place", "from", "to", "source"]),
            "TripWrite": object(["leaveOn": day, "returnOn": day, "destination": str(), "purpose": str()], required: ["leaveOn", "returnOn", "destination"]),
            "TripDecision": object(["approve": bool, "comment": str()], required: ["approve"]),
            "Trip": object(["id": uuid, "staffId": uuid, "leaveOn": day, "returnOn": day, "destination": str(), "purpose": str(),
                            "status": str(["enum": CityTrip.Status.allCases.map(\.rawValue)]), "decisionComment": str(), "returnedAt": nullable(time),
                            "declarationDueAt": nullable(time), "declared": bool, "lateReturn": bool, "lateDeclaration": bool]),
            "VisitWrite": object(["org": str(), "name": str(), "phone": str(), "hostStaffId": uuid, "hostName": str(), "temperature": number,
                                  "symptoms": ["type": "array", "items": symptom], "noSymptoms": bool, "contactWithCase": bool],
                                 required: ["org", "name", "phone", "temperature"]),
            "Visit": object(["id": uuid, "name": str(), "phone": str(), "hostName": str(), "temperature": number, "admitted": bool,
                             "refusal": str(["enum": ["", "fever", "symptoms", "contact"]]), "arrivedAt": time, "leftAt": nullable(time)]),
            "HealthCounts": object(["total": countRow, "rows": ["type": "array", "items": countRow]]),
            "HealthDelegate": object(["id": uuid, "org": uuid, "userId": uuid, "grantedBy": str()]),
            "HealthDelegateWrite": object(["org": str(), "userId": uuid], required: ["org", "userId"]),
        ]
    }
}
