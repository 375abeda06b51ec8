// Private to seccomp/: what the build embeds. The profiles' JSON text comes
// from seccomp-profiles/ (scripts/embed-profiles.sh); their BPF programs
// are compiled by tools/precompile-profiles.cpp with this build's own
// Filter::compile, so a precompiled program is exactly what libseccomp
// would have produced at run time.
#pragma once

#include <cstddef>
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

} // namespace ward::seccomp::embedded
