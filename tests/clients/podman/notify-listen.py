#!/usr/bin/env python3
# The host side of NOTIFY_SOCKET for the sdnotify check: binds a unix
# datagram socket at PATH and appends each datagram it gets to LOG as one
# line "<ms since start> <text with newlines as \n>". Received without
# ancillary data, so an fd sent along (sd_notify's BARRIER=1) is closed at
# once, which is the barrier's answer. Exits after LIMIT seconds at most.
import os, socket, sys, time

path, log, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.monotonic()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)
with open(log, "a", buffering=1) as out:
    while True:
        left = limit - (time.monotonic() - start)
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(4096)
        except socket.timeout:
            break
        ms = int((time.monotonic() - start) * 1000)
        out.write("%d %s\n" % (ms, data.decode(errors="replace").replace("\n", "\\n")))
s.close()
os.unlink(path)
