#!/usr/bin/env bash
# Debian's busybox-static, unmodified, reads the image's file system: one image with a small
# tree at /data, several applets run on it, each a boot of its own. The output is compared with
# expected/busybox_applets.txt (what the same applets print natively on the same tree).
#   busybox_applets.sh INGOT PLATFORM TREE
set -euo pipefail
ingot=$1 platform=$2 tree=$3
busybox=/bin/busybox

"$ingot" build "$busybox" --add "$tree:/data" -o busybox.img
run() { "$ingot" run --platform "$platform" busybox.img -- "$@"; }
run ls -R /data
run cat /data/a.txt
run sha256sum /data/a.txt /data/sub/b.txt
run grep -rn word /data/sub
run find /data -name b.txt
run wc -l /data/sub/b.txt
# An archive made in the guest, listed by the host's busybox.
run tar -cf - -C /data sub | "$busybox" tar -tf -
