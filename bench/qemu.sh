#!/usr/bin/env bash
# Boot to program exit under QEMU: Ingot's C hello beside QEMU's floor (a PVH kernel that
# exits at once) and beside Debian's Linux kernel running the same static hello as /init.
# Usage: bench/qemu.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (10), WARMUPS (1), LINUX_KERNEL (default: the newest /boot/vmlinuz-*).
# As root it installs what is missing with apt-get (qemu-system-x86, a Debian kernel).
# Exits non-zero only when a figure that should be measurable could not be; rows that cannot
# run yet (no pvh platform in ingot, no usable KVM) say so and do not fail.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
floor=$build/bin/ingot-bench-qemu-floor.elf
runs=${RUNS:-10}
warmups=${WARMUPS:-1}
greeting="Hello, world!"
tcg_timeout=120 # seconds; a TCG Linux boot takes ~10 s
kvm_timeout=30  # seconds; how long a guest may take under -accel kvm before we call it hung

problems=0
problem() { echo "bench: cannot measure: $*" >&2; problems=$((problems + 1)); }

install_package() { # package: apt-get install it when we are root, else say so
    if [[ $(id -u) -ne 0 ]]; then
        echo "bench: $1 is not installed (run as root to install it)" >&2
        return 1
    fi
    echo "bench: installing $1 with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >&2
}

for tool in "$ingot" "$floor"; do
    [[ -x $tool ]] || { echo "bench: $tool is missing: build $build first" >&2; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null || install_package qemu-system-x86 || exit 1
command -v gcc >/dev/null || { echo "bench: gcc is missing" >&2; exit 1; }

linux_kernel=${LINUX_KERNEL:-}
if [[ -z $linux_kernel ]]; then
    compgen -G '/boot/vmlinuz-*' >/dev/null || install_package linux-image-cloud-amd64 || true
    linux_kernel=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -n 1) || true
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$work/stdout
err=$work/stderr

# ---- The program: one static C hello, packed by ingot and used as Linux's /init.
printf '#include <stdio.h>\nint main(void) { printf("%s\\n"); return 0; }\n' "$greeting" >"$work/hello.c"
gcc -O2 -static "$work/hello.c" -o "$work/hello"
"$ingot" build "$work/hello" -o "$work/hello.img" >/dev/null

