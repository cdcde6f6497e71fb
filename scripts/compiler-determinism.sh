#!/usr/bin/env bash
# Checks that g++ and clang++ builds give the same fingerprint for the same seeds (DESIGN:
# "the same seed gives the same fingerprint in Debug and Release, and with g++ and clang++").
# scripts/test.sh covers debug vs release; this covers the compilers. It builds the vsrsim binary
# with clang++ (release) into build/clang, next to the release preset's g++ build.
#
#   scripts/compiler-determinism.sh [SEEDS]      # default 50 seeds, from 1
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-50}"
command -v clang++ >/dev/null || { echo "compiler-determinism: clang++ is missing (apt-get install clang)" >&2; exit 1; }
scripts/setup.sh release >&2
cmake -S . -B build/clang -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DVSRSIM_BUILD_TESTS=OFF -DVSRSIM_FORMAT_TEST=OFF >/dev/null
cmake --build build/clang --target vsrsim >&2
gcc_sweep="$(build/release/reports/vsrsim sweep --count "$seeds" --quiet | tail -n 1)"
clang_sweep="$(build/clang/reports/vsrsim sweep --count "$seeds" --quiet | tail -n 1)"
echo "g++:     $gcc_sweep"
echo "clang++: $clang_sweep"
[[ "${gcc_sweep##*fingerprint_of_fingerprints=}" == "${clang_sweep##*fingerprint_of_fingerprints=}" ]] ||
  { echo "compiler-determinism: the fingerprints differ" >&2; exit 4; }
echo "compiler-determinism: g++ and clang++ agree on $seeds seeds"
