import CongsoCore
import Vapor

/// The citizens' part of the OpenAPI document: the procedure catalogue, applying and the
/// lookup without an account, the one-stop desk, the public figures and the working-day calendar.
extension OpenAPIDocument {
    static func publicServicePaths() -> JSON {
        let errors = workErrors
        let publicErrors = ["400", "404", "413", "422", "429"]
        let codeParam: JSON = ["name": "code", "in": "path", "required": true, "description": "Mã hồ sơ, e.g. 7K3M9-QX2AB (case, spaces and the dash do not matter)",
                               "schema": ["type": "string"]]
        let dayParam: JSON = ["name": "day", "in": "path", "required": true, "schema": str(["format": "date"])]
        let fileParam: JSON = ["name": "file", "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
        func multipart(_ summary: String, tag: String, params: [JSON] = [], fields: [String: JSON], required: [String], ok: String, schema: JSON,
                       errors: [String], secured: Bool) -> JSON {
            var props = fields
            for i in 0..<4 { props["paper\(i)"] = str(["format": "binary", "description": "The procedure's paper number \(i) (and so on for further papers): PDF, DOCX, PNG or JPEG by content, at most 20 MB"]) }
            var o: JSON = ["summary": summary, "tags": [tag], "parameters": params,
                           "requestBody": ["required": true, "content": ["multipart/form-data": ["schema": object(props, required: required)]]],
                           "responses": responses(ok, schema, errors: errors)]
            if !secured { o["security"] = [JSON]() }
            return o
        }
        let applicant: [String: JSON] = ["procedureId": uuid, "name": str(), "phone": str(), "email": str(), "address": str(),
                                         "wantsPost": str(["enum": ["true", "false", "on"]]), "note": str()]
        return [
            "/api/v1/public/procedures": ["get": op("The procedure catalogue, searchable without accents (no sign-in)", tag: "public-services",
                                                    params: paging + [query("q", "Words of the name, with or without accents"),
                                                                      query("org", "Keep to this agency's subtree (code)")],
                                                    schema: list("Procedure"), errors: ["400", "404"], secured: false)],
            "/api/v1/public/procedures/{id}": ["get": op("One active procedure (no sign-in)", tag: "public-services", params: [idParam],
                                                         schema: ref("Procedure"), errors: ["404"], secured: false)],
            "/api/v1/public/applications": ["post": multipart(
                "Apply online without an account: every paper that may be sent as a scan must be. Answers the dossier code; rate-limited per address",
                tag: "public-services", fields: applicant, required: ["procedureId", "name", "phone"], ok: "201",
                schema: object(["code": str(), "status": str(["enum": ApplicationStatus.allCases.map(\.rawValue)]),
                                "submittedAt": str(["format": "date-time"]), "dueAt": nullable(str(["format": "date-time"]))]),
                errors: publicErrors, secured: false)],
            "/api/v1/public/applications/{code}": ["get": op(
                "A dossier's status and dates by its code. With the phone given when applying, also the name, reasons and postal number; wrong phones are limited per code",
                tag: "public-services", params: [codeParam, query("phone", "The applicant's phone number")], schema: ref("PublicStatus"),
                errors: ["404", "429"], secured: false)],
            "/api/v1/public/applications/{code}/complete": ["post": multipart(
                "The citizen sends what the desk asked for (code and phone needed); the dossier goes back to the desk",
                tag: "public-services", params: [codeParam], fields: ["phone": str(), "note": str()], required: ["phone"], ok: "200",
                schema: ref("PublicStatus"), errors: ["409"] + publicErrors, secured: false)],
            "/api/v1/public/figures": ["get": op(
                "Decision 766/QĐ-TTg figures for an agency and each unit below it, rolled up: on-time rate, average working days, share of procedures online, share of dossiers received online (no sign-in)",
                tag: "public-services", params: [query("org", "Agency code (default: the top of the tree)"), query("year", "Default: this year", ["type": "integer"])],
                schema: ref("ServiceFigures"), errors: ["400", "404", "422"], secured: false)],
            "/api/v1/procedures": ["post": op("Add a procedure to an agency's catalogue", tag: "public-services", body: "ProcedureWrite", ok: "201",
                                              schema: ref("Procedure"), errors: errors)],
            "/api/v1/procedures/{id}": ["put": op("Change a procedure", tag: "public-services", params: [idParam], body: "ProcedureWrite",
                                                  schema: ref("Procedure"), errors: errors)],
            "/api/v1/procedures/import": ["post": [
                "summary": "Import an agency's catalogue from CSV (columns code,name,processing,fee,online_level,by_post,papers); all rows or none; an existing code is updated",
                "tags": ["public-services"], "parameters": [query("org", "The agency (code)")],
                "requestBody": ["required": true, "content": ["text/csv": ["schema": ["type": "string"]], "text/plain": ["schema": ["type": "string"]]]],
                "responses": responses("200", object(["created": ["type": "integer"], "updated": ["type": "integer"]]), errors: errors),
            ] as JSON],
            "/api/v1/applications": [
                "get": op("Dossiers of my subtree (or assigned to me) by list", tag: "public-services",
                          params: paging + [query("org", "Keep to this org's subtree (id or code)"),
                                            query("status", "The desk's list", str(["enum": ApplicationList.Tab.allCases.map(\.rawValue)]))],
                          schema: list("Application"), errors: ["400", "401", "403", "404"]),
                "post": multipart("The desk takes a dossier in person or by post: received at once, with its promised date", tag: "public-services",
                                  fields: applicant.merging(["channel": str(["enum": ["desk", "post"]])]) { a, _ in a }, required: ["procedureId", "name", "phone"],
                                  ok: "201", schema: ref("Application"), errors: errors + ["413"], secured: true),
            ],
            "/api/v1/applications/{id}": ["get": op("One dossier with its files and steps", tag: "public-services", params: [idParam], schema: ref("Application"))],
            "/api/v1/applications/{id}/steps": ["post": op(
                "The desk's next step: receive, request_completion (reason), refuse (reason), assign (assigneeStaffId), suspend (reason; the clock stops), resume (the time left counts from now), approve, return (returnMethod; post needs postalTracking)",
                tag: "public-services", params: [idParam], body: "ApplicationStep", schema: ref("Application"), errors: errors)],
            "/api/v1/applications/{id}/apology": ["post": op(
                "Phiếu xin lỗi: the reason for the delay and a new promised date (a later working day); the citizen sees it in the lookup",
                tag: "public-services", params: [idParam], body: "ApplicationApology", schema: ref("Application"), errors: errors)],
            "/api/v1/applications/{id}/files/{file}": ["get": [
                "summary": "Download a paper of a dossier", "tags": ["public-services"], "parameters": [idParam, fileParam],
                "responses": ["200": ["description": "The file"], "401": ["description": "Not signed in"], "404": ["description": "Not found"]] as JSON,
            ] as JSON],
            "/api/v1/public/hotlines": ["get": op("Every unit's hotline numbers, searchable without accents by unit (and the units above it), purpose or number (no sign-in)",
                                                  tag: "hotlines", params: paging + [query("q", "Words or digits"), query("org", "Keep to this agency's subtree (code)")],
                                                  schema: list("Hotline"), errors: ["400", "404"], secured: false)],
            "/api/v1/public/on-duty": ["get": op("Who is on 24/7 duty now by published rotas: name, shift, until when and the duty phone — never a personal number (no sign-in)",
                                                 tag: "hotlines", params: [query("org", "Keep to this agency's subtree (code)")],
                                                 schema: ["type": "array", "items": ref("OnDuty")], errors: ["404"], secured: false)],
            "/api/v1/public/tickets": ["post": op("Written feedback without an account: answers its code and the time an answer is due; rate-limited per address",
                                                  tag: "hotlines", body: "TicketSubmit", ok: "201", schema: object(["code": str(), "dueAt": str(["format": "date-time"])]),
                                                  errors: ["400", "422", "429"], secured: false)],
            "/api/v1/public/tickets/{code}": ["get": op("A ticket's status and times by its code; the subject and answer only with the phone given",
                                                        tag: "hotlines", params: [codeParam, query("phone", "The phone number given")], schema: ref("PublicTicket"),
                                                        errors: ["404", "429"], secured: false)],
            "/api/v1/hotlines": ["post": op("Publish a hotline number of a unit", tag: "hotlines", body: "HotlineWrite", ok: "201", schema: ref("Hotline"), errors: errors)],
            "/api/v1/hotlines/{id}": ["delete": op("Take a number off the public page", tag: "hotlines", params: [idParam], ok: "204", schema: nil, errors: ["401", "403", "404"])],
            "/api/v1/tickets": [
                "get": op("Calls and feedback of my subtree, the nearest deadline first", tag: "hotlines",
                          params: paging + [query("org", "Keep to this org's subtree (id or code)"),
                                            query("status", "open (default), late, answered or all", str(["enum": TicketService.Tab.allCases.map(\.rawValue)]))],
                          schema: list("Ticket"), errors: ["400", "401", "403", "404"]),
                "post": op("Log a call or a letter: the answer is due in responseHours (default 4 for a call, 24 in writing), on the clock where the unit keeps 24/7 duty, in office hours otherwise",
                           tag: "hotlines", body: "TicketWrite", ok: "201", schema: ref("Ticket"), errors: errors),
            ],
            "/api/v1/tickets/{id}": ["get": op("One ticket", tag: "hotlines", params: [idParam], schema: ref("Ticket"))],
            "/api/v1/tickets/{id}/answer": ["post": op("Answer a ticket (once)", tag: "hotlines", params: [idParam], body: "TicketAnswer", schema: ref("Ticket"), errors: errors)],
            "/api/v1/duty-rotas": [
                "get": op("Duty rotas of my subtree, newest first", tag: "hotlines", params: paging + [query("org", "Keep to this org's subtree (id or code)")],
                          schema: list("DutyRota"), errors: ["400", "401", "403", "404"]),
                "post": op("Plan a 24/7 duty rota with the roster solver: shifts covering the whole day (3x8 or 2x12), a skill every shift needs, rest after each shift and two shifts after a night, holidays and absences counted; a draft",
                           tag: "hotlines", body: "DutyRotaWrite", ok: "201", schema: ref("DutyRota"), errors: errors),
            ],
            "/api/v1/duty-rotas/{id}": ["get": op("One duty rota with its shifts", tag: "hotlines", params: [idParam], schema: ref("DutyRota"))],
            "/api/v1/duty-rotas/{id}/publish": ["post": op("Publish a draft with every shift staffed; an earlier published rota over the same days is superseded, and the people on it are told",
                                                           tag: "hotlines", params: [idParam], schema: ref("DutyRota"), errors: errors)],
            "/api/v1/working-days": ["get": op("A year's holidays (Labor Code 2019 art. 112, Tết and Hùng Kings' day by the lunar calendar), days in lieu (art. 111) and admins' adjustments",
                                               tag: "working-days", params: [query("year", "Default: this year", ["type": "integer"])],
                                               schema: ["type": "array", "items": ref("WorkingDay")], errors: ["400", "401", "422"])],
            "/api/v1/working-days/{day}": [
                "put": op("Adjust a day (admins): day_off (the Tết break, a bridge day) or workday (a day worked back)", tag: "working-days",
                          params: [dayParam], body: "WorkingDayWrite", schema: ref("WorkingDay"), errors: ["400", "401", "403", "422"]),
                "delete": op("Remove a day's adjustment (admins)", tag: "working-days", params: [dayParam], ok: "204", schema: nil,
                             errors: ["401", "403", "404", "422"]),
            ],
        ]
    }

    static func publicServiceSchemas() -> JSON {
        let integer: JSON = ["type": "integer"], time = str(["format": "date-time"]), number: JSON = ["type": "number"]
        let status = str(["enum": ApplicationStatus.allCases.map(\.rawValue)])
        let step = object(["kind": str(["enum": ApplicationEvent.Kind.allCases.map(\.rawValue)]), "status": status, "at": time,
                           "dueAt": nullable(time), "note": nullable(str())])
        let paper = object(["name": str(), "scan": ["type": "boolean"]], required: ["name", "scan"])
        let part = object(["org": uuid, "code": str(), "name": str(), "handled": integer, "finishedOnTime": integer, "finishedLate": integer,
                           "openWithinTime": integer, "openLate": integer, "onTimeRate": nullable(number), "averageWorkingDays": nullable(number),
                           "procedures": integer, "onlineProcedureShare": nullable(number), "onlineReceiptShare": nullable(number)])
        return [
            "Procedure": object(["id": uuid, "org": str(), "orgName": str(), "code": str(), "name": str(),
                                 "processing": str(["description": "Working days (15d) or working hours (8h)"]), "fee": integer,
                                 "onlineLevel": str(["enum": OnlineLevel.allCases.map(\.rawValue)]), "oldLevel": nullable(integer), "byPost": ["type": "boolean"],
                                 "papers": ["type": "array", "items": paper], "active": ["type": "boolean"]]),
            "ProcedureWrite": object(["org": str(), "code": str(), "name": str(), "processing": str(), "fee": integer,
                                      "onlineLevel": str(["enum": OnlineLevel.allCases.map(\.rawValue)]), "byPost": ["type": "boolean"],
                                      "papers": ["type": "array", "items": paper], "active": ["type": "boolean"]], required: ["code", "name", "processing"]),
            "PublicStatus": object(["code": str(), "procedure": str(), "agency": str(), "status": status, "submittedAt": time, "receivedAt": nullable(time),
                                    "dueAt": nullable(time), "finishedAt": nullable(time), "returnedAt": nullable(time),
                                    "returnMethod": nullable(str(["enum": ReturnMethod.allCases.map(\.rawValue)])), "late": ["type": "boolean"],
                                    "verified": ["type": "boolean"], "applicantName": nullable(str()), "reason": nullable(str()),
                                    "postalTracking": nullable(str()), "steps": ["type": "array", "items": step]]),
            "Application": object(["id": uuid, "code": str(), "procedure": nullable(ref("Procedure")), "channel": str(["enum": ApplicationChannel.allCases.map(\.rawValue)]),
                                   "status": status, "applicantName": str(), "applicantPhone": str(), "applicantEmail": str(), "applicantAddress": str(),
                                   "wantsPost": ["type": "boolean"], "note": str(), "submittedAt": time, "receivedAt": nullable(time), "dueAt": nullable(time),
                                   "legalDueAt": nullable(time), "remaining": nullable(str()), "finishedAt": nullable(time), "returnedAt": nullable(time),
                                   "returnMethod": nullable(str(["enum": ReturnMethod.allCases.map(\.rawValue)])), "postalTracking": nullable(str()),
                                   "assigneeStaffId": nullable(uuid), "reason": str(), "late": ["type": "boolean"],
                                   "files": nullable(["type": "array", "items": object(["id": uuid, "paper": integer, "name": str(), "size": integer])]),
                                   "steps": nullable(["type": "array", "items": step])]),
            "ApplicationStep": object(["action": str(["enum": ApplicationStatus.Action.allCases.filter { $0 != .complete }.map(\.rawValue)]), "reason": str(),
                                       "assigneeStaffId": uuid, "returnMethod": str(["enum": ReturnMethod.allCases.map(\.rawValue)]), "postalTracking": str()],
                                      required: ["action"]),
            "ApplicationApology": object(["reason": str(), "newDue": str(["format": "date"])], required: ["reason", "newDue"]),
            "ServiceFigures": object(["year": integer, "total": part, "children": ["type": "array", "items": part]]),
            "WorkingDay": object(["date": str(["format": "date"]), "kind": str(["enum": ["holiday", "in_lieu", "day_off", "workday"]]),
                                  "holiday": nullable(str(["enum": WorkingCalendar.Holiday.allCases.map(\.rawValue)])), "note": nullable(str()),
                                  "adjusted": ["type": "boolean"]]),
            "Hotline": object(["id": uuid, "org": str(), "orgName": str(), "label": str(), "number": str(), "hours": str()]),
            "HotlineWrite": object(["org": str(), "label": str(), "number": str(), "hours": str()], required: ["org", "label", "number"]),
            "OnDuty": object(["org": str(), "orgName": str(), "name": str(), "shift": str(), "until": time, "dutyPhone": str()]),
            "TicketSubmit": object(["org": str(["description": "The agency's code"]), "subject": str(), "body": str(), "citizenName": str(), "citizenPhone": str()],
                                   required: ["org", "subject", "body"]),
            "TicketWrite": object(["org": str(), "channel": str(["enum": Ticket.Channel.allCases.map(\.rawValue)]), "subject": str(), "body": str(),
                                   "citizenName": str(), "citizenPhone": str(), "responseHours": integer], required: ["org", "subject"]),
            "TicketAnswer": object(["answer": str()], required: ["answer"]),
            "Ticket": object(["id": uuid, "code": str(), "org": uuid, "channel": str(["enum": Ticket.Channel.allCases.map(\.rawValue)]), "subject": str(),
                              "body": str(), "citizenName": str(), "citizenPhone": str(), "status": str(["enum": Ticket.Status.allCases.map(\.rawValue)]),
                              "receivedAt": time, "dueAt": time, "late": ["type": "boolean"], "answer": str(), "answeredAt": nullable(time),
                              "answeredBy": nullable(str()), "escalatedAt": nullable(time), "loggedBy": str()]),
            "PublicTicket": object(["code": str(), "agency": str(), "subject": nullable(str()), "status": str(["enum": Ticket.Status.allCases.map(\.rawValue)]),
                                    "receivedAt": time, "dueAt": time, "answeredAt": nullable(time), "answer": nullable(str()), "verified": ["type": "boolean"]]),
            "DutyRotaWrite": object(["org": str(), "start": str(["format": "date"]), "days": integer, "pattern": str(["enum": Array(DutyRotaService.presets.keys).sorted()]),
                                     "perShift": integer, "skill": str(), "dutyPhone": str()], required: ["org", "start", "dutyPhone"]),
            "DutyRota": object(["id": uuid, "org": uuid, "startDate": str(["format": "date"]), "days": integer,
                                "shifts": ["type": "array", "items": object(["name": str(), "start": integer, "hours": integer, "rest": integer])],
                                "demand": integer, "skill": str(), "dutyPhone": str(), "status": str(["enum": ["draft", "published", "superseded"]]),
                                "report": object(["spread": nullable(integer), "optimal": ["type": "boolean"], "unstaffed": ["type": "array", "items": str()],
                                                  "solveMillis": number]),
                                "cells": nullable(["type": "array", "items": object(["staffId": uuid, "name": str(), "date": str(["format": "date"]), "shift": str(),
                                                                                     "startsAt": time, "endsAt": time])])]),
            "WorkingDayWrite": object(["kind": str(["enum": WorkingCalendar.Adjustment.allCases.map(\.rawValue)]), "note": str()], required: ["kind", "note"]),
        ]
    }
}
