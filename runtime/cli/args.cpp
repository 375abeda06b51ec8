#include "args.hpp"

#include "ward/base/strings.hpp"
#include "ward/base/user_dirs.hpp"

#include <climits>
#include <unistd.h>

namespace ward::cli {
namespace {

const FlagSpec* find_flag(const std::vector<FlagSpec>& specs, std::string_view name) {
    for (const auto& spec : specs)
        if (name == spec.name || (spec.short_name && name == spec.short_name))
            return &spec;
    return nullptr;
}

// Go's strconv.ParseBool spellings.
std::optional<bool> parse_bool(std::string_view text) {
    for (auto yes : {"1", "t", "T", "true", "TRUE", "True"})
        if (text == yes)
            return true;
    for (auto no : {"0", "f", "F", "false", "FALSE", "False"})
        if (text == no)
            return false;
    return std::nullopt;
}

std::string count_phrase(int n) {
    return std::to_string(n) + " argument(s)";
}

void check_arg_count(const VerbSpec& spec, size_t count) {
    auto n = static_cast<long>(count);
    std::string prefix = std::string("ward: \"") + spec.name + "\" requires ";
    if (spec.min_args == spec.max_args && n != spec.min_args)
        throw UsageError(spec.name, prefix + "exactly " + count_phrase(spec.min_args));
    if (n < spec.min_args)
        throw UsageError(spec.name, prefix + "a minimum of " + count_phrase(spec.min_args));
    if (spec.max_args >= 0 && n > spec.max_args)
        throw UsageError(spec.name, prefix + "a maximum of " + count_phrase(spec.max_args));
}

} // namespace

bool ParsedArgs::flag(std::string_view name) const {
    auto it = values.find(std::string(name));
    return it != values.end() && it->second == "true";
}

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
    auto it = values.find(std::string(name));
    if (it == values.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> ParsedArgs::values_of(std::string_view name) const {
    auto it = all_values.find(std::string(name));
    return it == all_values.end() ? std::vector<std::string>{} : it->second;
}

ParsedArgs parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                       FlagsEnd end, const std::string& verb) {
    ParsedArgs out;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {
            out.positionals.insert(out.positionals.end(), args.begin() + i + 1, args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            bool ends_here = end.at >= 0 && out.positionals.size() == static_cast<size_t>(end.at) &&
                             (!end.only_with || out.values.count(end.only_with));
            if (ends_here) {
                out.positionals.insert(out.positionals.end(), args.begin() + i, args.end());
                break;
            }
            out.positionals.push_back(arg);
            continue;
        }
        std::string_view body(arg);
        body.remove_prefix(body.starts_with("--") ? 2 : 1);
        if (body.empty() || body[0] == '-' || body[0] == '=')
            throw UsageError(verb, "bad flag syntax: " + arg);
        std::optional<std::string> inline_value;
        if (auto eq = body.find('='); eq != std::string_view::npos) {
            inline_value = std::string(body.substr(eq + 1));
            body = body.substr(0, eq);
        }
        const FlagSpec* spec = find_flag(specs, body);
        if (!spec)
            throw UsageError(verb, "flag provided but not defined: -" + std::string(body));
        if (!spec->takes_value()) {
            bool on = true;
            if (inline_value) {
                auto parsed = parse_bool(*inline_value);
                if (!parsed)
                    throw UsageError(verb, "invalid boolean value " + quote(*inline_value) +
                                               " for -" + std::string(body) + ": parse error");
                on = *parsed;
            }
            out.values[spec->name] = on ? "true" : "false";
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= args.size())
                throw UsageError(verb, "flag needs an argument: -" + std::string(body));
            inline_value = args[++i]; // taken as is, even when it starts with '-' (as Go does)
        }
        out.values[spec->name] = *inline_value;
        out.all_values[spec->name].push_back(*inline_value);
    }
    return out;
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
    ParsedArgs parsed = parse_flags(args, global_flags(), FlagsEnd{0}, "");
    CommandLine line;
    GlobalOptions& g = line.globals;
    if (auto root = parsed.value("root")) {
        if (root->empty())
            throw UsageError("",
                             "invalid value \"\" for flag -root: the state directory is required");
        g.root = *root;
    } else {
        g.root = default_state_root(::geteuid(), process_environment());
    }
    if (auto file = parsed.value("log"))
        g.log.file = *file;
    if (auto format = parsed.value("log-format")) {
        if (*format == "json")
            g.log.format = log::Format::json;
        else if (*format == "text")
            g.log.format = log::Format::text;
        else
            throw UsageError("", "invalid log-format: " + *format);
    }
    g.log.debug = parsed.flag("debug");
    g.systemd_cgroup = parsed.flag("systemd-cgroup");
    // crun's flag; podman passes `--cgroup-manager disabled` for
    // --cgroups=disabled to a runtime that has it.
    if (auto manager = parsed.value("cgroup-manager")) {
        if (*manager == "systemd")
            g.systemd_cgroup = true;
        else if (*manager == "disabled")
            g.cgroups_disabled = true;
        else if (*manager != "cgroupfs")
            throw UsageError("", "invalid value " + quote(*manager) +
                                     " for flag -cgroup-manager: want cgroupfs, systemd or "
                                     "disabled");
    }
    if (auto rootless = parsed.value("rootless")) {
        if (*rootless != "auto" && *rootless != "true" && *rootless != "false")
            throw UsageError("", "invalid value " + quote(*rootless) +
                                     " for flag -rootless: want auto, true or false");
        g.rootless = *rootless;
    }
    if (auto policy = parsed.value("policy")) {
        if (policy->empty())
            throw UsageError("", "invalid value \"\" for flag -policy: a policy file is required");
        g.policy_file = *policy;
    }
    if (auto store = parsed.value("store")) {
        if (store->empty())
            throw UsageError("", "invalid value \"\" for flag -store: a directory is required");
        g.store = *store;
    }
    g.help = parsed.flag("help");
    g.version = parsed.flag("version");
    if (!parsed.positionals.empty()) {
        line.has_verb = true;
        line.verb = parsed.positionals.front();
        line.verb_args.assign(parsed.positionals.begin() + 1, parsed.positionals.end());
    }
    return line;
}

