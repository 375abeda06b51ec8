#include "bpf_exec.hpp"

#include "ward/base/error.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <linux/seccomp.h>
#include <string>

namespace ward::seccomp::bpf {

namespace {

std::string at(std::size_t index, const sock_filter& insn) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%02x", insn.code);
    return "seccomp program: instruction " + std::to_string(index) + " (code " + code + ", k " +
           std::to_string(insn.k) + "): ";
}

// The opcodes seccomp_check_filter lets through; everything else (byte and
// half-word loads, indirect loads, MOD, the extensions) the kernel refuses.
bool seccomp_allows(uint16_t code) {
    switch (code) {
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_RET | BPF_K:
    case BPF_RET | BPF_A:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_IMM:
    case BPF_LDX | BPF_IMM:
    case BPF_MISC | BPF_TAX:
    case BPF_MISC | BPF_TXA:
    case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_MEM:
    case BPF_ST:
    case BPF_STX:
    case BPF_JMP | BPF_JA:
        return true;
    default:
        break;
    }
    if (BPF_CLASS(code) == BPF_ALU) {
        switch (BPF_OP(code)) {
        case BPF_ADD:
        case BPF_SUB:
        case BPF_MUL:
        case BPF_DIV:
        case BPF_AND:
        case BPF_OR:
        case BPF_XOR:
        case BPF_LSH:
        case BPF_RSH:
            return (code & ~(BPF_CLASS(code) | BPF_OP(code) | BPF_SRC(code))) == 0;
        default:
            return false;
        }
    }
    if (BPF_CLASS(code) == BPF_JMP) {
        switch (BPF_OP(code)) {
        case BPF_JEQ:
        case BPF_JGE:
        case BPF_JGT:
        case BPF_JSET:
            return (code & ~(BPF_CLASS(code) | BPF_OP(code) | BPF_SRC(code))) == 0;
        default:
            return false;
        }
    }
    return false;
}

void check_operands(std::span<const sock_filter> program, std::size_t pc) {
    const sock_filter& insn = program[pc];
    const std::size_t rest = program.size() - pc - 1; // instructions after this one
    uint16_t code = insn.code;
    if (code == (BPF_LD | BPF_W | BPF_ABS) && (insn.k >= sizeof(seccomp_data) || insn.k % 4 != 0))
        fail(at(pc, insn) + "loads outside seccomp_data (offsets 0-60, multiples of 4)");
    if (code == (BPF_ALU | BPF_DIV | BPF_K) && insn.k == 0)
        fail(at(pc, insn) + "divides by zero");
    if ((code == (BPF_ALU | BPF_LSH | BPF_K) || code == (BPF_ALU | BPF_RSH | BPF_K)) &&
        insn.k >= 32)
        fail(at(pc, insn) + "shifts by 32 or more");
    if ((code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) || code == BPF_ST ||
         code == BPF_STX) &&
        insn.k >= BPF_MEMWORDS)
        fail(at(pc, insn) + "uses a scratch slot beyond " + std::to_string(BPF_MEMWORDS - 1));
    if (code == (BPF_JMP | BPF_JA) && insn.k >= rest)
        fail(at(pc, insn) + "jumps past the end of the program");
    if (BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA &&
        (insn.jt >= rest || insn.jf >= rest))
        fail(at(pc, insn) + "jumps past the end of the program");
}

// bpf_check_classic's check_load_and_stores: on every path, a scratch slot
// is written before it is read.
void check_scratch(std::span<const sock_filter> program) {
    std::vector<uint16_t> valid_at(program.size(), 0xffff);
    uint16_t valid = 0;
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const sock_filter& insn = program[pc];
        valid &= valid_at[pc];
        uint16_t code = insn.code;
        if (code == BPF_ST || code == BPF_STX) {
            valid |= static_cast<uint16_t>(1u << insn.k);
        } else if (code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM)) {
            if (!(valid & (1u << insn.k)))
                fail(at(pc, insn) + "reads scratch slot " + std::to_string(insn.k) +
                     " before it is written");
        } else if (code == (BPF_JMP | BPF_JA)) {
            valid_at[pc + 1 + insn.k] &= valid;
            valid = 0xffff;
        } else if (BPF_CLASS(code) == BPF_JMP) {
            valid_at[pc + 1 + insn.jt] &= valid;
            valid_at[pc + 1 + insn.jf] &= valid;
            valid = 0xffff;
        }
    }
}

} // namespace

