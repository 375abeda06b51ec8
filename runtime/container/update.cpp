// update: new resource limits for a created or running container. The
// request is merged into the config saved in the state dir, the writes it
// needs go through the policy gate with the policy recorded at create (it
// decides about a limit the hierarchy has no controller for), are applied,
// and the merged config saved.
//
// The cgroup writes and the config save cannot be one atomic step, so the
// request is saved first as update.json (the journal) and removed last. A
// ward killed in between leaves the journal, and the next update (same
// lock) finishes that request before its own: the same request merged into
// the same saved config gives the same writes, which are idempotent, so
// the cgroup and config.json agree again. Without it, a later update would
// merge into the stale config and the killed update's limits would stay
// in the cgroup with no record of them.
#include "ward/cgroups/update.hpp"

#include "limits.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/scope.hpp"
#include "ward/cgroups/manager.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"
#include "ward/policy/gate.hpp"
#include "ward/policy/record.hpp"
#include "ward/spec/parse.hpp"

#include <cerrno>
#include <unistd.h>

namespace ward::container {
namespace {

std::string journal_path(const StateDir& dir) {
    return dir.path() + "/update.json";
}

void remove_journal(const StateDir& dir) {
    if (::unlink(journal_path(dir).c_str()) < 0 && errno != ENOENT)
        fail_errno("remove " + journal_path(dir));
}

struct Container {
    State state;
    spec::Spec spec;
    policy::Record record; // the policy it was created under
};

// One request, start to end: merged into the saved config, judged, written
// to the cgroup, saved. The journal holds the request throughout.
void apply_request(const Globals& g, const StateDir& dir, Container& c,
                   const spec::Resources& request) {
    if (!c.spec.linux)
        c.spec.linux = spec::Linux{};
    spec::Resources current = c.spec.linux->resources.value_or(spec::Resources{});
    cgroups::Update u = cgroups::plan_update(current, request);

    const policy::Effective& effective = c.record.effective;
    if (auto ignored = policy::ignored_selection(g.policy_file, effective.policy, "update"))
        log::warn(*ignored);
    Limits limits = plan_limits(effective.policy, &u.delta, "", c.state.cgroup);
    policy::Request gate;
    gate.stage = policy::Stage::update;
    gate.findings = limits.findings;
    policy::admit(effective, gate);

    write_file_atomic(journal_path(dir),
                      json::serialize(spec::resources_to_json(request), json::Style::pretty));
    fault_point("update:pending-saved");
    cgroups::manager_of({c.state.cgroup, c.state.systemd_unit})
        ->update({limits.plan, limits.controllers});
    fault_point("update:limits-applied");
    c.spec.linux->resources = u.merged;
    write_file_atomic(dir.config_path(),
                      json::serialize(spec::spec_to_json(c.spec), json::Style::pretty));
    fault_point("update:config-saved");
}

// The request of an update that was killed before it removed its journal.
// One that cannot be finished now (a memory limit below today's usage,
// say) is dropped with a warning rather than blocking every later update.
void finish_interrupted(const Globals& g, const StateDir& dir, Container& c) {
    std::string path = journal_path(dir);
    if (::access(path.c_str(), F_OK) < 0)
        return;
    log::warn("finishing an update of container " + dir.id() +
              " that was interrupted before it saved the config");
    try {
        spec::Resources pending = spec::resources_from_json(json::parse(read_document(path)), path);
        apply_request(g, dir, c, pending);
    } catch (const Error& e) {
        log::warn("the interrupted update cannot be finished, dropped: " + std::string(e.what()) +
                  "; the cgroup may hold some of its limits");
    }
    remove_journal(dir);
}

} // namespace

void update(const Globals& g, const std::string& id, const spec::Resources& request) {
    StateDir dir(g.root, id);
    dir.open_locked();
    Container c;
    c.state = dir.load();
    Status status = current_status(dir, c.state);
    // runc's phrase; a container being created has no limits to change yet.
    if (status == Status::stopped || status == Status::creating)
        fail("container not running");
    if (c.state.cgroup.empty())
        fail("container " + id + " has no cgroup");

    c.spec = spec::parse_spec(read_document(dir.config_path()));
    std::string record_path = dir.path() + "/policy.json";
    c.record = policy::parse_record(read_document(record_path), record_path);
    finish_interrupted(g, dir, c);

    // A refused or failed request leaves no journal: nothing is left to
    // finish, and what it wrote before failing is what update always left.
    ScopeGuard drop([&] {
        try {
            remove_journal(dir);
        } catch (const Error& e) {
            log::warn(e.what());
        }
    });
    apply_request(g, dir, c, request);
}

} // namespace ward::container
