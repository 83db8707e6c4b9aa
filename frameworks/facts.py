"""Facts that update themselves: read each framework's package facts from PyPI's JSON API, its
repository's public figures from GitHub's REST API and its download rank from the published
list of the most-downloaded PyPI packages, then store them with the time they were read.

``sync()`` never changes what editors wrote. When a figure moves a rating into another band
of its criterion's scale, or a framework has had no release for 18 months, it raises a review
flag (``flagged_reason``/``flagged_on``) instead. A framework whose answers fail (network
error, HTTP 404, 429 or 5xx, a rate limit, malformed JSON) is reported and left exactly as it
was; the others still update.

Answers come from a ``Network`` source or, in tests and offline runs, from a ``Recorded``
directory laid out as ``pypi/<package>.json``, ``github/<owner>__<repo>.json`` and
``ranks/top-pypi-packages.json``. A ``<name>.status`` file next to them records a failed
answer: an HTTP status on its first line (headers may follow), or ``unreachable``.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from . import models, scales

PYPI_URL = "https://pypi.org/pypi/{package}/json"
GITHUB_URL = "https://api.github.com/repos/{owner}/{repo}"
RANKS_URL = "https://hugovk.github.io/top-pypi-packages/top-pypi-packages.min.json"
TIMEOUT = 15
#: The ranks list is about 1 MB and PyPI's answer for a project with many releases a few MB;
#: anything far larger is not the answer we asked for.
MAX_BYTES = 32 * 1024 * 1024
USER_AGENT = "framework-comparator-syncfacts/1 (+https://github.com/)"
GITHUB_REPO = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


class FetchError(Exception):
    """One failed answer, in a line a reader can act on."""


class Request(NamedTuple):
    kind: str  # pypi | github | ranks
    name: str  # the recorded file's name, without its suffix
    url: str
    what: str  # how the report names it


def pypi_request(package: str) -> Request:
    return Request("pypi", normalize(package), PYPI_URL.format(package=package), "PyPI")


def github_request(owner: str, repo: str) -> Request:
    return Request(
        "github", f"{owner}__{repo}".lower(), GITHUB_URL.format(owner=owner, repo=repo), "GitHub"
    )


RANKS_REQUEST = Request("ranks", "top-pypi-packages", RANKS_URL, "the download ranks")


def normalize(package: str) -> str:
    """PyPI's own spelling rule (PEP 503): case and runs of -_. do not tell names apart."""
    return re.sub(r"[-_.]+", "-", package).lower()


def github_repository(url: str) -> tuple[str, str] | None:
    match = GITHUB_REPO.match(url or "")
    return (match[1], match[2]) if match else None


def _http_error(request: Request, status: int, headers) -> FetchError:
    if status == 429 or (status == 403 and str(headers.get("X-RateLimit-Remaining")) == "0"):
        retry = headers.get("Retry-After") or headers.get("X-RateLimit-Reset")
        after = f", retry after {retry}" if retry else ""
        return FetchError(f"{request.what} rate limit reached (HTTP {status}{after})")
    if status == 404:
        return FetchError(f"{request.what} has no such project (HTTP 404 for {request.url})")
    if status >= 500:
        return FetchError(f"{request.what} failed on its side (HTTP {status})")
    return FetchError(f"{request.what} refused the request (HTTP {status})")


