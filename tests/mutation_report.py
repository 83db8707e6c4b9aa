"""`make mutation`'s verdict: the kill rate of the last `mutmut run`, and every survivor.

Reads mutmut's own summary (mutants/mutmut-cicd-stats.json, from `mutmut export-cicd-stats`)
and its list of survivors (`mutmut results`). A mutant counts as caught when a test failed or
timed out on it; a mutant no test reached counts as surviving. Survivors that docs/testing.md
explains as equivalent (by mutant name) are marked so; the others are printed with their diff.
Exits 1 when fewer than --min percent were caught.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = [str(Path(sys.executable).parent / "mutmut")]


def mutmut(*args) -> str:
    return subprocess.run(
        [*MUTMUT, *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min", type=float, default=90.0, help="percent of mutants to catch")
    args = parser.parse_args()

    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    total = stats["total"] - stats["skipped"]
    caught = stats["killed"] + stats["timeout"]
    if not total:
        print("No mutants were run.")
        return 1
    rate = 100 * caught / total

    survivors = [
        line.split(":")[0].strip()
        for line in mutmut("results").splitlines()
        if line.strip().endswith(": survived")
    ]
    # docs/testing.md names them as mutmut does, less the module: `x_rank__mutmut_9`.
    documented = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    explained = {
        f"frameworks.scoring.{name}" for name in re.findall(r"`(x\S+__mutmut_\d+)`", documented)
    }
    for name in survivors:
        mark = "equivalent (docs/testing.md)" if name in explained else "NOT EXPLAINED"
        print(f"--- survivor {name}: {mark}")
        if name not in explained:
            print(mutmut("show", name).strip())
    print(
        f"\nMutation score: {caught} of {total} mutants caught ({rate:.1f}%): "
        f"{stats['killed']} killed, {stats['timeout']} timed out, {stats['survived']} survived, "
        f"{stats['no_tests']} reached by no test, {stats['suspicious']} suspicious."
    )
    unexplained = [name for name in survivors if name not in explained]
    print(f"Survivors: {len(survivors)}; not explained in docs/testing.md: {len(unexplained)}.")
    if rate < args.min:
        print(f"FAILED: under the {args.min:.0f}% threshold.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
