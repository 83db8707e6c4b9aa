"""`make bench`: the app's pages next to Django's own baselines, under production settings.

    python bench/run.py                  # the whole benchmark, about ten minutes
    python bench/run.py --duration 2     # quicker, noisier figures
    python bench/run.py --only small     # skip the 200 × 50 catalog

What it does: a throwaway SQLite database (migrated, static files collected, the shipped
catalog loaded), gunicorn with two sync workers and DEBUG off on 127.0.0.1, serving the app's
URLs plus two bench-only baselines from `bench/urls.py`: plaintext (hello world) and
TechEmpower's Fortunes (one query, one row added in memory, a sort, a template). wrk drives
each endpoint in turn, three runs each, every run paired with a Fortunes run just before it;
the table gives the median req/s, latency percentiles, errors and the median of the paired
ratios to Fortunes. Then the same over a synthetic catalog of 200 frameworks × 50 criteria,
and last the scoring micro-benchmark (`bench/scoring_bench.py`).

The raw figures (every run, every paired ratio, the scoring micro-benchmark) go to
docs/bench/latest.json with the date, the load average before and after, the Python, Django
and wrk versions and the git commit, so that the README's table comes from a file in the
repository (`--json PATH` writes elsewhere).

The exit status is non-zero only when something crashed (a server that does not start, an
endpoint that does not answer 200): slow figures are for people to read, not a failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scoring_bench  # noqa: E402
from bench.serving import free_port, gunicorn_command  # noqa: E402

CATALOG = ROOT / "frameworks" / "seed" / "catalog.json"
RESULTS = ROOT / "docs" / "bench" / "latest.json"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

# wrk reports through this `done` hook as one JSON line, so nothing parses its text output.
# Latencies are in microseconds.
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d,'
    .. ' "status": %d, "timeout": %d, "p50": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""

# Every request asks for random weights. The shipped catalog has only 6,480 combinations, and
# each worker keeps a few hundred answers it gave (the page store), so a tag that is never
# the same (an ignored parameter, as analytics tags are) makes every address new: nothing
# the server could remember from an earlier request (the result, an ETag) applies, and each
# one is scored and rendered afresh.
WEIGHTS_LUA = """
local criteria = {}
local base = "/"
local counter = 0
local tag = 0

init = function(args)
  base = args[1]
  for i = 2, #args do criteria[#criteria + 1] = args[i] end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  tag = math.random(1, 1000000000)
end

