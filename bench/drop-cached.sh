#!/bin/sh
# drop-cached.sh BINARY...: each BINARY and the shared libraries it loads
# out of the page cache, by those files' own pages (no host setting):
# the cold rows of bench/start.sh and the read-back of startup.sh and
# verbs.sh. Pages another process has mapped (libc's, for one) stay. Each
# file is written back first: the kernel does not drop dirty pages, so a
# binary fresh from the link stayed cached, in the large folios its
# writing made, and a "cold" start found it warm.
for binary; do
    for f in "$binary" $(ldd "$binary" 2>/dev/null | awk '$1 ~ /^\// {print $1} $3 ~ /^\// {print $3}'); do
        sync "$f"
        dd if="$f" iflag=nocache count=0 status=none
    done
done
