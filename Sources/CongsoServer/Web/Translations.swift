import Vapor

/// User-visible text, loaded once from Resources/Translations/<lang>.json.
/// Vietnamese is the default; English is the second language.
struct Translations: Sendable {
    static let languages = ["vi", "en"]
    let tables: [String: [String: String]]

    init(directory: String) throws {
        var tables: [String: [String: String]] = [:]
        for lang in Self.languages {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("\(lang).json")
            let data = try Data(contentsOf: url)
            tables[lang] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.tables = tables
    }

    func table(_ lang: String) -> [String: String] { tables[lang] ?? tables["vi"] ?? [:] }

    func text(_ key: String, _ lang: String, detail: String = "") -> String {
        let t = table(lang)[key] ?? tables["vi"]?[key] ?? key
        return t.replacingOccurrences(of: "{detail}", with: detail)
    }
}

extension Application {
    private struct TranslationsKey: StorageKey { typealias Value = Translations }
    var translations: Translations {
        get { storage[TranslationsKey.self]! }
        set { storage[TranslationsKey.self] = newValue }
    }
}

extension Request {
    /// The language from ?lang= (remembered in a cookie), else the cookie, else
    /// Vietnamese: the product speaks Vietnamese first whatever the browser says.
    var lang: String {
        if let q = query[String.self, at: "lang"], Translations.languages.contains(q) { return q }
        if let c = cookies["lang"]?.string, Translations.languages.contains(c) { return c }
        return "vi"
    }

    func t(_ key: String, detail: String = "") -> String {
        application.translations.text(key, lang, detail: detail)
    }
}
