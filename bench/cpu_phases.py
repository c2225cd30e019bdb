#!/usr/bin/env python3
"""CPU seconds of reading one pack and of the oracles other than ``tokens`` and
``security``, beside the floor under reading (issue 13).

CPU seconds (``time.process_time``) rather than wall seconds, so two checkouts can be
compared on a shared machine: run it in each, interleaved. The floor is what the
streaming loader cannot avoid — reading the file, ``orjson.loads``, the canonical proof's
``orjson.dumps`` and the file's sha256 — measured on the same file in the same process.

    python bench/cpu_phases.py bench/out/pack-100000.json
"""

from __future__ import annotations

import gc
import hashlib
import json
import sys
import time


def main(path: str) -> dict:
    import orjson

    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import read_pack
    from packverify.oracles import NAMES

    collecting = [0.0, 0.0]

    def collector(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[1] = time.process_time()
        else:
            collecting[0] += time.process_time() - collecting[1]

    gc.callbacks.append(collector)
    out: dict[str, float] = {}
    started = time.process_time()
    loaded = read_pack(path)
    out["load"] = time.process_time() - started
    oracles = [n for n in NAMES if n not in ("tokens", "security")]
    started = time.process_time()
    check_loaded(loaded, Context(jobs=1), oracles)
    out["oracles"] = time.process_time() - started
    out["garbage_collection"] = collecting[0]
    del loaded
    started = time.process_time()
    with open(path, "rb") as handle:
        raw = handle.read()
    out["floor_read"] = time.process_time() - started
    started = time.process_time()
    document = orjson.loads(raw)
    out["floor_loads"] = time.process_time() - started
    started = time.process_time()
    orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    out["floor_dumps"] = time.process_time() - started
    started = time.process_time()
    hashlib.sha256(raw).hexdigest()
    out["floor_sha256"] = time.process_time() - started
    return {k: round(v, 3) for k, v in out.items()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "bench/out/pack-100000.json")))
