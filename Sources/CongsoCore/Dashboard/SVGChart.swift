import Foundation

/// A small line chart drawn as SVG on the server: no chart framework, readable without
/// JavaScript, printable, and safe with any label (every text is escaped).
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public let name: String
        /// One value per label, in 0...max; nil where there is nothing to draw (no one expected).
        public let values: [Double?]
        /// A CSS class for the line's colour (`series-0`, …); the stylesheet colours them.
        public let cssClass: String
        public init(name: String, values: [Double?], cssClass: String) {
            self.name = name
            self.values = values
            self.cssClass = cssClass
        }
    }

    public let title: String
    public let labels: [String]
    public let series: [Series]
    public let maxValue: Double
    public let unit: String
    public var width = 640
    public var height = 260

    public init(title: String, labels: [String], series: [Series], maxValue: Double = 100, unit: String = "%") {
        self.title = title
        self.labels = labels
        self.series = series
        self.maxValue = maxValue > 0 && maxValue.isFinite ? maxValue : 100
        self.unit = unit
    }

    /// The series' colours by their class; presentation attributes rather than a `<style>`
    /// element, so the chart needs no inline style under the Content-Security-Policy.
    static let palette = ["series-0": "#0b57d0", "series-1": "#c77700", "series-2": "#2e7d32", "series-3": "#8e24aa"]
    static let textColour = "#4a5568", gridColour = "#e3e7ee"

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters are not allowed in XML 1.0.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// The chart as an `<svg>` element (role img, titled, with a legend).
    public func render() -> String {
        let left = 40.0, right = 12.0, top = 28.0, bottom = 44.0
        let w = Double(width), h = Double(height)
        let plotW = w - left - right, plotH = h - top - bottom
        let n = max(labels.count, 1)
        func x(_ i: Int) -> Double { n == 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - min(max(v, 0), maxValue) / maxValue) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Self.escape(title))\""
            + " font-family=\"system-ui,sans-serif\" font-size=\"11\">"
        s += "<title>\(Self.escape(title))</title>"
        // The chart carries its own colours: an SVG shown through <img> does not see the page's CSS.
        let text = "fill=\"\(Self.textColour)\""
        for k in 0...4 {
            let v = maxValue * Double(k) / 4
            let yy = fmt(y(v))
            s += "<line class=\"grid\" stroke=\"\(Self.gridColour)\" x1=\"\(fmt(left))\" y1=\"\(yy)\" x2=\"\(fmt(w - right))\" y2=\"\(yy)\"/>"
            s += "<text class=\"axis\" \(text) x=\"\(fmt(left - 4))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Int(v.rounded()))\(Self.escape(unit))</text>"
        }
        let step = max(1, Int((Double(labels.count) / 7).rounded(.up)))
        for (i, label) in labels.enumerated() where i % step == 0 || i == labels.count - 1 {
            s += "<text class=\"axis\" \(text) x=\"\(fmt(x(i)))\" y=\"\(fmt(h - bottom + 16))\" text-anchor=\"middle\">\(Self.escape(label))</text>"
        }
        for serie in series {
            var d = ""
            var pen = false
            for (i, v) in serie.values.prefix(labels.count).enumerated() {
                guard let v, v.isFinite else { pen = false; continue }
                d += (pen ? " L" : " M") + "\(fmt(x(i))) \(fmt(y(v)))"
                pen = true
            }
            let cls = Self.escape(serie.cssClass), colour = Self.palette[serie.cssClass] ?? Self.palette["series-0"]!
            if !d.isEmpty { s += "<path class=\"line \(cls)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" d=\"\(d.dropFirst())\"><title>\(Self.escape(serie.name))</title></path>" }
            for (i, v) in serie.values.prefix(labels.count).enumerated() {
                guard let v, v.isFinite else { continue }
                s += "<circle class=\"dot \(cls)\" fill=\"\(colour)\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v)))\" r=\"3\"><title>\(Self.escape(serie.name)) \(Self.escape(labels[i])): \(fmt(v))\(Self.escape(unit))</title></circle>"
            }
        }
        var lx = left
        for serie in series {
            let cls = Self.escape(serie.cssClass), colour = Self.palette[serie.cssClass] ?? Self.palette["series-0"]!
            s += "<rect class=\"key \(cls)\" fill=\"\(colour)\" x=\"\(fmt(lx))\" y=\"8\" width=\"12\" height=\"12\"/>"
            s += "<text class=\"legend\" \(text) x=\"\(fmt(lx + 16))\" y=\"18\">\(Self.escape(serie.name))</text>"
            lx += 24 + Double(min(serie.name.count, 24)) * 7
        }
        return s + "</svg>"
    }
}
