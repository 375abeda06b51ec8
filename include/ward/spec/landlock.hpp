// Landlock access rights by name and by the ABI that brought them: the one
// table the config parser, `ward features`, the policy fill and the ABI
// downgrade (linux/landlock) read. Values are the kernel's bits
// (include/uapi/linux/landlock.h), written here because the linux-libc-dev
// of the build host may be older than the kernel it runs on.
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::spec::landlock {

// The newest Landlock ABI ward knows the rights of. A kernel with a newer
// one gets every bit a config asks for; the kernel judges the unknown ones.
constexpr int kKnownAbi = 7;

enum class Kind { fs, net, scope };

struct Right {
    const char* name; // as config.json writes it: "write_file"
    uint64_t bit;
    int abi; // the first Landlock ABI with it
};

const std::vector<Right>& rights(Kind kind);

// Every right of `kind` the given ABI has (0 for ABI 0: no Landlock).
// ABIs past kKnownAbi: every bit.
uint64_t supported(Kind kind, int abi);
// Every right of `kind` ward knows, whatever the kernel.
uint64_t all_known(Kind kind);

// The bit of the right named `name`, or nullopt when `kind` has none.
std::optional<uint64_t> bit_of(Kind kind, std::string_view name);
// The bits of the rights named, which must all exist (a name ward does not
// know is a bug in the caller: it throws).
uint64_t mask_of(Kind kind, std::initializer_list<std::string_view> names);

// Names of the bits set, in table order; bits ward has no name for come
// last as one number (the kernel's mask), so nothing is lost.
json::Value to_json(Kind kind, uint64_t mask);
std::vector<std::string> names(Kind kind, uint64_t mask);

// process.landlock ⇄ JSON, in PR #1241's shape (see config.hpp).
json::Value landlock_to_json(const Landlock& landlock);

} // namespace ward::spec::landlock
