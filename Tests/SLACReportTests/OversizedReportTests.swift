import Foundation
import SLACEvaluator
@testable import SLACReport
import Testing

/// A million groups with every window breached once made a 399 MB report that was refused; now
/// the listed windows are capped per clause and the report says how many it left out.
@Suite struct OversizedReportTests {
    @Test func windowsPastTheCapAreCountedNotListed() throws {
        var result = breachedResult()
        let template = try #require(result.clauses[0].windows.first { $0.verdict == .breached })
        let cap = 1_000
        result.clauses[0].windows = (0..<(cap + 7)).map { i in
            var w = template
            w.key = [GroupKeyPart(field: "tenant", value: "t\(i)")]
            return w
        }
        result.clauses[0].windowsBreached = cap + 7
        let bytes = try XMLReportWriter(windows: .breached, listLimit: cap).write(result)
        #expect(try SchemaValidator.bundled().validate(bytes) == [])
        let root = try parseXML(bytes)
        let clause = try #require(root.children(named: "clause").first)
        #expect(clause.attributes["windows-omitted"] == "7")
        #expect(clause.attributes["windows-breached"] == String(cap + 7))
        #expect(clause.children(named: "window").count == cap)
        #expect(clause.attributes["periods-omitted"] == nil)
        #expect(XMLReportWriter.defaultListLimit == 500_000)
        // The cap is for the whole report: a second clause as large lists nothing and says so.
        var two = result
        two.clauses.append(result.clauses[0])
        let both = try parseXML(try XMLReportWriter(windows: .breached, listLimit: cap).write(two))
        let clauses = both.children(named: "clause")
        #expect(clauses.count == result.clauses.count + 1)
        #expect(clauses[0].children(named: "window").count == cap && clauses[0].attributes["windows-omitted"] == "7")
        let last = try #require(clauses.last)
        #expect(last.children(named: "window").isEmpty && last.attributes["windows-omitted"] == String(cap + 7))
        // Below the cap nothing is said.
        let small = try parseXML(try XMLReportWriter(windows: .breached).write(breachedResult()))
        #expect(small.children(named: "clause").allSatisfy { $0.attributes["windows-omitted"] == nil })
    }
}
