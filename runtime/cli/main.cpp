// ward's entry point: parse argv, configure logging, run one verb. Every
// error ends here as a message and exit status 1; nothing escapes main.
#include "args.hpp"
#include "verbs.hpp"
#include "ward/base/file.hpp"
#include "ward/linux/self_exe.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/profiles.hpp"

#include <cerrno>
#include <exception>
#include <fcntl.h>
#include <unistd.h>

using namespace ward;
using namespace ward::cli;

namespace {

using Handler = int (*)(const Context&, const VerbArgs&);

struct Dispatch {
    const char* verb;
    Handler handler;
};

constexpr Dispatch kHandlers[] = {
    {"create", verb_create},   {"start", verb_start},   {"run", verb_run},
    {"state", verb_state},     {"list", verb_list},     {"kill", verb_kill},
    {"delete", verb_delete},   {"spec", verb_spec},     {"features", verb_features},
    {"profile", verb_profile}, {"policy", verb_policy}, {"update", verb_update},
    {"pause", verb_pause},     {"resume", verb_resume}, {"ps", verb_ps},
    {"events", verb_events},   {"key", verb_key},       {"image", verb_image},
    {"exec", verb_exec},       {"sign", verb_sign},     {"verify", verb_verify},
    {"bundle", verb_bundle},   {"audit", verb_audit},
};

// With fd 0, 1 or 2 closed, the next file ward opens (a log, a state file)
// would take its number and receive output meant for stdio.
void ensure_stdio_open() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int null = ::open("/dev/null", O_RDWR); // stdio must survive exec: no O_CLOEXEC
        if (null >= 0 && null != fd) {
            ::dup2(null, fd);
            ::close(null);
        }
    }
}

// `ward help [VERB]`
int help_verb(const VerbArgs& args) {
    if (args.parsed.positionals.empty()) {
        print_help();
        return 0;
    }
    const std::string& topic = args.parsed.positionals.front();
    const VerbSpec* spec = find_verb(topic);
    if (!spec)
        throw UsageError("", "No help topic for '" + topic + "'");
    print_verb_help(*spec);
    return 0;
}

// The verbs that start processes in a container's namespaces. The others
// (state, list, kill, ... which containerd calls all the time) never let a
// container near ward's binary and run as they are.
bool starts_container_processes(const std::vector<std::string>& args) {
    try {
        CommandLine line = parse_command_line(args);
        if (!line.has_verb || line.globals.help || line.globals.version)
            return false;
        return line.verb == "create" || line.verb == "run" || line.verb == "exec";
    } catch (const Error&) {
        return false; // run_cli reports the usage error
    }
}

// CVE-2019-5736: before create, run or exec touch a container, ward runs
// from a copy of its binary that nothing can write through
// (linux/self_exe.hpp); spawn_init and exec's intermediate make themselves
// non-dumpable before they enter a container namespace. This departs from DESIGN.md's "no
// re-exec of itself" only in where: ward re-executes itself once, on the
// host, before any container namespace exists for it; nothing is
// re-executed inside a container (docs/architecture.md, Departures).
// Returns the error that must fail the verb, "" when protected; does not
// return when it re-executes.
std::string protect_own_binary(const std::vector<std::string>& args, char** argv, char** envp) {
    if (!starts_container_processes(args))
        return "";
    try {
        linux::reexec_from_protected_copy(argv, envp);
        return "";
    } catch (const Error& e) {
        return e.what();
    }
}

int run_cli(const std::vector<std::string>& argv, const std::string& protection_error) {
    CommandLine line = parse_command_line(argv);
    log::configure(line.globals.log);
    // Reported only now, so it reaches --log as every other failure does.
    if (!protection_error.empty())
        fail(protection_error);
    if (line.globals.help || (!line.has_verb && !line.globals.version)) {
        print_help();
        return 0;
    }
    if (line.globals.version) {
        print_version();
        return 0;
    }
    const VerbSpec* spec = find_verb(line.verb);
    if (!spec)
        throw UsageError("", "No help topic for '" + line.verb + "'");
    VerbArgs args = parse_verb_args(*spec, line.verb_args);
    if (args.help) {
        print_verb_help(*spec);
        return 0;
    }
    if (std::string_view(spec->name) == "help")
        return help_verb(args);
    if (!spec->implemented)
        fail(std::string("ward: '") + spec->name + "' is not implemented yet");

    Context ctx;
    ctx.options = line.globals;
    ctx.lifecycle.root = line.globals.root;
    ctx.lifecycle.systemd_cgroup = line.globals.systemd_cgroup;
    ctx.lifecycle.cgroups_disabled = line.globals.cgroups_disabled;
    ctx.lifecycle.policy_file = line.globals.policy_file;
    ctx.lifecycle.store = line.globals.store;
    log::debug(std::string("ward ") + spec->name + ": root " + ctx.lifecycle.root);
    for (const auto& entry : kHandlers)
        if (std::string_view(entry.verb) == spec->name)
            return entry.handler(ctx, args);
    fail(std::string("ward: no handler for '") + spec->name + "'");
}

void usage_hint(const UsageError& e) {
    std::string where = e.verb().empty() ? "ward --help" : "ward " + e.verb() + " --help";
    try {
        write_all(STDERR_FILENO, "Run '" + where + "' for usage.\n", "write stderr");
    } catch (const Error&) {
    }
}

} // namespace

int main(int argc, char** argv, char** envp) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    // First, before any fd is opened: the re-exec keeps every fd open.
    std::string protection_error = protect_own_binary(args, argv, envp);
    ensure_stdio_open();
    // policy/ fills a missing linux.seccomp by profile name; the profiles
    // are seccomp/'s, a module above it, so they are plugged in here.
    policy::set_profile_provider(seccomp::find_builtin_profile);
    try {
        return run_cli(args, protection_error);
    } catch (const UsageError& e) {
        log::fatal(e.what());
        usage_hint(e);
    } catch (const Error& e) {
        log::fatal(e.what());
    } catch (const std::exception& e) {
        log::fatal(std::string("internal error: ") + e.what());
    } catch (...) {
        log::fatal("internal error: unknown exception");
    }
    return 1;
}
