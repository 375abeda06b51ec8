// update: new resource limits for a created or running container. The
// request is merged into the config saved in the state dir, the writes it
// needs go through the policy gate with the policy recorded at create (it
// decides about a limit the hierarchy has no controller for), are applied,
// and the merged config saved.
#include "ward/cgroups/update.hpp"

#include "limits.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"
#include "ward/policy/gate.hpp"
#include "ward/policy/record.hpp"
#include "ward/spec/parse.hpp"

namespace ward::container {

void update(const Globals& g, const std::string& id, const spec::Resources& request) {
    StateDir dir(g.root, id);
    dir.open_locked();
    State state = dir.load();
    Status status = current_status(dir, state);
    // runc's phrase; a container being created has no limits to change yet.
    if (status == Status::stopped || status == Status::creating)
        fail("container not running");
    if (state.cgroup.empty())
        fail("container " + id + " has no cgroup");

    spec::Spec spec = spec::parse_spec(read_document(dir.config_path()));
    if (!spec.linux)
        spec.linux = spec::Linux{};
    spec::Resources current = spec.linux->resources.value_or(spec::Resources{});
    cgroups::Update u = cgroups::plan_update(current, request);

    // The policy this container was created under, not one selected now.
    std::string record_path = dir.path() + "/policy.json";
    policy::Record record = policy::parse_record(read_document(record_path), record_path);
    if (auto ignored = policy::ignored_selection(g.policy_file, record.effective.policy, "update"))
        log::warn(*ignored);
    Limits limits = plan_limits(record.effective.policy, &u.delta);
    policy::Request gate;
    gate.stage = policy::Stage::update;
    gate.findings = limits.findings;
    policy::admit(record.effective, gate);

    apply_limits(cgroups::Cgroup::attach(state.cgroup), limits);

    spec.linux->resources = u.merged;
    write_file_atomic(dir.config_path(),
                      json::serialize(spec::spec_to_json(spec), json::Style::pretty));
}

} // namespace ward::container
