#!/usr/bin/env bash
# One integration case: run a command, capture stdout and stderr separately, check them.
#
#   run_case.sh [options] -- COMMAND [ARGS...]
#
# Options (the regex ones may be repeated; regexes are grep -E, matched line by line):
#   --workdir DIR             run in DIR (created if missing)
#   --needs-kvm               exit 77 (skipped) unless /dev/kvm opens read-write
#                             (RUN_CASE_KVM_DEVICE names another path, to test the skip)
#   --needs-qemu              exit 77 (skipped) unless qemu-system-x86_64 is found ($INGOT_QEMU,
#                             else the PATH), as `ingot run --platform qemu` looks for it
#   --skip REASON             exit 77 (skipped) at once, e.g. a missing compiler
#   --status N                expected exit status (default 0)
#   --stdin FILE              feed FILE on stdin (default: /dev/null)
#   --stdin-cmd SHELL_CMD     feed the output of SHELL_CMD on stdin, through a pipe
#   --stdout-regex RE         some stdout line must match RE
#   --stdout-not-regex RE     no stdout line may match RE
#   --stdout-file FILE        stdout must equal FILE exactly
#   --stdout-empty            stdout must be empty
#   --stdout-bytes N          stdout must hold exactly N bytes
#   --stdout-lines N          stdout must hold exactly N lines
#   --stderr-regex RE         some stderr line must match RE
#   --stderr-not-regex RE     no stderr line may match RE
#   --stderr-file FILE        stderr must equal FILE exactly
#   --stderr-empty            stderr must be empty
#   --stderr-lines N          stderr must hold exactly N lines
#   --stderr-count RE N       exactly N stderr lines must match RE
#   --stderr-allow RE         every stderr line must match one of the --stderr-allow REs
#   --no-file PATH            PATH is removed first and must not exist afterwards
#   --file-exists PATH        PATH must exist (non-empty) afterwards
#   --no-core                 no core dump may appear in the working directory (default on)
#
# Whatever the options, stderr must never show an internal error or a sanitizer report.
# Exit status: 0 when every check passed, 1 when one failed, 77 when skipped.
set -u

die_usage() {
    echo "run_case.sh: $*" >&2
    exit 1
}

workdir=""
needs_kvm=0
needs_qemu=0
skip_reason=""
expected_status=0
stdin_file=/dev/null
stdin_cmd=""
stdout_regex=() stdout_not_regex=() stderr_regex=() stderr_not_regex=()
stderr_count_re=() stderr_count_n=() stderr_allow=()
stdout_file="" stderr_file=""
stdout_empty=0 stderr_empty=0
stdout_bytes="" stdout_lines="" stderr_lines=""
no_files=() exist_files=()
timeout_seconds=${RUN_CASE_TIMEOUT:-50}

while [ $# -gt 0 ]; do
    case "$1" in
    --workdir) workdir=$2; shift 2 ;;
    --needs-kvm) needs_kvm=1; shift ;;
    --needs-qemu) needs_qemu=1; shift ;;
    --skip) skip_reason=$2; shift 2 ;;
    --status) expected_status=$2; shift 2 ;;
    --stdin) stdin_file=$2; shift 2 ;;
    --stdin-cmd) stdin_cmd=$2; shift 2 ;;
    --stdout-regex) stdout_regex+=("$2"); shift 2 ;;
    --stdout-not-regex) stdout_not_regex+=("$2"); shift 2 ;;
    --stdout-file) stdout_file=$2; shift 2 ;;
    --stdout-empty) stdout_empty=1; shift ;;
    --stdout-bytes) stdout_bytes=$2; shift 2 ;;
    --stdout-lines) stdout_lines=$2; shift 2 ;;
    --stderr-regex) stderr_regex+=("$2"); shift 2 ;;
    --stderr-not-regex) stderr_not_regex+=("$2"); shift 2 ;;
    --stderr-file) stderr_file=$2; shift 2 ;;
    --stderr-empty) stderr_empty=1; shift ;;
    --stderr-lines) stderr_lines=$2; shift 2 ;;
    --stderr-count) stderr_count_re+=("$2"); stderr_count_n+=("$3"); shift 3 ;;
    --stderr-allow) stderr_allow+=("$2"); shift 2 ;;
    --no-file) no_files+=("$2"); shift 2 ;;
    --file-exists) exist_files+=("$2"); shift 2 ;;
    --no-core) shift ;;
    --timeout) timeout_seconds=$2; shift 2 ;;
    --) shift; break ;;
    *) die_usage "unknown option '$1'" ;;
    esac