void validate(std::span<const sock_filter> program) {
    if (program.empty())
        fail("seccomp program: it has no instructions");
    if (program.size() > BPF_MAXINSNS)
        fail("seccomp program: " + std::to_string(program.size()) +
             " instructions, more than the kernel's " + std::to_string(BPF_MAXINSNS));
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        if (!seccomp_allows(program[pc].code))
            fail(at(pc, program[pc]) + "is not an instruction seccomp filters may use");
        check_operands(program, pc);
    }
    check_scratch(program);
    const std::size_t last = program.size() - 1;
    if (BPF_CLASS(program[last].code) != BPF_RET)
        fail(at(last, program[last]) + "the program does not end in a return");
}

bool WordFacts::feasible() const {
    if ((ones & zeros) != 0 || lo > hi)
        return false;
    // The smallest and largest values the known bits allow must meet the bounds.
    if (ones > hi || static_cast<uint32_t>(~zeros) < lo)
        return false;
    const uint32_t known = ones | zeros;
    if (known == 0xffffffff && (ones < lo || ones > hi))
        return false;
    if (lo == hi && ((lo & ones) != ones || (lo & zeros) != 0))
        return false;
    for (const auto& [mask, value] : not_equal) {
        if ((known & mask) == mask && (ones & mask) == value)
            return false;
        if (lo == hi && (lo & mask) == value)
            return false;
    }
    return true;
}

void fix_word(Facts& facts, unsigned index, uint32_t value) {
    WordFacts& w = facts.words[index];
    w.ones = value;
    w.zeros = ~value;
    w.lo = w.hi = value;
}

