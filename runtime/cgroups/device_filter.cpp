// Device rules → reduced decision chains → eBPF instructions. The meaning
// of a rule list is in the header; device_allowed() is its executable form,
// and reduction only ever drops rules that cannot change an answer.
#include "ward/cgroups/device_filter.hpp"

#include "ward/base/error.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace ward::cgroups {
namespace {

// The kernel's dev_t holds a 12-bit major and a 20-bit minor: a rule asking
// for more matches no device.
constexpr int64_t kMaxMajor = 0xfff;
constexpr int64_t kMaxMinor = 0xfffff;

DeviceRule allow_char(int64_t major, int64_t minor) {
    return DeviceRule{true, 'c', major, minor, kDevAll};
}

unsigned access_bits(const std::string& access) {
    if (access.empty())
        return kDevAll;
    unsigned bits = 0;
    for (char c : access)
        bits |= c == 'r' ? kDevRead : c == 'w' ? kDevWrite : kDevMknod; // parse checked r/w/m
    return bits;
}

int64_t device_number(const std::optional<int64_t>& value, const std::string& field) {
    if (!value)
        return kAnyNumber;
    if (*value < kAnyNumber)
        fail("config.json: " + field + ": " + std::to_string(*value) +
             " is not a device number (-1 or absent means any)");
    return *value;
}

bool matches_some_device(const DeviceRule& r) {
    return r.major <= kMaxMajor && r.minor <= kMaxMinor;
}

bool matches_every_device(const DeviceRule& r) {
    return r.type == 'a' && r.major == kAnyNumber && r.minor == kAnyNumber;
}

bool field_matches(int64_t rule, int64_t value) {
    return rule == kAnyNumber || rule == value;
}

bool fields_overlap(int64_t a, int64_t b) {
    return a == kAnyNumber || b == kAnyNumber || a == b;
}

// Some device matches both.
bool overlap(const DeviceRule& a, const DeviceRule& b) {
    return (a.type == 'a' || b.type == 'a' || a.type == b.type) &&
           fields_overlap(a.major, b.major) && fields_overlap(a.minor, b.minor);
}

// Every device `inner` matches, `outer` matches too.
bool covers(const DeviceRule& outer, const DeviceRule& inner) {
    return (outer.type == 'a' || outer.type == inner.type) &&
           (outer.major == kAnyNumber || outer.major == inner.major) &&
           (outer.minor == kAnyNumber || outer.minor == inner.minor);
}

// Rule i of a first-match chain never decides anything another rule (or the
// default) would not decide the same way: a later rule covering it with the
// same answer comes before any later rule that overlaps it with the other.
bool redundant(const std::vector<DeviceRule>& chain, bool default_allow, size_t i) {
    for (size_t j = 0; j < i; ++j)
        if (covers(chain[j], chain[i]))
            return true; // shadowed: never reached
    for (size_t k = i + 1; k < chain.size(); ++k) {
        if (!overlap(chain[k], chain[i]))
            continue;
        if (chain[k].allow != chain[i].allow)
            return false;
        if (covers(chain[k], chain[i]))
            return true;
    }
    return chain[i].allow == default_allow;
}

// The first-match chain deciding one access bit.
DeviceChain chain_for(const std::vector<DeviceRule>& rules, unsigned bit) {
    DeviceChain chain;
    chain.access = bit;
    // Walking from the last rule: the first one seen decides first.
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
        if (!(it->access & bit) || !matches_some_device(*it))
            continue;
        if (matches_every_device(*it)) {
            chain.default_allow = it->allow;
            break;
        }
        DeviceRule r = *it;
        r.access = bit;
        chain.rules.push_back(r);
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < chain.rules.size(); ++i)
            if (redundant(chain.rules, chain.default_allow, i)) {
                chain.rules.erase(chain.rules.begin() + static_cast<std::ptrdiff_t>(i));
                changed = true;
                break;
            }
    }
    return chain;
}

