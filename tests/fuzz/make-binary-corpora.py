#!/usr/bin/python3
# Writes the seed corpora of the seccomp_bpf and unpack fuzz targets
# (committed; run again only to change the seeds). seccomp_bpf: small
# hand-written programs as struct sock_filter records (an arch check and
# number tests, argument tests with masks, scratch memory and RET A, a
# stack of two filters split by a code-0xffff record, one the kernel
# refuses). unpack: generator inputs, fixed random bytes of a few sizes.
import os, random, struct, sys

here = os.path.dirname(os.path.abspath(__file__))
corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')

LD_W_ABS, JEQ_K, JGT_K, JGE_K, JSET_K = 0x20, 0x15, 0x25, 0x35, 0x45
RET_K, RET_A, JA, ALU_AND_K, ST, LD_MEM, TAX, LDX_IMM, ALU_DIV_X = (
    0x06, 0x16, 0x05, 0x54, 0x02, 0x60, 0x07, 0x01, 0x3c)
ALLOW, KILL_PROCESS, ERRNO, TRAP, LOG, NOTIFY = (
    0x7fff0000, 0x80000000, 0x00050000, 0x00030000, 0x7ffc0000, 0x7fc00000)
X86_64, AARCH64 = 0xc000003e, 0xc00000b7


def insn(code, jt, jf, k):
    return struct.pack('<HBBI', code, jt, jf, k)


def program(*insns):
    return b''.join(insns)


SEPARATOR = insn(0xffff, 0, 0, 0)
arch_x86_64 = [insn(LD_W_ABS, 0, 0, 4), insn(JEQ_K, 1, 0, X86_64), insn(RET_K, 0, 0, KILL_PROCESS)]
bpf = {
    'allow-all': insn(RET_K, 0, 0, ALLOW),
    # getpid -> ERRNO(3), write's fd > 2 -> TRAP, the rest allowed
    'hand-written': program(*arch_x86_64, insn(LD_W_ABS, 0, 0, 0), insn(JEQ_K, 0, 1, 39),
                            insn(RET_K, 0, 0, ERRNO | 3), insn(JEQ_K, 0, 3, 1),
                            insn(LD_W_ABS, 0, 0, 16), insn(JGT_K, 0, 1, 2), insn(RET_K, 0, 0, TRAP),
                            insn(RET_K, 0, 0, ALLOW)),
    'masked-scratch': program(insn(LD_W_ABS, 0, 0, 4), insn(JEQ_K, 1, 0, AARCH64),
                              insn(RET_K, 0, 0, KILL_PROCESS), insn(LD_W_ABS, 0, 0, 0),
                              insn(JGE_K, 0, 6, 200), insn(LD_W_ABS, 0, 0, 24),
                              insn(ALU_AND_K, 0, 0, 0xff00), insn(JSET_K, 0, 1, 0x0f00),
                              insn(RET_K, 0, 0, ERRNO | 1), insn(ST, 0, 0, 3), insn(LD_MEM, 0, 0, 3),
                              insn(TAX, 0, 0, 0), insn(LDX_IMM, 0, 0, 0), insn(ALU_DIV_X, 0, 0, 0),
                              insn(RET_A, 0, 0, 0), insn(JA, 0, 0, 0), insn(RET_K, 0, 0, LOG)),
    'stack-of-two': program(insn(LD_W_ABS, 0, 0, 0), insn(JEQ_K, 0, 1, 0),
                            insn(RET_K, 0, 0, ERRNO | 9), insn(RET_K, 0, 0, ALLOW), SEPARATOR,
                            *arch_x86_64, insn(LD_W_ABS, 0, 0, 0), insn(JEQ_K, 0, 1, 59),
                            insn(RET_K, 0, 0, NOTIFY), insn(RET_K, 0, 0, ALLOW)),
    'jump-past-end': program(insn(LD_W_ABS, 0, 0, 0), insn(JA, 0, 0, 0xfffffffe),
                             insn(RET_K, 0, 0, ALLOW)),
}
os.makedirs(os.path.join(corpus, 'seccomp_bpf'), exist_ok=True)
for name, data in bpf.items():
    with open(os.path.join(corpus, 'seccomp_bpf', name), 'wb') as f:
        f.write(data)

rng = random.Random(14)
os.makedirs(os.path.join(corpus, 'unpack'), exist_ok=True)
for n in (16, 64, 128, 256, 512, 1024, 2048, 4096):
    with open(os.path.join(corpus, 'unpack', 'gen-%d' % n), 'wb') as f:
        f.write(bytes(rng.randrange(256) for _ in range(n)))
