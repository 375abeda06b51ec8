// The device filter compiler: rule normalisation, reduction, and the
// compiled program run in a small eBPF interpreter against the reference
// semantics (device_allowed) over a matrix of devices and accesses. The
// integration tests load the same programs into the kernel.
#include "device_rule_helpers.hpp"
#include "ward/base/error.hpp"
#include "ward/cgroups/device_filter.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>
#include <set>
#include <sstream>

using namespace ward;
using namespace ward::cgroups;

using namespace device_test;

namespace {

// Runs a device program on one request, as the kernel would. Knows only
// the instructions a device program needs; anything else fails the test.
// Also fails on a jump out of the program or a backward jump.
int run_program(const std::vector<bpf_insn>& prog, char type, uint32_t major, uint32_t minor,
                unsigned access) {
    uint32_t ctx[3] = {(access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                       major, minor};
    uint64_t reg[11] = {};
    bool is_ctx[11] = {true, true};
    is_ctx[0] = false;
    size_t pc = 0;
    for (int steps = 0; steps < 100000; ++steps) {
        if (pc >= prog.size())
            throw std::runtime_error("ran off the end at " + std::to_string(pc));
        const bpf_insn& i = prog[pc++];
        auto jump = [&] {
            if (i.off < 0)
                throw std::runtime_error("backward jump");
            pc += static_cast<size_t>(i.off);
        };
        switch (i.code) {
        case BPF_LDX | BPF_MEM | BPF_W:
            if (!is_ctx[i.src_reg] || i.off % 4 != 0 || i.off < 0 || i.off > 8)
                throw std::runtime_error("bad context load");
            reg[i.dst_reg] = ctx[i.off / 4];
            is_ctx[i.dst_reg] = false;
            break;
        case BPF_ALU | BPF_MOV | BPF_X:
            reg[i.dst_reg] = static_cast<uint32_t>(reg[i.src_reg]);
            is_ctx[i.dst_reg] = false;
            break;
        case BPF_ALU | BPF_RSH | BPF_K:
            reg[i.dst_reg] = static_cast<uint32_t>(reg[i.dst_reg]) >> i.imm;
            break;
        case BPF_ALU | BPF_AND | BPF_K:
            reg[i.dst_reg] = static_cast<uint32_t>(reg[i.dst_reg]) & static_cast<uint32_t>(i.imm);
            break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
            reg[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
            is_ctx[i.dst_reg] = false;
            break;
        case BPF_JMP | BPF_JA:
            jump();
            break;
        case BPF_JMP | BPF_JNE | BPF_K:
            if (reg[i.dst_reg] != static_cast<uint64_t>(static_cast<int64_t>(i.imm)))
                jump();
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            if (reg[i.dst_reg] == static_cast<uint64_t>(static_cast<int64_t>(i.imm)))
                jump();
            break;
        case BPF_JMP | BPF_EXIT:
            return static_cast<int>(reg[0]);
        default:
            throw std::runtime_error("unexpected opcode " + std::to_string(i.code));
        }
    }
    throw std::runtime_error("no exit");
}

// Every instruction reachable (the verifier refuses dead code) and every
// path ends in an exit.
bool all_reachable(const std::vector<bpf_insn>& prog) {
    std::vector<bool> seen(prog.size());
    std::vector<size_t> todo = {0};
    while (!todo.empty()) {
        size_t pc = todo.back();
        todo.pop_back();
        if (pc >= prog.size())
            return false;
        if (seen[pc])
            continue;
        seen[pc] = true;
        const bpf_insn& i = prog[pc];
        if (i.code == (BPF_JMP | BPF_EXIT))
            continue;
        if (i.code == (BPF_JMP | BPF_JA)) {
            todo.push_back(pc + 1 + static_cast<size_t>(i.off));
            continue;
        }
        if ((i.code & 0x07) == BPF_JMP)
            todo.push_back(pc + 1 + static_cast<size_t>(i.off));
        todo.push_back(pc + 1);
    }
    for (bool s : seen)
        if (!s)
            return false;
    return true;
}

// The numbers rules in these tests use, plus ones no rule names.
const uint32_t kMajors[] = {1, 5, 7, 10, 136, 4095};
const uint32_t kMinors[] = {0, 1, 2, 3, 5, 9, 200, 1048575};

// Compares the compiled program with the reference on every device of the
// matrix and every non-empty access set; returns the first difference.
std::string first_difference(const std::vector<DeviceRule>& rules) {
    auto prog = compile(rules);
    if (!all_reachable(prog))
        return "unreachable instruction or jump out of the program";
    for (char type : {'b', 'c'})
        for (uint32_t major : kMajors)
            for (uint32_t minor : kMinors)
                for (unsigned access = 1; access <= kDevAll; ++access) {
                    bool want = device_allowed(rules, type, major, minor, access);
                    bool got = run_program(prog, type, major, minor, access) == 1;
                    if (want != got) {
                        std::ostringstream out;
                        out << type << " " << major << ":" << minor << " access " << access
                            << ": program " << got << ", reference " << want;
                        return out.str();
                    }
                }
    return "";
}

std::vector<DeviceRule> rules_of(const std::string& config_linux) {
    std::string text = R"({"ociVersion": "1.2.0", "linux": )" + config_linux + "}";
    return device_rules(spec::parse_spec(text));
}

} // namespace

BOOST_AUTO_TEST_SUITE(device_filter)

BOOST_AUTO_TEST_CASE(config_rules_are_normalised_and_the_standard_set_follows) {
    auto rules = rules_of(R"({"resources": {"devices": [
        {"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "access": "r"},
        {"allow": true, "type": "b", "major": -1, "minor": 3, "access": ""}]}})");
    const auto& standard = standard_device_rules();
    BOOST_TEST_REQUIRE(rules.size() == 3 + standard.size());
    BOOST_TEST(to_string(rules[0]) == "deny a *:* rwm");
    BOOST_TEST(to_string(rules[1]) == "allow c 1:* r");
    BOOST_TEST(to_string(rules[2]) == "allow b *:3 rwm");
    BOOST_TEST(std::equal(standard.begin(), standard.end(), rules.begin() + 3));
}

