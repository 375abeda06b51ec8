// One handler per verb. Each takes the parsed global options and the verb's
// parsed arguments, calls into container/ or spec/, prints what the verb
// prints, and returns the process exit status. Errors are thrown as
// ward::Error and reported by main.
#pragma once

#include "args.hpp"

namespace ward::cli {

struct Context {
    GlobalOptions options;
    container::Globals lifecycle; // what the lifecycle needs of the global flags
};

int verb_create(const Context& ctx, const VerbArgs& args);
int verb_start(const Context& ctx, const VerbArgs& args);
int verb_run(const Context& ctx, const VerbArgs& args);
int verb_state(const Context& ctx, const VerbArgs& args);
int verb_list(const Context& ctx, const VerbArgs& args);
int verb_kill(const Context& ctx, const VerbArgs& args);
int verb_delete(const Context& ctx, const VerbArgs& args);
int verb_spec(const Context& ctx, const VerbArgs& args);
int verb_features(const Context& ctx, const VerbArgs& args);
int verb_profile(const Context& ctx, const VerbArgs& args);
int verb_policy(const Context& ctx, const VerbArgs& args);
int verb_update(const Context& ctx, const VerbArgs& args);
int verb_pause(const Context& ctx, const VerbArgs& args);
int verb_resume(const Context& ctx, const VerbArgs& args);
int verb_ps(const Context& ctx, const VerbArgs& args);
int verb_exec(const Context& ctx, const VerbArgs& args);
int verb_events(const Context& ctx, const VerbArgs& args);
int verb_key(const Context& ctx, const VerbArgs& args);
int verb_image(const Context& ctx, const VerbArgs& args);
int verb_sign(const Context& ctx, const VerbArgs& args);
int verb_verify(const Context& ctx, const VerbArgs& args);
int verb_bundle(const Context& ctx, const VerbArgs& args);
int verb_audit(const Context& ctx, const VerbArgs& args);

// The image store directory: --store, else $WARD_STORE, else /var/lib/ward.
std::string store_dir(const Context& ctx);

// Help and version text (help.cpp, version.cpp). Both go to stdout.
void print_help();
void print_verb_help(const VerbSpec& spec);
void print_version();
// ward's version ("0.1.0"), as --version prints it.
const char* version_string();

// Writes all of `text` to stdout; throws Error when stdout is gone.
void print_out(std::string_view text);

} // namespace ward::cli
