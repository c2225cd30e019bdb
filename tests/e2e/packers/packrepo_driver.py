"""Write the PackRepo library format of a repository: ``PackFormat.to_string(deterministic=True)``.

    .packers/venv/bin/python tests/e2e/packers/packrepo_driver.py REPO BUDGET OUT

Runs inside the packers' venv (scripts/install-packers), never packverify's. Two workarounds
for sibylline-scribe 1.0.0, neither of which changes the format: the library's own oracles
are off (``enable_oracles=False``: they reject any small repository for underflow), and
numpy scalars in the index (``diversity_score`` is a numpy float32) become Python numbers,
because ``json.dumps`` inside ``to_string`` cannot serialise them and the library crashes.
"""

import sys
from pathlib import Path

from packrepo.library import RepositoryPacker


def plain(value):
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def main(argv):
    repo, budget, out = Path(argv[0]), int(argv[1]), argv[2]
    pack = RepositoryPacker().pack_repository(repo, token_budget=budget, enable_oracles=False)
    for name, value in list(vars(pack.index).items()):
        setattr(pack.index, name, plain(value))
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(pack.to_string(deterministic=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
