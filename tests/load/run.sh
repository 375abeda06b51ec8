#!/bin/sh
# The load lane: 200 create/start/wait/delete (and run) cycles 8 at a time
# through ward, every exit status and state checked, nothing left after.
# bench/load.sh does the side-by-side figures with runc and crun.
cd "$(dirname "$0")/../.." || exit 1
CHECK=1 CYCLES=${CYCLES:-200} WIDTH=${WIDTH:-8} RUNTIMES=ward exec bench/load.sh
