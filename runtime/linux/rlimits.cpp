#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/spec/names.hpp"

#include <sys/resource.h>

namespace ward::linux {

void apply_rlimits(const std::vector<spec::Rlimit>& rlimits) {
    for (const auto& limit : rlimits) {
        auto resource = spec::rlimit_number(limit.type);
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
