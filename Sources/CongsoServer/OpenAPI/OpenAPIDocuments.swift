import CongsoCore
import Vapor

/// The documents part of the OpenAPI document: the three registers, routing, files, the
/// printed register as CSV, and the one search.
extension OpenAPIDocument {
    static func documentPaths() -> JSON {
        let errors = workErrors
        let register = ["name": "register", "in": "path", "required": true,
                        "schema": str(["enum": DocumentRegister.allCases.map(\.rawValue)])] as JSON
        let fileParam: JSON = ["name": "file", "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
        var paths: JSON = [
            "/api/v1/documents": ["get": op("A register's entries in my scope (and those addressed or routed to me or my unit), newest number first; classified ones only for the head and cleared staff",
                                            tag: "documents", params: paging + [
                                                query("register", "incoming (default), outgoing or classified", str(["enum": DocumentRegister.allCases.map(\.rawValue)])),
                                                query("year", "Only this year's register", ["type": "integer"]),
                                                query("org", "Keep to this org's subtree (id or code)"),
                                                query("open", "true: only routed documents whose follow-up is still open", ["type": "boolean"]),
                                            ], schema: list("Document"), errors: ["400", "401", "404", "422"])],
            "/api/v1/document-types": ["get": op("The 29 types of Decree 30/2020 with their abbreviations", tag: "documents",
                                                 schema: ["type": "array", "items": object(["type": str(), "abbreviation": nullable(str()), "name": str()])])],
            "/api/v1/documents/{id}": ["get": op("One document with its routing, replies and files (a classified one: metadata only; every view recorded)",
                                                 tag: "documents", params: [idParam], schema: ref("Document"))],
            "/api/v1/documents/{id}/transfer": ["post": op("Hand the document to a unit or person (transfer date today); a classified one to a person only",
                                                           tag: "documents", params: [idParam], body: "DocumentTransfer", schema: ref("Document"), errors: errors)],
            "/api/v1/documents/{id}/acknowledge": ["post": op("The recipient (the person, or a leader of the unit) signs for receipt", tag: "documents",
                                                              params: [idParam], schema: ref("Document"), errors: errors)],
            "/api/v1/documents/{id}/route": ["post": op("Route an incoming document to one lead unit or person and co-operating units (classified: named people only) with a deadline; each becomes a task",
                                                        tag: "documents", params: [idParam], body: "DocumentRoute", ok: "201", schema: ref("Document"), errors: errors)],
            "/api/v1/documents/{id}/files": ["post": [
                "summary": "Attach a file (multipart field `file`, at most 20 MB, PDF, DOCX, PNG or JPEG by content; stored once by SHA-256). Refused for classified documents",
                "tags": ["documents"], "parameters": [idParam],
                "requestBody": ["required": true, "content": ["multipart/form-data": ["schema": object(["file": str(["format": "binary"])], required: ["file"])]]],
                "responses": responses("201", ref("DocumentFile"), errors: ["401", "403", "404", "413", "422"]),
            ] as JSON],
            "/api/v1/documents/{id}/files/{file}": ["get": [
                "summary": "Download a file (the read is recorded in the document's access history)", "tags": ["documents"], "parameters": [idParam, fileParam],
                "responses": ["200": ["description": "The file"], "401": ["description": "Not signed in"], "404": ["description": "Not found"]] as JSON,
            ] as JSON],
            "/api/v1/documents/{id}/access": ["get": op("The access history: file reads and classified views, newest first", tag: "documents", params: [idParam],
                                                        schema: ["type": "array", "items": object(["at": nullable(str(["format": "date-time"])), "actor": str(),
                                                                                                   "action": str(["enum": ["view", "download"]]), "detail": str()])])],
            "/api/v1/documents/registers/{register}": ["get": [
                "summary": "A register for a period as CSV, with Decree 30/2020's columns", "tags": ["documents"],
                "parameters": [register, query("org", "The register's org (id or code; default: mine)"), query("year", "Default: this year", ["type": "integer"]),
                               query("from", "yyyy-MM-dd"), query("to", "yyyy-MM-dd")],
                "responses": ["200": ["description": "text/csv", "content": ["text/csv": ["schema": ["type": "string"]]]],
                              "400": ["description": "Bad request"], "401": ["description": "Not signed in"], "403": ["description": "Forbidden"],
                              "404": ["description": "Not found"], "422": ["description": "Invalid"]] as JSON,
            ] as JSON],
            "/api/v1/search": ["get": op("One search over documents, meetings, tasks and staff, insensitive to Vietnamese diacritics (đ → d), ranked and paged, kept to what I may read",
                                         tag: "search", params: paging + [query("q", "Words, with or without accents (at most 200 characters)"),
                                                                          query("kind", "Only this kind", str(["enum": SearchKind.allCases.map(\.rawValue)]))],
                                         schema: list("SearchHit"), errors: ["400", "401", "422"])],
        ]
        for r in DocumentRegister.allCases {
            paths["/api/v1/documents/\(r.rawValue)"] = ["post": op(
                "Register a\(r == .incoming ? "n" : "") \(r.rawValue) document: the number in the register's yearly series is given inside the transaction; "
                    + (r == .outgoing ? "the number/symbol is made from the type and the org's code" : "the same number, symbol and issuer answers 409 unless confirmDuplicate")
                    + (r == .classified ? "; metadata only (no summary), for the head and cleared staff" : ""),
                tag: "documents", body: "DocumentWrite", ok: "201", schema: ref("Document"), errors: errors)] as JSON
        }
        return paths
    }

    static func documentSchemas() -> JSON {
        let integer: JSON = ["type": "integer"], date = str(["format": "date"])
        let types = str(["enum": DocumentType.allCases.map(\.rawValue)])
        let urgency = str(["enum": DocumentUrgency.allCases.map(\.rawValue)])
        let level = str(["enum": Classification.allCases.map(\.rawValue)])
        return [
            "Document": object([
                "id": uuid, "register": str(["enum": DocumentRegister.allCases.map(\.rawValue)]), "orgId": uuid, "orgName": str(),
                "year": integer, "serial": integer, "numberSymbol": str(), "registeredOn": date, "documentDate": date, "issuer": str(),
                "type": nullable(types), "typeAbbreviation": nullable(str()), "summary": str(), "urgency": urgency, "classification": nullable(level),
                "recipientOrgId": nullable(uuid), "recipientOrgName": nullable(str()), "recipientStaffId": nullable(uuid), "recipientStaffName": nullable(str()),
                "transferDate": nullable(date), "acknowledgedAt": nullable(str(["format": "date-time"])), "acknowledgedBy": nullable(str()), "notes": str(),
                "signer": nullable(str()), "recipients": ["type": "array", "items": str()], "copies": nullable(integer), "fileKeeperOrgName": nullable(str()),
                "replyToId": nullable(uuid), "holderStaffId": nullable(uuid), "holderName": nullable(str()), "storageLocation": nullable(str()),
                "createdBy": str(),
                "routes": ["type": "array", "items": object(["taskId": uuid, "role": str(["enum": ["lead", "cooperate"]]), "assignee": str(),
                                                            "deadline": date, "status": str(["enum": TaskStatus.allCases.map(\.rawValue)]),
                                                            "progress": integer, "overdue": ["type": "boolean"]])],
                "replies": ["type": "array", "items": object(["id": uuid, "numberSymbol": str(), "documentDate": date])],
                "files": ["type": "array", "items": ref("DocumentFile")],
            ]),
            "DocumentFile": object(["id": uuid, "fileName": str(), "kind": str(["enum": FileKind.allCases.map(\.rawValue)]), "size": integer,
                                    "uploadedBy": str(), "createdAt": nullable(str(["format": "date-time"]))]),
            "DocumentWrite": object([
                "org": str(), "registeredOn": date, "numberSymbol": str(["description": "e.g. 05/UBND-VP, 15/QĐ-BNV, 12/2021/QĐ-UBND"]),
                "documentDate": date, "issuer": str(), "type": types, "summary": str(), "urgency": urgency, "classification": level,
                "recipientOrg": str(), "recipientStaffId": uuid, "notes": str(), "signer": str(), "recipientOrgs": ["type": "array", "items": str()],
                "outsideRecipients": str(["description": "One per line"]), "copies": integer, "fileKeeperOrg": str(), "replyToId": uuid,
                "holderStaffId": uuid, "storageLocation": str(), "confirmDuplicate": ["type": "boolean"],
            ], required: ["org"]),
            "DocumentTransfer": object(["recipientOrg": str(), "recipientStaffId": uuid]),
            "DocumentRoute": object(["leadOrg": str(), "leadStaffId": uuid, "cooperateOrgs": ["type": "array", "items": str()],
                                     "cooperateStaffIds": ["type": "array", "items": uuid], "deadline": date, "instruction": str()], required: ["deadline"]),
            "SearchHit": object(["kind": str(["enum": SearchKind.allCases.map(\.rawValue)]), "id": uuid, "title": str(), "detail": str(),
                                 "level": nullable(level), "link": str()]),
        ]
    }
}
