#!/usr/bin/env bash
# Pin the exact versions installed now of everything Tirek needs, test tools included, in
# constraints.txt (CI installs with -c constraints.txt). To move to newer versions:
#   python -m pip install -U -e ".[test]"   # newest within the ranges in pyproject.toml
#   pytest                                  # the versions are tested before they are pinned
#   tools/refresh_constraints.sh            # then commit constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."
python - > constraints.txt <<'PY'
"""From this checkout's pyproject.toml (with the test extra) down through the installed packages'
metadata: the project's dependency tree, nothing else that happens to be installed."""
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

with open("pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
pins, todo = {}, [(Requirement(line).name, set()) for line in
                  project["dependencies"] + project["optional-dependencies"]["test"]]
while todo:
    name, extras = todo.pop()
    dist = distribution(name)
    key = canonicalize_name(dist.metadata["Name"])
    if key in pins:
        continue
    pins[key] = dist.version
    for requirement in map(Requirement, dist.requires or []):
        wanted = requirement.marker is None or any(
            requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""}))
        if wanted:
            try:
                distribution(requirement.name)
            except PackageNotFoundError:
                continue  # an optional dependency for another platform
            todo.append((requirement.name, set(requirement.extras)))
print("# Exact versions Tirek was last tested with: made by tools/refresh_constraints.sh, do not edit.")
for key in sorted(pins):
    print(f"{key}=={pins[key]}")
PY
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned" >&2
