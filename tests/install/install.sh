#!/usr/bin/env bash
# Ingot installed as a tool (cmake/Install.cmake), one case a run, each in a temporary
# directory of its own that it removes at its end; nothing is written into the source tree.
#   install.sh CASE BUILD_DIR VERSION CMAKE CPACK GENERATOR
# Cases:
#   files     cmake --install into a prefix: the program and its version, a man page per
#             command, bash completion, the CMake package
#   consumer  a project of its own (consumer/) that finds the installed package and seals its
#             target with ingot_add_image, then runs the image
#   deb       cpack -G DEB: the package's files and fields, and its ingot working
# Prints "ok: CASE" and exits 0 when the case passed; "FAIL: why" and 1 when not; 77 when it
# cannot run here (with the reason).
set -u
case_name=$1 BUILD=$2 VERSION=$3 CMAKE=$4 CPACK=$5 GENERATOR=$6
HERE=$(cd "$(dirname "$0")" && pwd)

fail() {
    echo "FAIL: $*"
    exit 1
}
skip() {
    echo "SKIPPED: $*"
    exit 77
}

WORK=$(mktemp -d /tmp/ingot-install-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix

install_prefix() {
    "$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 ||
        fail "cmake --install: $(tail -5 "$WORK/install.log")"
}

# The commands `ingot --help` lists, one a line.
commands() {
    "$1" --help | awk '/^Subcommands:$/ { inside = 1; next } /^$/ { inside = 0 } inside { print $1 }'
}

# What bash completion offers for a command line whose last word is being completed.
complete_line() {
    PATH=$PREFIX/bin:$PATH bash -c '
        source "$1" || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _ingot
        echo "${COMPREPLY[*]}"' completion "$PREFIX/share/bash-completion/completions/ingot" "$@"
}

files() {
    command -v man >/dev/null || skip "man (Debian package man-db) is missing"
    command -v help2man >/dev/null || skip "help2man is missing: the build wrote no man pages"
    install_prefix
    local ingot=$PREFIX/bin/ingot
    [[ -x $ingot ]] || fail "no executable bin/ingot"
    [[ $("$ingot" --version) == "ingot $VERSION" ]] || fail "ingot --version: $("$ingot" --version)"

    local names command
    names=$(commands "$ingot")
    for command in build run inspect ps logs stop kill rm; do
        grep -qx "$command" <<<"$names" || fail "ingot --help does not list $command: $names"
    done
    [[ -f $PREFIX/share/man/man1/ingot.1 ]] || fail "no man page ingot(1)"
    for command in $names; do
        [[ -f $PREFIX/share/man/man1/ingot-$command.1 ]] || fail "no man page ingot-$command(1)"
    done
    # The pages say what the program's help says.
    local page
    page=$(LC_ALL=C MANWIDTH=200 man -l "$PREFIX/share/man/man1/ingot-run.1" 2>&1)
    grep -q "ingot-run - Boot an image, or a static program packed on the fly" <<<"$page" ||
        fail "ingot-run(1) has no NAME line from run's help: $page"
    grep -Eq -- "--stop-timeout SECONDS" <<<"$page" || fail "ingot-run(1) lacks --stop-timeout"
    grep -q "ingot-ps(1)" <<<"$page" || fail "ingot-run(1) does not refer to ingot-ps(1)"

    local offered
    offered=$(complete_line ingot r)
    [[ $offered == "run rm" ]] || fail "completing 'ingot r' offers '$offered', not 'run rm'"
    offered=$(complete_line ingot run --me)
    [[ $offered == "--mem" ]] || fail "completing 'ingot run --me' offers '$offered'"
    offered=$(complete_line ingot run --platform "")
    [[ $offered == "hvt qemu" ]] || fail "completing 'ingot run --platform ' offers '$offered'"
    offered=$(complete_line ingot ps --format "")
    [[ $offered == "json" ]] || fail "completing 'ingot ps --format ' offers '$offered'"
    [[ $(bash -c 'source "$1" && complete -p ingot' _ \
        "$PREFIX/share/bash-completion/completions/ingot") == "complete -F _ingot ingot" ]] ||
        fail "the completion file does not register _ingot for ingot"
    # Where bash-completion looks for it: completions/ingot under $XDG_DATA_DIRS.
    local loader=/usr/share/bash-completion/bash_completion
    if [[ -f $loader ]]; then
        XDG_DATA_DIRS=$PREFIX/share bash -c 'source "$1" && __load_completion ingot &&
            complete -p ingot' _ "$loader" | grep -q "^complete -F _ingot ingot$" ||
            fail "bash-completion does not load completions/ingot from the prefix"
    fi

    local package=$PREFIX/lib/cmake/Ingot
    for file in IngotConfig.cmake IngotConfigVersion.cmake IngotTargets.cmake IngotImage.cmake; do
        [[ -f $package/$file ]] || fail "no lib/cmake/Ingot/$file"
    done
    # The same major.minor is compatible, another minor is not (before 1.0).
    local major=${VERSION%%.*} minor
    minor=${VERSION#*.}
    minor=${minor%%.*}
    cat >"$WORK/compatible.cmake" <<EOF
cmake_minimum_required(VERSION 3.25)
include("$package/IngotConfigVersion.cmake")
message("\${PACKAGE_VERSION_COMPATIBLE}")
EOF
    compatible() {
        "$CMAKE" -DPACKAGE_FIND_VERSION="$1" -DPACKAGE_FIND_VERSION_MAJOR="${1%%.*}" \
            -DPACKAGE_FIND_VERSION_MINOR="${1#*.}" -P "$WORK/compatible.cmake"
    }
    [[ $(compatible "$major.$minor" 2>&1) == TRUE ]] ||
        fail "find_package(Ingot $major.$minor) would refuse version $VERSION"
    [[ $(compatible "$major.$((minor + 1))" 2>&1) == FALSE ]] ||
        fail "find_package(Ingot $major.$((minor + 1))) would accept version $VERSION"
}

consumer() {
    install_prefix
    local build=$WORK/consumer
    "$CMAKE" -S "$HERE/consumer" -B "$build" -G "$GENERATOR" -DCMAKE_PREFIX_PATH="$PREFIX" \
        >"$WORK/configure.log" 2>&1 || fail "configuring consumer/: $(tail -5 "$WORK/configure.log")"
    "$CMAKE" --build "$build" >"$WORK/build.log" 2>&1 ||
        fail "building consumer/: $(tail -5 "$WORK/build.log")"
    local image=$build/hello.img
    [[ -f $image ]] || fail "ingot_add_image made no hello.img"
    local shown
    shown=$("$PREFIX/bin/ingot" inspect "$image") || fail "ingot inspect hello.img failed"
    grep -Eq '^argv +"hello" "from" "the" "image"$' <<<"$shown" || fail "argv: $shown"
    grep -Eq '^environment +"GREETING=hello"$' <<<"$shown" || fail "environment: $shown"
    grep -Eq '^memory +32 MiB$' <<<"$shown" || fail "memory: $shown"
    # The image follows its target: nothing to do when nothing changed, sealed again when the
    # program is rebuilt.
    "$CMAKE" --build "$build" >"$WORK/rebuild.log" 2>&1 || fail "rebuilding consumer/"
    ! grep -q "Sealing hello" "$WORK/rebuild.log" || fail "the image was sealed again for nothing"
    touch "$build/hello"
    "$CMAKE" --build "$build" >"$WORK/rebuild.log" 2>&1 || fail "rebuilding consumer/"
    grep -q "Sealing hello" "$WORK/rebuild.log" || fail "a changed program was not sealed again"

    local platform
    # -c first: opening a missing /dev/kvm for writing would create a file there.
    if [[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; then
        platform=hvt
    elif command -v qemu-system-x86_64 >/dev/null; then
        platform=qemu # TCG: slower, but the same image
    else
        skip "hello.img was built and checked, but neither /dev/kvm nor qemu-system-x86_64 is here to run it"
    fi
    local output
    output=$(timeout 30 "$PREFIX/bin/ingot" run --platform "$platform" "$image" 2>&1) ||
        fail "ingot run --platform $platform hello.img: $output"
    [[ $output == "hello from the image" ]] || fail "hello.img printed '$output'"
}

deb() {
    command -v dpkg-deb >/dev/null || skip "dpkg-deb is missing"
    command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (Debian package dpkg-dev) is missing"
    "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK" >"$WORK/cpack.log" 2>&1 ||
        fail "cpack: $(tail -5 "$WORK/cpack.log")"
    local package
    package=$WORK/ingot_${VERSION}_$(dpkg --print-architecture).deb
    [[ -f $package ]] || fail "no $(basename "$package"): $(ls "$WORK")"

    local contents
    contents=$(dpkg-deb -c "$package") || fail "dpkg-deb -c failed"
    for file in usr/bin/ingot usr/share/man/man1/ingot.1 usr/share/man/man1/ingot-run.1 \
        usr/share/man/man1/ingot-ps.1 usr/share/bash-completion/completions/ingot \
        usr/lib/cmake/Ingot/IngotConfig.cmake; do
        grep -q " \./$file\$" <<<"$contents" || fail "the package lacks /$file"
    done

    local fields
    fields=$(dpkg-deb -I "$package") || fail "dpkg-deb -I failed"
    grep -q "^ Version: $VERSION\$" <<<"$fields" || fail "Version: $fields"
    grep -q "^ Section: admin\$" <<<"$fields" || fail "Section: $fields"
    grep -q "^ Maintainer: .*<.*@.*>\$" <<<"$fields" || fail "Maintainer: $fields"
    grep -q "^ Recommends: .*qemu-system-x86" <<<"$fields" || fail "Recommends: $fields"
    # dpkg-shlibdeps names the packages of the libraries ingot links.
    local depends
    depends=$(dpkg-deb -f "$package" Depends)
    for library in libc6 "libstdc\\+\\+6" "libfmt[0-9]+" libelf1 libdw1 libxxhash0 libseccomp2; do
        grep -Eq "(^|, )$library" <<<"$depends" || fail "Depends lacks $library: $depends"
    done

    # The packaged (stripped) ingot works: its version, and an image sealed with its kernel.
    dpkg-deb -x "$package" "$WORK/root" || fail "dpkg-deb -x failed"
    local ingot=$WORK/root/usr/bin/ingot
    [[ $("$ingot" --version) == "ingot $VERSION" ]] || fail "packaged ingot --version"
    "$ingot" build /bin/true -o "$WORK/true.img" || fail "the packaged ingot cannot build an image"
    "$ingot" inspect "$WORK/true.img" | grep -q "^kernel " || fail "inspect shows no kernel"
}

case $case_name in
files | consumer | deb) "$case_name" ;;
*) fail "unknown case '$case_name'" ;;
esac
echo "ok: $case_name"
