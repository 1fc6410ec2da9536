import Foundation
@testable import SLACAudit
import Testing

@Suite("Rendering large reports")
struct PerformanceTests {
    @Test("200k windows: the chart stays at a few thousand SVG elements (time is reported, not asserted)")
    func largeReport() throws {
        let xml = syntheticReport(windows: 200_000)
        let clock = ContinuousClock()
        var html: [UInt8] = []
        let elapsed = try clock.measure { html = try HTMLReportRenderer.render(xml).html }
        let page = text(html)
        let svgStart = try #require(page.range(of: "<svg"))
        let svgEnd = try #require(page.range(of: "</svg>"))
        let svg = String(page[svgStart.lowerBound..<svgEnd.upperBound])
        let elements = occurrences(of: "<", in: svg) - occurrences(of: "</", in: svg)
        print("render of a 200k-window report (\(xml.count >> 20) MiB): \(elapsed), page \(html.count >> 10) KiB, \(elements) SVG elements")
        #expect(elements <= 3000, "\(elements) SVG elements")
        #expect(elements > 100)
        #expect(page.contains("200,000 windows in"))
        #expect(page.contains("The 10 breached windows furthest beyond the bound"))
        #expect(html.count < 2 << 20)
    }
}
