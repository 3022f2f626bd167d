import CongsoCore
import Fluent
import Vapor

/// Sends the outbox: every scheduler tick, each server claims a few due messages (a claim
/// expires, so a server that dies mid-send leaves them to another), sends them, and records
/// the outcome; a relay that refuses or is down gets the message again later, with backoff.
/// At 17:30 (Hanoi) each person's digest entries of the day become one message.
enum MailDispatcher {
    static let batch = 20
    static let claimFor: TimeInterval = 120

    struct Outcome: Sendable { var sent = 0; var retried = 0; var failed = 0 }

    static func tick(app: Application, at now: Date = Date()) async throws -> Outcome {
        guard let relay = app.mailRelay else { return Outcome() }
        try await digest(at: now, on: app.db)
        var outcome = Outcome()
        for entry in try await claim(at: now, on: app.db) {
            do {
                guard let message = try await compose(entry, relay: relay, texts: app.translations, on: app.db, now: now) else {
                    entry.status = .failed; entry.lastError = "no active account"; entry.claimedBy = nil; entry.claimedUntil = nil
                    try await entry.save(on: app.db)
                    outcome.failed += 1
                    continue
                }
                try await SMTPClient(settings: relay.smtp, group: app.eventLoopGroup).send(message.text, to: [message.to])
                entry.status = .sent; entry.sentAt = Date(); entry.claimedBy = nil; entry.claimedUntil = nil; entry.lastError = nil
                try await entry.save(on: app.db)
                outcome.sent += 1
            } catch {
                entry.attempts += 1
                entry.lastError = String(String(describing: error).prefix(500))
                entry.claimedBy = nil; entry.claimedUntil = nil
                if let next = retryAt(after: error, attempts: entry.attempts, now: now, relay: relay) {
                    entry.nextAttemptAt = next
                    outcome.retried += 1
                } else {
                    entry.status = .failed
                    outcome.failed += 1
                }
                try await entry.save(on: app.db)
                app.logger.warning("mail to user \(entry.userID) (\(entry.kind)) not sent: \(entry.lastError ?? "")")
            }
        }
        // Mail to citizens (no account): composed from its own outbox, sent and retried alike.
        for entry in try await CitizenMail.claim(at: now, batch: batch, on: app.db) {
            let message = CitizenMail.compose(entry, relay: relay, texts: app.translations, now: now)
            do {
                try await SMTPClient(settings: relay.smtp, group: app.eventLoopGroup).send(message.text, to: [message.to])
                entry.status = .sent; entry.sentAt = Date(); entry.claimedBy = nil; entry.claimedUntil = nil; entry.lastError = nil
                outcome.sent += 1
            } catch {
                entry.attempts += 1
                entry.lastError = String(String(describing: error).prefix(500))
                entry.claimedBy = nil; entry.claimedUntil = nil
                if let next = retryAt(after: error, attempts: entry.attempts, now: now, relay: relay) {
                    entry.nextAttemptAt = next; outcome.retried += 1
                } else {
                    entry.status = .failed; outcome.failed += 1
                }
                app.logger.warning("mail to a citizen (\(entry.kind)) not sent: \(entry.lastError ?? "")")
            }
            try await entry.save(on: app.db)
        }
        return outcome
    }

    /// When to try a failed message again, or nil to give up: a permanent refusal, or too many tries.
    static func retryAt(after error: any Error, attempts: Int, now: Date, relay: MailRelay) -> Date? {
        let transient = (error as? SMTPClient.Failure)?.transient ?? true
        guard transient && attempts < MailRouting.maxAttempts else { return nil }
        return now.addingTimeInterval(MailRouting.backoff(attempt: attempts, base: relay.retryBase))
    }

    /// Takes up to `batch` due messages for this process. The conditional update lets only
    /// one process hold a message; the token written says which.
    static func claim(at now: Date, on db: any Database) async throws -> [MailOutboxEntry] {
        let due = try await MailOutboxEntry.query(on: db).filter(\.$status == .queued).filter(\.$route == "now")
            .filter(\.$nextAttemptAt <= now).group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
            .sort(\.$nextAttemptAt).limit(batch).all()
        var mine: [MailOutboxEntry] = []
        for e in due {
            let token = "\(Scheduler.processLabel):\(UUID().uuidString)"
            try await MailOutboxEntry.query(on: db).filter(\.$id == e.id!).filter(\.$status == .queued)
                .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
                .set(\.$claimedBy, to: token).set(\.$claimedUntil, to: now.addingTimeInterval(claimFor)).update()
            if let row = try await MailOutboxEntry.find(e.id, on: db), row.claimedBy == token { mine.append(row) }
        }
        return mine
    }

