#!/usr/bin/env bash
# Installs the Debian 12 packages Ingot needs to build and test, if any are missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  libfmt-dev libcli11-dev libelf-dev libdw-dev
  libxxhash-dev # the image's payload checksum
  libseccomp-dev # the monitor's sandbox
  libmnl-dev # netlink for --net-interface (the tap, qdiscs and redirects of an interface takeover)
  nlohmann-json3-dev # JSON for launch plans and instance state
  libarchive-dev libssl-dev # ingot build --oci-archive: tar, gzip and SHA-256 of OCI images
  skopeo podman docker-registry # the OCI archive integration tests
  containernetworking-plugins runc containerd # ingot-oci's tests under podman (-p) and containerd
  googletest libgtest-dev
  musl-tools
  liblua5.4-dev # the Lua interpreter test program
  qemu-system-x86 # ingot run --platform qemu, and its tests
  curl bind9-dnsutils wrk iputils-ping socat iproute2 # the networking tests and bench/net.sh
  net-tools # ifconfig, route and netstat -i read the interfaces in the integration tests
  dnsmasq-base # the DHCP server of the networking tests
  clang libclang-rt-14-dev # the network stack's libFuzzer target
  golang-go # a static Go program among the integration tests
  python3 # Debian's own dynamically linked programs, run unmodified by the integration tests
  lua5.4
  sqlite3
  busybox-static
  nginx-light
  redis-server
  redis-tools
  help2man # the man pages, written from ingot's --help at build time
  dpkg-dev man-db bash # cpack -G DEB's dpkg-shlibdeps, and the install tests (man -l, completion)
  libslirp-dev # user-mode networking on hvt (-p without root)
  util-linux # setpriv: the user-mode networking tests run ingot as an ordinary user
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    exit 0
  fi
  echo "error: run as root (or install sudo) to install: ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