VerbArgs parse_verb_args(const VerbSpec& spec, const std::vector<std::string>& args) {
    VerbArgs out;
    out.spec = &spec;
    if (!spec.implemented) {
        // Callers pass the flags of the real verb (exec --process ...); they
        // must get "not implemented", not "flag provided but not defined".
        for (const auto& arg : args) {
            if (arg == "--")
                break;
            if (arg == "-h" || arg == "--help" || arg == "-help")
                out.help = true;
        }
        out.parsed.positionals = args;
        return out;
    }
    out.parsed = parse_flags(args, spec.flags, spec.flags_end, spec.name);
    out.help = out.parsed.flag("help");
    if (!out.help)
        check_arg_count(spec, out.parsed.positionals.size());
    return out;
}

std::string container_id(const VerbArgs& args) {
    if (args.parsed.positionals.empty() || args.parsed.positionals.front().empty())
        fail("container id cannot be empty");
    return args.parsed.positionals.front();
}

namespace {

int preserve_fds_of(const VerbArgs& args) {
    auto text = args.parsed.value("preserve-fds");
    if (!text)
        return 0;
    auto n = parse_uint(*text);
    if (!n)
        throw UsageError(args.spec->name,
                         "invalid value " + quote(*text) + " for flag -preserve-fds: parse error");
    // fds 3 .. 3+N-1 must stay representable as int.
    if (*n > static_cast<uint64_t>(INT_MAX - 3))
        throw UsageError(args.spec->name, "invalid value " + quote(*text) +
                                              " for flag -preserve-fds: value out of range");
    return static_cast<int>(*n);
}

} // namespace

namespace {

trust::RootUse root_use(const ParsedArgs& p) {
    return p.flag("writable") ? trust::RootUse::writable : trust::RootUse::shared;
}

} // namespace

std::optional<ImageRunOptions> image_run_options(const VerbArgs& args) {
    const ParsedArgs& p = args.parsed;
    auto ref = p.value("image");
    if (!ref) {
        if (p.flag("writable"))
            throw UsageError(args.spec->name,
                             "--writable needs --image: a bundle's config.json says "
                             "root.readonly itself");
        // Without --image, create and run take exactly the id, as runc.
        if (p.positionals.size() > 1)
            throw UsageError(args.spec->name, std::string("ward: \"") + args.spec->name +
                                                  "\" requires exactly 1 argument(s)");
        return std::nullopt;
    }
    if (ref->empty())
        throw UsageError(args.spec->name, "--image needs an image name or digest");
    if (auto bundle = p.value("bundle"); bundle && !bundle->empty())
        throw UsageError(args.spec->name,
                         "--bundle and --image exclude each other: the image makes the bundle");
    ImageRunOptions out;
    out.ref = *ref;
    out.command.assign(p.positionals.begin() + 1, p.positionals.end());
    out.root = root_use(p);
    return out;
}

BundleOptions bundle_options(const VerbArgs& args) {
    const auto& pos = args.parsed.positionals;
    BundleOptions out;
    out.action = pos.front();
    if (out.action != "create")
        throw UsageError("bundle", "unknown bundle action " + quote(out.action) + ": want create");
    out.image = args.parsed.value("image").value_or("");
    if (out.image.empty())
        throw UsageError("bundle", "ward: \"bundle create\" requires --image REF");
    out.dir = pos[1];
    if (out.dir.empty())
        throw UsageError("bundle", "bundle directory cannot be empty");
    out.command.assign(pos.begin() + 2, pos.end());
    out.root = root_use(args.parsed);
    return out;
}