BOOST_AUTO_TEST_CASE(the_standard_set_is_the_default_devices_and_ptys_without_mknod_anything) {
    std::set<std::string> got;
    for (const auto& r : standard_device_rules())
        got.insert(to_string(r));
    std::set<std::string> want = {"allow c 1:3 rwm", "allow c 1:5 rwm",  "allow c 1:7 rwm",
                                  "allow c 1:8 rwm", "allow c 1:9 rwm",  "allow c 5:0 rwm",
                                  "allow c 5:2 rwm", "allow c 136:* rwm"};
    BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_config_rules_means_only_the_standard_set) {
    auto rules = rules_of("{}");
    BOOST_TEST(rules.size() == standard_device_rules().size());
    BOOST_TEST(device_allowed(rules, 'c', 1, 3, kDevRead | kDevWrite));
    BOOST_TEST(device_allowed(rules, 'c', 136, 7, kDevAll));
    BOOST_TEST(!device_allowed(rules, 'c', 1, 1, kDevRead));  // /dev/mem
    BOOST_TEST(!device_allowed(rules, 'c', 1, 1, kDevMknod)); // not even created
    BOOST_TEST(!device_allowed(rules, 'b', 8, 0, kDevRead));
    BOOST_TEST(!device_allowed(rules, 'c', 10, 200, kDevRead)); // tun: not standard
}

BOOST_AUTO_TEST_CASE(a_major_below_minus_one_is_refused_naming_the_field) {
    try {
        rules_of(R"({"resources": {"devices": [{"allow": true, "access": "r"},
                      {"allow": true, "type": "c", "major": 1, "minor": -2, "access": "r"}]}})");
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "config.json: linux.resources.devices[1].minor: -2 is not a device number "
                   "(-1 or absent means any)");
    }
}

