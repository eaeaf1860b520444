# shellcheck shell=bash
# Writes a gzip'd cpio (newc) initramfs without cpio and without root (no mknod needed):
# sourced by the benchmarks that boot a Linux guest.
#   make_initramfs OUTPUT ENTRY...
# ENTRY is one of:  dir:NAME   console:NAME (character device 5:1)   file:NAME=SOURCE (mode 0755,
# a symbolic link SOURCE is followed)   tree:NAME=DIRECTORY (its directories and files, below NAME)
# NAME has no leading slash. The directories above each NAME are made first: Linux's unpacker
# creates no missing parents (init/initramfs.c).

_initramfs_inode=0
_initramfs_entry() { # name mode rdev-major rdev-minor [file]
    local name=$1 mode=$2 major=$3 minor=$4 file=${5:-} size=0
    [[ -n $file ]] && size=$(stat -L -c %s "$file")
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        $((++_initramfs_inode)) "$mode" 0 0 1 0 "$size" 0 0 "$major" "$minor" $((${#name} + 1)) 0
    printf '%s\0' "$name"
    head -c $(((4 - (110 + ${#name} + 1) % 4) % 4)) /dev/zero # the header and name end 4-aligned
    if [[ -n $file ]]; then
        cat "$file"
        head -c $(((4 - size % 4) % 4)) /dev/zero
    fi
}

_initramfs_directory() { # name: once, after its parents
    [[ $1 == . || -n ${_initramfs_made[$1]:-} ]] && return
    _initramfs_directory "$(dirname "$1")"
    _initramfs_made[$1]=1
    _initramfs_entry "$1" $((8#40755)) 0 0
}

make_initramfs() { # output entry...
    local output=$1 entry name source path
    local -A _initramfs_made=()
    shift
    {
        for entry in "$@"; do
            name=${entry#*:}
            name=${name%%=*}
            source=${entry#*=}
            [[ $entry != dir:* ]] && _initramfs_directory "$(dirname "$name")"
            case $entry in
            dir:*) _initramfs_directory "$name" ;;
            console:*) _initramfs_entry "$name" $((8#20600)) 5 1 ;;
            file:*) _initramfs_entry "$name" $((8#100755)) 0 0 "$source" ;;
            tree:*)
                _initramfs_directory "$name"
                while IFS= read -r -d '' path; do
                    if [[ -d $path ]]; then
                        _initramfs_directory "$name/${path#"$source"/}"
                    else
                        _initramfs_entry "$name/${path#"$source"/}" $((8#100755)) 0 0 "$path"
                    fi
                done < <(find "$source" -mindepth 1 -print0 | sort -z)
                ;;
            *)
                echo "make_initramfs: bad entry '$entry'" >&2
                return 1
                ;;
            esac
        done
        _initramfs_entry 'TRAILER!!!' 0 0 0
    } | gzip -6 >"$output"
}
