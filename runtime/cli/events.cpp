// events: runc's JSON event lines, one object per line, flushed as they come.
#include "duration.hpp"
#include "verbs.hpp"
#include "ward/base/strings.hpp"

namespace ward::cli {

int verb_events(const Context& ctx, const VerbArgs& args) {
    container::EventsOptions options;
    options.stats_once = args.parsed.flag("stats");
    if (auto text = args.parsed.value("interval")) {
        auto interval = parse_go_duration(*text);
        if (!interval)
            throw UsageError("events",
                             "invalid value " + quote(*text) + " for flag -interval: parse error");
        options.interval = *interval;
    }
    container::events(ctx.lifecycle, container_id(args), options,
                      [](const json::Value& event) { print_out(json::serialize(event) + "\n"); });
    return 0;
}

} // namespace ward::cli
