import SLACChecker
import SLACSyntax
import Testing

/// Checker diagnostics pinned to their position with markers (`1️⃣` stands where the span starts).
@Suite struct CheckerDiagnosticTests {
    @Test func boundWithoutUnit() {
        assertDiagnostics(contract(clause: "every 5 minutes\nrequire p99(ttft) <= 1️⃣800"), [("SLA0203", marker: "1️⃣")])
        let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 5 minutes\nrequire p99(ttft) <= 800")))
        #expect(result.diagnostics.first?.help == "write `800 ms`")
    }

    @Test func mixedDimensions() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire sum(total_tokens) <= 5 1️⃣s"), [("SLA0204", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "scope ttft <= 5 1️⃣tokens\nevery 1 hour\nrequire count <= 5"), [("SLA0204", marker: "1️⃣")])
    }

    @Test func unknownNamesWithSuggestions() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire p99(1️⃣ttfb) <= 5 s"), [("SLA0201", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire 1️⃣avg(ttft) <= 5 s"), [("SLA0206", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire p99(ttft) <= 5 1️⃣secs"), [("SLA0205", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire mean(decode_tps) >= 5 1️⃣tokens/sec"), [("SLA0205", marker: "1️⃣")])
        let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 1 hour\nrequire mean(decode_tps) >= 5 tokens/sec")))
        #expect(result.diagnostics.first?.help == "did you mean `tokens/s`?")
    }

    @Test func tpsAndItl() {
        assertDiagnostics(contract(clause: "scope 1️⃣tps > 5 tokens/s and 2️⃣itl < 5 ms\nevery 1 hour\nrequire share(3️⃣itl <= 1 s) >= 5%"),
                          [("SLA0202", marker: "1️⃣"), ("SLA0209", marker: "2️⃣"), ("SLA0209", marker: "3️⃣")])
    }

    @Test func percentiles() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire 1️⃣p0(ttft) <= 5 s"), [("SLA0208", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire 1️⃣p100.1(ttft) <= 5 s"), [("SLA0208", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire percentile(ttft, 1️⃣101) <= 5 s"), [("SLA0208", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire percentile(ttft, 1️⃣0) <= 5 s"), [("SLA0208", marker: "1️⃣")])
    }

    @Test func windowsAndGroups() {
        assertDiagnostics(contract(clause: "every 1️⃣0 minutes\nrequire count <= 5"), [("SLA0301", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1️⃣5\nrequire count <= 5"), [("SLA0203", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour per tenant, 1️⃣ttft, 2️⃣tenant\nrequire count <= 5"),
                          [("SLA0213", marker: "1️⃣"), ("SLA0213", marker: "2️⃣")])
    }

    @Test func objectivesAndCredits() {
        assertDiagnostics(contract(clause: """
            every 1 hour
            require count <= 5
            objective 1️⃣101% of windows per calendar month
            credit 2️⃣120% of fee when attainment < 99%
            credit 10% of fee when attainment < 3️⃣-1%
            """, header: "fee 1 USD per month"), [("SLA0302", marker: "1️⃣"), ("SLA0303", marker: "2️⃣"), ("SLA0101", marker: "3️⃣")])
        assertDiagnostics(contract(clause: """
            every 1 hour
            require count <= 5
            objective 99% of windows per calendar month
            1️⃣credit 5% of fee when attainment < 90%
            credit 10% of fee when attainment < 99%
            """, header: "fee 1 USD per month"), [("SLA0304", marker: "1️⃣")])
    }

    @Test func creditsNeedMonthlyObjectiveAndFee() {
        assertDiagnostics(contract(clause: """
            every 1 hour
            require count <= 5
            1️⃣credit 10% of fee when attainment < 99%
            """), [("SLA0307", marker: "1️⃣"), ("SLA0308", marker: "1️⃣")])
    }

    @Test func termAndMaintenance() {
        assertDiagnostics("""
            contract "T" {
                1️⃣effective 2027-01-01 to 2026-01-01
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0306", marker: "1️⃣")])
        assertDiagnostics("""
            contract "T" {
                effective 2026-01-01 to 2027-01-01
                1️⃣exclude maintenance from 2026-12-31T23:00:00Z to 2027-01-01T01:00:00Z
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0305", marker: "1️⃣")])
        assertDiagnostics("""
            contract "T" {
                effective 1️⃣2026-02-29 to 2️⃣2027-01-01T00:00:00
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0310", marker: "1️⃣"), ("SLA0310", marker: "2️⃣")])
    }

    @Test func duplicatesAndMissingItems() {
        assertDiagnostics("""
            contract "T" {
                effective 2026-01-01 to 2027-01-01
                clause "1" 1️⃣c { every 1 hour }
                clause "2" 2️⃣c { require count <= 5 }
                clause "3" 3️⃣d { every 1 hour require count <= 5 4️⃣require count <= 6 }
            }
            """, [("SLA0312", marker: "1️⃣"), ("SLA0210", marker: "2️⃣"), ("SLA0312", marker: "2️⃣"), ("SLA0313", marker: "4️⃣")])
    }

    @Test func textComparisons() {
        assertDiagnostics(contract(clause: "scope status = 1️⃣200 and model 2️⃣< \"x\"\nevery 1 hour\nrequire count <= 5"),
                          [("SLA0212", marker: "1️⃣"), ("SLA0212", marker: "2️⃣")])
    }

    @Test func minimumMustBeWholeRequests() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5\nminimum 1️⃣2.5 requests"), [("SLA0318", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5\nminimum 2 1️⃣ms"), [("SLA0204", marker: "1️⃣")])
    }

    @Test func syntaxAndCheckerErrorsTogether() {
        // A syntax error does not stop checking: the checker's errors come in the same run, and the
        // clause whose `require` failed to parse is not reported again as having none.
        assertDiagnostics(contract(clause: "scope 1️⃣tps > 1 tokens/s\nevery 1 hour\nrequire p99(ttft) 2️⃣800 ms"),
                          [("SLA0202", marker: "1️⃣"), ("SLA0110", marker: "2️⃣")])
    }
}