# An initramfs (cpio newc, gzip) holding /dev/console and /init = the hello. Written here so
# that neither cpio nor root (for mknod) is needed.
cpio_entry() { # name mode rdev-major rdev-minor [file]
    local name=$1 mode=$2 major=$3 minor=$4 file=${5:-} size=0
    [[ -n $file ]] && size=$(stat -c %s "$file")
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        $((++cpio_inode)) "$mode" 0 0 1 0 "$size" 0 0 "$major" "$minor" $((${#name} + 1)) 0
    printf '%s\0' "$name"
    head -c $(((4 - (110 + ${#name} + 1) % 4) % 4)) /dev/zero # the header and name end 4-aligned
    if [[ -n $file ]]; then
        cat "$file"
        head -c $(((4 - size % 4) % 4)) /dev/zero
    fi
}
cpio_inode=0
{
    cpio_entry dev $((8#40755)) 0 0
    cpio_entry dev/console $((8#20600)) 5 1
    cpio_entry init $((8#100755)) 0 0 "$work/hello"
    cpio_entry 'TRAILER!!!' 0 0 0
} | gzip -9 >"$work/initramfs.gz"

# ---- Helpers (as in bench/run.sh).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) exit 1; m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-"}'; }

# ---- The cases. Each has a label, an accelerator, the exit status QEMU gives when the guest
# did its job, and what its output must contain. isa-debug-exit turns the guest's write of V
# into QEMU's exit status (V << 1) | 1, so a program's exit 0 shows as 1.
qemu=(qemu-system-x86_64 -nodefaults -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=4)
# microvm: Linux cannot calibrate its TSC there (no HPET, no PM timer) and waits forever;
# tsc_early_khz gives it a frequency. panic=-1 turns "Attempted to kill init" into a reboot,
# which -no-reboot turns into QEMU's exit.
linux_append="console=ttyS0 quiet panic=-1 tsc_early_khz=2000000"

names=() kinds=() machines=() accels=() statuses=() expects=() notes=()
add_case() { # kind machine accel status expected-output command...
    local index=${#names[@]} name=$1
    case $1 in
    floor) name="floor $2" ;;
    ingot) name="ingot run --platform qemu" ;;
    kernel) name="qemu -kernel hello.img $2" ;;
    linux) name="linux $2" ;;
    esac
    names+=("$name") kinds+=("$1") machines+=("$2") accels+=("$3") statuses+=("$4") expects+=("$5") notes+=("")
    shift 5
    declare -g -a "case_cmd_$index=()"
    local -n cmd=case_cmd_$index
    cmd=("$@")
}

# Does the image carry a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18)? Before the pvh
# platform lands it does not, and QEMU refuses it.
image_is_pvh() { readelf -n "$1" 2>/dev/null | grep -A1 '^ *Xen ' | grep -q '0x00000012\|PHYS32_ENTRY'; }

for accel in tcg kvm; do
    for machine in microvm pc q35; do
        add_case floor "$machine" "$accel" 1 "" "${qemu[@]}" -accel "$accel" -M "$machine" -kernel "$floor"
    done
    # ingot picks its own machine and accelerator: it is compared with the microvm floor.
    [[ $accel == tcg ]] && add_case ingot microvm tcg 0 "=$greeting" "$ingot" run --platform qemu "$work/hello.img"
    for machine in microvm pc q35; do
        add_case kernel "$machine" "$accel" 1 "$greeting" "${qemu[@]}" -accel "$accel" -M "$machine" -serial stdio -kernel "$work/hello.img"
    done
    add_case linux microvm "$accel" 0 "$greeting" "${qemu[@]}" -accel "$accel" -M microvm -m 256M -serial stdio \
        -kernel "$linux_kernel" -initrd "$work/initramfs.gz" -append "$linux_append"
done

# One run of case $1 with a time limit; sets $status and leaves the output in $out and $err.
run_case() { # index seconds
    local -n cmd=case_cmd_$1
    status=0
    timeout "$2" "${cmd[@]}" >"$out" 2>"$err" </dev/null || status=$?
}
# Did the last run do its job?
correct() { # index
    [[ $status == "${statuses[$1]}" ]] || return 1
    local want=${expects[$1]}
    case $want in
    "") return 0 ;;
    =*) [[ $(<"$out") == "${want#=}" ]] ;;
    *) grep -qF "$want" "$out" ;;
    esac
}

# ---- Which cases can run here: a probe run of each decides, and explains those that cannot.
kvm_note=""
if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
    kvm_note="kvm: not usable here (no /dev/kvm)"
else
    for ((i = 0; i < ${#names[@]}; ++i)); do
        [[ ${accels[$i]} == kvm && ${names[$i]} == "floor microvm" ]] || continue
        run_case "$i" "$kvm_timeout"
        correct "$i" || kvm_note="kvm: not usable here (the floor under -accel kvm: exit $status)"
    done
fi
declare -A skip
for ((i = 0; i < ${#names[@]}; ++i)); do
    kind=${kinds[$i]}
    if [[ ${accels[$i]} == kvm && -n $kvm_note ]]; then
        skip[$i]=1
        continue
    fi
    if [[ $kind == ingot ]]; then
        run_case "$i" "$tcg_timeout"
        if [[ $status == 2 ]] && grep -qiE 'platform.*(not available|unavailable)' "$err"; then
            skip[$i]=1 notes[$i]="not available (ingot says: no platform 'qemu' yet)"
        fi
    elif [[ $kind == kernel ]] && ! image_is_pvh "$work/hello.img"; then
        skip[$i]=1 notes[$i]="not available (the image has no PVH entry note yet)"
    elif [[ $kind == linux && ! -r $linux_kernel ]]; then
        skip[$i]=1 notes[$i]="not available (no Linux kernel: install linux-image-cloud-amd64)"
    elif [[ ${accels[$i]} == kvm ]]; then
        run_case "$i" "$kvm_timeout"
        if ! correct "$i"; then
            skip[$i]=1
            ((status == 124)) && notes[$i]="kvm: not usable here (hangs, killed after ${kvm_timeout} s)" ||
                notes[$i]="kvm: not usable here (exit $status: $(head -c 80 "$err" | tr '\n' ' '))"
        fi
    fi
done

# ---- Rounds interleaving every case that can run: warm-ups first, then the measured runs.
declare -A broken
for ((round = 0; round < warmups + runs; ++round)); do
    for ((i = 0; i < ${#names[@]}; ++i)); do
        [[ -n ${skip[$i]:-} || -n ${broken[$i]:-} ]] && continue
        start=$(now_us)
        run_case "$i" "$tcg_timeout"
        end=$(now_us)
        if ! correct "$i"; then
            problem "${names[$i]} (${accels[$i]}): exit $status, stderr: $(head -c 300 "$err")"
            broken[$i]=1
            continue
        fi
        ((round >= warmups)) && echo $((end - start)) >>"$work/times-$i"
    done
done

# ---- The table.
measured() { [[ -z ${skip[$1]:-} && -z ${broken[$1]:-} ]]; }
median_of() { # kind machine accel: the case's median in µs, or 0
    local i
    for ((i = 0; i < ${#names[@]}; ++i)); do
        if [[ ${kinds[$i]} == "$1" && ${machines[$i]} == "$2" && ${accels[$i]} == "$3" ]] && measured "$i"; then
            median <"$work/times-$i"
            return
        fi
    done
    echo 0
}
verdict() { # value limit comparison(le|ge)
    awk -v v="$1" -v l="$2" -v c="$3" 'BEGIN {
        if (v == "-") print "not measured"; else { v += 0; print ((c == "le") ? v <= l : v >= l) ? "met" : "MISSED" } }'
}

echo "QEMU boot to program exit ($(date -u +%Y-%m-%dT%H:%MZ), $(qemu-system-x86_64 --version | head -n 1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "wall time of the whole qemu (or ingot) process, median of $runs after $warmups warm-up(s), cases interleaved"
echo "linux: ${linux_kernel:-none}, initramfs /init = the same static C hello as hello.img"
for accel in tcg kvm; do
    echo
    echo "-accel $accel"
    if [[ $accel == kvm && -n $kvm_note ]]; then
        echo "   $kvm_note"
        continue
    fi
    printf '   %-32s %10s %10s %10s %9s %10s\n' case median min max /floor linux/this
    linux=$(median_of linux microvm "$accel")
    for ((i = 0; i < ${#names[@]}; ++i)); do
        [[ ${accels[$i]} == "$accel" ]] || continue
        name=${names[$i]}
        if ! measured "$i"; then
            printf '   %-32s %s\n' "$name" "${notes[$i]:-failed}"
            continue
        fi
        m=$(median <"$work/times-$i")
        read -r lo hi < <(sort -n "$work/times-$i" | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo, hi}')
        kind=${kinds[$i]} machine=${machines[$i]}
        r=- l=-
        [[ $kind == floor ]] || r=$(ratio "$m" "$(median_of floor "$machine" "$accel")")
        [[ $kind == linux || $machine != microvm ]] || l=$(ratio "$linux" "$m")
        printf '   %-32s %7s ms %7s ms %7s ms %9s %10s\n' "$name" "$(ms "$m")" "$(ms "$lo")" "$(ms "$hi")" "$r" "$l"
    done
done

# The issue's targets, on TCG microvm: Ingot within 1.5x of the floor, Linux at least 50x slower.
floor_m=$(median_of floor microvm tcg)
ingot_m=$(median_of kernel microvm tcg)
linux_m=$(median_of linux microvm tcg)
over_floor=$(awk -v a="$ingot_m" -v b="$floor_m" 'BEGIN {print (a > 0 && b > 0) ? a / b : "-"}')
under_linux=$(awk -v a="$linux_m" -v b="$ingot_m" 'BEGIN {print (a > 0 && b > 0) ? a / b : "-"}')
echo
echo "targets (TCG microvm, qemu -kernel hello.img):"
echo "   ingot <= 1.5x the floor:       $(verdict "$over_floor" 1.5 le)"
echo "   linux >= 50x ingot:            $(verdict "$under_linux" 50 ge)"
echo "   linux / floor:                 $(ratio "$linux_m" "$floor_m")"

if ((problems)); then
    echo "$problems figure(s) could not be measured: see the messages above" >&2
    exit 1
fi