namespace {

// A register or scratch slot: a constant, (a word of seccomp_data) & mask,
// or something computed from unknown words that the decoder does not follow.
struct Val {
    enum class Kind : uint8_t { known, word, opaque };
    Kind kind = Kind::known;
    uint8_t word = 0;
    uint32_t v = 0; // the constant, or the mask
};

Val known(uint32_t v) {
    return Val{Val::Kind::known, 0, v};
}

struct State {
    std::size_t pc = 0;
    Val a, x;
    Val mem[BPF_MEMWORDS];
    Facts facts;
};

enum class Test { eq, gt, ge, set };

bool holds(Test t, uint32_t a, uint32_t b) {
    switch (t) {
    case Test::eq:
        return a == b;
    case Test::gt:
        return a > b;
    case Test::ge:
        return a >= b;
    case Test::set:
        return (a & b) != 0;
    }
    return false;
}

// Adds "(word & mask) t k" (or its negation) to w; false when no value fits.
bool constrain(WordFacts& w, uint32_t mask, Test t, uint32_t k, bool truth) {
    const bool full = mask == 0xffffffff;
    switch (t) {
    case Test::eq:
        if (truth) {
            if (k & ~mask)
                return false;
            w.ones |= k;
            w.zeros |= mask & ~k;
        } else if ((k & ~mask) == 0) {
            w.not_equal.emplace_back(mask, k);
        }
        break;
    case Test::gt:
        if (!full)
            break; // no bound on the masked value is kept: both ways stay open
        if (truth) {
            if (k == 0xffffffff)
                return false;
            w.lo = std::max(w.lo, k + 1);
        } else {
            w.hi = std::min(w.hi, k);
        }
        break;
    case Test::ge:
        if (!full)
            break;
        if (truth) {
            w.lo = std::max(w.lo, k);
        } else {
            if (k == 0)
                return false;
            w.hi = std::min(w.hi, k - 1);
        }
        break;
    case Test::set: {
        uint32_t bits = mask & k;
        if (truth) {
            if (bits == 0 || (bits & ~w.zeros) == 0)
                return false;
            if (std::has_single_bit(bits))
                w.ones |= bits;
        } else {
            w.zeros |= bits;
        }
        break;
    }
    }
    return w.feasible();
}

Val load(const State& s, uint32_t offset) {
    unsigned index = offset / 4;
    const WordFacts& w = s.facts.words[index];
    if ((w.ones | w.zeros) == 0xffffffff)
        return known(w.ones);
    if (w.lo == w.hi)
        return known(w.lo);
    return Val{Val::Kind::word, static_cast<uint8_t>(index), 0xffffffff};
}

// A = A op operand. Returns false when the path ends here (division by a
// zero X, which makes classic BPF return 0).
Val alu(uint16_t op, Val a, Val b) {
    if (a.kind == Val::Kind::known && b.kind == Val::Kind::known) {
        uint32_t x = a.v, y = b.v;
        switch (op) {
        case BPF_ADD:
            return known(x + y);
        case BPF_SUB:
            return known(x - y);
        case BPF_MUL:
            return known(x * y);
        case BPF_DIV:
            return known(y ? x / y : 0);
        case BPF_AND:
            return known(x & y);
        case BPF_OR:
            return known(x | y);
        case BPF_XOR:
            return known(x ^ y);
        case BPF_LSH:
            return known(y < 32 ? x << y : 0);
        case BPF_RSH:
            return known(y < 32 ? x >> y : 0);
        case BPF_NEG:
            return known(0u - x);
        }
    }
    // libseccomp's SCMP_CMP_MASKED_EQ: load an argument word, AND a mask.
    if (op == BPF_AND && a.kind == Val::Kind::word && b.kind == Val::Kind::known) {
        if ((a.v & b.v) == 0)
            return known(0);
        return Val{Val::Kind::word, a.word, a.v & b.v};
    }
    if (op == BPF_AND && b.kind == Val::Kind::known && b.v == 0)
        return known(0);
    return Val{Val::Kind::opaque, 0, 0};
}

struct Explorer {
    std::span<const sock_filter> program;
    std::size_t cap;
    Budget& budget;
    Run result;
    std::vector<State> pending;

    // Takes `n` steps from the budget, or stops the analysis.
    void spend(std::uint64_t n) {
        if (budget.left < n)
            fail("seccomp program: analysis stopped at the decoder's step limit (" +
                 std::to_string(kMaxSteps) + " steps: one per BPF instruction run, " +
                 std::to_string(kPathSteps) +
                 " per path forked or ended): the program has too many paths to judge");
        budget.left -= n;
    }

    void finish(State& s, std::optional<uint32_t> ret) {
        spend(kPathSteps);
        result.ends.push_back(PathEnd{ret, std::move(s.facts)});
    }