bool same_decisions(const DeviceChain& a, const DeviceChain& b) {
    if (a.default_allow != b.default_allow || a.rules.size() != b.rules.size())
        return false;
    for (size_t i = 0; i < a.rules.size(); ++i) {
        DeviceRule x = a.rules[i], y = b.rules[i];
        x.access = y.access = 0;
        if (!(x == y))
            return false;
    }
    return true;
}

// A tiny assembler: forward jumps to labels, and no unreachable
// instruction (the verifier refuses them): code after a jump or exit is
// dropped until a label someone jumps to is placed.
class Assembler {
  public:
    using Label = size_t;

    Label new_label() {
        labels_.push_back({});
        return labels_.size() - 1;
    }

    void emit(bpf_insn insn) {
        if (reachable_)
            code_.push_back(insn);
    }

    // Conditional jump (code: BPF_JMP | BPF_JNE/BPF_JEQ | BPF_K) on reg vs imm.
    void jump_if(uint8_t op, uint8_t reg, int32_t imm, Label to) {
        if (!reachable_)
            return;
        labels_[to].uses.push_back(code_.size());
        code_.push_back(bpf_insn{static_cast<uint8_t>(BPF_JMP | op | BPF_K), reg, 0, 0, imm});
    }

    void jump(Label to) {
        if (!reachable_)
            return;
        labels_[to].uses.push_back(code_.size());
        code_.push_back(bpf_insn{BPF_JMP | BPF_JA, 0, 0, 0, 0});
        reachable_ = false;
    }

    void exit_with(int32_t value) {
        emit(bpf_insn{BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, value});
        emit(bpf_insn{BPF_JMP | BPF_EXIT, 0, 0, 0, 0});
        reachable_ = false;
    }

    // Places the label here. A jump to it just before it is dropped, unless
    // another label already points past that jump.
    void place(Label label) {
        auto& uses = labels_[label].uses;
        if (!uses.empty() && uses.back() + 1 == code_.size() && pinned_ != code_.size() &&
            code_.back().code == (BPF_JMP | BPF_JA)) {
            code_.pop_back();
            uses.pop_back();
            reachable_ = true;
        }
        labels_[label].at = code_.size();
        if (!uses.empty()) {
            reachable_ = true;
            pinned_ = code_.size();
        }
    }

    bool referenced(Label label) const { return !labels_[label].uses.empty(); }
    bool reachable() const { return reachable_; }

    std::vector<bpf_insn> finish() {
        for (const auto& label : labels_)
            for (size_t use : label.uses) {
                auto offset = static_cast<int64_t>(label.at) - static_cast<int64_t>(use) - 1;
                if (offset > INT16_MAX)
                    fail("linux.resources.devices: too many rules for one device program");
                code_[use].off = static_cast<int16_t>(offset);
            }
        return std::move(code_);
    }

  private:
    struct LabelInfo {
        size_t at = 0;
        std::vector<size_t> uses;
    };
    std::vector<bpf_insn> code_;
    std::vector<LabelInfo> labels_;
    bool reachable_ = true;
    size_t pinned_ = SIZE_MAX; // where the last label with jumps to it is
};

bpf_insn load_word(uint8_t dst, int16_t offset) {
    return bpf_insn{BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, offset, 0};
}

bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
    return bpf_insn{static_cast<uint8_t>(BPF_ALU | op | BPF_K), dst, 0, 0, imm};
}

bpf_insn mov32_reg(uint8_t dst, uint8_t src) {
    return bpf_insn{BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0};
}

// Registers the program keeps its request in.
constexpr uint8_t kType = BPF_REG_2;   // BPF_DEVCG_DEV_BLOCK / _CHAR
constexpr uint8_t kAccess = BPF_REG_3; // BPF_DEVCG_ACC_* bits
constexpr uint8_t kMajor = BPF_REG_4;
constexpr uint8_t kMinor = BPF_REG_5;
constexpr uint8_t kScratch = BPF_REG_1; // the context pointer, once read

} // namespace