BOOST_AUTO_TEST_CASE(the_last_matching_rule_decides_each_access) {
    std::vector<DeviceRule> rules = {rule(true, 'c', 1, kAnyNumber, "rw"),
                                     rule(false, 'c', 1, 3, "w")};
    BOOST_TEST(device_allowed(rules, 'c', 1, 3, kDevRead));
    BOOST_TEST(!device_allowed(rules, 'c', 1, 3, kDevWrite));
    BOOST_TEST(!device_allowed(rules, 'c', 1, 3, kDevRead | kDevWrite)); // O_RDWR
    BOOST_TEST(device_allowed(rules, 'c', 1, 5, kDevRead | kDevWrite));
    // A later allow wins back what an earlier deny took.
    rules.push_back(rule(true, 'a', kAnyNumber, 3, "w"));
    BOOST_TEST(device_allowed(rules, 'c', 1, 3, kDevRead | kDevWrite));
    // Accesses may come from different rules.
    std::vector<DeviceRule> split = {rule(true, 'c', 1, kAnyNumber, "r"),
                                     rule(true, 'c', 1, 3, "w")};
    BOOST_TEST(device_allowed(split, 'c', 1, 3, kDevRead | kDevWrite));
    BOOST_TEST(!device_allowed(split, 'c', 1, 3, kDevMknod));
}

BOOST_AUTO_TEST_CASE(a_wildcard_deny_drops_everything_before_it) {
    auto chains = reduce_device_rules(with_standard(
        {rule(true, 'c', 1, 1, "rwm"), rule(false, 'a', kAnyNumber, kAnyNumber, "rwm")}));
    // Only the standard set is left, the same for r, w and m.
    BOOST_TEST_REQUIRE(chains.size() == 1u);
    BOOST_TEST(chains[0].access == kDevAll);
    BOOST_TEST(!chains[0].default_allow);
    BOOST_TEST(chains[0].rules.size() == standard_device_rules().size());
    for (const auto& r : chains[0].rules)
        BOOST_TEST(!(r.major == 1 && r.minor == 1), to_string(r));
}

BOOST_AUTO_TEST_CASE(accesses_with_the_same_rules_share_one_chain) {
    auto chains =
        reduce_device_rules(with_standard({rule(false, 'a', kAnyNumber, kAnyNumber, "rwm")}));
    BOOST_TEST_REQUIRE(chains.size() == 1u);
    BOOST_TEST(chains[0].access == kDevAll);
    BOOST_TEST(!chains[0].default_allow);
    BOOST_TEST(chains[0].rules.size() == standard_device_rules().size());
    // First match decides: the last rule of the list comes first.
    BOOST_TEST(to_string(chains[0].rules.front()) == "allow c 136:* rwm");
}

BOOST_AUTO_TEST_CASE(docker_rules_reduce_to_two_chains) {
    // What Docker's default config sends: deny all, mknod of any char and
    // block device, the standard devices, tun.
    std::vector<DeviceRule> docker = {
        rule(false, 'a', kAnyNumber, kAnyNumber, "rwm"),
        rule(true, 'c', kAnyNumber, kAnyNumber, "m"),
        rule(true, 'b', kAnyNumber, kAnyNumber, "m"),
        rule(true, 'c', 1, 3, "rwm"),
        rule(true, 'c', 1, 8, "rwm"),
        rule(true, 'c', 1, 7, "rwm"),
        rule(true, 'c', 5, 0, "rwm"),
        rule(true, 'c', 1, 5, "rwm"),
        rule(true, 'c', 1, 9, "rwm"),
        rule(true, 'c', 136, kAnyNumber, "rwm"),
        rule(true, 'c', 5, 2, "rwm"),
        rule(true, 'c', 10, 200, "rwm"),
    };
    auto chains = reduce_device_rules(with_standard(docker));
    BOOST_TEST_REQUIRE(chains.size() == 2u);
    BOOST_TEST(chains[0].access == (kDevRead | kDevWrite));
    BOOST_TEST(chains[0].rules.size() == 9u); // the standard eight and tun
    BOOST_TEST(chains[1].access == kDevMknod);
    std::vector<std::string> m;
    for (const auto& r : chains[1].rules)
        m.push_back(to_string(r));
    BOOST_TEST(m == (std::vector<std::string>{"allow b *:* m", "allow c *:* m"}),
               boost::test_tools::per_element());
    BOOST_TEST(first_difference(with_standard(docker)) == "");
}

