#!/usr/bin/env python3
"""Writes the sample traces of the three period-measure example contracts.

    python3 Contracts/samples/make_period_samples.py [OUTPUT_DIR]

OUTPUT_DIR defaults to the directory of this script. The output is deterministic: the same
script gives byte-identical files (standard library only, fixed seeds, no clock). Each file is
canonical JSON Lines (docs/formats.md) sorted by `ts`:

- error-rate-uptime-2026-06.jsonl           for ../error-rate-uptime.sla
- downtime-minutes-2026-09.jsonl            for ../downtime-minutes.sla
- provisioned-throughput-tps-2026-05.jsonl  for ../provisioned-throughput-tps.sla
- maintenance-as-uptime-2026-06.jsonl       for ../maintenance-as-uptime.sla

The incidents are placed by hand so that the measures and credits can be computed on paper;
README.md in this directory does the computation.
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

UTC = timezone.utc


def at(text):
    """An instant written `YYYY-MM-DDTHH:MM[:SS]` (UTC)."""
    fmt = "%Y-%m-%dT%H:%M:%S" if text.count(":") == 2 else "%Y-%m-%dT%H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def record(ts, tenant, model, region, status, input_tokens, output_tokens, ttft_ms, e2e_ms):
    return {
        "ts": ts, "tenant": tenant, "model": model, "region": region, "status": status,
        "input_tokens": input_tokens, "output_tokens": output_tokens,
        "ttft_ms": round(ttft_ms, 1), "e2e_ms": round(e2e_ms, 1),
    }


def write(path, records, prefix):
    """Sorts by time (ties keep their order), numbers the ids and writes the file."""
    records = sorted(records, key=lambda r: r["ts"])
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for i, r in enumerate(records, 1):
            line = {"id": "%s-%06d" % (prefix, i), "ts": stamp(r["ts"])}
            line.update((k, v) for k, v in r.items() if k != "ts")
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
    return records


def ok_call(rng, ts, tenant, model, region, decode_tps=None, ttft_ms=None, output_tokens=None, input_tokens=None):
    """A successful request; its decode rate is (output_tokens - 1) / ((e2e - ttft) / 1000)."""
    inp = input_tokens if input_tokens is not None else rng.randint(600, 6000)
    out = output_tokens if output_tokens is not None else rng.randint(80, 900)
    ttft = ttft_ms if ttft_ms is not None else rng.uniform(150, 700)
    tps = decode_tps if decode_tps is not None else rng.uniform(40, 90)
    return record(ts, tenant, model, region, "ok", inp, out, ttft, ttft + (out - 1) / tps * 1000)


def failed_call(rng, ts, tenant, model, region, status):
    """A failed request: the prompt was sent, nothing was generated."""
    t = rng.uniform(12, 40)
    return record(ts, tenant, model, region, status, rng.randint(600, 6000), 0, t, t)


def breached_minutes(rng, records, busy, start, minutes, who, failing, status):
    """`minutes` consecutive minutes from `start` (added to `busy`), each with 10 requests of which
    those at the positions `failing` (two) fail with `status`: 80% succeed, below the 95% a minute
    needs. `who` is (tenant, model, region)."""
    tenant, model, region = who
    t0 = at(start)
    for k in range(minutes):
        begin = t0 + MINUTE * k
        busy.add(begin)
        for j, ts in enumerate(spread(begin, MINUTE, 10, offset=2)):
            if j in failing:
                records.append(failed_call(rng, ts, tenant, model, region, status))
            else:
                records.append(ok_call(rng, ts, tenant, model, region))


def spread(start, length, n, offset=7):
    """n instants spread over [start, start + length), none on a boundary."""
    step = length / n
    return [start + timedelta(seconds=offset) + step * i for i in range(n)]


# --------------------------------------------------------------------------------------------
# 1. error-rate-uptime: June 2026 (30 days = 8,640 five-minute intervals), three regions.

FIVE = timedelta(minutes=5)
JUNE = at("2026-06-01T00:00")


def interval_index(t):
    return int((t - JUNE) / FIVE)


def error_rate_sample(path):
    rng = random.Random(20260601)
    tenant, model = "hooli", "llama-3.1-70b"
    records = []
    busy = {}  # region -> set of interval indexes with incident traffic

    def incident(region, start, intervals, requests, errors, status, throttled=0):
        """`intervals` consecutive five-minute intervals from `start`, each with `requests`
        requests of which the first `errors` fail with `status`, and `throttled` more requests
        rejected with error:429 (excluded by the contract)."""
        t0 = at(start)
        for k in range(intervals):
            begin = t0 + FIVE * k
            busy.setdefault(region, set()).add(interval_index(begin))
            times = spread(begin, FIVE, requests + throttled)
            for j, ts in enumerate(times):
                if j < errors:
                    records.append(failed_call(rng, ts, tenant, model, region, status))
                elif j < requests:
                    records.append(ok_call(rng, ts, tenant, model, region))
                else:
                    records.append(failed_call(rng, ts, tenant, model, region, "error:429"))

    # us-east-1: a degraded afternoon, a 45-minute outage, an hour of one failure in four.
    incident("us-east-1", "2026-06-09T10:00", 48, 20, 1, "error:500")
    incident("us-east-1", "2026-06-17T03:15", 9, 3, 3, "error:503")
    incident("us-east-1", "2026-06-24T18:00", 12, 4, 1, "error:503", throttled=2)
    # eu-west-1: a night-long outage (7.5 hours), then two hours of one failure in five.
    incident("eu-west-1", "2026-06-05T22:30", 90, 2, 2, "error:503")
    incident("eu-west-1", "2026-06-20T12:00", 24, 5, 1, "error:500")
    # ap-south-1: half an hour of one failure in ten.
    incident("ap-south-1", "2026-06-12T08:00", 6, 10, 1, "error:500")

    # Background: one successful request every two hours per region, in intervals without an
    # incident (they add nothing to the Error Rate, only to the charges).
    offsets = {"us-east-1": "00:41:10", "eu-west-1": "01:12:40", "ap-south-1": "00:23:55"}
    for region, offset in offsets.items():
        first = at("2026-06-01T" + offset)
        for h in range(360):
            ts = first + timedelta(hours=2 * h)
            if interval_index(ts) not in busy[region]:
                records.append(ok_call(rng, ts, tenant, model, region))

    # One long-document request per region (a 128k-context model). Its prompt length is chosen
    # so that the charges land where the README wants them: us-east-1's credit is an exact
    # half cent, eu-west-1's charges and credit both are.
    def tokens(region):
        rs = [r for r in records if r["region"] == region and r["status"] != "error:429"]
        return sum(r["input_tokens"] for r in rs) + 5 * sum(r["output_tokens"] for r in rs)

    def long_prompt(region, ts, good):
        """Adds a request with 1,200 output tokens and the shortest prompt of at least 20,000
        tokens for which `good(charges in micro-USD)` holds."""
        base = tokens(region) + 5 * 1200
        t = base + 20000                       # micro-USD of the charges = 3 × (inputs + 5 × outputs)
        while not good(3 * t):
            t += 1
        records.append(ok_call(rng, at(ts), tenant, model, region, input_tokens=t - base, output_tokens=1200))

    def half_even_cents(micro):
        q, r = divmod(micro, 10000)
        return q + (1 if r > 5000 or (r == 5000 and q % 2 == 1) else 0)

    # us-east-1: charges not at a half cent, rounded to C cents with C ≡ 5 (mod 20), so that
    # 10% of them is an exact half cent below an even cent.
    long_prompt("us-east-1", "2026-06-15T12:02:30",
                lambda m: m % 10000 not in (0, 5000) and half_even_cents(m) % 20 == 5)
    # eu-west-1: charges exactly C + ½ cent with C ≡ 2 (mod 8): rounding the charges and
    # taking 25% of them both meet an exact half cent.
    long_prompt("eu-west-1", "2026-06-15T12:03:30",
                lambda m: m % 10000 == 5000 and (m // 10000) % 8 == 2)
    records.append(ok_call(rng, at("2026-06-15T12:04:30"), tenant, model, "ap-south-1", input_tokens=48000, output_tokens=900))
    return write(path, records, "e")


# --------------------------------------------------------------------------------------------
# 2. downtime-minutes: September 2026 (30 days = 43,200 minutes, 120 of them maintenance), and
#    the last minutes of August.

MINUTE = timedelta(minutes=1)


def downtime_sample(path):
    rng = random.Random(20260901)
    tenant, model, region = "initech", "gemma-2-27b", "europe-west4"
    records = []
    busy = set()

    def breached(start, minutes):
        """Minutes with 2 requests in 10 failing with error:503 (`breached_minutes`)."""
        breached_minutes(rng, records, busy, start, minutes, (tenant, model, region), (3, 7), "error:503")

    def exactly_five_percent(start):
        """One minute with 20 requests of which 1 fails: 95% succeed, which meets 95%."""
        begin = at(start)
        busy.add(begin)
        for j, ts in enumerate(spread(begin, MINUTE, 20, offset=1)):
            if j == 10:
                records.append(failed_call(rng, ts, tenant, model, region, "error:500"))
            else:
                records.append(ok_call(rng, ts, tenant, model, region))

    breached("2026-08-31T23:58", 6)      # S: 23:58 to 00:03, across the month boundary
    breached("2026-09-03T10:00", 4)      # A: four minutes, shorter than five
    breached("2026-09-08T14:20", 5)      # B: exactly five minutes
    breached("2026-09-13T00:57", 3)      # C: three minutes, then maintenance 01:00 to 03:00 ...
    for j, ts in enumerate(spread(at("2026-09-13T01:00"), timedelta(minutes=10), 30)):
        records.append(failed_call(rng, ts, tenant, model, region, "error:503"))   # ... failing, excluded
    breached("2026-09-13T03:00", 2)      # ... and two minutes after it
    breached("2026-09-17T06:00", 7)      # D: seven minutes,
    exactly_five_percent("2026-09-17T06:07")  # one minute at exactly 5% errors,
    breached("2026-09-17T06:08", 3)      # and three more
    breached("2026-09-22T16:00", 3)      # E: three minutes, a minute without requests,
    breached("2026-09-22T16:04", 3)      # and three more
    breached("2026-09-26T20:00", 12)     # F: twelve minutes

    # Background: one successful request at half past every hour from 31 August 23:30 to
    # 30 September 23:30 (those inside the maintenance window are excluded).
    first = at("2026-08-31T23:30")
    for h in range(24 * 30 + 1):
        ts = first + timedelta(hours=h)
        if ts.replace(second=0) not in busy:
            records.append(ok_call(rng, ts, tenant, model, region))
    return write(path, records, "d")


# --------------------------------------------------------------------------------------------
# 3. provisioned-throughput-tps: 12 and 13 May 2026 (48 hours), two reserved models.

HOUR = timedelta(hours=1)


def provisioned_sample(path):
    rng = random.Random(20260512)
    tenant, region = "umbrella", "westeurope"
    big, small = "llama-3.1-405b", "llama-3.1-8b"
    floor = {big: 20, small: 60}
    normal_tps = {big: (24.0, 34.0), small: (70.0, 110.0)}
    normal_ttft = {big: (400.0, 1100.0), small: (100.0, 400.0)}
    records = []

    # Hours with something particular, per model: (requests, slow decoders, slow first tokens).
    special = {
        (big, "2026-05-12T09"): (20, 0, 1),    # one slow first token: p95 is still the 19th value
        (big, "2026-05-12T15"): (20, 0, 0),    # plus 3 server errors and 5 throttled requests
        (big, "2026-05-13T03"): (12, 1, 0),    # a quiet hour: fewer than 20 requests
        (big, "2026-05-13T09"): (20, 1, 0),    # 19 of 20 fast enough: 95% < 99%
        (big, "2026-05-13T10"): (22, 2, 0),    # 20 of 22
        (big, "2026-05-13T15"): (20, 0, 2),    # two slow first tokens: p95 above 1.5 s
        (small, "2026-05-12T20"): (20, 0, 2),
        (small, "2026-05-12T21"): (20, 0, 3),
        (small, "2026-05-12T22"): (20, 0, 2),
    }
    start = at("2026-05-12T00:00")
    for h in range(48):
        begin = start + HOUR * h
        for model in (big, small):
            n, slow_decode, slow_ttft = special.get((model, begin.strftime("%Y-%m-%dT%H")), (20, 0, 0))
            times = spread(begin, HOUR, n, offset=41 if model == big else 13)
            for j, ts in enumerate(times):
                lo, hi = normal_tps[model]
                tps = rng.uniform(lo, hi)
                if j < slow_decode:
                    tps = floor[model] * 0.75           # well below the floor
                lo, hi = normal_ttft[model]
                ttft = rng.uniform(lo, hi)
                if n - j <= slow_ttft:
                    ttft = rng.uniform(1800.0, 2600.0)  # well above 1.5 s
                records.append(ok_call(rng, ts, tenant, model, region, decode_tps=tps, ttft_ms=ttft,
                                       output_tokens=rng.randint(120, 700)))
    for ts in spread(at("2026-05-12T15:00"), HOUR, 8, offset=29)[:3]:
        records.append(failed_call(rng, ts, tenant, big, region, "error:500"))
    for ts in spread(at("2026-05-12T15:00"), HOUR, 8, offset=53)[3:]:
        records.append(failed_call(rng, ts, tenant, big, region, "error:429"))
    return write(path, records, "p")


# --------------------------------------------------------------------------------------------
# 4. maintenance-as-uptime: June 2026 (43,200 minutes), maintenance counted as available.


def maintenance_uptime_sample(path):
    rng = random.Random(20260614)
    tenant, model, region = "hooli", "llama-3.1-405b", "us-east-1"
    records = []
    busy = set()

    def breached(start, minutes):
        """Minutes with 2 requests in 10 failing with error:500 (`breached_minutes`)."""
        breached_minutes(rng, records, busy, start, minutes, (tenant, model, region), (2, 6), "error:500")

    breached("2026-06-09T10:00", 30)     # A: thirty minutes
    breached("2026-06-22T16:00", 13)     # B: thirteen minutes
    # Maintenance, 14 June 02:00 to 06:00: every request fails, none is measured.
    for ts in spread(at("2026-06-14T02:00"), timedelta(hours=4), 120):
        records.append(failed_call(rng, ts, tenant, model, region, "error:503"))
        busy.add(ts.replace(second=0, microsecond=0))

    # Background: one successful request at a quarter past every hour of June.
    first = at("2026-06-01T00:15")
    for h in range(24 * 30):
        ts = first + timedelta(hours=h)
        if ts.replace(second=0) not in busy:
            records.append(ok_call(rng, ts, tenant, model, region))
    return write(path, records, "m")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, make in (("error-rate-uptime-2026-06.jsonl", error_rate_sample),
                       ("downtime-minutes-2026-09.jsonl", downtime_sample),
                       ("provisioned-throughput-tps-2026-05.jsonl", provisioned_sample),
                       ("maintenance-as-uptime-2026-06.jsonl", maintenance_uptime_sample)):
        records = make(os.path.join(out, name))
        print("%s: %d records" % (name, len(records)))


if __name__ == "__main__":
    main()
