#!/usr/bin/python3
# Writes the seed corpus of the tar_reader fuzz target (committed; run again
# only to change the seeds): small archives of every header kind the reader
# knows, compressed copies, and a few broken ones.
import gzip, io, os, subprocess, sys, tarfile

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus', 'tar_reader')
os.makedirs(out, exist_ok=True)

def archive(fmt, build, global_headers=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=fmt, pax_headers=global_headers) as t:
        build(t)
    data = buf.getvalue()
    # Keep the two end blocks, drop the record padding: smaller seeds.
    body = data.rstrip(b'\0')
    body += b'\0' * (-len(body) % 512)
    return body + b'\0' * 1024

def add(t, name, kind=tarfile.REGTYPE, data=b'', **kw):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    for k, v in kw.items():
        setattr(info, k, v)
    t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

def basic(t):
    add(t, 'etc', tarfile.DIRTYPE, mode=0o755)
    add(t, 'etc/passwd', data=b'root:x:0:0::/root:/bin/sh\n', mode=0o644)
    add(t, 'bin/sh', tarfile.SYMTYPE, linkname='busybox')
    add(t, 'bin/sh2', tarfile.LNKTYPE, linkname='etc/passwd')
    add(t, 'dev/null', tarfile.CHRTYPE, devmajor=1, devminor=3)
    add(t, 'run/fifo', tarfile.FIFOTYPE)

def long_names(t):
    add(t, 'd' * 120 + '/' + 'f' * 150, data=b'x' * 700, uid=3000000, mtime=1700000000.5)
    add(t, 'l', tarfile.SYMTYPE, linkname='t' * 300)

def xattrs(t):
    info = tarfile.TarInfo('cap')
    info.pax_headers = {'SCHILY.xattr.security.capability': '\x01\x00\x00\x02',
                        'SCHILY.xattr.user.x': 'y'}
    t.addfile(info, io.BytesIO(b''))
    add(t, '.wh..wh..opq')
    add(t, 'a/.wh.b')

seeds = {
    'ustar': archive(tarfile.USTAR_FORMAT, basic),
    'pax': archive(tarfile.PAX_FORMAT, basic),
    'gnu': archive(tarfile.GNU_FORMAT, basic),
    'pax-long': archive(tarfile.PAX_FORMAT, long_names),
    'gnu-long': archive(tarfile.GNU_FORMAT, long_names),
    'pax-xattrs': archive(tarfile.PAX_FORMAT, xattrs),
    'empty': b'\0' * 1024,
}
# A global header: tarfile writes one when pax_headers= is given to open().
seeds['pax-global'] = archive(tarfile.PAX_FORMAT, basic, {'comment': 'global'})
# Many global headers, some cancelling others (an empty value), up to past
# the reader's cap on records in force (64).
def global_header(records):
    return tarfile.TarInfo._create_pax_generic_header(records, tarfile.XGLTYPE, 'utf-8')
many = b''.join(global_header({'vendor.k%d' % i: 'v' * i}) for i in range(10))
many += global_header({'vendor.k%d' % i: '' for i in range(10)})
many += global_header({'vendor.n%d' % i: 'n' for i in range(70)})
seeds['pax-global-many'] = many + seeds['ustar']
seeds['gzip'] = gzip.compress(seeds['pax'], mtime=0)
seeds['zstd'] = subprocess.run(['zstd', '-q', '-c'], input=seeds['gnu'], capture_output=True, check=True).stdout
seeds['truncated'] = seeds['ustar'][:700]
bad = bytearray(seeds['ustar'])
bad[148:156] = b'0000000\0'
seeds['bad-checksum'] = bytes(bad)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