container::CreateOptions create_options(const VerbArgs& args) {
    container::CreateOptions options;
    options.id = container_id(args);
    image_run_options(args); // the argument count and --image's companions
    const ParsedArgs& p = args.parsed;
    if (auto bundle = p.value("bundle"); bundle && !bundle->empty())
        options.bundle = *bundle;
    options.pid_file = p.value("pid-file").value_or("");
    options.console_socket = p.value("console-socket").value_or("");
    options.pidfd_socket = p.value("pidfd-socket").value_or("");
    options.no_pivot = p.flag("no-pivot");
    options.no_new_keyring = p.flag("no-new-keyring");
    options.preserve_fds = preserve_fds_of(args);
    return options;
}

container::ExecOptions exec_options(const VerbArgs& args) {
    container::ExecOptions o;
    o.id = container_id(args);
    const ParsedArgs& p = args.parsed;
    o.args.assign(p.positionals.begin() + 1, p.positionals.end());
    o.process_file = p.value("process").value_or("");
    o.env = p.values_of("env");
    o.cwd = p.value("cwd").value_or("");
    o.tty = p.flag("tty");
    o.user = p.value("user").value_or("");
    for (const auto& gid : p.values_of("additional-gids")) {
        auto n = parse_uint(gid);
        if (!n || *n > UINT32_MAX)
            fail("parsing " + gid + " as int for gid failed: invalid syntax");
        o.extra_gids.push_back(static_cast<uint32_t>(*n));
    }
    o.detach = p.flag("detach");
    o.pid_file = p.value("pid-file").value_or("");
    o.console_socket = p.value("console-socket").value_or("");
    o.pidfd_socket = p.value("pidfd-socket").value_or("");
    o.process_label = p.value("process-label").value_or("");
    o.apparmor = p.value("apparmor").value_or("");
    if (p.value("no-new-privs"))
        o.no_new_privs = p.flag("no-new-privs");
    o.caps = p.values_of("cap");
    o.preserve_fds = preserve_fds_of(args);
    o.cgroup = p.value("cgroup").value_or("");
    o.ignore_paused = p.flag("ignore-paused");
    return o;
}

RunOptions run_options(const VerbArgs& args) {
    RunOptions options;
    options.create = create_options(args);
    options.detach = args.parsed.flag("detach");
    options.keep = args.parsed.flag("keep");
    return options;
}

KillOptions kill_options(const VerbArgs& args) {
    KillOptions options;
    options.id = container_id(args);
    if (args.parsed.positionals.size() > 1)
        options.signal = args.parsed.positionals[1];
    options.all = args.parsed.flag("all");
    return options;
}

ListOptions list_options(const VerbArgs& args) {
    ListOptions options;
    std::string format = args.parsed.value("format").value_or("table");
    if (format == "json")
        options.format = ListFormat::json;
    else if (format != "table")
        throw UsageError(args.spec ? args.spec->name : "list",
                         "invalid format option " + quote(format) + ": want table or json");
    options.quiet = args.parsed.flag("quiet");
    return options;
}

SpecOptions spec_options(const VerbArgs& args) {
    SpecOptions options;
    options.bundle = args.parsed.value("bundle").value_or("");
    options.rootless = args.parsed.flag("rootless");
    return options;
}

PolicyOptions policy_options(const VerbArgs& args) {
    PolicyOptions options;
    const auto& pos = args.parsed.positionals;
    options.action = pos.empty() ? "" : pos.front();
    if (options.action == "show" && pos.size() <= 2) {
        options.container = pos.size() == 2 ? pos[1] : "";
        return options;
    }
    if (auto image = args.parsed.value("trust")) {
        if (options.action != "check" || pos.size() != 1)
            throw UsageError("policy", "ward: usage: policy check --trust IMAGE (no CONFIG)");
        if (image->empty())
            throw UsageError("policy", "invalid value \"\" for flag -trust: an image is required");
        options.image = *image;
        return options;
    }
    if (options.action == "check" && pos.size() == 2) {
        options.config = pos[1];
        return options;
    }
    if (options.action != "show" && options.action != "check")
        throw UsageError("policy",
                         "unknown policy action " + quote(options.action) + ": want show or check");
    // show takes 0 or 1 argument and the verb table allows 2 positionals,
    // so what is left is check without its CONFIG.
    throw UsageError("policy", "ward: \"policy check\" requires CONFIG");
}

} // namespace ward::cli
