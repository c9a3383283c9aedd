#!/bin/sh
# exit_status_is.sh STATUS PROGRAM [ARGS...]: runs PROGRAM, passes (exit 0)
# when it exits with STATUS. For tests of programs whose status is the result.
expected="$1"
shift
"$@"
status=$?
echo "exit status $status (expected $expected)"
[ "$status" -eq "$expected" ]