// The kernel's verifier backtracks at every test of a register a path has
// already pinned (the default set loaded 3.4 times slower as one type,
// major and minor test per rule): each type and major is tested once, even
// where the config lists them apart, and the decisions stay the same.
BOOST_AUTO_TEST_CASE(each_type_and_major_is_tested_once) {
    auto tests_of = [](const std::vector<bpf_insn>& prog, uint8_t reg) {
        return std::count_if(prog.begin(), prog.end(), [&](const bpf_insn& i) {
            return (i.code & 0x07) == BPF_JMP && i.code != (BPF_JMP | BPF_JA) &&
                   i.code != (BPF_JMP | BPF_EXIT) && i.dst_reg == reg;
        });
    };
    auto standard = with_standard({rule(false, 'a', kAnyNumber, kAnyNumber, "rwm")});
    auto prog = compile(standard);
    BOOST_TEST(tests_of(prog, BPF_REG_2) == 1); // type c
    BOOST_TEST(tests_of(prog, BPF_REG_4) == 3); // majors 1, 5, 136
    BOOST_TEST(tests_of(prog, BPF_REG_5) == 7); // the minors of 1 and 5
    // Majors interleaved in the list, a block rule between char rules, and
    // a deny that must stay ahead of the allow it overlaps.
    std::vector<DeviceRule> mixed = {rule(false, 'a', kAnyNumber, kAnyNumber, "rwm"),
                                     rule(true, 'c', 1, 3, "rw"),
                                     rule(true, 'c', 5, 0, "rw"),
                                     rule(true, 'b', 8, 0, "rw"),
                                     rule(true, 'c', 1, 5, "rw"),
                                     rule(true, 'c', 10, kAnyNumber, "rw"),
                                     rule(false, 'c', 10, 200, "rw"),
                                     rule(true, 'c', 5, 2, "rw")};
    prog = compile(mixed);
    BOOST_TEST(tests_of(prog, BPF_REG_2) == 2); // c once, b once
    BOOST_TEST(tests_of(prog, BPF_REG_4) == 4); // 1, 5, 8, 10 once each
    BOOST_TEST(first_difference(mixed) == "");
    BOOST_TEST(!device_allowed(mixed, 'c', 10, 200, kDevRead));
    BOOST_TEST(device_allowed(mixed, 'c', 10, 1, kDevRead));
}

BOOST_AUTO_TEST_CASE(allow_everything_compiles_to_return_one) {
    auto rules = with_standard({rule(true, 'a', kAnyNumber, kAnyNumber, "rwm")});
    auto chains = reduce_device_rules(rules);
    BOOST_TEST_REQUIRE(chains.size() == 1u);
    BOOST_TEST(chains[0].default_allow);
    BOOST_TEST(chains[0].rules.empty());
    auto prog = compile(rules);
    BOOST_TEST(all_reachable(prog));
    BOOST_TEST(prog.size() == 8u); // 6 loads of the request, r0 = 1, exit
    BOOST_TEST(run_program(prog, 'b', 8, 0, kDevAll) == 1);
}

BOOST_AUTO_TEST_CASE(a_deny_punches_a_hole_in_an_earlier_wildcard_allow) {
    // runc refuses this list; here the later deny wins.
    auto rules =
        with_standard({rule(true, 'a', kAnyNumber, kAnyNumber, "rwm"),
                       rule(false, 'c', 1, kAnyNumber, "rwm"), rule(true, 'c', 1, 3, "rw")});
    BOOST_TEST(device_allowed(rules, 'c', 1, 3, kDevRead | kDevWrite));
    BOOST_TEST(!device_allowed(rules, 'c', 1, 1, kDevRead));
    BOOST_TEST(device_allowed(rules, 'b', 8, 0, kDevAll));
    BOOST_TEST(first_difference(rules) == "");
}

BOOST_AUTO_TEST_CASE(rules_that_cannot_decide_are_dropped) {
    auto chains = reduce_device_rules({
        rule(false, 'a', kAnyNumber, kAnyNumber, "rwm"),
        rule(true, 'c', 1, 3, "r"),          // covered by the later c 1:* r
        rule(false, 'c', 1, 4, "r"),         // same answer as the default
        rule(true, 'c', 1, kAnyNumber, "r"), // kept
        rule(true, 'c', 5000, 1, "r"),       // no device has major 5000
        rule(false, 'c', 1, 9, "r"),         // kept: punches c 1:*
        rule(false, 'c', 1, 9, "r"),         // duplicate: shadows the one before
    });
    BOOST_TEST_REQUIRE(chains.size() == 2u);
    BOOST_TEST(chains[0].access == kDevRead);
    std::vector<std::string> got;
    for (const auto& r : chains[0].rules)
        got.push_back(to_string(r));
    BOOST_TEST(got == (std::vector<std::string>{"deny c 1:9 r", "allow c 1:* r"}),
               boost::test_tools::per_element());
    BOOST_TEST(chains[1].access == (kDevWrite | kDevMknod));
    BOOST_TEST(chains[1].rules.empty());
    BOOST_TEST(!chains[1].default_allow);
}

