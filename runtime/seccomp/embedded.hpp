// Private to seccomp/: what the build embeds. The profiles' JSON text comes
// from seccomp-profiles/ (scripts/embed-profiles.sh); their BPF programs
// are compiled by tools/precompile-profiles.cpp with this build's own
// Filter::compile, so a precompiled program is exactly what libseccomp
// would have produced at run time. The same tool writes each profile as
// spec's parser read it (ProfileSpec), so a policy fill builds the section
// from constant tables instead of parsing 17 KB of JSON at every create.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/filter.h>

namespace ward::seccomp::embedded {

struct Profile {
    const char* name; // file name without .json: "default-deny"
    const char* json; // the file's text
};

extern const Profile kProfiles[];
extern const std::size_t kProfileCount;

struct Program {
    const char* name; // the profile's name
    const sock_filter* code;
    std::size_t length;
    int rules; // Filter::rule_count() of the compile
};

extern const Program kPrograms[];
extern const std::size_t kProgramCount;

// spec::Seccomp's fields as constant data, with no pointers: a static
// PIE relocates every pointer in its tables at each start of each ward
// process (`state` too), and a pointer per syscall name would put 14 KB
// into .data.rel.ro. Strings are Text ranges of kSpecText; a list is a
// range of the array it names.
struct Text {
    uint32_t offset;
    uint32_t length;
};

struct SpecArg {
    uint32_t index;
    uint64_t value;
    uint64_t value_two;
    Text op;
};

struct SpecRule {
    uint32_t first_name; // in kSpecStrings
    uint32_t name_count;
    Text action;
    bool has_errno;
    uint32_t errno_ret;
    uint32_t first_arg; // in kSpecArgs
    uint32_t arg_count;
};

struct ProfileSpec {
    Text name;
    Text default_action;
    bool has_default_errno;
    uint32_t default_errno_ret;
    uint32_t first_architecture; // in kSpecStrings
    uint32_t architecture_count;
    uint32_t first_flag; // in kSpecStrings
    uint32_t flag_count;
    uint32_t first_rule; // in kSpecRules
    uint32_t rule_count;
};

extern const char kSpecText[];
extern const Text kSpecStrings[];
extern const SpecArg kSpecArgs[];
extern const SpecRule kSpecRules[];
extern const ProfileSpec kProfileSpecs[];
extern const std::size_t kProfileSpecCount;

} // namespace ward::seccomp::embedded
