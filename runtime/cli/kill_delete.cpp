// kill and delete: the verbs that bring a container down.
#include "verbs.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/signals.hpp"

namespace ward::cli {

int verb_kill(const Context& ctx, const VerbArgs& args) {
    KillOptions options = kill_options(args);
    // The signal is checked before the container is touched.
    auto signal = linux::parse_signal(options.signal);
    if (!signal)
        fail("unknown signal " + quote(options.signal));
    container::kill(ctx.lifecycle, options.id, *signal, options.all);
    return 0;
}

int verb_delete(const Context& ctx, const VerbArgs& args) {
    container::remove(ctx.lifecycle, container_id(args), args.parsed.flag("force"));
    return 0;
}

} // namespace ward::cli
