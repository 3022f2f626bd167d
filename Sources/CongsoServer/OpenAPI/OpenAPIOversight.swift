import CongsoCore
import Vapor

/// Oversight (issue 17): the dashboard, contingency plans and alert levels, inspections.
extension OpenAPIDocument {
    static func oversightPaths() -> JSON {
        let errors = workErrors
        let orgQuery = query("org", "An org (id or code) in your subtree; default your own")
        let dateQuery = query("date", "Default today (Hanoi)", str(["format": "date"]))
        return [
            "/api/v1/dashboard": ["get": op("The live picture of a node on a day: on site against the caps, units over the cap or with no one on duty, missing reports per window, overdue tasks and documents, permits, isolation and monitoring, approvals waiting, public services on time, open tickets and violations — for the node (its whole subtree) and each child",
                                            tag: "dashboard", params: [orgQuery, dateQuery], schema: ref("Dashboard"), errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/dashboard/units": ["get": op("The units behind a figure: over their cap (only=breach) or with no one approved on site on a working day (only=noduty)",
                                                  tag: "dashboard", params: paging + [orgQuery, dateQuery, query("only", "breach or noduty", str(["enum": ["breach", "noduty"]]))],
                                                  schema: list("DashboardUnit"), errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/contingency": ["get": op("A unit's alert level and contingency plan (a given version, or the latest) with its versions",
                                              tag: "contingency", params: [orgQuery, query("version", "A plan version", ["type": "integer"])],
                                              schema: ref("Contingency"), errors: ["400", "401", "403", "404", "422"])],
            "/api/v1/contingency/plan": ["put": op("Save a new version of the unit's plan: all four levels, shares that never rise with the level, at least one on duty, essential people of the unit",
                                                   tag: "contingency", params: [orgQuery], body: "ContingencyPlanWrite", ok: "201", schema: ref("ContingencyPlan"), errors: errors)],
            "/api/v1/contingency/level": ["post": op("Switch the unit's alert level: its plan applies from today (the caps everywhere follow, strictest wins with the directives) and the unit's people, heads and leads are told",
                                                     tag: "contingency", params: [orgQuery], body: "AlertLevelWrite", schema: ref("AlertLevelSwitch"), errors: errors)],
            "/api/v1/inspections/teams": [
                "get": op("Inspection teams that reach a node", tag: "inspections", params: [orgQuery], schema: ["type": "array", "items": ref("InspectionTeam")], errors: ["400", "401", "404", "422"]),
                "post": op("Create a team of inspectors over a node", tag: "inspections", params: [orgQuery], body: "InspectionTeamWrite", ok: "201", schema: ref("InspectionTeam"), errors: errors),
            ],
            "/api/v1/inspections/checklists": [
                "get": op("Checklists that reach a node", tag: "inspections", params: [orgQuery], schema: ["type": "array", "items": ref("InspectionChecklist")], errors: ["400", "401", "404", "422"]),
                "post": op("Add a checklist for a directive", tag: "inspections", params: [orgQuery], body: "InspectionChecklistWrite", ok: "201", schema: ref("InspectionChecklist"), errors: errors),
            ],
            "/api/v1/inspections/samples": [
                "get": op("Samples drawn under a node", tag: "inspections", params: paging + [orgQuery], schema: list("InspectionSample"), errors: ["400", "401", "404", "422"]),
                "post": op("Draw a stratified random sample of units (by the child of the node and the last result), reproducible from its seed; the team's visits are planned",
                           tag: "inspections", params: [orgQuery], body: "InspectionSampleWrite", ok: "201", schema: ref("InspectionSample"), errors: errors),
            ],
            "/api/v1/inspections/samples/{id}": ["get": op("A sample with its method, strata and visits", tag: "inspections", params: [idParam], schema: ref("InspectionSample"))],
            "/api/v1/inspections/visits/{id}": ["post": op("Record a visit's findings, one per checklist line (a failed line needs a note)", tag: "inspections",
                                                         params: [idParam], body: "InspectionVisitWrite", schema: ref("InspectionVisit"), errors: errors)],
            "/api/v1/inspections/visits/{id}/photos": ["post": [
                "summary": "Add photo evidence to a visit (multipart, field photos[], PNG or JPEG, 20 MB each)", "tags": ["inspections"], "parameters": [idParam],
                "requestBody": ["required": true, "content": ["multipart/form-data": ["schema": object(["photos[]": ["type": "array", "items": str(["format": "binary"])]])]]],
                "responses": responses("201", ["type": "array", "items": object(["id": uuid, "fileName": str(), "size": ["type": "integer"]])], errors: errors + ["413"]),
            ] as JSON],
            "/api/v1/inspections/visits/{id}/violations": ["post": op("Charge a violation to the head of the visited unit, with a deadline after today (the head is told)",
                                                                    tag: "inspections", params: [idParam], body: "ViolationWrite", ok: "201", schema: ref("Violation"), errors: errors)],
            "/api/v1/inspections/violations": ["get": op("Violations under a node (status=open by default, or all)", tag: "inspections",
                                                         params: paging + [orgQuery, query("status", "open or all", str(["enum": ["open", "all"]]))],
                                                         schema: list("Violation"), errors: ["400", "401", "404", "422"])],
            "/api/v1/inspections/violations/{id}/{action}": ["post": op("answer (the unit's head), close or reopen (the team; reopening needs a reason)", tag: "inspections",
                                                                       params: [idParam, ["name": "action", "in": "path", "required": true, "schema": str(["enum": ViolationStatus.Action.allCases.map(\.rawValue)])]],
                                                                       body: "ViolationAct", schema: ref("Violation"), errors: errors)],
        ]
    }