const std::vector<DeviceRule>& standard_device_rules() {
    static const std::vector<DeviceRule> rules = {
        allow_char(1, 3),            // /dev/null
        allow_char(1, 5),            // /dev/zero
        allow_char(1, 7),            // /dev/full
        allow_char(1, 8),            // /dev/random
        allow_char(1, 9),            // /dev/urandom
        allow_char(5, 0),            // /dev/tty
        allow_char(5, 2),            // /dev/ptmx
        allow_char(136, kAnyNumber), // /dev/pts/* (and /dev/console, a pty)
    };
    return rules;
}

std::vector<DeviceRule> device_rules(const spec::Spec& spec) {
    std::vector<DeviceRule> out;
    if (spec.linux && spec.linux->resources) {
        const auto& rules = spec.linux->resources->devices;
        for (size_t i = 0; i < rules.size(); ++i) {
            const auto& in = rules[i];
            std::string field = "linux.resources.devices[" + std::to_string(i) + "]";
            DeviceRule r;
            r.allow = in.allow;
            r.type = in.type.empty() ? 'a' : in.type[0];
            r.major = device_number(in.major, field + ".major");
            r.minor = device_number(in.minor, field + ".minor");
            r.access = access_bits(in.access);
            out.push_back(r);
        }
    }
    const auto& standard = standard_device_rules();
    out.insert(out.end(), standard.begin(), standard.end());
    return out;
}

std::vector<DeviceRule> setup_device_rules(const spec::Spec& spec,
                                           const std::vector<DeviceRule>& rules) {
    std::vector<DeviceRule> out = rules;
    if (!spec.linux)
        return out;
    for (const auto& d : spec.linux->devices) {
        if (d.type != "c" && d.type != "u" && d.type != "b")
            continue; // fifos are no devices to the cgroup
        if (d.major < 0 || d.minor < 0)
            continue; // the init refuses these itself, naming the device
        out.push_back(DeviceRule{true, d.type == "b" ? 'b' : 'c', d.major, d.minor, kDevMknod});
    }
    return out;
}

bool device_allowed(const std::vector<DeviceRule>& rules, char type, uint32_t major, uint32_t minor,
                    unsigned access) {
    for (unsigned bit : {kDevRead, kDevWrite, kDevMknod}) {
        if (!(access & bit))
            continue;
        bool allowed = false;
        for (auto it = rules.rbegin(); it != rules.rend(); ++it)
            if ((it->access & bit) && (it->type == 'a' || it->type == type) &&
                field_matches(it->major, major) && field_matches(it->minor, minor)) {
                allowed = it->allow;
                break;
            }
        if (!allowed)
            return false;
    }
    return true;
}

std::vector<DeviceChain> reduce_device_rules(const std::vector<DeviceRule>& rules) {
    std::vector<DeviceChain> chains;
    for (unsigned bit : {kDevRead, kDevWrite, kDevMknod}) {
        DeviceChain chain = chain_for(rules, bit);
        auto same = std::find_if(chains.begin(), chains.end(),
                                 [&](const DeviceChain& c) { return same_decisions(c, chain); });
        if (same == chains.end()) {
            chains.push_back(std::move(chain));
            continue;
        }
        same->access |= bit;
        for (auto& r : same->rules)
            r.access = same->access;
    }
    return chains;
}

