#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"

#include <array>
#include <sys/resource.h>

namespace ward::linux {

namespace {

// Private until spec/names.hpp (rlimit_number) lands on this branch; the
// lead can swap the body for spec::rlimit_number.
std::optional<int> rlimit_resource(std::string_view name) {
    struct Entry {
        const char* name;
        int resource;
    };
    static constexpr std::array kTable{
        Entry{"RLIMIT_AS", RLIMIT_AS},
        Entry{"RLIMIT_CORE", RLIMIT_CORE},
        Entry{"RLIMIT_CPU", RLIMIT_CPU},
        Entry{"RLIMIT_DATA", RLIMIT_DATA},
        Entry{"RLIMIT_FSIZE", RLIMIT_FSIZE},
        Entry{"RLIMIT_LOCKS", RLIMIT_LOCKS},
        Entry{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        Entry{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        Entry{"RLIMIT_NICE", RLIMIT_NICE},
        Entry{"RLIMIT_NOFILE", RLIMIT_NOFILE},
        Entry{"RLIMIT_NPROC", RLIMIT_NPROC},
        Entry{"RLIMIT_RSS", RLIMIT_RSS},
        Entry{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        Entry{"RLIMIT_RTTIME", RLIMIT_RTTIME},
        Entry{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        Entry{"RLIMIT_STACK", RLIMIT_STACK},
    };
    for (const auto& entry : kTable)
        if (name == entry.name)
            return entry.resource;
    return std::nullopt;
}

} // namespace

void apply_rlimits(const std::vector<spec::Rlimit>& rlimits) {
    for (const auto& limit : rlimits) {
        auto resource = rlimit_resource(limit.type);
        if (!resource)
            fail("process.rlimits: unknown rlimit type " + quote(limit.type));
        if (limit.soft > limit.hard)
            fail("process.rlimits " + limit.type + ": soft limit " + std::to_string(limit.soft) +
                 " is above hard limit " + std::to_string(limit.hard));
        // uint64 max is RLIM_INFINITY on Linux, so the values pass through.
        struct rlimit value {
            static_cast<rlim_t>(limit.soft), static_cast<rlim_t>(limit.hard)
        };
        if (::setrlimit(static_cast<__rlimit_resource>(*resource), &value) < 0)
            fail_errno("setrlimit " + limit.type);
    }
}

} // namespace ward::linux
