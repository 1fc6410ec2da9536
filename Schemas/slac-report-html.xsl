<?xml version="1.0" encoding="UTF-8"?>
<!--
  slac compliance report (urn:slac:report:1) to one self-contained HTML page for auditors
  (docs/reports.md). No scripts, no external resources; inline SVG charts; prints on A4 or Letter.

  slac runs this through libxslt on a transient copy of the report to which it has added, in the
  namespace urn:slac:render:1 (prefix v), what XSLT 1.0 would compute slowly: per clause the
  chart aggregated into at most a few hundred time columns, copies of the worst breached windows,
  exact percentages, verdict counts, credit totals and the integrity check done while rendering.
  The stylesheet only lays these out; it never walks every window of a clause.

  The only copy: the SLACSchemas target (Schemas/BundledFiles.swift) embeds this file in the
  binary when it is built (SwiftPM `.embedInCode`), so an edit takes effect on the next build.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:r="urn:slac:report:1"
                xmlns:v="urn:slac:render:1"
                exclude-result-prefixes="r v">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <!-- The page's clock: the contract's time zone when it has one, else UTC. Instants are
       printed on it through the annotation's table of local readings (docs/reports.md). -->
  <xsl:key name="local-instant" match="v:instant" use="@utc"/>
  <xsl:variable name="clock">
    <xsl:choose>
      <xsl:when test="/r:report/v:summary/@clock"><xsl:value-of select="/r:report/v:summary/@clock"/></xsl:when>
      <xsl:otherwise>UTC</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <xsl:apply-templates select="r:report"/>
  </xsl:template>

  <!-- ============================================================ page -->

  <xsl:template match="r:report">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="slac {@tool-version}"/>
        <title>
          <xsl:call-template name="verdict-word"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template>
          <xsl:text> · </xsl:text>
          <xsl:value-of select="r:contract/@name"/>
          <xsl:text> · slac compliance report</xsl:text>
        </title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <xsl:if test="v:integrity-check/@failed = 'yes'"><xsl:attribute name="class">integrity-failed</xsl:attribute></xsl:if>
        <xsl:call-template name="banner"/>
        <main>
          <xsl:call-template name="clause-overview"/>
          <xsl:call-template name="identity"/>
          <xsl:apply-templates select="r:clause"/>
          <xsl:call-template name="rejected"/>
          <xsl:call-template name="integrity"/>
        </main>
        <footer>
          <p>
            <xsl:text>Rendered by slac from the XML compliance report (namespace urn:slac:report:1), which is the record;
              this page is a view of it. Charts aggregate windows into time columns; every figure in the tables is copied
              from the report. </xsl:text>
            <xsl:choose>
              <xsl:when test="$clock = 'UTC'"><xsl:text>Times are UTC.</xsl:text></xsl:when>
              <xsl:otherwise>
                <xsl:text>Times are on the contract's clock, </xsl:text><xsl:value-of select="$clock"/>
                <xsl:text> (a time that clocks going back read twice carries its UTC offset); the report itself records them in UTC.</xsl:text>
              </xsl:otherwise>
            </xsl:choose>
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- ============================================================ verdict banner -->

  <xsl:template name="banner">
    <xsl:variable name="summary" select="v:summary"/>
    <header class="banner verdict-{@verdict}">
      <xsl:if test="v:integrity-check/@failed = 'yes'">
        <p class="untrusted-notice">
          <strong>INTEGRITY CHECK FAILED.</strong>
          <xsl:text> This report was changed after it was sealed (or its signature does not hold): the verdict, credits and
            every figure below are untrustworthy, and are shown greyed and struck through. Do not rely on them; see </xsl:text>
          <a href="#integrity">Integrity</a><xsl:text>.</xsl:text>
        </p>
      </xsl:if>
      <div class="verdict-line">
        <span class="verdict-word">
          <xsl:call-template name="verdict-word"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template>
        </span>
        <span class="verdict-counts">
          <xsl:value-of select="$summary/@breached"/>
          <xsl:text> of </xsl:text>
          <xsl:value-of select="$summary/@clauses"/>
          <xsl:text> clause</xsl:text>
          <xsl:if test="$summary/@clauses != 1">s</xsl:if>
          <xsl:text> breached · </xsl:text>
          <xsl:value-of select="$summary/@compliant"/>
          <xsl:text> compliant · </xsl:text>
          <xsl:value-of select="$summary/@no-data"/>
          <xsl:text> without data</xsl:text>
        </span>
      </div>
      <h1><xsl:value-of select="r:contract/@name"/></h1>
      <p class="subtitle">
        <xsl:if test="r:contract/@id">
          <xsl:value-of select="r:contract/@id"/>
        </xsl:if>
        <xsl:if test="r:contract/@version">
          <xsl:if test="r:contract/@id"><xsl:text> · </xsl:text></xsl:if>
          <xsl:text>version </xsl:text>
          <xsl:value-of select="r:contract/@version"/>
        </xsl:if>
        <xsl:if test="r:contract/@term-start">
          <xsl:if test="r:contract/@id or r:contract/@version"><xsl:text> · </xsl:text></xsl:if>
          <xsl:text>term </xsl:text>
          <xsl:call-template name="instant"><xsl:with-param name="t" select="r:contract/@term-start"/></xsl:call-template>
          <xsl:text> to </xsl:text>
          <xsl:call-template name="instant"><xsl:with-param name="t" select="r:contract/@term-end"/></xsl:call-template>
        </xsl:if>
      </p>
      <dl class="headline">
        <div>
          <dt>Service credits due</dt>
          <dd>
            <xsl:choose>
              <xsl:when test="$summary/v:credit-total">
                <xsl:for-each select="$summary/v:credit-total">
                  <xsl:if test="position() &gt; 1"><xsl:text> + </xsl:text></xsl:if>
                  <strong class="fig" title="{@amount} {@currency}"><xsl:value-of select="@display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/></strong>
                </xsl:for-each>
                <xsl:if test="$summary/v:thin-coverage[@kind = 'credit']">
                  <br/><span class="warn">resting on little data (below)</span>
                </xsl:if>
              </xsl:when>
              <xsl:otherwise>none</xsl:otherwise>
            </xsl:choose>
          </dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd>
            <xsl:value-of select="format-number(sum(r:trace/@read), '#,##0')"/>
            <xsl:text> read in </xsl:text>
            <xsl:value-of select="count(r:trace)"/>
            <xsl:text> trace</xsl:text>
            <xsl:if test="count(r:trace) != 1">s</xsl:if>
            <xsl:text>, </xsl:text>
            <xsl:value-of select="format-number(sum(r:trace/@rejected), '#,##0')"/>
            <xsl:text> rejected</xsl:text>
            <xsl:if test="$summary/v:data-range">
              <br/>
              <span class="data-range">
                <xsl:text>data </xsl:text>
                <xsl:call-template name="instant"><xsl:with-param name="t" select="$summary/v:data-range/@first"/></xsl:call-template>
                <xsl:text> to </xsl:text>
                <xsl:call-template name="instant"><xsl:with-param name="t" select="$summary/v:data-range/@last"/></xsl:call-template>
                <xsl:text> (</xsl:text><xsl:value-of select="$summary/v:data-range/@span"/><xsl:text>)</xsl:text>
              </span>
            </xsl:if>
            <xsl:if test="sum(r:trace/@repeated-ids) &gt; 0">
              <br/><span class="warn"><xsl:value-of select="format-number(sum(r:trace/@repeated-ids), '#,##0')"/> repeated ids</span>
            </xsl:if>
            <xsl:if test="r:engine">
              <br/>
              <span class="engine">
                <xsl:text>counted by </xsl:text><xsl:value-of select="r:engine/@name"/>
                <xsl:text> running SQL that slac generated</xsl:text>
                <xsl:if test="r:engine/@sql-sha256">
                  <xsl:text> (SQL sha256 </xsl:text><code class="digest"><xsl:value-of select="substring(r:engine/@sql-sha256, 1, 16)"/></code><xsl:text>…)</xsl:text>
                </xsl:if>
                <xsl:text>; judged by slac</xsl:text>
              </span>
            </xsl:if>
          </dd>
        </div>
        <div>
          <dt>Integrity</dt>
          <dd><xsl:call-template name="integrity-short"/></dd>
        </div>
        <div>
          <dt>Report</dt>
          <dd>
            <xsl:text>slac </xsl:text>
            <xsl:value-of select="@tool-version"/>
            <xsl:if test="@generated">
              <xsl:text> · generated </xsl:text>
              <xsl:call-template name="instant"><xsl:with-param name="t" select="@generated"/></xsl:call-template>
              <xsl:if test="$clock != 'UTC'"><xsl:text> UTC</xsl:text></xsl:if>
            </xsl:if>
            <xsl:text> · lists </xsl:text>
            <xsl:call-template name="window-selection"/>
            <xsl:if test="@signer">
              <br/><xsl:text>signer named in the report: </xsl:text><xsl:value-of select="@signer"/>
            </xsl:if>
          </dd>
        </div>
      </dl>
      <xsl:if test="$summary/v:thin-coverage">
        <div class="coverage-alert">
          <p class="coverage-alert-title">Verdicts and credits resting on little data</p>
          <ul>
            <xsl:for-each select="$summary/v:thin-coverage">
              <li>
                <xsl:text>Clause </xsl:text>
                <a href="#clause-{@clause}"><xsl:value-of select="@ref"/><xsl:text> </xsl:text><xsl:value-of select="@name"/></a>
                <xsl:text>: the </xsl:text>
                <xsl:choose>
                  <xsl:when test="@kind = 'credit'">
                    <xsl:text>credit of </xsl:text>
                    <strong class="fig" title="{@amount} {@currency}"><xsl:value-of select="@amount-display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/></strong>
                    <xsl:if test="@group"><xsl:text> to </xsl:text><bdi><xsl:value-of select="@group"/></bdi></xsl:if>
                    <xsl:text> for </xsl:text>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:value-of select="@verdict"/><xsl:text> verdict</xsl:text>
                    <xsl:if test="@group"><xsl:text> of </xsl:text><bdi><xsl:value-of select="@group"/></bdi></xsl:if>
                    <xsl:text> for </xsl:text>
                  </xsl:otherwise>
                </xsl:choose>
                <xsl:call-template name="range"/>
                <xsl:text> rests on data in </xsl:text>
                <strong><xsl:value-of select="@covered-display"/></strong>
                <xsl:text> of the period's </xsl:text>
                <xsl:value-of select="@period-display"/>
                <xsl:text>: </xsl:text><strong><xsl:value-of select="@coverage-percent"/></strong><xsl:text> of the period had in-scope records.</xsl:text>
              </li>
            </xsl:for-each>
          </ul>
          <p class="note">Coverage counts the time, within the contract term, of the clause's windows (or hours, for longer
            windows) holding at least one in-scope record. A period with little data is still judged on the windows it has;
            whether that is fair is for the parties to decide.</p>
        </div>
      </xsl:if>
    </header>
  </xsl:template>

  <xsl:template name="integrity-short">
    <xsl:variable name="check" select="v:integrity-check"/>
    <xsl:choose>
      <xsl:when test="not($check) or $check/@digest = 'absent'">
        <span class="warn">not sealed</span><xsl:text> (no digest in the report)</xsl:text>
      </xsl:when>
      <xsl:when test="$check/@holds = 'yes' and $check/@signature = 'valid'">
        <span class="ok">digest matches</span><xsl:text>; signature valid for the key embedded in the report, </xsl:text>
        <span class="warn">not independently trusted</span>
        <xsl:text> (anyone can sign with a key of their own; check it with the signer's key: </xsl:text>
        <code>slac verify-report --public-key</code><xsl:text>)</xsl:text>
      </xsl:when>
      <xsl:when test="$check/@holds = 'yes'">
        <span class="ok">digest matches</span><xsl:text> (not signed)</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <span class="bad">FAILED: the report was changed after it was sealed, or its signature does not hold; its figures are untrustworthy</span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ overview of clauses -->

  <xsl:template name="clause-overview">
    <section id="clauses" class="overview">
      <h2>Clauses</h2>
      <table class="data">
        <thead>
          <tr>
            <th>Clause</th><th>Requirement</th><th>Verdict</th>
            <th class="num">Windows met</th><th class="num">breached</th><th class="num">insufficient</th>
            <th class="num" title="the period and group furthest from the objective: its attainment, or its measure">Worst measure</th><th class="num" title="the lowest share of time with data of any period and group of the clause, which need not be the worst measure's">Least data in a period</th><th class="num">Credit due</th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="r:clause">
            <tr>
              <td class="clause"><a href="#clause-{position()}"><xsl:value-of select="@ref"/><xsl:text> </xsl:text><xsl:value-of select="@name"/></a></td>
              <td><code><xsl:value-of select="r:requirement"/></code></td>
              <td><xsl:call-template name="badge"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template></td>
              <xsl:choose>
                <xsl:when test="@windows-valued">
                  <!-- A measure's windows are given values and averaged per period, never met or breached one by one. -->
                  <td class="num spanning" colspan="2" title="windows with a value, averaged by the measure (not judged one by one)">
                    <xsl:value-of select="format-number(@windows-valued, '#,##0')"/><xsl:text> valued</xsl:text>
                  </td>
                </xsl:when>
                <xsl:otherwise>
                  <td class="num"><xsl:value-of select="format-number(@windows-met, '#,##0')"/></td>
                  <td class="num"><xsl:value-of select="format-number(@windows-breached, '#,##0')"/></td>
                </xsl:otherwise>
              </xsl:choose>
              <td class="num"><xsl:value-of select="format-number(@windows-insufficient, '#,##0')"/></td>
              <td class="num fig">
                <xsl:if test="@v:worst-attainment">
                  <xsl:text>attainment </xsl:text><span title="{@v:worst-attainment-exact}"><xsl:value-of select="@v:worst-attainment"/></span>
                </xsl:if>
                <xsl:if test="@v:worst-measure">
                  <xsl:value-of select="r:period[@measure-kind][1]/@measure-kind"/><xsl:text> </xsl:text><xsl:value-of select="@v:worst-measure"/>
                </xsl:if>
                <xsl:if test="not(r:period[@attainment]) and not(@v:worst-measure)">—</xsl:if>
              </td>
              <td class="num">
                <xsl:choose>
                  <xsl:when test="@v:lowest-coverage">
                    <span title="the lowest coverage of any period and group of the clause">
                      <xsl:if test="@v:thin = 'yes'"><xsl:attribute name="class">warn</xsl:attribute></xsl:if>
                      <xsl:value-of select="@v:lowest-coverage"/>
                    </span>
                  </xsl:when>
                  <xsl:otherwise>—</xsl:otherwise>
                </xsl:choose>
              </td>
              <td class="num fig">
                <xsl:for-each select="r:credit">
                  <xsl:if test="position() &gt; 1"><br/></xsl:if>
                  <span title="{@amount} {@currency}"><xsl:value-of select="@v:amount-display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/></span>
                </xsl:for-each>
                <xsl:if test="not(r:credit)">—</xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <!-- ============================================================ identity and accounting -->

  <xsl:template name="identity">
    <section id="inputs">
      <h2>Contract and inputs</h2>
      <table class="kv">
        <tr><th>Contract</th><td><xsl:value-of select="r:contract/@name"/></td></tr>
        <xsl:if test="r:contract/@id"><tr><th>Identifier</th><td><xsl:value-of select="r:contract/@id"/></td></tr></xsl:if>
        <xsl:if test="r:contract/@version"><tr><th>Version</th><td><xsl:value-of select="r:contract/@version"/></td></tr></xsl:if>
        <tr><th>Contract source SHA-256</th><td><code class="digest"><xsl:value-of select="r:contract/@sha256"/></code></td></tr>
        <xsl:if test="r:contract/@plan-sha256">
          <tr><th>Judged from a plan</th><td><strong class="warn">a compiled monitor plan</strong>, SHA-256 <code class="digest"><xsl:value-of select="r:contract/@plan-sha256"/></code>:
            the contract's name, digest and terms on this page are as the plan states them, not read from the contract;
            <code>slac verify-report --recompute --contract</code> checks them against the contract.</td></tr>
        </xsl:if>
        <xsl:if test="r:contract/@timezone"><tr><th>Time zone (calendar windows, times on this page)</th><td><xsl:value-of select="r:contract/@timezone"/></td></tr></xsl:if>
        <xsl:if test="r:contract/@term-start">
          <tr>
            <th>Term</th>
            <td>
              <xsl:call-template name="instant"><xsl:with-param name="t" select="r:contract/@term-start"/></xsl:call-template>
              <xsl:text> to </xsl:text>
              <xsl:call-template name="instant"><xsl:with-param name="t" select="r:contract/@term-end"/></xsl:call-template>
              <xsl:text> (end excluded)</xsl:text>
            </td>
          </tr>
        </xsl:if>
        <xsl:if test="r:contract/@fee">
          <tr>
            <th>Fee (the base of credits of the fee)</th>
            <td><span class="fig" title="{r:contract/@fee}"><xsl:value-of select="r:contract/@v:fee-display"/></span><xsl:text> </xsl:text><xsl:value-of select="r:contract/@fee-currency"/><xsl:text> per month</xsl:text></td>
          </tr>
        </xsl:if>
        <xsl:for-each select="r:contract/r:price">
          <tr>
            <th>Price</th>
            <td><code><xsl:value-of select="@text"/></code><xsl:text> (</xsl:text><xsl:value-of select="@per-token"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/><xsl:text> per token of </xsl:text><code><xsl:value-of select="@field"/></code><xsl:text>)</xsl:text></td>
          </tr>
        </xsl:for-each>
        <xsl:if test="r:contract/r:price[@where]">
          <tr>
            <th>Which price applies</th>
            <td>A request's tokens of a field take the first of that field's prices above, in this order, whose condition holds for the request; when none holds, they add nothing to the charges.</td>
          </tr>
        </xsl:if>
      </table>

      <xsl:if test="r:contract/r:exclusion">
        <h3>Exclusions of the contract (every clause)</h3>
        <p class="note">Records removed before any clause sees them. Each record is counted under the first exclusion
          that removes it, in this order, so the counts add up to the excluded records of the accounting below.</p>
        <table class="data">
          <thead><tr><th>Exclusion</th><th class="num">Records removed</th></tr></thead>
          <tbody>
            <xsl:for-each select="r:contract/r:exclusion"><xsl:call-template name="exclusion-row"/></xsl:for-each>
          </tbody>
        </table>
      </xsl:if>

      <h3>Record accounting</h3>
      <p class="note">Every record read is accepted, rejected (malformed) or outside the contract term; excluded records
        were accepted but removed by the contract's exclusions (maintenance, status codes).</p>
      <table class="data accounting">
        <thead>
          <tr>
            <th>Trace</th><th>Format</th><th>SHA-256</th>
            <th class="num">Read</th><th class="num">Accepted</th><th class="num">Rejected</th>
            <th class="num">Outside term</th><th class="num">Excluded</th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="r:trace">
            <tr>
              <td class="path"><xsl:value-of select="@path"/></td>
              <td><xsl:value-of select="@format"/></td>
              <td>
                <xsl:if test="@file-sha256"><span class="label">content (inflated):</span><br/></xsl:if>
                <xsl:choose>
                  <xsl:when test="@sha256 = 'not computed'"><span class="warn">not computed (an engine read this trace where slac could not)</span></xsl:when>
                  <xsl:otherwise><code class="digest"><xsl:value-of select="@sha256"/></code></xsl:otherwise>
                </xsl:choose>
                <xsl:if test="@file-sha256">
                  <br/><span class="label">compressed file as stored (what <code>sha256sum</code> prints):</span>
                  <br/><code class="digest"><xsl:value-of select="@file-sha256"/></code>
                </xsl:if>
              </td>
              <td class="num"><xsl:value-of select="format-number(@read, '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(@accepted, '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(@rejected, '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(@outside-term, '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(@excluded, '#,##0')"/></td>
            </tr>
            <xsl:if test="@first-record">
              <tr class="subrow">
                <td colspan="8">
                  <xsl:text>Accepted records from </xsl:text>
                  <xsl:call-template name="instant"><xsl:with-param name="t" select="@first-record"/></xsl:call-template>
                  <xsl:text> to </xsl:text>
                  <xsl:call-template name="instant"><xsl:with-param name="t" select="@last-record"/></xsl:call-template>
                  <xsl:text> </xsl:text><xsl:value-of select="$clock"/><xsl:text>.</xsl:text>
                </td>
              </tr>
            </xsl:if>
            <xsl:if test="@repeated-ids &gt; 0">
              <tr class="subrow">
                <td colspan="8">
                  <span class="warn"><xsl:value-of select="format-number(@repeated-ids, '#,##0')"/> record<xsl:if test="@repeated-ids != 1">s</xsl:if> of this trace repeat an id</span>
                  <xsl:text> already seen in this run (double-logged requests are counted twice): </xsl:text>
                  <xsl:for-each select="r:repeated-id">
                    <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
                    <code><xsl:value-of select="@id"/></code>
                  </xsl:for-each>
                  <xsl:if test="@repeated-ids &gt; count(r:repeated-id)"><xsl:text>, …</xsl:text></xsl:if>
                </td>
              </tr>
            </xsl:if>
            <xsl:if test="@repeated-ids = 0">
              <tr class="subrow"><td colspan="8" class="note">No record of this trace repeats an id seen before in this run.</td></tr>
            </xsl:if>
          </xsl:for-each>
        </tbody>
        <xsl:if test="count(r:trace) &gt; 1">
          <tfoot>
            <tr>
              <th colspan="3">All traces</th>
              <td class="num"><xsl:value-of select="format-number(sum(r:trace/@read), '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(sum(r:trace/@accepted), '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(sum(r:trace/@rejected), '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(sum(r:trace/@outside-term), '#,##0')"/></td>
              <td class="num"><xsl:value-of select="format-number(sum(r:trace/@excluded), '#,##0')"/></td>
            </tr>
          </tfoot>
        </xsl:if>
      </table>
    </section>
  </xsl:template>

  <!-- ============================================================ one clause -->

  <xsl:template match="r:clause">
    <section class="clause verdict-{@verdict}" id="clause-{position()}">
      <h2>
        <span class="ref"><xsl:value-of select="@ref"/></span>
        <xsl:text> </xsl:text>
        <xsl:value-of select="@name"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="badge"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template>
      </h2>
      <xsl:choose>
        <xsl:when test="normalize-space(r:text) != ''">
          <blockquote class="legal"><xsl:value-of select="r:text"/></blockquote>
        </xsl:when>
        <xsl:otherwise><p class="note">The contract gives no legal text for this clause.</p></xsl:otherwise>
      </xsl:choose>
      <p class="requirement">
        <span class="label">Requirement</span>
        <code><xsl:value-of select="r:requirement"/></code>
        <span class="label">per window</span>
      </p>
      <xsl:apply-templates select="r:definition"/>
      <xsl:apply-templates select="r:coverage"/>
      <p class="counts">
        <xsl:choose>
          <xsl:when test="@windows-valued">
            <xsl:text>Windows with a value (averaged by the measure, not judged one by one): </xsl:text>
            <strong><xsl:value-of select="format-number(@windows-valued, '#,##0')"/></strong><xsl:text>; </xsl:text>
            <strong><xsl:value-of select="format-number(@windows-insufficient, '#,##0')"/></strong>
            <xsl:text> insufficient (too few requests or no value; they count as empty intervals).</xsl:text>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>Windows judged: </xsl:text>
            <strong><xsl:value-of select="format-number(@windows-met, '#,##0')"/></strong><xsl:text> met, </xsl:text>
            <strong class="bad"><xsl:value-of select="format-number(@windows-breached, '#,##0')"/></strong><xsl:text> breached; </xsl:text>
            <strong><xsl:value-of select="format-number(@windows-insufficient, '#,##0')"/></strong>
            <xsl:text> insufficient (too few requests or no value; not judged).</xsl:text>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@windows-omitted">
          <xsl:text> The report lists only the first windows of this clause; </xsl:text>
          <strong><xsl:value-of select="format-number(@windows-omitted, '#,##0')"/></strong>
          <xsl:text> more are counted above but not listed.</xsl:text>
        </xsl:if>
      </p>

      <h3><xsl:choose><xsl:when test="r:period[@measure-kind]">Measure per period and group</xsl:when><xsl:otherwise>Attainment per objective period</xsl:otherwise></xsl:choose></h3>
      <xsl:if test="@periods-omitted">
        <p class="note">
          <xsl:text>The report lists only the first periods of this clause (period × group); </xsl:text>
          <xsl:value-of select="format-number(@periods-omitted, '#,##0')"/>
          <xsl:text> more were judged but are not listed.</xsl:text>
        </p>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="r:period[@measure-kind]">
          <table class="data compact">
            <thead>
              <tr>
                <th>Period<xsl:if test="$clock != 'UTC'"> (<xsl:value-of select="$clock"/>)</xsl:if></th><th>Group</th><th>Measure</th>
                <th class="num">Intervals</th><th class="num">without data</th><th class="num">down</th>
                <th class="num">Value</th><th class="num">Objective</th><th class="num">Charges</th><th>Verdict</th>
                <th class="num">Data</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="r:period">
                <tr>
                  <td class="when"><xsl:call-template name="range"/></td>
                  <td class="group"><xsl:call-template name="group"/></td>
                  <td><xsl:value-of select="@measure-kind"/></td>
                  <td class="num"><xsl:value-of select="format-number(@intervals, '#,##0')"/></td>
                  <td class="num"><xsl:value-of select="format-number(@empty, '#,##0')"/></td>
                  <td class="num"><xsl:value-of select="format-number(@down, '#,##0')"/></td>
                  <td class="num fig"><span title="{@v:measure-exact}"><xsl:value-of select="@v:measure-display"/></span></td>
                  <td class="num"><span title="{@objective}"><xsl:call-template name="comparison-symbol"><xsl:with-param name="c" select="@objective-comparison"/></xsl:call-template><xsl:text> </xsl:text><xsl:value-of select="@v:objective-display"/></span></td>
                  <td class="num fig"><xsl:if test="@charges"><span title="{@charges}"><xsl:value-of select="@v:charges-display"/></span><xsl:text> </xsl:text><xsl:value-of select="@currency"/></xsl:if></td>
                  <td><xsl:call-template name="badge"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="coverage-cell"><xsl:with-param name="compact" select="true()"/></xsl:call-template></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:when test="r:period">
          <table class="data">
            <thead>
              <tr>
                <th>Period<xsl:if test="$clock != 'UTC'"> (<xsl:value-of select="$clock"/>)</xsl:if></th><th>Group</th>
                <th class="num">Windows met</th><th class="num">breached</th>
                <th class="num">Attainment</th><th class="num">Objective</th><th>Verdict</th>
                <th class="num">Data in the period</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="r:period">
                <tr>
                  <td class="when"><xsl:call-template name="range"/></td>
                  <td class="group"><xsl:call-template name="group"/></td>
                  <td class="num"><xsl:value-of select="@windows-met"/></td>
                  <td class="num"><xsl:value-of select="@windows-breached"/></td>
                  <td class="num fig">
                    <xsl:choose>
                      <xsl:when test="@attainment">
                        <span title="{@v:attainment-percent}% = {@windows-met}/({@windows-met} + {@windows-breached}) = {@attainment}"><xsl:value-of select="@v:attainment-display"/></span>
                      </xsl:when>
                      <xsl:otherwise>—</xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td class="num"><span title="{@objective}">≥ <xsl:value-of select="@v:objective-display"/></span></td>
                  <td><xsl:call-template name="badge"><xsl:with-param name="verdict" select="@verdict"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="coverage-cell"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise><p class="note">No objective period.</p></xsl:otherwise>
      </xsl:choose>

      <h3>Service credits</h3>
      <xsl:choose>
        <xsl:when test="r:credit[@of = 'charges']">
          <table class="data">
            <thead><tr><th>Period<xsl:if test="$clock != 'UTC'"> (<xsl:value-of select="$clock"/>)</xsl:if></th><th>Group</th><th>How the amount follows</th><th class="num">Amount</th><th class="num">Data in the period</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:credit">
                <tr>
                  <td class="when"><xsl:call-template name="range"/></td>
                  <td class="group"><xsl:if test="r:key"><xsl:call-template name="group"/></xsl:if></td>
                  <td class="fig"><xsl:call-template name="credit-derivation"/></td>
                  <td class="num"><strong class="fig" title="{@amount} {@currency}"><xsl:value-of select="@v:amount-display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/></strong></td>
                  <td class="num"><xsl:call-template name="coverage-cell"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:when test="r:credit">
          <table class="data">
            <thead><tr><th>Month<xsl:if test="$clock != 'UTC'"> (<xsl:value-of select="$clock"/>)</xsl:if></th><th>How the amount follows</th><th class="num">Amount</th><th class="num">Data in the month</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:credit">
                <tr>
                  <td class="when"><xsl:call-template name="range"/></td>
                  <td class="fig"><xsl:call-template name="credit-derivation"/></td>
                  <td class="num"><strong class="fig" title="{@amount} {@currency}"><xsl:value-of select="@v:amount-display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/></strong></td>
                  <td class="num"><xsl:call-template name="coverage-cell"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise><p class="note">No service credit is due under this clause.</p></xsl:otherwise>
      </xsl:choose>

      <h3>Observed value per window</h3>
      <xsl:apply-templates select="v:chart"/>

      <h3>Worst breached windows and their evidence</h3>
      <xsl:apply-templates select="v:worst"/>
    </section>
  </xsl:template>

  <!-- A comparison as the page writes it everywhere (≥ 99.9%), whatever the contract's spelling. -->
  <xsl:template name="comparison-symbol">
    <xsl:param name="c"/>
    <xsl:choose>
      <xsl:when test="$c = '&gt;='">≥</xsl:when>
      <xsl:when test="$c = '&lt;='">≤</xsl:when>
      <xsl:when test="$c = '!='">≠</xsl:when>
      <xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ chart -->

  <xsl:template match="v:chart">
    <xsl:variable name="selection" select="/r:report/@windows"/>
    <xsl:choose>
      <xsl:when test="@listed = 0">
        <p class="note chart-empty">
          <xsl:choose>
            <xsl:when test="$selection = 'none'">The report lists no windows (<code>--windows none</code>); only the counts above are recorded.</xsl:when>
            <xsl:when test="($selection = 'breached' or not($selection)) and ../@windows-valued">No window is drawn: the report lists only breached windows (<code>--windows breached</code>, the default), and this clause's windows are never breached one by one (the measure averages their values per period). Run <code>slac verify</code> with <code>--windows all</code> to list and chart them.</xsl:when>
            <xsl:when test="$selection = 'breached' or not($selection)">No window is drawn: the report lists only breached windows (<code>--windows breached</code>, the default) and this clause has none. Run <code>slac verify</code> with <code>--windows all</code> to list and chart every window.</xsl:when>
            <xsl:otherwise>No window of this clause was evaluated.</xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:when>
      <xsl:otherwise>
        <figure class="chart">
          <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {@width} {@height}" width="100%" role="img" class="chart">
            <title>
              <xsl:text>Observed value per window of clause </xsl:text>
              <xsl:value-of select="../@ref"/>
              <xsl:text>, against the bound</xsl:text>
            </title>
            <rect x="{@plot-left}" y="{@plot-top}" width="{@plot-width}" height="{@plot-height}" class="plot"/>
            <xsl:for-each select="v:ytick">
              <line x1="{../@plot-left}" x2="{../@plot-right}" y1="{@y}" y2="{@y}" class="grid"/>
              <text x="{../@plot-left - 6}" y="{@y + 3.5}" class="tick" text-anchor="end"><xsl:value-of select="@label"/></text>
            </xsl:for-each>
            <xsl:for-each select="v:xtick">
              <line x1="{@x}" x2="{@x}" y1="{../@plot-top}" y2="{../@plot-bottom}" class="grid"/>
              <line x1="{@x}" x2="{@x}" y1="{../@plot-bottom}" y2="{../@strip-insufficient-y + ../@strip-height + 4}" class="axis"/>
              <text x="{@x}" y="{../@x-label-y}" class="tick" text-anchor="middle"><xsl:value-of select="@label"/></text>
            </xsl:for-each>
            <xsl:for-each select="v:path">
              <path d="{@d}" class="layer-{@layer}"/>
            </xsl:for-each>
            <xsl:if test="@bound-y">
              <line x1="{@plot-left}" x2="{@plot-right}" y1="{@bound-y}" y2="{@bound-y}" class="bound"/>
              <text x="{@plot-right - 4}" y="{@bound-y - 5}" class="bound-label" text-anchor="end"><xsl:value-of select="@bound-label"/></text>
            </xsl:if>
            <text x="{@plot-left - 6}" y="{@strip-breached-y + 7}" class="strip-label" text-anchor="end">breached</text>
            <text x="{@plot-left - 6}" y="{@strip-insufficient-y + 7}" class="strip-label" text-anchor="end">insufficient</text>
            <text x="{@plot-left - 6}" y="{@plot-top - 6}" class="tick" text-anchor="end"><xsl:value-of select="@axis-unit"/></text>
            <xsl:for-each select="v:column">
              <rect x="{@x}" y="{../@plot-top}" width="{@width}" height="{../@strip-insufficient-y + ../@strip-height - ../@plot-top}" class="hover">
                <title><xsl:value-of select="@title"/></title>
              </rect>
            </xsl:for-each>
          </svg>
          <figcaption>
            <span class="key"><span class="swatch met"></span>met</span>
            <span class="key"><span class="swatch breached"></span>breached</span>
            <span class="key"><span class="swatch insufficient"></span>insufficient (not judged)</span>
            <xsl:if test="v:path[@layer = 'valued']"><span class="key"><span class="swatch valued"></span>valued (a value clause's window: its value counts in the measure, it has no verdict of its own)</span></xsl:if>
            <xsl:if test="@bound-y"><span class="key"><span class="swatch bound"></span>bound</span></xsl:if>
            <xsl:if test="@gaps"><span class="key"><span class="swatch nodata"></span>no in-scope record (a gap in the data)</span></xsl:if>
            <xsl:if test="@maintenance"><span class="key"><span class="swatch maintenance"></span>maintenance (excluded by the contract)</span></xsl:if>
            <br/>
            <xsl:text>Each bar spans the lowest to the highest observed value</xsl:text>
            <xsl:if test="@aggregate">
              <xsl:text> of </xsl:text><code><xsl:value-of select="@aggregate"/></code>
            </xsl:if>
            <xsl:text> among the windows starting in its time column, over all groups; </xsl:text>
            <xsl:value-of select="format-number(@listed, '#,##0')"/>
            <xsl:text> window</xsl:text><xsl:if test="@listed != 1">s</xsl:if>
            <xsl:text> in </xsl:text>
            <xsl:value-of select="@columns"/>
            <xsl:text> column</xsl:text><xsl:if test="@columns != 1">s</xsl:if>
            <xsl:text> (at most </xsl:text>
            <xsl:value-of select="@windows-per-column"/>
            <xsl:text> per column), </xsl:text>
            <xsl:call-template name="instant"><xsl:with-param name="t" select="@from"/></xsl:call-template>
            <xsl:text> to </xsl:text>
            <xsl:call-template name="instant"><xsl:with-param name="t" select="@to"/></xsl:call-template>
            <xsl:text> </xsl:text><xsl:value-of select="$clock"/><xsl:text>: the time axis spans the clause's data. The strips below the plot mark columns holding breached and insufficient windows.</xsl:text>
            <xsl:if test="@valued != @listed">
              <xsl:text> </xsl:text>
              <xsl:value-of select="format-number(@listed - @valued, '#,##0')"/>
              <xsl:text> listed window</xsl:text><xsl:if test="@listed - @valued != 1">s have</xsl:if><xsl:if test="@listed - @valued = 1"> has</xsl:if>
              <xsl:text> no observed value and appear only in the strips.</xsl:text>
            </xsl:if>
            <xsl:if test="@clipped &gt; 0">
              <xsl:text> </xsl:text>
              <xsl:value-of select="format-number(@clipped, '#,##0')"/>
              <xsl:text> value</xsl:text><xsl:if test="@clipped != 1">s</xsl:if>
              <xsl:text> above </xsl:text><xsl:value-of select="@clipped-above"/>
              <xsl:text> (up to </xsl:text><xsl:value-of select="@clipped-maximum"/>
              <xsl:text>) are cut at the top edge, marked ▲.</xsl:text>
            </xsl:if>
            <xsl:if test="not(@bound-y)"><xsl:text> The bound could not be read from the requirement, so no bound line is drawn.</xsl:text></xsl:if>
            <xsl:choose>
              <xsl:when test="/r:report/@windows = 'breached' or not(/r:report/@windows)">
                <strong><xsl:text> This report lists only breached windows (</xsl:text><code>--windows breached</code><xsl:text>): met and insufficient windows are counted above but not drawn.</xsl:text></strong>
              </xsl:when>
            </xsl:choose>
          </figcaption>
        </figure>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ evidence -->

  <xsl:template match="v:worst">
    <xsl:choose>
      <xsl:when test="r:window">
        <p class="note">
          <xsl:text>The </xsl:text>
          <xsl:value-of select="count(r:window)"/>
          <xsl:text> breached window</xsl:text><xsl:if test="count(r:window) != 1">s</xsl:if>
          <xsl:text> furthest beyond the bound</xsl:text>
          <xsl:if test="@breached &gt; count(r:window)">
            <xsl:text> (of </xsl:text><xsl:value-of select="format-number(@breached, '#,##0')"/><xsl:text>)</xsl:text>
          </xsl:if>
          <xsl:text>, with the ids and values of their worst records (rounded; hover for the exact value). The worst
            records are those farthest from passing, which may include records that meet the bound on their own.
            "Beyond bound" is how far the observed value lies past the bound (pp: percentage points).</xsl:text>
          <xsl:if test="r:window[@numerator]">
            <xsl:text> For a share, the requests column counts every in-scope request of the window; the share is taken over
              those where the condition could be decided (a request without the metric's fields is undecided and not counted),
              and the records listed are those farthest from passing.</xsl:text>
          </xsl:if>
          <xsl:if test="/r:report/r:trace[2]">
            <xsl:text> Each record names the trace it came from.</xsl:text>
          </xsl:if>
        </p>
        <table class="data evidence">
          <thead>
            <tr>
              <th class="num">#</th><th>Window (<xsl:value-of select="$clock"/>)</th><th>Group</th><th class="num">Requests</th>
              <th class="num">Observed</th><th class="num" title="how far the observed value lies past the bound: + above an upper bound, − below a lower one; pp: percentage points">Beyond bound</th><th>Worst records (id<xsl:if test="r:window/r:evidence/@v:display">: value</xsl:if>)</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="r:window">
              <xsl:sort select="@v:rank" data-type="number"/>
              <tr>
                <td class="num"><xsl:value-of select="@v:rank"/></td>
                <td class="when"><xsl:call-template name="range"/></td>
                <td class="group"><xsl:call-template name="group"/></td>
                <td class="num"><xsl:value-of select="format-number(@count, '#,##0')"/></td>
                <td class="num bad fig">
                  <span title="exact: {@v:observed-exact}"><xsl:value-of select="@v:observed-display"/></span>
                  <xsl:if test="@numerator">
                    <br/>
                    <span class="fraction">
                      <xsl:value-of select="format-number(@numerator, '#,##0')"/>
                      <xsl:text> of </xsl:text>
                      <xsl:value-of select="format-number(@denominator, '#,##0')"/>
                      <xsl:text> met the condition</xsl:text>
                      <xsl:if test="@count &gt; @denominator">
                        <xsl:text>; </xsl:text>
                        <xsl:value-of select="format-number(@count - @denominator, '#,##0')"/>
                        <xsl:text> undecided (no value), not counted</xsl:text>
                      </xsl:if>
                    </span>
                  </xsl:if>
                </td>
                <td class="num fig"><xsl:value-of select="@v:beyond-bound"/></td>
                <td class="records">
                  <xsl:for-each select="r:evidence">
                    <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
                    <!-- One record per unbreakable unit: lines break between records, never inside an id or a value. -->
                    <span class="record">
                      <code><bdi><xsl:value-of select="@id"/></bdi></code>
                      <xsl:if test="@v:display">
                        <xsl:text>: </xsl:text>
                        <span class="fig" title="exact: {@v:exact}"><xsl:value-of select="@v:display"/></span>
                      </xsl:if>
                    </span>
                    <xsl:if test="@v:trace-path">
                      <span class="trace-name" title="trace {@trace}: {@v:trace-path}"><xsl:text> [</xsl:text><bdi><xsl:value-of select="@v:trace-path"/></bdi><xsl:text>]</xsl:text></span>
                    </xsl:if>
                  </xsl:for-each>
                  <xsl:if test="not(r:evidence)">—</xsl:if>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:when>
      <xsl:when test="@breached &gt; 0">
        <p class="note">The clause has <xsl:value-of select="format-number(@breached, '#,##0')"/> breached windows, but the report does not list them (<code>--windows none</code>).</p>
      </xsl:when>
      <xsl:when test="../@windows-valued"><p class="note">None: under a measure, windows are not judged one by one; the periods above are.</p></xsl:when>
      <xsl:otherwise><p class="note">No window was breached.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============================================================ rejected records -->

  <xsl:template name="rejected">
    <section id="rejected">
      <h2>Rejected records</h2>
      <xsl:choose>
        <xsl:when test="r:rejected">
          <p class="note">
            <xsl:value-of select="format-number(@rejected-total, '#,##0')"/>
            <xsl:text> record</xsl:text><xsl:if test="@rejected-total != 1">s were</xsl:if><xsl:if test="@rejected-total = 1"> was</xsl:if>
            <xsl:text> rejected; the report lists the first </xsl:text>
            <xsl:value-of select="count(r:rejected)"/>
            <xsl:text>.</xsl:text>
          </p>
          <table class="data">
            <thead><tr><th>Trace</th><th class="num">Line (or id)</th><th>Reason</th></tr></thead>
            <tbody>
              <xsl:for-each select="r:rejected">
                <tr>
                  <td class="path"><xsl:value-of select="@path"/></td>
                  <td class="num">
                    <xsl:choose>
                      <xsl:when test="@line"><xsl:value-of select="@line"/></xsl:when>
                      <xsl:otherwise><span class="label">id </span><code><xsl:value-of select="@id"/></code></xsl:otherwise>
                    </xsl:choose>
                  </td>
                  <td><xsl:value-of select="@reason"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise><p class="note">No record was rejected.</p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- ============================================================ integrity -->

  <xsl:template name="integrity">
    <xsl:variable name="seal" select="r:integrity"/>
    <xsl:variable name="check" select="v:integrity-check"/>
    <section id="integrity">
      <h2>Integrity</h2>
      <xsl:choose>
        <xsl:when test="not($seal)">
          <p>The report carries no digest, so this page cannot show whether it was changed. The SHA-256 of its canonical
            form, computed while rendering, is <code class="digest"><xsl:value-of select="$check/@computed"/></code>.</p>
        </xsl:when>
        <xsl:otherwise>
          <table class="kv">
            <tr><th>Algorithm</th><td><code><xsl:value-of select="$seal/@algorithm"/></code> (SHA-256 of the exclusive XML canonical form, without the integrity element)</td></tr>
            <tr><th>Recorded digest</th><td><code class="digest"><xsl:value-of select="$seal/@digest"/></code></td></tr>
            <tr>
              <th>Digest at rendering</th>
              <td>
                <code class="digest"><xsl:value-of select="$check/@computed"/></code>
                <xsl:text> </xsl:text>
                <xsl:choose>
                  <xsl:when test="$check/@digest = 'matches'"><span class="ok">matches</span></xsl:when>
                  <xsl:when test="$check/@digest = 'uncovered'">
                    <span class="bad">matches, but the report holds <xsl:value-of select="$check/@uncovered"/>, which the digest does not cover and slac never writes: it was added after sealing</span>
                  </xsl:when>
                  <xsl:otherwise><span class="bad">DOES NOT MATCH: the content was changed after sealing</span></xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
            <xsl:choose>
              <xsl:when test="$seal/@signature">
                <tr><th>Signature</th><td><xsl:value-of select="$seal/@signature-algorithm"/><xsl:text> </xsl:text>
                  <xsl:choose>
                    <xsl:when test="$check/@signature = 'valid'">
                      <span class="ok">valid for the key embedded in the report</span><xsl:text>, </xsl:text>
                      <span class="warn">not independently trusted</span>
                      <xsl:text>: the page checked the signature against the key the report itself carries, so anyone who changed
                        the report could have re-signed it with a key of their own. Only a check against the signer's key, obtained
                        independently, shows who signed it.</xsl:text>
                    </xsl:when>
                    <xsl:otherwise><span class="bad">INVALID</span></xsl:otherwise>
                  </xsl:choose>
                </td></tr>
                <tr><th>Signer's public key</th><td><code class="digest"><xsl:value-of select="$seal/@public-key"/></code> (embedded in the report)</td></tr>
                <xsl:if test="/r:report/@signer">
                  <tr><th>Signer</th><td><xsl:value-of select="/r:report/@signer"/><xsl:text> (as the signed part of the report states it)</xsl:text></td></tr>
                </xsl:if>
                <xsl:if test="/r:report/@generated">
                  <tr><th>Written at</th><td><xsl:call-template name="instant-utc"><xsl:with-param name="t" select="/r:report/@generated"/></xsl:call-template><xsl:text> UTC (as the signed part of the report states it)</xsl:text></td></tr>
                </xsl:if>
              </xsl:when>
              <xsl:when test="$check/@signature-problem">
                <tr><th>Signature</th><td><span class="bad">FAILED</span><xsl:text>: </xsl:text><xsl:value-of select="$check/@signature-problem"/></td></tr>
                <xsl:if test="/r:report/@signer">
                  <tr><th>Signer</th><td><xsl:value-of select="/r:report/@signer"/><xsl:text> (named by the report, with no signature to back it)</xsl:text></td></tr>
                </xsl:if>
              </xsl:when>
              <xsl:otherwise><tr><th>Signature</th><td>not signed</td></tr></xsl:otherwise>
            </xsl:choose>
          </table>
        </xsl:otherwise>
      </xsl:choose>
      <p class="note">This page can be edited like any file; it shows the check made when it was rendered. To rely on the
        report, run <code>slac verify-report REPORT.xml --public-key SIGNER.pub</code> with the signer's key obtained
        independently, and <code>--recompute --contract CONTRACT.sla TRACE…</code> to reproduce every figure.</p>
    </section>
  </xsl:template>

  <!-- ============================================================ clause definition and coverage -->

  <xsl:template match="r:definition">
    <xsl:variable name="clause" select=".."/>
    <table class="kv definition">
      <caption>How this clause is judged</caption>
      <tr>
        <th>Records in scope</th>
        <td>
          <xsl:choose>
            <xsl:when test="@scope"><code><xsl:value-of select="@scope"/></code></xsl:when>
            <xsl:otherwise>every record</xsl:otherwise>
          </xsl:choose>
          <xsl:text>, after the exclusions</xsl:text>
        </td>
      </tr>
      <tr>
        <th>Windows</th>
        <td>
          <xsl:choose>
            <xsl:when test="@window = 'term'">one window over the whole term</xsl:when>
            <xsl:when test="starts-with(@window, 'calendar')">every <xsl:value-of select="@window"/> in <xsl:value-of select="/r:report/r:contract/@timezone"/></xsl:when>
            <xsl:otherwise>every <xsl:value-of select="@window"/> (on the UTC clock from the epoch)</xsl:otherwise>
          </xsl:choose>
          <xsl:choose>
            <xsl:when test="@per"><xsl:text>, separately per </xsl:text><code><xsl:value-of select="@per"/></code></xsl:when>
            <xsl:otherwise><xsl:text>, all records together</xsl:text></xsl:otherwise>
          </xsl:choose>
        </td>
      </tr>
      <tr>
        <th>Each window</th>
        <td>
          <xsl:choose>
            <xsl:when test="@valued = 'true'">is given the value <code><xsl:value-of select="@aggregate"/></code> (no verdict)</xsl:when>
            <xsl:otherwise>
              <xsl:text>is met when </xsl:text><code><xsl:value-of select="@aggregate"/><xsl:text> </xsl:text><xsl:value-of select="@comparison"/><xsl:text> </xsl:text><xsl:value-of select="@bound"/><xsl:if test="@unit != 'ratio'"><xsl:text> </xsl:text><xsl:value-of select="@unit"/></xsl:if></code>
              <xsl:if test="@unit = 'ratio'"><xsl:text> (a fraction: </xsl:text><xsl:value-of select="@bound"/><xsl:text> is </xsl:text><xsl:value-of select="@v:bound-display"/><xsl:text>)</xsl:text></xsl:if>
              <xsl:text>, else breached</xsl:text>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:choose>
            <xsl:when test="@minimum &gt; 0">
              <xsl:text>; a window with fewer than </xsl:text><xsl:value-of select="@minimum"/><xsl:text> in-scope requests is insufficient and not judged</xsl:text>
            </xsl:when>
            <xsl:otherwise><xsl:text>; a window without a value is insufficient and not judged</xsl:text></xsl:otherwise>
          </xsl:choose>
        </td>
      </tr>
      <tr>
        <th>Objective</th>
        <td>
          <xsl:choose>
            <xsl:when test="@measure = 'attainment' and not(@empty)">
              <xsl:text>attainment (met windows ÷ judged windows, per group) </xsl:text>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="@measure"/><xsl:text> </xsl:text></xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="comparison-symbol"><xsl:with-param name="c" select="@objective-comparison"/></xsl:call-template><xsl:text> </xsl:text><xsl:value-of select="@v:objective-display"/>
          <xsl:text> per </xsl:text><xsl:value-of select="translate(@period, '-', ' ')"/>
          <xsl:if test="@empty"><xsl:text>; an interval without data counts as </xsl:text><xsl:value-of select="@v:empty-display"/></xsl:if>
          <xsl:choose>
            <xsl:when test="@downtime-after = 1"><xsl:text>; every breached interval is downtime</xsl:text></xsl:when>
            <xsl:when test="@downtime-after"><xsl:text>; only runs of </xsl:text><xsl:value-of select="@downtime-after"/><xsl:text> or more breached intervals in a row are downtime</xsl:text></xsl:when>
          </xsl:choose>
        </td>
      </tr>
      <tr>
        <th>Credit tiers</th>
        <td>
          <xsl:choose>
            <xsl:when test="r:tier">
              <ol class="tiers">
                <xsl:for-each select="r:tier">
                  <li>
                    <strong><xsl:value-of select="@percent"/>%</strong>
                    <xsl:choose>
                      <xsl:when test="@of = 'charges'"><xsl:text> of the group's usage charges</xsl:text></xsl:when>
                      <xsl:otherwise>
                        <xsl:text> of the fee</xsl:text>
                        <xsl:if test="/r:report/r:contract/@fee">
                          <xsl:text> (</xsl:text><span class="fig" title="{/r:report/r:contract/@fee}"><xsl:value-of select="/r:report/r:contract/@v:fee-display"/></span><xsl:text> </xsl:text><xsl:value-of select="/r:report/r:contract/@fee-currency"/><xsl:text> per month)</xsl:text>
                        </xsl:if>
                      </xsl:otherwise>
                    </xsl:choose>
                    <xsl:text> when the </xsl:text><xsl:value-of select="../@measure"/><xsl:text> is </xsl:text>
                    <xsl:value-of select="@comparison"/><xsl:text> </xsl:text><span title="{@threshold}"><xsl:value-of select="@v:threshold-display"/></span>
                  </li>
                </xsl:for-each>
              </ol>
              <span class="note">
                <xsl:text>The first tier that applies, in this order (worst threshold first), is due</xsl:text>
                <xsl:choose>
                  <xsl:when test="r:tier[@of = 'charges']">; per period and group, on that group's charges.</xsl:when>
                  <xsl:otherwise>; once per calendar month, chosen by the worst group's measure.</xsl:otherwise>
                </xsl:choose>
              </span>
            </xsl:when>
            <xsl:otherwise>none</xsl:otherwise>
          </xsl:choose>
        </td>
      </tr>
      <tr>
        <th>Exclusions</th>
        <td>
          <xsl:choose>
            <xsl:when test="/r:report/r:contract/r:exclusion or r:exclusion">
              <table class="inner">
                <xsl:for-each select="/r:report/r:contract/r:exclusion">
                  <xsl:call-template name="exclusion-row"><xsl:with-param name="level" select="'contract'"/></xsl:call-template>
                </xsl:for-each>
                <xsl:for-each select="r:exclusion">
                  <xsl:call-template name="exclusion-row"><xsl:with-param name="level" select="'clause'"/></xsl:call-template>
                </xsl:for-each>
              </table>
            </xsl:when>
            <xsl:otherwise>none</xsl:otherwise>
          </xsl:choose>
        </td>
      </tr>
    </table>
  </xsl:template>

  <xsl:template name="exclusion-row">
    <xsl:param name="level"/>
    <tr>
      <td>
        <xsl:choose>
          <xsl:when test="@kind = 'maintenance'">
            <xsl:text>maintenance </xsl:text>
            <xsl:call-template name="instant"><xsl:with-param name="t" select="@start"/></xsl:call-template>
            <xsl:text> to </xsl:text>
            <xsl:call-template name="instant"><xsl:with-param name="t" select="@end"/></xsl:call-template>
            <xsl:text> (end excluded)</xsl:text>
            <xsl:if test="@as-uptime = 'true'"><xsl:text>, its time counted as uptime</xsl:text></xsl:if>
          </xsl:when>
          <xsl:otherwise><xsl:text>requests where </xsl:text><code><xsl:value-of select="@where"/></code></xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$level = 'contract'"><span class="note"> (contract)</span></xsl:if>
        <xsl:if test="$level = 'clause'"><span class="note"> (this clause only)</span></xsl:if>
      </td>
      <td class="num fig"><xsl:value-of select="format-number(@removed, '#,##0')"/><xsl:text> removed</xsl:text></td>
    </tr>
  </xsl:template>

  <xsl:template match="r:coverage">
    <p class="coverage">
      <xsl:if test="../@v:thin = 'yes'"><xsl:attribute name="class">coverage thin</xsl:attribute></xsl:if>
      <span class="label">Data</span>
      <xsl:choose>
        <xsl:when test="@records = 0">no in-scope record.</xsl:when>
        <xsl:otherwise>
          <strong class="fig"><xsl:value-of select="format-number(@records, '#,##0')"/></strong>
          <xsl:text> in-scope records from </xsl:text>
          <xsl:call-template name="instant"><xsl:with-param name="t" select="@first-record"/></xsl:call-template>
          <xsl:text> to </xsl:text>
          <xsl:call-template name="instant"><xsl:with-param name="t" select="@last-record"/></xsl:call-template>
          <xsl:text>; in-scope records in </xsl:text>
          <strong><xsl:value-of select="@v:covered-display"/></strong>
          <xsl:text> of the term (counted in cells of </xsl:text><xsl:value-of select="@v:cell-display"/><xsl:text>)</xsl:text>
          <xsl:if test="r:data">
            <xsl:text>: </xsl:text>
            <xsl:for-each select="r:data[position() &lt;= 12]">
              <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
              <span class="when"><xsl:call-template name="range"/></span>
            </xsl:for-each>
            <xsl:if test="@intervals &gt; 12"><xsl:text>, … (</xsl:text><xsl:value-of select="format-number(@intervals, '#,##0')"/><xsl:text> stretches)</xsl:text></xsl:if>
          </xsl:if>
          <xsl:text>.</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- The coverage of a period or credit: `10.4 h of 744 h (1.4%)`, marked when thin. -->
  <xsl:template name="coverage-cell">
    <xsl:param name="compact" select="false()"/>
    <xsl:choose>
      <xsl:when test="@v:coverage-display and $compact">
        <span title="{@v:coverage-display}: {@covered-seconds} s of {@period-seconds} s">
          <xsl:if test="@v:thin = 'yes'"><xsl:attribute name="class">warn</xsl:attribute></xsl:if>
          <xsl:value-of select="@v:coverage-percent"/>
        </span>
      </xsl:when>
      <xsl:when test="@v:coverage-display">
        <span title="{@covered-seconds} s of {@period-seconds} s">
          <xsl:if test="@v:thin = 'yes'"><xsl:attribute name="class">warn</xsl:attribute></xsl:if>
          <xsl:value-of select="@v:coverage-display"/>
        </span>
      </xsl:when>
      <xsl:otherwise>—</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- How a credit's amount follows from the report: measure, tier, base. -->
  <xsl:template name="credit-derivation">
    <xsl:variable name="measure" select="../r:definition/@measure"/>
    <xsl:if test="@measure">
      <xsl:value-of select="$measure"/>
      <xsl:if test="@v:worst-group"><xsl:text> of </xsl:text><xsl:value-of select="@v:worst-group"/><xsl:text> (the worst group)</xsl:text></xsl:if>
      <xsl:text> </xsl:text>
      <span title="{@v:measure-exact}"><xsl:value-of select="@v:measure-display"/></span>
      <xsl:text> </xsl:text><xsl:value-of select="@tier-comparison"/><xsl:text> </xsl:text>
      <xsl:value-of select="@v:threshold-display"/>
      <xsl:text> → </xsl:text>
    </xsl:if>
    <xsl:value-of select="@percent"/><xsl:text>% × </xsl:text>
    <xsl:choose>
      <xsl:when test="@of = 'charges'">
        <xsl:text>charges </xsl:text><span title="{@charges}"><xsl:value-of select="@v:charges-display"/></span>
      </xsl:when>
      <xsl:when test="@fee">
        <xsl:text>fee </xsl:text><span title="{@fee}"><xsl:value-of select="@v:fee-display"/></span>
      </xsl:when>
      <xsl:otherwise>fee</xsl:otherwise>
    </xsl:choose>
    <xsl:text> </xsl:text><xsl:value-of select="@currency"/>
    <xsl:text> = </xsl:text><xsl:value-of select="@v:amount-display"/><xsl:text> </xsl:text><xsl:value-of select="@currency"/>
  </xsl:template>

  <!-- ============================================================ small parts -->

  <xsl:template name="verdict-word">
    <xsl:param name="verdict"/>
    <xsl:choose>
      <xsl:when test="$verdict = 'compliant'">COMPLIANT</xsl:when>
      <xsl:when test="$verdict = 'breached'">BREACHED</xsl:when>
      <xsl:when test="$verdict = 'no-data'">NO DATA</xsl:when>
      <xsl:otherwise><xsl:value-of select="$verdict"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="badge">
    <xsl:param name="verdict"/>
    <span class="badge verdict-{$verdict}">
      <xsl:call-template name="verdict-word"><xsl:with-param name="verdict" select="$verdict"/></xsl:call-template>
    </span>
  </xsl:template>

  <xsl:template name="window-selection">
    <xsl:choose>
      <xsl:when test="@windows = 'all'">all windows</xsl:when>
      <xsl:when test="@windows = 'none'">no windows (counts only)</xsl:when>
      <xsl:otherwise>breached windows only</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 2026-03-14T02:05:00Z as 2026-03-14 02:05 (seconds kept when not zero). -->
  <xsl:template name="instant">
    <xsl:param name="t"/>
    <xsl:variable name="local" select="key('local-instant', string($t))"/>
    <xsl:choose>
      <xsl:when test="$local"><xsl:value-of select="$local/@date"/><xsl:text> </xsl:text><xsl:value-of select="$local/@time"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="instant-utc"><xsl:with-param name="t" select="$t"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An instant in UTC, whatever the page's clock. -->
  <xsl:template name="instant-utc">
    <xsl:param name="t"/>
    <xsl:variable name="time" select="substring-before(substring-after($t, 'T'), 'Z')"/>
    <xsl:value-of select="substring-before($t, 'T')"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="string-length($time) = 8 and substring($time, 6) = ':00'"><xsl:value-of select="substring($time, 1, 5)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$time"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="range">
    <xsl:variable name="start" select="key('local-instant', string(@start))"/>
    <xsl:variable name="end" select="key('local-instant', string(@end))"/>
    <xsl:call-template name="instant"><xsl:with-param name="t" select="@start"/></xsl:call-template>
    <xsl:text> – </xsl:text>
    <xsl:choose>
      <xsl:when test="$start and $end">
        <xsl:if test="$start/@date != $end/@date"><xsl:value-of select="$end/@date"/><xsl:text> </xsl:text></xsl:if>
        <xsl:value-of select="$end/@time"/>
      </xsl:when>
      <xsl:when test="substring-before(@start, 'T') = substring-before(@end, 'T')">
        <xsl:variable name="time" select="substring-before(substring-after(@end, 'T'), 'Z')"/>
        <xsl:choose>
          <xsl:when test="substring($time, 6) = ':00'"><xsl:value-of select="substring($time, 1, 5)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$time"/></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="instant"><xsl:with-param name="t" select="@end"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="group">
    <xsl:for-each select="r:key">
      <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
      <xsl:value-of select="@field"/>
      <xsl:text> = </xsl:text>
      <xsl:choose>
        <!-- <bdi>: a value from a trace (a tenant) cannot turn the text after it around with a
             bidirectional override (U+202E). -->
        <xsl:when test="@value"><bdi><xsl:value-of select="@value"/></bdi></xsl:when>
        <xsl:otherwise><em>absent</em></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:if test="not(r:key)">—</xsl:if>
  </xsl:template>

  <!-- ============================================================ style -->

  <xsl:template name="css">
    <xsl:text>
:root { --ink: #1c1c1c; --muted: #5f6368; --rule: #d5d7db; --bad: #b3261e; --ok: #1e7b34; --nodata: #6b6b6b;
        --met: #3366aa; --insufficient: #b9bcc2; --valued: #5f8f8a; --paper: #ffffff; --tint: #f5f6f8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: var(--paper); font: 14px/1.45 "Helvetica Neue", Helvetica, Arial, sans-serif; }
main, footer { max-width: 1040px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 22px; margin: 10px 0 2px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
code.digest { word-break: break-all; font-size: 11.5px; }
.banner { padding: 20px 24px 14px; border-bottom: 4px solid var(--nodata); background: var(--tint); }
.banner > * { max-width: 992px; margin-left: auto; margin-right: auto; }
.banner.verdict-breached { border-color: var(--bad); background: #fbeeed; }
.banner.verdict-compliant { border-color: var(--ok); background: #edf6ef; }
.verdict-line { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.verdict-word { font-size: 34px; font-weight: 800; letter-spacing: .06em; color: var(--nodata); }
.verdict-breached .verdict-word { color: var(--bad); }
.verdict-compliant .verdict-word { color: var(--ok); }
.verdict-counts { font-size: 16px; }
.banner > .subtitle { margin-top: 0; margin-bottom: 10px; color: var(--muted); }
dl.headline { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px 20px; margin: 8px auto 0; }
dl.headline dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
dl.headline dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--rule); }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1.5px solid #9aa0a6; }
tfoot th, tfoot td { border-top: 1.5px solid #9aa0a6; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { width: 230px; font-weight: 600; color: var(--muted); }
td.path { overflow-wrap: break-word; } /* lines break at slashes and hyphens; a long name only when nothing else fits */
td.when, td.group, td.clause { white-space: nowrap; }
.evidence td.records { font-size: 12.5px; width: 40%; }
.evidence .record { white-space: nowrap; }
/* Text from traces and contracts is isolated: a right-to-left override inside an id or a value
   never reorders the figures beside it. */
code, bdi { unicode-bidi: isolate; }
.fraction { color: var(--muted); font-size: 12px; white-space: normal; display: inline-block; min-width: 9em; max-width: 15em; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 3px; font-size: 11px; font-weight: 700; letter-spacing: .05em;
         color: #fff; background: var(--nodata); vertical-align: middle; white-space: nowrap; }
.badge.verdict-breached { background: var(--bad); }
.badge.verdict-compliant { background: var(--ok); }
.bad { color: var(--bad); }
.ok { color: var(--ok); font-weight: 600; }
.warn { color: #8a5a00; font-weight: 600; }
span.bad { font-weight: 700; }
.note { color: var(--muted); margin: 4px 0 8px; }
section.clause { margin-top: 34px; }
section.clause h2 .ref { color: var(--muted); margin-right: 4px; }
section.clause.verdict-breached h2 { border-bottom-color: var(--bad); }
blockquote.legal { margin: 8px 0; padding: 8px 14px; border-left: 4px solid #9aa0a6; background: var(--tint);
                   white-space: pre-line; font-family: Georgia, "Times New Roman", serif; font-size: 15px; }
p.requirement { margin: 8px 0; }
p.requirement code { font-size: 14px; padding: 2px 6px; background: var(--tint); border: 1px solid var(--rule); border-radius: 3px; margin: 0 6px; }
p.requirement .label { color: var(--muted); font-size: 12px; }
figure.chart { margin: 6px 0 10px; }
svg.chart { display: block; max-width: 960px; height: auto; font-family: inherit; }
svg .plot { fill: #fcfcfd; stroke: #9aa0a6; stroke-width: 1; }
svg .grid { stroke: #e4e6e9; stroke-width: 1; }
svg .axis { stroke: #9aa0a6; stroke-width: 1; }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .strip-label { font-size: 10px; fill: var(--muted); }
svg .layer-nodata { fill: #e6e8eb; }
svg .layer-maintenance { fill: #dbe6f4; }
svg .layer-met { fill: var(--met); }
svg .layer-breached { fill: var(--bad); }
svg .layer-insufficient { fill: var(--insufficient); }
svg .layer-valued { fill: var(--valued); }
svg .layer-strip-breached { fill: var(--bad); }
svg .layer-strip-insufficient { fill: var(--insufficient); }
svg .layer-clipped { fill: var(--ink); }
svg .bound { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .bound-label { font-size: 11px; font-weight: 700; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .hover { fill: transparent; }
svg .hover:hover { fill: rgba(0, 0, 0, .06); }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
figcaption .key { margin-right: 14px; color: var(--ink); white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 10px; margin-right: 5px; vertical-align: -1px; }
.swatch.met { background: var(--met); }
.swatch.breached { background: var(--bad); }
.swatch.insufficient { background: var(--insufficient); }
.swatch.valued { background: var(--valued); }
table.data td.num.spanning { text-align: center; }
.swatch.bound { height: 0; border-top: 2px dashed var(--ink); vertical-align: 3px; }
.untrusted-notice { margin: 0 auto 10px; padding: 8px 12px; background: #5f6368; color: #fff; font-size: 15px; }
.untrusted-notice a { color: #fff; }
body.integrity-failed .fig, body.integrity-failed .verdict-word, body.integrity-failed .verdict-counts {
  text-decoration: line-through; color: var(--muted) !important; font-weight: normal; }
body.integrity-failed .banner { background: var(--tint); border-color: var(--nodata); }
body.integrity-failed main > section:not(#integrity) { opacity: .6; }
body.integrity-failed main > section:not(#integrity) :is(td, dd, li, figcaption),
body.integrity-failed .coverage-alert li { text-decoration: line-through; }
body.integrity-failed .badge { background: var(--nodata); text-decoration: line-through; }
.coverage-alert { margin: 14px auto 0; padding: 8px 14px; border: 1px solid #d9a441; border-left: 6px solid #d9a441; background: #fff6e3; }
.coverage-alert-title { margin: 0 0 4px; font-weight: 700; color: #7a4b00; font-size: 15px; }
.coverage-alert ul { margin: 0 0 4px; padding-left: 20px; }
.coverage-alert li { margin: 2px 0; }
.coverage-alert .note { margin: 4px 0 0; font-size: 12.5px; }
.data-range { color: var(--muted); font-size: 12.5px; }
table.definition { margin: 10px 0; }
table.definition caption { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
                           padding: 2px 0 4px; font-weight: 600; }
table.definition th { width: 150px; }
table.inner { width: auto; margin: 0; }
table.inner td { border: none; padding: 0 14px 2px 0; }
ol.tiers { margin: 0 0 2px; padding-left: 22px; }
p.coverage { margin: 6px 0 10px; padding: 6px 10px; background: var(--tint); border-left: 4px solid #9aa0a6; }
p.coverage.thin { background: #fff6e3; border-left-color: #d9a441; }
p.coverage .label { color: var(--muted); font-size: 12px; margin-right: 6px; }
table.compact { font-size: 12.5px; }
table.compact th, table.compact td { padding: 4px 5px; }
tr.subrow td { font-size: 12.5px; border-bottom: 1px solid var(--rule); padding-top: 0; }
.trace-name { color: var(--muted); font-size: 11.5px; }
.swatch.nodata { background: #e6e8eb; border: 1px solid #c9ccd1; }
.swatch.maintenance { background: #dbe6f4; border: 1px solid #b7c8e0; }
footer { margin-top: 36px; padding-bottom: 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); }
table.accounting code.digest { display: inline-block; min-width: 17ch; }
@media screen and (max-width: 900px) {
  /* A narrow window scrolls a wide table on its own instead of the whole page sideways. */
  table.data { display: block; overflow-x: auto; }
  main, footer { padding: 0 12px; }
}
@media print {
  body { font-size: 11px; }
  main, footer { max-width: none; padding: 0; }
  .banner { padding: 10px 0; }
  section.clause { break-before: page; }
  figure.chart, tr, blockquote.legal { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  svg .hover { display: none; }
}
@page { margin: 14mm 12mm; }
</xsl:text>
  </xsl:template>
</xsl:stylesheet>