    // Follows a conditional jump; may queue the other branch.
    void branch(State& s, const sock_filter& insn) {
        Test t = BPF_OP(insn.code) == BPF_JEQ   ? Test::eq
                 : BPF_OP(insn.code) == BPF_JGT ? Test::gt
                 : BPF_OP(insn.code) == BPF_JGE ? Test::ge
                                                : Test::set;
        Val a = s.a;
        Val b = BPF_SRC(insn.code) == BPF_X ? s.x : known(insn.k);
        if (t == Test::eq && a.kind == Val::Kind::known && b.kind == Val::Kind::word)
            std::swap(a, b);
        const std::size_t to_true = s.pc + 1 + insn.jt, to_false = s.pc + 1 + insn.jf;
        if (a.kind == Val::Kind::known && b.kind == Val::Kind::known) {
            s.pc = holds(t, a.v, b.v) ? to_true : to_false;
            return;
        }
        if (a.kind == Val::Kind::word && b.kind == Val::Kind::known) {
            if (t == Test::eq && a.word == 0 && a.v == 0xffffffff)
                result.nr_constants.insert(b.v);
            State other = s;
            bool can_true = constrain(s.facts.words[a.word], a.v, t, b.v, true);
            bool can_false = constrain(other.facts.words[a.word], a.v, t, b.v, false);
            other.pc = to_false;
            s.pc = to_true;
            if (can_true && can_false) {
                spend(kPathSteps);
                pending.push_back(std::move(other));
            } else if (can_false)
                s = std::move(other);
            else if (!can_true)
                s.pc = program.size(); // neither: a contradiction, the path ends
            return;
        }
        // Unknown beyond what the facts can say: both ways.
        spend(kPathSteps);
        State other = s;
        other.pc = to_false;
        pending.push_back(std::move(other));
        s.pc = to_true;
    }

    // Runs one state to a return (or a dead end); false when it forked past the cap.
    void step_to_end(State s) {
        while (s.pc < program.size()) {
            spend(1);
            const sock_filter& insn = program[s.pc];
            const uint16_t code = insn.code;
            switch (BPF_CLASS(code)) {
            case BPF_RET:
                if (BPF_RVAL(code) == BPF_K)
                    return finish(s, insn.k);
                return finish(s,
                              s.a.kind == Val::Kind::known ? std::optional(s.a.v) : std::nullopt);
            case BPF_LD:
                s.a = BPF_MODE(code) == BPF_ABS   ? load(s, insn.k)
                      : BPF_MODE(code) == BPF_LEN ? known(sizeof(seccomp_data))
                      : BPF_MODE(code) == BPF_IMM ? known(insn.k)
                                                  : s.mem[insn.k];
                break;
            case BPF_LDX:
                s.x = BPF_MODE(code) == BPF_LEN   ? known(sizeof(seccomp_data))
                      : BPF_MODE(code) == BPF_IMM ? known(insn.k)
                                                  : s.mem[insn.k];
                break;
            case BPF_ST:
                s.mem[insn.k] = s.a;
                break;
            case BPF_STX:
                s.mem[insn.k] = s.x;
                break;
            case BPF_MISC:
                if (BPF_MISCOP(code) == BPF_TAX)
                    s.x = s.a;
                else
                    s.a = s.x;
                break;
            case BPF_ALU: {
                Val operand = BPF_SRC(code) == BPF_X ? s.x : known(insn.k);
                if (BPF_OP(code) == BPF_DIV && BPF_SRC(code) == BPF_X) {
                    if (operand.kind == Val::Kind::known && operand.v == 0)
                        return finish(s, 0u); // classic BPF: X == 0 returns 0
                    if (operand.kind != Val::Kind::known) {
                        State zero = s;
                        finish(zero, 0u);
                    }
                }
                s.a = alu(BPF_OP(code), s.a, operand);
                break;
            }
            case BPF_JMP:
                if (BPF_OP(code) == BPF_JA) {
                    s.pc += 1 + insn.k;
                    continue;
                }
                branch(s, insn);
                continue;
            }
            ++s.pc;
        }
    }

    void explore(const Facts& start) {
        State first;
        first.facts = start;
        pending.push_back(std::move(first));
        while (!pending.empty()) {
            if (result.ends.size() >= cap) {
                result.overflow = true;
                break;
            }
            State s = std::move(pending.back());
            pending.pop_back();
            step_to_end(std::move(s));
        }
    }
};

} // namespace

Run run(std::span<const sock_filter> program, const Facts& start, std::size_t cap, Budget& budget) {
    Explorer explorer{program, cap, budget, {}, {}};
    explorer.explore(start);
    return std::move(explorer.result);
}

} // namespace ward::seccomp::bpf
