// argv parsing with runc's (urfave/cli + Go flag) rules, so that containerd,
// CRI-O and podman can call ward exactly as they call runc:
//   - global flags come before the verb; verb flags may sit before, between or
//     after the verb's arguments, up to the verb's end of flags (the id for
//     exec and ps, the command word for run --image and bundle create, as
//     podman and docker read theirs); `--` ends flags;
//   - `-name` and `--name` are the same flag; values as `--name value` or
//     `--name=value`; booleans take no separate value but accept `=true|false`;
//   - errors use Go's phrases ("flag provided but not defined: -x").
#pragma once

#include "commands.hpp"
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/trust/image_bundle.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::cli {

// Wrong usage (unknown flag, missing value, wrong argument count). main
// reports it and points to `ward [VERB] --help`; exit status 1.
class UsageError : public Error {
  public:
    UsageError(std::string verb, const std::string& msg) : Error(msg), verb_(std::move(verb)) {}
    const std::string& verb() const { return verb_; } // empty: the global part

  private:
    std::string verb_;
};

struct ParsedArgs {
    std::map<std::string, std::string> values; // by long name; booleans hold "true"/"false"
    std::vector<std::string> positionals;
    // Every value of each flag, in order, for repeatable ones (exec --env).
    std::map<std::string, std::vector<std::string>> all_values;

    bool flag(std::string_view name) const;
    std::optional<std::string> value(std::string_view name) const;
    std::vector<std::string> values_of(std::string_view name) const;
};

// Parses flags from `args`. Flags may be interleaved with positionals up to
// `end` (commands.hpp): from there on every word is a positional, taken as
// is; the global part ends at the verb (FlagsEnd{0}). `verb` only names
// the verb in errors.
ParsedArgs parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                       FlagsEnd end, const std::string& verb);

struct GlobalOptions {
    std::string root; // --root DIR (default: default_state_root)
    log::Options log;
    bool systemd_cgroup = false;
    bool cgroups_disabled = false; // --cgroup-manager disabled
    std::string rootless = "auto";
    std::string policy_file; // --policy FILE
    std::string store;       // --store DIR (empty: WARD_STORE, else default_store_root)
    bool help = false;
    bool version = false;
};

struct CommandLine {
    GlobalOptions globals;
    bool has_verb = false; // false: no verb at all (an empty word is a verb, and unknown)
    std::string verb;
    std::vector<std::string> verb_args;
};

// `args` is argv without the program name.
CommandLine parse_command_line(const std::vector<std::string>& args);

struct VerbArgs {
    const VerbSpec* spec = nullptr;
    ParsedArgs parsed;
    bool help = false;
};

// Parses a verb's flags and checks its argument count (skipped with --help):
// `ward: "state" requires exactly 1 argument(s)`.
VerbArgs parse_verb_args(const VerbSpec& spec, const std::vector<std::string>& args);

// Typed views of a parsed verb. They throw UsageError for malformed flag
// values and Error for values that are well-formed but refused.
std::string container_id(const VerbArgs& args);
container::CreateOptions create_options(const VerbArgs& args);

struct RunOptions {
    container::CreateOptions create;
    bool detach = false;
    bool keep = false;
};
RunOptions run_options(const VerbArgs& args);

// create/run --image REF ID [COMMAND [ARG...]]: the store image and the
// command replacing its Cmd (empty: the image's own). nullopt without
// --image, where a second argument is the usage error runc gives.
struct ImageRunOptions {
    std::string ref;
    std::vector<std::string> command;
    trust::RootUse root = trust::RootUse::shared; // --writable: an overlay on the store rootfs
};
std::optional<ImageRunOptions> image_run_options(const VerbArgs& args);

// bundle create --image REF DIR [COMMAND [ARG...]]
struct BundleOptions {
    std::string action; // "create"
    std::string image;
    std::string dir;
    std::vector<std::string> command;
    trust::RootUse root = trust::RootUse::shared;
};
BundleOptions bundle_options(const VerbArgs& args);

// exec: flags end at the container id; what follows is the command.
container::ExecOptions exec_options(const VerbArgs& args);

struct KillOptions {
    std::string id;
    std::string signal = "SIGTERM"; // as written; parsed by the kill verb
    bool all = false;
};
KillOptions kill_options(const VerbArgs& args);

enum class ListFormat { table, json };
struct ListOptions {
    ListFormat format = ListFormat::table;
    bool quiet = false;
};
ListOptions list_options(const VerbArgs& args);

struct SpecOptions {
    std::string bundle; // empty: the current directory
    bool rootless = false;
};
SpecOptions spec_options(const VerbArgs& args);

// `policy show [ID]`, `policy check CONFIG` or `policy check --trust IMAGE`.
struct PolicyOptions {
    std::string action;    // "show" or "check"
    std::string config;    // check: the config.json to evaluate
    std::string image;     // check --trust: the store image (name, digest, prefix) to admit
    std::string container; // show ID: what create recorded for that container
};
PolicyOptions policy_options(const VerbArgs& args);

// `ward audit` (audit_args.cpp): one mode of four, each with its operands.
enum class AuditMode { config, compare, container, pid };
enum class AuditFormat { table, json, sarif };
struct AuditOptions {
    AuditMode mode = AuditMode::config;
    std::vector<std::string> operands; // config: CONFIG|BUNDLE; compare: A B [C...]
    std::string policy;                // --policy FILE or ward:NAME; empty: the global selection
    AuditFormat format = AuditFormat::table;
    std::string container; // --container ID
    int pid = 0;           // --pid PID
};
AuditOptions audit_options(const VerbArgs& args);

} // namespace ward::cli
