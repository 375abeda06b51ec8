// pause and resume: freeze and thaw a container's cgroup.
#include "verbs.hpp"

namespace ward::cli {

int verb_pause(const Context& ctx, const VerbArgs& args) {
    container::pause(ctx.lifecycle, container_id(args));
    return 0;
}

int verb_resume(const Context& ctx, const VerbArgs& args) {
    container::resume(ctx.lifecycle, container_id(args));
    return 0;
}

} // namespace ward::cli
