#!/usr/bin/env bash
# `ingot inspect --files` of an image built with --add of a small tree, made reproducible:
# the tree is copied with fixed modes, times and links, and the owner columns (the user
# running the test) are shown as "owner group".
#
#   inspect_files.sh INGOT PROGRAM DATA_TREE WORKDIR
set -euo pipefail
ingot=$1 program=$2 data=$3 work=$4
tree=$work/tree
rm -rf "$tree"
mkdir -p "$work"
cp -r "$data" "$tree"
find "$tree" -type d -exec chmod 0755 {} +
find "$tree" -type f -exec chmod 0644 {} +
chmod 0600 "$tree/etc/app.conf"
ln -s www/index.html "$tree/index-link"
ln "$tree/www/index.html" "$tree/www/hard.html"
find "$tree" -exec touch -h -d '2024-01-02 03:04:05 UTC' {} +
"$ingot" build "$program" -o "$work/files.img" --add "$tree:/srv" \
    --add "$tree/etc/app.conf:/etc/app.conf"
"$ingot" inspect --files "$work/files.img" | sed -E 's/^(\S+ +[0-9]+) +[0-9]+ +[0-9]+ /\1 owner group /'
