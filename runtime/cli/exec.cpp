// exec: a new process in a running container.
#include "verbs.hpp"

namespace ward::cli {

int verb_exec(const Context& ctx, const VerbArgs& args) {
    // As runc: a failure of exec itself is reported "exec failed: ..." with
    // status 255, so callers (podman, kubelet probes) can tell it from the
    // process's own exit status 1.
    try {
        return container::exec(ctx.lifecycle, exec_options(args));
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        log::fatal(std::string("exec failed: ") + e.what());
        return 255;
    }
}

} // namespace ward::cli