    struct Composed { let to: String; let text: String }

    /// The message for one entry, in Vietnamese with the English below; nil when the person
    /// no longer has an active account.
    static func compose(_ e: MailOutboxEntry, relay: MailRelay, texts t: Translations, on db: any Database, now: Date) async throws -> Composed? {
        guard let user = try await User.find(e.userID, on: db), user.active else { return nil }
        let key = try await MailUnsubscribe.key(on: db)
        let unsubscribe = "\(relay.publicURL)/mail/unsubscribe?u=\(MailUnsubscribe.token(for: e.userID, key: key))"
        var subject: String, text: String, html: String
        if e.kind == "mail.digest" {
            let items = (try? JSONDecoder().decode([DigestItem].self, from: Data(e.detail.utf8))) ?? []
            subject = t.text("mail_digest_subject", "vi", detail: String(items.count))
            let lines = items.map { "• " + t.text($0.kind, "vi", detail: $0.detail) + "\n  " + relay.publicURL + $0.link }
            text = subject + "\n\n" + lines.joined(separator: "\n") + "\n\n" + t.text("mail_digest_subject", "en", detail: String(items.count))
            html = "<p>\(escape(subject))</p><ul>" + items.map {
                "<li><a href=\"\(escape(relay.publicURL + $0.link))\">\(escape(t.text($0.kind, "vi", detail: $0.detail)))</a></li>"
            }.joined() + "</ul>"
        } else {
            subject = t.text(e.kind, "vi", detail: e.detail)
            let english = t.text(e.kind, "en", detail: e.detail)
            let link = relay.publicURL + e.link
            text = "\(subject)\n\(link)\n\n\(english)"
            html = "<p><a href=\"\(escape(link))\">\(escape(subject))</a></p><p lang=\"en\">\(escape(english))</p>"
        }
        let footer = t.text("mail_footer", "vi") + " " + unsubscribe
        text += "\n\n-- \n" + footer + "\n"
        html = "<html lang=\"vi\"><body>" + html + "<hr><p style=\"font-size:small\">\(escape(t.text("mail_footer", "vi"))) <a href=\"\(escape(unsubscribe))\">\(escape(unsubscribe))</a></p></body></html>"
        var calendar: MailMessage.Calendar?
        if let meetingID = e.meetingID, let m = try await Meeting.find(meetingID, on: db) {
            let ics = try await MeetingInvitation.forPerson(m, staffID: user.staffID, baseURL: relay.publicURL, on: db)
            calendar = .init(method: m.status == .cancelled || m.status == .refused ? "CANCEL" : "REQUEST", text: ics)
        }
        let message = MailMessage(
            from: .init(name: relay.fromName, email: relay.smtp.from), to: .init(name: user.displayName, email: user.email),
            subject: subject, text: text, html: html, calendar: calendar,
            headers: [("List-Unsubscribe", "<\(unsubscribe)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                      ("Auto-Submitted", "auto-generated")],
            messageID: "\(e.id!.uuidString.lowercased())@\(relay.smtp.from.split(separator: "@").last ?? "congso")", date: now)
        return Composed(to: user.email, text: message.render())
    }

    struct DigestItem: Codable { let kind: String; let detail: String; let link: String }

    /// At 17:30 in Hanoi, once a day across all servers: each person's queued digest entries
    /// become one message in the outbox, sent like any other.
    static func digest(at now: Date, on db: any Database) async throws {
        let day = LocalDate.of(now)
        guard now >= day.start.addingTimeInterval(17.5 * 3600) else { return }
        _ = try await Scheduler.once("mail-digest:\(day.value)", on: db) { tx in
            let entries = try await MailOutboxEntry.query(on: tx).filter(\.$status == .queued).filter(\.$route == "digest")
                .filter(\.$createdAt <= now).sort(\.$createdAt).all()
            for (user, items) in Dictionary(grouping: entries, by: \.userID) {
                let list = items.map { DigestItem(kind: $0.kind, detail: $0.detail, link: $0.link) }
                let e = MailOutboxEntry()
                e.userID = user; e.kind = "mail.digest"; e.link = "/notifications"; e.route = "now"; e.status = .queued; e.attempts = 0
                e.nextAttemptAt = now
                e.detail = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
                try await e.create(on: tx)
                for item in items { item.status = .digested; try await item.save(on: tx) }
            }
            return entries.count
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
