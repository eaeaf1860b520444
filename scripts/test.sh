#!/usr/bin/env bash
# Builds Ingot and runs the whole test suite: unit tests (under ASan/UBSan) and integration
# tests that build real images and boot them. Tests that need /dev/kvm report SKIPPED where
# it is unusable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)" --timeout 300