request = function()
  counter = counter + 1
  local parts = {}
  for i, slug in ipairs(criteria) do
    local w = math.random(0, 5)
    if i == 1 and w == 0 then w = 1 end  -- never all zero, which is a 400 by design
    parts[#parts + 1] = "w-" .. slug .. "=" .. w
  end
  parts[#parts + 1] = "utm_id=" .. tag .. "-" .. counter
  return wrk.format("GET", base .. "?" .. table.concat(parts, "&"))
end
"""


@dataclass
class Endpoint:
    name: str
    path: str
    changing_weights: bool = False
    #: Send the ETag of the first answer back, as a browser revisiting the page does.
    revalidate: bool = False


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int


def manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return done.stdout


def prepare(env) -> tuple[str, str]:
    """Migrate (Fortunes' table too), collect static files, load the catalog: (label, what)."""
    manage(env, "migrate", "--run-syncdb", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "loaddata", "fortunes", "-v", "0")
    manage(env, "loadcatalog", str(CATALOG))
    return "shipped", f"the shipped catalog ({CATALOG.relative_to(ROOT)})"


def serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        gunicorn_command(port),
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/plaintext", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 seconds.")


def get(url: str, timeout: float = 60) -> tuple[int, bytes, str | None]:
    """(status, body, ETag)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), None


def wait_until_idle(base: str, limit: float = 300) -> None:
    """Let the workers finish what wrk left queued, so one endpoint's backlog does not slow the
    next one (a slow page leaves many requests in the listen queue when wrk stops)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            get(f"{base}/bench/plaintext", timeout=limit)
        except OSError:
            continue
        if time.monotonic() - started < 0.2:
            return


def catalog_slugs(base: str) -> tuple[str, list[str]]:
    """The first framework and every criterion, read from the API like any client would."""
    status, body, _ = get(f"{base}/api/compare/")
    if status != 200:
        raise SystemExit(f"/api/compare/ answered {status}")
    results = json.loads(body)
    return results[0]["framework"], [part["criterion"] for part in results[0]["breakdown"]]


def endpoints(framework: str) -> list[Endpoint]:
    return [
        Endpoint("plaintext (Django baseline)", "/bench/plaintext"),
        Endpoint("Fortunes (Django baseline)", "/bench/fortunes"),
        Endpoint("home page", "/"),
        Endpoint("/compare/, default weights", "/compare/"),
        Endpoint("/compare/, changing weights", "/compare/", changing_weights=True),
        Endpoint("/compare/, repeat visit (304)", "/compare/", revalidate=True),
        Endpoint("/api/compare/, changing weights", "/api/compare/", changing_weights=True),
        Endpoint("framework page", f"/frameworks/{framework}/"),
    ]


def wrk(base, endpoint, criteria, *, script_dir: Path, seconds: int, args, headers=()) -> Figures:
    script = script_dir / ("weights.lua" if endpoint.changing_weights else "report.lua")
    command = [
        WRK,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "2s",
        "-s",
        str(script),
        *(option for header in headers for option in ("-H", header)),
        base + endpoint.path,
    ]
    if endpoint.changing_weights:
        command += ["--", endpoint.path, *criteria]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return Figures(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["connect"] + data["read"] + data["write"] + data["status"],
        timeouts=data["timeout"],
    )


def measure(base, label, args, script_dir, raw) -> list[tuple[str, str, Figures, float]]:
    """Each endpoint's median run, and the median of its ratios to Fortunes.

    This machine's speed drifts by a quarter within minutes (other tenants, CPU boost), so
    every run of an endpoint is paired with a Fortunes run just before it, and the ratio is
    the median of the paired ratios rather than one figure divided by another taken minutes
    apart.
    """
    framework, criteria = catalog_slugs(base)
    # Other work on the machine skews every figure; the load average says how much there was.
    print(f"  (load average before: {os.getloadavg()[0]:.2f})", flush=True)
    all_endpoints = endpoints(framework)
    fortunes = next(e for e in all_endpoints if e.name.startswith("Fortunes"))
    plain = {"script_dir": script_dir, "args": args}
    rows = []
    for endpoint in all_endpoints:
        # One plain request first: it must succeed, and it loads the snapshot in that worker.
        wait_until_idle(base)
        status, _, etag = get(base + endpoint.path, timeout=300)
        if status != 200:
            raise SystemExit(f"{endpoint.path} answered {status}: the benchmark stops here.")
        headers = [f"If-None-Match: {etag}"] if endpoint.revalidate and etag else []
        options = {"script_dir": script_dir, "args": args, "headers": headers}
        wrk(base, endpoint, criteria, seconds=1, **options)  # warm-up: fills what workers keep
        runs, ratios = [], []
        for _ in range(args.runs):
            if endpoint is fortunes:
                baseline = None
            else:
                wait_until_idle(base)
                baseline = wrk(base, fortunes, criteria, seconds=args.duration, **plain)
                wait_until_idle(base)
            run = wrk(base, endpoint, criteria, seconds=args.duration, **options)
            runs.append(run)
            ratios.append(run.rps / baseline.rps if baseline else 1.0)
        # The median run as a whole, so its latencies belong with its req/s.
        median = sorted(runs, key=lambda f: f.rps)[len(runs) // 2]
        figures = Figures(
            rps=median.rps,
            p50_ms=median.p50_ms,
            p99_ms=median.p99_ms,
            errors=sum(r.errors for r in runs),
            timeouts=sum(r.timeouts for r in runs),
        )
        ratio = statistics.median(ratios)
        spread = ", ".join(f"{r.rps:,.0f}" for r in runs)
        paired = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"  {label}: {endpoint.name}: {figures.rps:,.0f} req/s (runs: {spread}; "
            f"× Fortunes run by run: {paired})",
            flush=True,
        )
        rows.append((label, endpoint.name, figures, ratio))
        raw.append(
            {
                "catalog": label,
                "endpoint": endpoint.name,
                "path": endpoint.path,
                "median": dataclasses.asdict(figures),
                "times_fortunes": ratio,
                "runs": [dataclasses.asdict(run) for run in runs],
                "paired_ratios": ratios,
            }
        )
    return rows


def table(rows) -> str:
    lines = [
        "| Catalog | Endpoint | req/s | × Fortunes | p50 ms | p99 ms | errors | timeouts |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, name, f, ratio in rows:
        lines.append(
            f"| {label} | {name} | {f.rps:,.0f} | {ratio:.2f} | {f.p50_ms:.1f} "
            f"| {f.p99_ms:.1f} | {f.errors} | {f.timeouts} |"
        )
    return "\n".join(lines)


def first_line(*command, any_status=False) -> str:
    """The first line a command prints ("" if it fails; wrk -v exits 1 after its version)."""
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0] if lines and (any_status or done.returncode == 0) else ""


def write_results(path: Path, args, endpoints_raw, scoring_rows, load_before) -> None:
    """The run's raw figures as JSON, with what is needed to judge and repeat it."""
    import django

    commit = first_line("git", "rev-parse", "HEAD")
    dirty = bool(first_line("git", "status", "--porcelain", "--untracked-files=no"))
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": commit + ("-dirty" if dirty else ""),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wrk": first_line(WRK, "-v", any_status=True),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_before": load_before,
            "load_average_after": list(os.getloadavg()),
        },
        "settings": {
            "duration_s": args.duration,
            "runs": args.runs,
            "threads": args.threads,
            "connections": args.connections,
            "gunicorn_workers": 2,
            "only": args.only,
        },
        "endpoints": endpoints_raw,
        "scoring": [
            {"frameworks": f, "criteria": c, "seconds_per_ranking": seconds}
            for f, c, seconds in scoring_rows
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Raw results written to {path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", choices=["small", "large", "scoring"], help="one part only")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the raw results go")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed (apt-get install wrk).")

    workdir = Path(tempfile.mkdtemp(prefix="comparator-bench-"))
    (workdir / "report.lua").write_text(REPORT_LUA)
    (workdir / "weights.lua").write_text(WEIGHTS_LUA + REPORT_LUA)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": "",
        "SQLITE_PATH": str(workdir / "bench.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_PLAIN_STATIC", None)
    env.pop("REDIS_URL", None)

    # A stopped benchmark (SIGTERM, Ctrl-C) still stops its gunicorn in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rows, raw, scoring_rows = [], [], []
    load_before = list(os.getloadavg())
    started = time.monotonic()
    if args.only in (None, "small", "large"):
        small_label, small = prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = serve(env, port)
        try:
            if args.only in (None, "small"):
                print(f"Catalog: {small}", flush=True)
                rows += measure(base, small_label, args, workdir, raw)
            if args.only in (None, "large"):
                # generate_catalog bumps the catalog version: the running workers reload.
                manage(env, "generate_catalog", "--frameworks", "200", "--criteria", "50")
                print("Catalog: generated 200 frameworks × 50 criteria", flush=True)
                rows += measure(base, "200 × 50", args, workdir, raw)
        finally:
            server.terminate()
            server.wait(timeout=10)
        print()
        print(
            f"wrk -t{args.threads} -c{args.connections}, {args.runs} runs of {args.duration} s "
            f"per endpoint (median run), gunicorn 2 sync workers, {os.cpu_count()} CPUs"
        )
        print()
        print(table(rows))
        print()
    if args.only in (None, "scoring"):
        print("Scoring micro-benchmark (scoring.rank alone, in memory):")
        print()
        scoring_rows = scoring_bench.main()
    shutil.rmtree(workdir, ignore_errors=True)
    write_results(args.json, args, raw, scoring_rows, load_before)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
