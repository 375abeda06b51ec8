// Private to seccomp/: checking a classic-BPF seccomp program as the kernel
// does, and running it with the architecture known and the rest of
// seccomp_data (instruction pointer, arguments, optionally the syscall
// number) unknown. A jump that depends on an unknown word follows both
// branches, each remembering what it learnt about the word (known bits,
// bounds, values it is not), so a path the earlier tests rule out is not
// taken: what bpf_decode.cpp turns into per-syscall verdicts.
#pragma once

#include <cstdint>
#include <linux/filter.h>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <vector>

namespace ward::seccomp::bpf {

// Throws ward::Error naming the instruction for a program the kernel's
// seccomp_check_filter / bpf_check_classic would refuse: empty or longer
// than BPF_MAXINSNS, an opcode seccomp does not allow, a jump out of the
// program (classic BPF only jumps forward), a load outside seccomp_data or
// not 32-bit aligned, a scratch slot read before it is written on some
// path, a division or shift by an invalid constant, no RET at the end.
void validate(std::span<const sock_filter> program);

// What a path knows about one 32-bit word of seccomp_data.
struct WordFacts {
    uint32_t ones = 0;  // bits known to be set
    uint32_t zeros = 0; // bits known to be clear
    uint32_t lo = 0, hi = 0xffffffff;
    std::vector<std::pair<uint32_t, uint32_t>> not_equal; // (mask, value): word & mask != value
    bool feasible() const;
};

// seccomp_data is 64 bytes: 16 words (nr, arch, ip lo/hi, 6 args lo/hi).
inline constexpr unsigned kWords = 16;

struct Facts {
    WordFacts words[kWords];
};

struct PathEnd {
    std::optional<uint32_t> ret; // nullopt: RET A with A unknown
    Facts facts;                 // what this path assumed
};

struct Run {
    std::vector<PathEnd> ends;
    bool overflow = false; // more paths than the cap: `ends` is partial
    // Constants the program compared the syscall number with (JEQ), when
    // the number was unknown.
    std::set<uint32_t> nr_constants;
};

// Steps one analysis may take over all its runs: one per instruction run,
// kPathSteps per path forked or ended (a path copies what it knows, about
// a kilobyte, and an end is kept until the run's verdict). A hostile
// program (thousands of tests on a computed value, each doubling the
// paths) would otherwise run for hours; the limit ends it in seconds. A
// real profile's program takes far fewer (see docs/testing.md).
inline constexpr std::uint64_t kMaxSteps = std::uint64_t{1} << 23; // 8388608
inline constexpr std::uint64_t kPathSteps = 32;

struct Budget {
    std::uint64_t left = kMaxSteps;
};

// Runs `program` from `start` (word 1, the arch, must be fixed in it; word
// 0, the number, may be fixed or only bounded). At most `cap` paths. The
// steps taken come out of `budget`; when it runs out, throws ward::Error
// naming the limit.
Run run(std::span<const sock_filter> program, const Facts& start, std::size_t cap, Budget& budget);

// Facts with word `index` fixed to `value`.
void fix_word(Facts& facts, unsigned index, uint32_t value);

} // namespace ward::seccomp::bpf
