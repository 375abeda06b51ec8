// profile: the built-in seccomp profiles (seccomp/profiles.hpp), and the
// actions that read any profile (profile_actions.hpp).
#include "profile_actions.hpp"
#include "verbs.hpp"
#include "ward/base/strings.hpp"
#include "ward/seccomp/profiles.hpp"

namespace ward::cli {

int verb_profile(const Context& ctx, const VerbArgs& args) {
    const auto& words = args.parsed.positionals;
    const std::string& action = words.front();
    if (action == "show")
        return profile_show(ctx, args);
    if (action == "diff")
        return profile_diff(ctx, args);
    if (action == "record")
        return profile_record(ctx, args);
    if (action == "merge")
        return profile_merge(ctx, args);
    for (const char* flag : {"caps", "arch", "format", "out", "policy"})
        if (args.parsed.value(flag))
            throw UsageError("profile", std::string("ward: --") + flag +
                                            " does not apply to \"profile " + action + "\"");
    if (action == "list") {
        if (words.size() != 1)
            throw UsageError("profile", "ward: \"profile list\" takes no argument");
        std::string out;
        for (const auto& name : seccomp::builtin_profile_names())
            out += name + "\n";
        print_out(out);
        return 0;
    }
    if (action == "export") {
        if (words.size() != 2)
            throw UsageError("profile", "ward: \"profile export\" requires a profile name");
        // Validates the name (the error lists the built-in ones) and that the
        // embedded text still parses, before printing it verbatim.
        seccomp::builtin_profile_spec(words[1]);
        print_out(*seccomp::builtin_profile(words[1]));
        return 0;
    }
    throw UsageError("profile", "ward: unknown profile action " + quote(action) +
                                    ": want list, export, show, diff, record or merge");
}

} // namespace ward::cli