    static func oversightSchemas() -> JSON {
        let integer: JSON = ["type": "integer"], number: JSON = ["type": "number"], time = str(["format": "date-time"]), day = str(["format": "date"])
        let window = object(["slot": str(), "expected": integer, "received": integer, "onTime": integer, "missing": integer, "rate": nullable(number)])
        var figureProps: [String: JSON] = [:]
        for k in ["staff", "available", "onSite", "present", "cap", "breaches", "unitsWithStaff", "unitsNoOneOnDuty", "tasksOverdue", "documentsOverdue",
                  "permitsActive", "permitsRevoked", "permitsSuspended", "isolating", "monitoring", "pendingOnSite", "pendingPermits",
                  "pendingExceptions", "pendingTrips", "pendingMeetings", "pendingTotal", "servicesFinished", "servicesOnTime", "ticketsOpen",
                  "ticketsLate", "violationsOpen", "violationsLate", "reportsMissing"] { figureProps[k] = integer }
        figureProps["windows"] = ["type": "array", "items": window]
        figureProps["onSiteShare"] = nullable(number)
        figureProps["servicesOnTimeRate"] = nullable(number)
        let orgRef = object(["id": uuid, "code": str(), "name": str(), "alertLevel": nullable(integer)])
        let level = object(["level": integer, "maxOnSiteShare": str(), "minOnDuty": integer, "essentialStaffIds": ["type": "array", "items": str()], "workplace": str()])
        let finding = object(["item": str(), "result": str(["enum": FindingResult.allCases.map(\.rawValue)]), "note": str()])
        let stratum = object(["district": str(), "districtName": str(), "lastResult": str(["enum": InspectionSample.LastResult.allCases.map(\.rawValue)]),
                              "population": integer, "drawn": integer])
        let visit = object(["id": uuid, "orgId": uuid, "stratum": str(), "status": str(["enum": InspectionVisitStatus.allCases.map(\.rawValue)]),
                            "visitedOn": nullable(day), "findings": ["type": "array", "items": finding], "summary": str()])
        return [
            "DashboardFigures": object(figureProps),
            "Dashboard": object(["org": orgRef, "date": day, "total": ref("DashboardFigures"),
                                 "children": ["type": "array", "items": object(["org": orgRef, "figures": ref("DashboardFigures")])]]),
            "DashboardUnit": object(["org": orgRef, "staff": integer, "onSite": integer, "cap": integer]),
            "ContingencyPlan": object(["version": integer, "levels": ["type": "array", "items": level], "note": str(), "createdBy": str(), "createdAt": nullable(time)]),
            "Contingency": object(["orgId": uuid, "code": str(), "name": str(), "level": nullable(integer), "since": nullable(day), "planVersion": nullable(integer),
                                   "plan": nullable(ref("ContingencyPlan")),
                                   "versions": ["type": "array", "items": object(["version": integer, "note": str(), "createdBy": str(), "createdAt": nullable(time)])]]),
            "ContingencyPlanWrite": object(["levels": ["type": "array", "items": object(["level": integer, "maxOnSiteShare": str(), "minOnDuty": integer,
                                                                                       "essentialStaffIds": ["type": "array", "items": uuid], "workplace": str()],
                                                                                      required: ["level", "maxOnSiteShare", "minOnDuty", "workplace"])],
                                            "note": str()], required: ["levels"]),
            "AlertLevelWrite": object(["level": ["type": "integer", "minimum": 1, "maximum": 4], "note": str()], required: ["level"]),
            "AlertLevelSwitch": object(["level": integer, "previous": nullable(integer), "planVersion": integer, "overCap": integer]),
            "InspectionTeam": object(["id": uuid, "orgId": uuid, "name": str(), "memberIds": ["type": "array", "items": uuid]]),
            "InspectionTeamWrite": object(["name": str(), "memberIds": ["type": "array", "items": uuid]], required: ["name", "memberIds"]),
            "InspectionChecklist": object(["id": uuid, "orgId": uuid, "directiveId": uuid, "title": str(), "items": ["type": "array", "items": str()]]),
            "InspectionChecklistWrite": object(["directiveId": uuid, "title": str(), "items": ["type": "array", "items": str()]], required: ["directiveId", "title", "items"]),
            "InspectionSample": object(["id": uuid, "orgId": uuid, "teamId": uuid, "checklistId": uuid, "seed": str(), "size": integer, "population": integer,
                                        "method": str(), "strata": ["type": "array", "items": stratum],
                                        "visits": nullable(["type": "array", "items": visit]), "createdAt": nullable(time)]),
            "InspectionSampleWrite": object(["teamId": uuid, "checklistId": uuid, "size": ["type": "integer", "minimum": 1, "maximum": 1000],
                                             "seed": str(["pattern": "^[0-9]*$"])], required: ["teamId", "checklistId", "size"]),
            "InspectionVisit": visit,
            "InspectionVisitWrite": object(["visitedOn": day, "summary": str(),
                                            "findings": ["type": "array", "items": object(["result": str(["enum": FindingResult.allCases.map(\.rawValue)]), "note": str()], required: ["result"])]],
                                           required: ["findings"]),
            "Violation": object(["id": uuid, "visitId": uuid, "orgId": uuid, "head": str(), "description": str(), "deadline": day,
                                 "status": str(["enum": ViolationStatus.allCases.map(\.rawValue)]), "answer": str(), "closingNote": str(), "createdAt": nullable(time)]),
            "ViolationWrite": object(["description": str(), "deadline": day], required: ["description", "deadline"]),
            "ViolationAct": object(["text": str()]),
        ]
    }
}