done
[ $# -gt 0 ] || die_usage "no command given (put it after --)"

if [ -n "$skip_reason" ]; then
    echo "SKIPPED: $skip_reason"
    exit 77
fi
if [ "$needs_kvm" = 1 ]; then
    kvm=${RUN_CASE_KVM_DEVICE:-/dev/kvm} # overridable to test this very check
    if [ ! -e "$kvm" ]; then
        echo "SKIPPED: $kvm does not exist on this host"
        exit 77
    fi
    if ! (exec 3<>"$kvm") 2>/dev/null; then
        echo "SKIPPED: $kvm cannot be opened read-write by $(id -un 2>/dev/null || id -u)"
        exit 77
    fi
fi
if [ "$needs_qemu" = 1 ]; then
    qemu=${INGOT_QEMU:-$(command -v qemu-system-x86_64)}
    if [ -z "$qemu" ] || [ ! -x "$qemu" ]; then
        echo "SKIPPED: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
        exit 77
    fi
fi

if [ -n "$workdir" ]; then
    if ! mkdir -p "$workdir" || ! cd "$workdir"; then
        die_usage "cannot use working directory '$workdir'"
    fi
fi
for path in ${no_files[@]+"${no_files[@]}"}; do
    rm -f -- "$path"
done
out=$(mktemp "${TMPDIR:-/tmp}/run_case.out.XXXXXX")
err=$(mktemp "${TMPDIR:-/tmp}/run_case.err.XXXXXX")
trap 'rm -f "$out" "$err"' EXIT
count_cores() {
    local n=0 f
    for f in core core.[0-9]*; do
        [ -e "$f" ] && n=$((n + 1))
    done
    echo "$n"
}
cores_before=$(count_cores)

# The command runs under timeout(1) so a hang still shows what it printed before CTest's own
# TIMEOUT would kill everything silently.
if [ -n "$stdin_cmd" ]; then
    bash -c "$stdin_cmd" | timeout -k 5 "$timeout_seconds" "$@" >"$out" 2>"$err"
    status=${PIPESTATUS[1]}
else
    timeout -k 5 "$timeout_seconds" "$@" <"$stdin_file" >"$out" 2>"$err"
    status=$?
fi

failures=()
fail() { failures+=("$*"); }

if [ "$status" = 124 ] && [ "$expected_status" != 124 ]; then
    fail "the command timed out after ${timeout_seconds}s"
elif [ "$status" != "$expected_status" ]; then
    fail "exit status $status, expected $expected_status"
fi

line_count() { wc -l <"$1" | tr -d ' '; }
for re in ${stdout_regex[@]+"${stdout_regex[@]}"}; do
    grep -Eq -- "$re" "$out" || fail "stdout has no line matching: $re"
done
for re in ${stdout_not_regex[@]+"${stdout_not_regex[@]}"}; do
    if grep -Eq -- "$re" "$out"; then
        fail "stdout has a line matching what is forbidden: $re"$'\n'"    $(grep -Em3 -- "$re" "$out")"
    fi
done
default_forbidden=('ingot: internal error' 'AddressSanitizer|LeakSanitizer|runtime error:' '[Cc]ore dumped')
for re in ${stderr_regex[@]+"${stderr_regex[@]}"}; do
    grep -Eq -- "$re" "$err" || fail "stderr has no line matching: $re"
done
for re in ${stderr_not_regex[@]+"${stderr_not_regex[@]}"} "${default_forbidden[@]}"; do
    if grep -Eq -- "$re" "$err"; then
        fail "stderr has a line matching what is forbidden: $re"$'\n'"    $(grep -Em3 -- "$re" "$err")"
    fi
done
for i in ${stderr_count_re[@]+"${!stderr_count_re[@]}"}; do
    n=$(grep -Ec -- "${stderr_count_re[$i]}" "$err")
    [ "$n" = "${stderr_count_n[$i]}" ] ||
        fail "stderr has $n lines matching '${stderr_count_re[$i]}', expected ${stderr_count_n[$i]}"
done
if [ ${#stderr_allow[@]} -gt 0 ]; then
    allowed=$(printf '%s\n' "${stderr_allow[@]}")
    if [ "$(grep -Evc -e "$allowed" "$err")" != 0 ]; then
        fail "stderr has lines no --stderr-allow matches:"$'\n'"    $(grep -Ev -e "$allowed" "$err" | head -3)"
    fi
fi
if [ -n "$stdout_file" ] && ! cmp -s "$stdout_file" "$out"; then
    fail "stdout differs from $stdout_file:"$'\n'"$(diff -u "$stdout_file" "$out" | head -40)"
fi
if [ -n "$stderr_file" ] && ! cmp -s "$stderr_file" "$err"; then
    fail "stderr differs from $stderr_file:"$'\n'"$(diff -u "$stderr_file" "$err" | head -40)"
fi
[ "$stdout_empty" = 0 ] || [ ! -s "$out" ] || fail "stdout is not empty"
[ "$stderr_empty" = 0 ] || [ ! -s "$err" ] || fail "stderr is not empty"
if [ -n "$stdout_bytes" ]; then
    n=$(wc -c <"$out" | tr -d ' ')
    [ "$n" = "$stdout_bytes" ] || fail "stdout holds $n bytes, expected $stdout_bytes"
fi
if [ -n "$stdout_lines" ]; then
    n=$(line_count "$out")
    [ "$n" = "$stdout_lines" ] || fail "stdout holds $n lines, expected $stdout_lines"
fi
if [ -n "$stderr_lines" ]; then
    n=$(line_count "$err")
    [ "$n" = "$stderr_lines" ] || fail "stderr holds $n lines, expected $stderr_lines"
fi
for path in ${no_files[@]+"${no_files[@]}"}; do
    [ ! -e "$path" ] || fail "'$path' exists but the command should have left no file behind"
done
for path in ${exist_files[@]+"${exist_files[@]}"}; do
    [ -s "$path" ] || fail "'$path' was not written"
done
cores_after=$(count_cores)
[ "$cores_after" -le "$cores_before" ] || fail "a core dump appeared in $(pwd)"

show() { # name file
    local size
    size=$(wc -c <"$2" | tr -d ' ')
    if [ "$size" = 0 ]; then
        echo "--- $1: (empty)"
    else
        echo "--- $1 ($size bytes, first 60 lines):"
        head -n 60 "$2" | cut -c1-300
    fi
}

if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED: $(printf '%q ' "$@")"
    for f in "${failures[@]}"; do
        echo "  * $f"
    done
    show stdout "$out"
    show stderr "$err"
    exit 1
fi
echo "passed: $(printf '%q ' "$@") (status $status)"
exit 0
