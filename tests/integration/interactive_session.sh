#!/usr/bin/env bash
# A conversation with a guest through pipes: each line is sent only after the answer to the
# previous one came back, so stdin must reach the guest (and its answer the host) while the
# pipe is still open; then stdin is closed and the guest must see EOF.
#   interactive_session.sh COMMAND...     (COMMAND runs the stdin_lines program)
# Prints the transcript on stdout and exits with the guest's status (or 1 on a stall).
set -u
coproc GUEST { "$@"; }
to_guest=${GUEST[1]}
from_guest=${GUEST[0]}

expect() { # what the next guest line must be
    local line
    if ! IFS= read -r -t 10 line <&"$from_guest"; then
        echo "STALL: no line from the guest within 10s (expected '$1')"
        kill "$GUEST_PID" 2>/dev/null
        exit 1
    fi
    echo "guest: $line"
    if [ "$line" != "$1" ]; then
        echo "MISMATCH: expected '$1'"
        exit 1
    fi
}

n=0
expect "ready"
for word in one "two words" three; do
    echo "host: $word"
    printf '%s\n' "$word" >&"$to_guest"
    expect "line $((++n)): <$word> (${#word} chars)"
done
eval "exec $to_guest>&-" # EOF for the guest
echo "host: (EOF)"
expect "eof after 3 lines"
wait "$GUEST_PID"
status=$?
echo "guest exited with status $status"
exit "$status"