BOOST_AUTO_TEST_CASE(type_a_rules_honour_numbers_and_access) {
    // runc reads any type-"a" rule as "every device, every access".
    auto rules = with_standard(
        {rule(false, 'a', kAnyNumber, kAnyNumber, "rwm"), rule(true, 'a', 7, kAnyNumber, "r")});
    BOOST_TEST(device_allowed(rules, 'b', 7, 0, kDevRead));
    BOOST_TEST(device_allowed(rules, 'c', 7, 1, kDevRead));
    BOOST_TEST(!device_allowed(rules, 'b', 7, 0, kDevWrite));
    BOOST_TEST(!device_allowed(rules, 'b', 8, 0, kDevRead));
    BOOST_TEST(first_difference(rules) == "");
}

BOOST_AUTO_TEST_CASE(setup_rules_add_mknod_of_the_linux_devices_nodes_only) {
    std::string text = R"({"ociVersion": "1.2.0", "linux": {
        "devices": [{"path": "/dev/mem", "type": "c", "major": 1, "minor": 1},
                    {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0},
                    {"path": "/dev/fifo", "type": "p"}],
        "resources": {"devices": [{"allow": false, "access": "rwm"}]}}})";
    auto spec = spec::parse_spec(text);
    auto rules = device_rules(spec);
    auto setup = setup_device_rules(spec, rules);
    BOOST_TEST(setup.size() == rules.size() + 2);
    BOOST_TEST(device_allowed(setup, 'c', 1, 1, kDevMknod));
    BOOST_TEST(device_allowed(setup, 'b', 8, 0, kDevMknod));
    BOOST_TEST(!device_allowed(setup, 'c', 1, 1, kDevRead));
    BOOST_TEST(!device_allowed(setup, 'c', 1, 2, kDevMknod));
    BOOST_TEST(!device_allowed(rules, 'c', 1, 1, kDevMknod));
}

BOOST_AUTO_TEST_CASE(compiled_programs_agree_with_the_reference_on_random_rule_lists) {
    std::mt19937 rng(20240611);
    auto pick = [&](std::initializer_list<int64_t> values) {
        std::uniform_int_distribution<size_t> d(0, values.size() - 1);
        return *(values.begin() + static_cast<std::ptrdiff_t>(d(rng)));
    };
    for (int round = 0; round < 400; ++round) {
        std::vector<DeviceRule> rules;
        size_t n = static_cast<size_t>(pick({0, 1, 2, 3, 5, 8, 12}));
        for (size_t i = 0; i < n; ++i) {
            DeviceRule r;
            r.allow = pick({0, 1}) == 1;
            r.type = static_cast<char>(pick({'a', 'b', 'c', 'c'}));
            r.major = pick({kAnyNumber, kAnyNumber, 1, 5, 136, 5000});
            r.minor = pick({kAnyNumber, kAnyNumber, 0, 1, 3, 9});
            r.access = static_cast<unsigned>(pick({1, 2, 3, 4, 5, 6, 7, 7}));
            rules.push_back(r);
        }
        if (round % 2)
            rules = with_standard(rules);
        std::string diff = first_difference(rules);
        BOOST_TEST(diff == "", describe(rules));
        if (!diff.empty())
            break;
    }
}

BOOST_AUTO_TEST_CASE(a_hundred_rules_stay_a_small_program) {
    std::vector<DeviceRule> rules = {rule(false, 'a', kAnyNumber, kAnyNumber, "rwm")};
    for (int i = 0; i < 100; ++i)
        rules.push_back(rule(true, 'c', 200, i, "rw"));
    auto prog = compile(with_standard(rules));
    BOOST_TEST(prog.size() < 600u);
    BOOST_TEST(first_difference(with_standard(rules)) == "");
}

BOOST_AUTO_TEST_SUITE_END()
