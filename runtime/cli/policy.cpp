// `ward policy show|check`: the policy engine without running anything, so
// an operator can see which rules apply and why a config would be refused.
#include "ward/policy/policy.hpp"

#include "verbs.hpp"
#include "ward/base/document.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/parse.hpp"
#include "ward/trust/store.hpp"

#include <unistd.h>

namespace ward::cli {
namespace {

// With an ID: the policy that container was created under, as create
// recorded it (the policy document, what it filled, what it warned about).
int show_recorded(const Context& ctx, const std::string& id) {
    print_out(json::serialize(container::recorded_policy(ctx.lifecycle, id), json::Style::pretty) +
              "\n");
    return 0;
}

int show(const Context& ctx) {
    policy::Effective eff = policy::select_policy(ctx.options.policy_file);
    // Where it came from goes to stderr, so stdout is a valid policy file.
    write_all(STDERR_FILENO, "policy " + quote(eff.policy.name) + " from " + eff.source + "\n",
              "write stderr");
    print_out(json::serialize(policy::policy_to_json(eff.policy), json::Style::pretty) + "\n");
    return 0;
}

// The same steps as create: fill, then evaluate what would run.
int check(const Context& ctx, const std::string& config) {
    policy::Effective eff = policy::select_policy(ctx.options.policy_file);
    spec::Spec spec = spec::parse_spec(read_document(config), config);
    std::vector<std::string> filled = policy::apply(eff.policy, spec);
    std::vector<policy::Finding> findings = policy::evaluate(eff.policy, spec);
    std::string out = "policy " + quote(eff.policy.name) + " from " + eff.source + "\n";
    for (const auto& line : filled)
        out += "fill    " + line + "\n";
    for (const auto& f : findings)
        out += std::string(f.action == policy::Action::enforce ? "refuse  " : "warn    ") +
               f.message + "\n";
    bool refused = policy::refuses(findings);
    out += refused ? "refused: create would not start this config\n"
                   : "allowed: create would start this config\n";
    print_out(out);
    return refused ? 1 : 0;
}

// "sigstoreSigned trust.default[0]: key /k/new.pub, identity "r.io/app:v1" (signature layer …)"
std::string met_line(const trust::MetRequirement& met) {
    std::string line = met.where + " " + met.type;
    if (const auto& s = met.signature)
        line += ": key " + s->key + ", identity " + quote(s->identity) + ", signs " +
                s->signed_digest.str() + " (" + s->origin + ")";
    return line;
}

// The admission create makes for a store image, without creating anything:
// the same name, saved signatures and admit_image.
int check_trust(const Context& ctx, const std::string& ref) {
    policy::Effective eff = policy::select_policy(ctx.options.policy_file);
    trust::Store store = trust::Store::open(trust::store_root(ctx.options.store), false);
    std::optional<trust::StoreEntry> entry = store.find(ref);
    if (!entry)
        fail("image " + quote(ref) + " is not in the store (" + store.root() + ")");
    std::string name = entry->name_for(ref);
    std::string out = "policy " + quote(eff.policy.name) + " from " + eff.source + "\n" +
                      "image   " + name + " " + entry->manifest.str() + "\n";
    if (!eff.policy.trust) {
        print_out(out + "allowed: the policy has no trust section; images are not checked\n");
        return 0;
    }
    try {
        trust::Admission a =
            trust::admit_image(*eff.policy.trust, name, entry->chain, store.signatures(*entry));
        out += "scope   " + quote(a.scope) + "\n";
        for (const auto& met : a.met)
            out += "admit   " + met_line(met) + "\n";
        for (const auto& warning : a.warnings)
            out += "warn    " + warning + "\n";
        print_out(out + "allowed: create would start this image\n");
        return 0;
    } catch (const Error& e) {
        print_out(out + "refuse  " + e.what() + "\nrefused: create would not start this image\n");
        return 1;
    }
}

} // namespace

int verb_policy(const Context& ctx, const VerbArgs& args) {
    PolicyOptions options = policy_options(args);
    if (options.action == "show")
        return options.container.empty() ? show(ctx) : show_recorded(ctx, options.container);
    if (!options.image.empty())
        return check_trust(ctx, options.image);
    return check(ctx, options.config);
}

} // namespace ward::cli