class Network:
    """Live answers through the standard library's HTTP client, with a timeout."""

    def __init__(self, timeout: float = TIMEOUT):
        self.timeout = timeout

    def get(self, request: Request) -> bytes:
        http = urllib.request.Request(
            request.url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(http, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise _http_error(request, error.code, error.headers) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise FetchError(f"{request.what} could not be reached ({reason})") from error
        if len(body) > MAX_BYTES:
            raise FetchError(f"{request.what} sent more than {MAX_BYTES:,} bytes")
        return body


class Recorded:
    """Answers recorded as files, so that tests and offline runs never touch the network."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def get(self, request: Request) -> bytes:
        base = self.directory / request.kind / request.name
        status = Path(f"{base}.status")
        if status.exists():
            first, *rest = status.read_text().splitlines() or [""]
            if first.strip() == "unreachable":
                raise FetchError(f"{request.what} could not be reached (recorded: unreachable)")
            headers = dict(line.split(":", 1) for line in rest if ":" in line)
            headers = {k.strip(): v.strip() for k, v in headers.items()}
            raise _http_error(request, int(first), headers)
        try:
            return Path(f"{base}.json").read_bytes()
        except FileNotFoundError:
            raise _http_error(request, 404, {}) from None


def _load(raw: bytes, what: str):
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise FetchError(f"{what} sent malformed JSON ({error})") from None


def _malformed(what: str, detail: str) -> FetchError:
    return FetchError(f"{what} sent an answer of an unexpected shape ({detail})")


def _moment(value, what: str) -> datetime:
    if not isinstance(value, str):
        raise _malformed(what, f"expected a timestamp, got {value!r:.40}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(what, f"not a timestamp: {value!r:.40}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count(data: dict, key: str, what: str) -> int:
    value = data.get(key)
    if type(value) is not int or value < 0:
        raise _malformed(what, f"{key} is {value!r:.40}")
    return value


def _licence(info: dict) -> str:
    """The SPDX expression when given, else a short licence field, else the OSI classifier."""
    for key in ("license_expression", "license"):
        value = info.get(key)
        # Some projects paste their whole licence text into the field: not a name.
        if isinstance(value, str) and value.strip() and len(value) <= 100 and "\n" not in value:
            return value.strip()
    for classifier in info.get("classifiers") or ():
        if isinstance(classifier, str) and classifier.startswith("License :: OSI Approved :: "):
            return classifier.rsplit(" :: ", 1)[1][:100]
    return ""


def parse_pypi(raw: bytes) -> dict:
    """The facts FrameworkFacts stores, from PyPI's JSON API answer for a project."""
    what = "PyPI"
    data = _load(raw, what)
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise _malformed(what, "no info object")
    info, releases = data["info"], data.get("releases")
    version = info.get("version")
    if not isinstance(version, str) or not version or len(version) > 60:
        raise _malformed(what, f"version is {version!r:.40}")
    if not isinstance(releases, dict):
        raise _malformed(what, "no releases object")
    released = {}
    for name, files in releases.items():
        if not isinstance(files, list):
            raise _malformed(what, f"release {name!r:.40} is not a list of files")
        # A release is out when its first file is; one whose files were all yanked or deleted
        # is not a release anyone can install.
        uploads = [
            _moment(f.get("upload_time_iso_8601"), what)
            for f in files
            if isinstance(f, dict) and not f.get("yanked")
        ]
        if uploads:
            released[name] = min(uploads).date()
    if version not in released:
        raise _malformed(what, f"no files uploaded for the latest version {version}")
    requires = info.get("requires_python") or ""
    if not isinstance(requires, str):
        raise _malformed(what, "requires_python is not text")
    return {
        "pypi_version": version,
        "pypi_released_on": released[version],
        "pypi_first_release_on": min(released.values()),
        "pypi_release_count": len(released),
        "requires_python": requires.strip()[:100],
        "pypi_license": _licence(info),
    }


def parse_github(raw: bytes) -> dict:
    """The repository's public figures from GitHub's REST API answer for a repository."""
    what = "GitHub"
    data = _load(raw, what)
    if not isinstance(data, dict):
        raise _malformed(what, "not an object")
    return {
        "github_stars": _count(data, "stargazers_count", what),
        "github_forks": _count(data, "forks_count", what),
        "github_open_issues": _count(data, "open_issues_count", what),
        "github_pushed_at": _moment(data.get("pushed_at"), what),
    }


def parse_ranks(raw: bytes) -> dict[str, int]:
    """Each listed package's download rank (1 = most downloaded), by normalized name."""
    what = RANKS_REQUEST.what
    data = _load(raw, what)
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise _malformed(what, "no rows")
    ranks = {}
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("project"), str):
            raise _malformed(what, f"row {position} has no project name")
        ranks.setdefault(normalize(row["project"]), position)
    return ranks


FACT_LABELS = {
    "pypi_version": "latest version",
    "pypi_released_on": "released",
    "pypi_first_release_on": "first release",
    "pypi_release_count": "releases",
    "requires_python": "requires Python",
    "pypi_license": "licence",
    "pypi_download_rank": "download rank",
    "github_stars": "stars",
    "github_forks": "forks",
    "github_open_issues": "open issues",
    "github_pushed_at": "last push",
}


@dataclass
class Outcome:
    """What one framework's sync found: changes, flags raised, or why it failed."""

    slug: str
    changes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str = ""
    #: Ratings to flag, with the reason.
    rating_flags: list[tuple[models.Rating, str]] = field(default_factory=list)
    #: The framework's new flag: a reason, "" to clear it, None to leave it as it is.
    framework_flag: str | None = None

    def lines(self) -> list[str]:
        if self.error:
            return [f"{self.slug}: FAILED, nothing changed: {self.error}"]
        lines = [f"{self.slug}: {'; '.join(self.changes) or 'no change'}"]
        lines += [f"{self.slug}: flag: {flag}" for flag in self.flags]
        return lines


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    #: Failures that concern every framework (the ranks list), reported once.
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [o.slug for o in self.outcomes if o.error]

    def lines(self) -> list[str]:
        lines = [f"all frameworks: download ranks not updated: {e}" for e in self.errors]
        for outcome in self.outcomes:
            lines += outcome.lines()
        return lines


def _shown(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value) or "none"


def _fetch(source, framework, ranks, now) -> dict:
    """The new facts for one framework; raises FetchError when any of its answers fails."""
    values = {}
    if framework.pypi_package:
        values |= parse_pypi(source.get(pypi_request(framework.pypi_package)))
        values["pypi_fetched_at"] = now
    repository = github_repository(framework.repository_url)
    if repository:
        values |= parse_github(source.get(github_request(*repository)))
        values["github_fetched_at"] = now
    if ranks is not None and framework.pypi_package:
        values["pypi_download_rank"] = ranks.get(normalize(framework.pypi_package))
        values["download_rank_fetched_at"] = now
    return values


def _rating_flags(framework, facts_values, scales_by_criterion) -> list[tuple[object, str]]:
    flags = []
    for rating in framework.ratings.all():
        criterion = rating.criterion
        measure = criterion.measure
        if not measure or measure not in facts_values:
            continue
        reason = scales.crossed(
            scales_by_criterion[criterion.pk],
            measure,
            rating.level.label,
            rating.figure_value,
            facts_values[measure],
            cited_known=rating.figure_as_of is not None,
        )
        if reason and reason != rating.flagged_reason:
            flags.append((rating, reason))
    return flags


def _plan(framework, values, scales_by_criterion, today) -> Outcome:
    outcome = Outcome(framework.slug)
    facts = getattr(framework, "facts", None)
    for key, label in FACT_LABELS.items():
        if key not in values:
            continue
        old = getattr(facts, key, None) if facts else None
        new = values[key]
        if old != new:
            outcome.changes.append(f"{label} {_shown(old)} → {_shown(new)}")
    # The measured figures a scale can rest on; a rank of None means "not in the list".
    figures = {m: values[m] for m in ("pypi_download_rank", "github_stars") if m in values}
    outcome.rating_flags = _rating_flags(framework, figures, scales_by_criterion)
    outcome.flags += [f"{r.criterion.slug} rating: {reason}" for r, reason in outcome.rating_flags]
    if "pypi_released_on" in values:
        stale = scales.stale_since(values["pypi_released_on"], today)
        reason = scales.stale_reason(stale) if stale else ""
        ours = framework.flagged_reason.startswith(scales.STALE_PREFIX)
        if reason and reason != framework.flagged_reason:
            outcome.framework_flag = reason
            outcome.flags.append(reason)
        elif not reason and ours:
            # A new release answers the question the flag asked: nothing left to review.
            outcome.framework_flag = ""
            outcome.flags.append("cleared: a release came out")
    return outcome


def _apply(framework, values, outcome, today):
    with transaction.atomic():
        # Saved through the model so that the catalog version moves (public pages show the
        # new figures); the framework row itself is not saved, so its version stays put.
        models.FrameworkFacts.objects.update_or_create(framework=framework, defaults=values)
        if outcome.framework_flag is not None:
            models.Framework.objects.filter(pk=framework.pk).update(
                flagged_reason=outcome.framework_flag,
                flagged_on=today if outcome.framework_flag else None,
            )
        for rating, reason in outcome.rating_flags:
            models.Rating.objects.filter(pk=rating.pk).update(
                flagged_reason=reason, flagged_on=today
            )


def sync(source, *, slugs=(), dry_run=False, now=None) -> Report:
    """Fetch and store every framework's facts (or those named); see the module docstring."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = Report()
    frameworks = (
        models.Framework.objects.order_by("slug")
        .select_related("facts")
        .prefetch_related("ratings__criterion", "ratings__level")
    )
    if slugs:
        frameworks = frameworks.filter(slug__in=slugs)
    scales_by_criterion = {}
    for level in models.Level.objects.order_by("position", "value"):
        scales_by_criterion.setdefault(level.criterion_id, []).append(
            scales.Band(level.label, level.threshold)
        )
    try:
        ranks = parse_ranks(source.get(RANKS_REQUEST))
    except FetchError as error:
        ranks = None
        report.errors.append(str(error))
    for framework in frameworks:
        try:
            values = _fetch(source, framework, ranks, now)
        except FetchError as error:
            report.outcomes.append(Outcome(framework.slug, error=str(error)))
            continue
        outcome = _plan(framework, values, scales_by_criterion, today)
        report.outcomes.append(outcome)
        if values and not dry_run:
            _apply(framework, values, outcome, today)
    return report
