#!/usr/bin/env bash
# Builds Ingot, then builds a static C++ program, seals it into an image and boots it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ingot="$root/build/bin/ingot"

echo
echo "== g++ -O2 -static -pthread examples/demo/demo.cpp -o demo"
g++ -O2 -static -pthread "$root/examples/demo/demo.cpp" -o "$work/demo"
echo "== ingot build demo -o demo.img --mem 64M --env GREETING=hello -- from an image"
"$ingot" build "$work/demo" -o "$work/demo.img" --mem 64M --env GREETING=hello -- from an image
echo "== ingot inspect demo.img"
"$ingot" inspect "$work/demo.img"
echo "== ingot run demo.img"
"$ingot" run "$work/demo.img"
echo "== ingot run demo.img -- with new arguments"
"$ingot" run "$work/demo.img" -- with new arguments
