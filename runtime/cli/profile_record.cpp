// profile record | merge: a minimal default-deny profile from what a
// workload called (audit/profile_record.hpp), and the union of several.
#include "ward/audit/profile_record.hpp"

#include "profile_actions.hpp"
#include "ward/base/file.hpp"
#include "ward/json/json.hpp"

#include <unistd.h>

namespace ward::cli {
namespace {

// The global flags the `ward run` child needs to run as this ward would.
std::vector<std::string> child_globals(const Context& ctx, const VerbArgs& args) {
    const GlobalOptions& g = ctx.options;
    std::vector<std::string> out = {"--root", g.root};
    if (!g.log.file.empty())
        out.insert(out.end(), {"--log", g.log.file});
    if (g.log.format == log::Format::json)
        out.insert(out.end(), {"--log-format", "json"});
    if (g.log.debug)
        out.push_back("--debug");
    if (g.cgroups_disabled)
        out.insert(out.end(), {"--cgroup-manager", "disabled"});
    else if (g.systemd_cgroup)
        out.push_back("--systemd-cgroup");
    std::string policy = args.parsed.value("policy").value_or(g.policy_file);
    if (!policy.empty())
        out.insert(out.end(), {"--policy", policy});
    if (!g.store.empty())
        out.insert(out.end(), {"--store", g.store});
    return out;
}

// The profile as JSON, to --out FILE or stdout.
void write_profile(const VerbArgs& args, const audit::RecordedProfile& profile) {
    std::string text =
        json::serialize(audit::to_json(audit::to_seccomp(profile)), json::Style::pretty) + "\n";
    auto out = args.parsed.value("out");
    if (out && !out->empty())
        write_file_atomic(*out, text, 0644);
    else
        print_out(text);
}

} // namespace

int profile_record(const Context& ctx, const VerbArgs& args) {
    const auto& words = args.parsed.positionals;
    if (words.size() < 2 || words[1].empty())
        throw UsageError("profile", "ward: \"profile record\" requires a BUNDLE (put -- before it "
                                    "when the command that follows has options)");
    audit::RecordRequest request;
    request.bundle = words[1];
    request.args.assign(words.begin() + 2, words.end());
    request.ward_globals = child_globals(ctx, args);
    request.root = ctx.options.root;
    audit::RecordResult result = audit::record_workload(request);
    audit::RecordedProfile profile =
        audit::profile_from_recording(result.recording, result.no_new_privileges);
    write_profile(args, profile);
    write_all(STDERR_FILENO, audit::coverage_text(result.recording, profile, result.exit_status),
              "write stderr");
    return result.exit_status;
}

int profile_merge(const Context&, const VerbArgs& args) {
    const auto& words = args.parsed.positionals;
    if (words.size() < 3)
        throw UsageError("profile", "ward: \"profile merge\" requires at least two profiles");
    if (args.parsed.value("policy"))
        throw UsageError("profile", "--policy applies to profile record only");
    audit::RecordedProfile merged = audit::load_recorded_profile(words[1]);
    for (size_t i = 2; i < words.size(); ++i)
        merged = audit::merge(merged, audit::load_recorded_profile(words[i]));
    write_profile(args, merged);
    return 0;
}

} // namespace ward::cli
