// Fuzz target: the seccomp BPF decoder and analysis (seccomp/bpf_exec,
// bpf_decode, analysis) on arbitrary sock_filter arrays, as `ward audit`
// meets them when it reads a running process's filters. The input is
// struct sock_filter records (8 bytes each, host order); a record with
// code 0xffff (no BPF opcode) separates the filters of a stack, oldest
// first. Every input must decode or end in a ward::Error (a program the
// kernel would refuse, or one past the decoder's step limit).
#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <linux/filter.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::vector<sock_filter>> stack(1);
    for (size_t off = 0; off + sizeof(sock_filter) <= size; off += sizeof(sock_filter)) {
        sock_filter insn;
        std::memcpy(&insn, data + off, sizeof insn);
        if (insn.code == 0xffff)
            stack.emplace_back();
        else
            stack.back().push_back(insn);
    }
    try {
        ward::seccomp::Decoded d = stack.size() == 1 ? ward::seccomp::decode(stack.front())
                                                     : ward::seccomp::decode_stack(stack);
        ward::json::serialize(ward::seccomp::to_json(d));
        ward::seccomp::diff(d, ward::seccomp::Decoded{});
    } catch (const ward::Error&) {
    }
    return 0;
}