namespace {

// Two neighbours of a first-match chain may trade places when no device
// matches both, or when both say the same: no answer changes.
bool commute(const DeviceRule& a, const DeviceRule& b) {
    return a.allow == b.allow || !overlap(a, b);
}

// The chain's rules with those of one type, and within it one major, moved
// next to each other wherever commute() lets them, so emit_rules can test
// each type and major once: an insertion sort by (type, major) whose steps
// are all swaps of commuting neighbours.
std::vector<DeviceRule> grouped(std::vector<DeviceRule> rules) {
    auto key = [](const DeviceRule& r) { return std::pair(r.type, r.major); };
    for (size_t i = 1; i < rules.size(); ++i)
        for (size_t j = i;
             j > 0 && key(rules[j]) < key(rules[j - 1]) && commute(rules[j], rules[j - 1]); --j)
            std::swap(rules[j], rules[j - 1]);
    return rules;
}

// A chain's rules, in first-match order, as tests the verifier walks
// cheaply: consecutive rules of one type share a single type test, and
// within those, consecutive rules of one major a single major test; each
// rule then costs one jump on its minor (or none). Re-testing a register
// a path has already pinned to a constant makes the verifier backtrack to
// mark it precise at every rule: the default set loaded in 171 us as one
// test list per rule, 51 us grouped (docs/performance.md).
void emit_rules(Assembler& a, const std::vector<DeviceRule>& rules, Assembler::Label done,
                Assembler::Label deny) {
    for (size_t i = 0; i < rules.size();) {
        const char type = rules[i].type;
        size_t type_end = i;
        while (type_end < rules.size() && rules[type_end].type == type)
            ++type_end;
        Assembler::Label other_type = a.new_label();
        if (type != 'a')
            a.jump_if(BPF_JNE, kType, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
                      other_type);
        while (i < type_end) {
            const int64_t major = rules[i].major;
            Assembler::Label other_major = a.new_label();
            if (major != kAnyNumber)
                a.jump_if(BPF_JNE, kMajor, static_cast<int32_t>(major), other_major);
            for (; i < type_end && rules[i].major == major; ++i) {
                Assembler::Label decided = rules[i].allow ? done : deny;
                if (rules[i].minor == kAnyNumber)
                    a.jump(decided); // the rest of this major's rules are unreachable
                else
                    a.jump_if(BPF_JEQ, kMinor, static_cast<int32_t>(rules[i].minor), decided);
            }
            a.place(other_major);
        }
        a.place(other_type);
    }
}

} // namespace

std::vector<bpf_insn> compile_device_filter(const std::vector<DeviceChain>& chains) {
    Assembler a;
    // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
    // access_type is (access << 16) | type.
    a.emit(load_word(kType, 0));
    a.emit(mov32_reg(kAccess, kType));
    a.emit(alu32_imm(BPF_RSH, kAccess, 16));
    a.emit(alu32_imm(BPF_AND, kType, 0xffff));
    a.emit(load_word(kMajor, 4));
    a.emit(load_word(kMinor, 8));
    Assembler::Label deny = a.new_label();
    for (const auto& chain : chains) {
        if (chain.default_allow && chain.rules.empty())
            continue;
        Assembler::Label done = a.new_label();
        if (chain.access != kDevAll) {
            a.emit(mov32_reg(kScratch, kAccess));
            a.emit(alu32_imm(BPF_AND, kScratch, static_cast<int32_t>(chain.access)));
            a.jump_if(BPF_JEQ, kScratch, 0, done);
        }
        emit_rules(a, grouped(chain.rules), done, deny);
        if (!chain.default_allow)
            a.jump(deny);
        a.place(done);
    }
    if (a.reachable())
        a.exit_with(1);
    a.place(deny);
    if (a.reachable())
        a.exit_with(0);
    return a.finish();
}

std::string to_string(const DeviceRule& rule) {
    auto number = [](int64_t n) { return n == kAnyNumber ? std::string("*") : std::to_string(n); };
    std::string access;
    if (rule.access & kDevRead)
        access += 'r';
    if (rule.access & kDevWrite)
        access += 'w';
    if (rule.access & kDevMknod)
        access += 'm';
    return std::string(rule.allow ? "allow " : "deny ") + rule.type + " " + number(rule.major) +
           ":" + number(rule.minor) + " " + access;
}

} // namespace ward::cgroups
