// config.json "process".
#include "sections.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/names.hpp"

#include <set>

namespace ward::spec::detail {
namespace {

User parse_user(const Obj& obj) {
    User u;
    u.uid = obj.integer<uint32_t>("uid");
    u.gid = obj.integer<uint32_t>("gid");
    u.umask = obj.opt_int<uint32_t>("umask");
    if (u.umask && *u.umask > 0777)
        fail_at(obj.at("umask"), std::to_string(*u.umask) + " is out of range (0..511, i.e. 0777)");
    if (const json::Value* gids = obj.get("additionalGids")) {
        std::string base = obj.at("additionalGids");
        const auto& items = to_array(*gids, base);
        for (size_t i = 0; i < items.size(); ++i)
            u.additional_gids.push_back(to_int<uint32_t>(items[i], index_path(base, i)));
    }
    u.username = obj.str("username");
    return u;
}

// A name ward has no number for cannot be mapped to the kernel, and the
// runtime-spec says such a value MUST be an error (runc only warns). A name
// ward knows but the running kernel does not is another matter: it is
// skipped when the sets are applied (linux/capabilities.cpp), as runc does.
std::optional<std::vector<std::string>> capability_set(const Obj& obj, std::string_view key) {
    auto set = obj.opt_strings(key);
    if (set)
        for (size_t i = 0; i < set->size(); ++i)
            if (!capability_number((*set)[i]))
                fail_at(index_path(obj.at(key), i), "unknown capability " + quote((*set)[i]));
    return set;
}

Capabilities parse_capabilities(const Obj& obj) {
    Capabilities c;
    c.bounding = capability_set(obj, "bounding");
    c.effective = capability_set(obj, "effective");
    c.inheritable = capability_set(obj, "inheritable");
    c.permitted = capability_set(obj, "permitted");
    c.ambient = capability_set(obj, "ambient");
    return c;
}

std::vector<Rlimit> parse_rlimits(const Obj& obj) {
    std::vector<Rlimit> out;
    std::set<std::string> seen;
    obj.each_obj("rlimits", [&](const Obj& item) {
        Rlimit r;
        r.type = item.need_str("type");
        check_one_of(item.at("type"), r.type, rlimit_names(), "a known rlimit");
        if (!seen.insert(r.type).second)
            fail_at(item.at("type"), quote(r.type) + " is listed twice");
        r.soft = item.need_int<uint64_t>("soft");
        r.hard = item.need_int<uint64_t>("hard");
        if (r.soft > r.hard)
            fail_at(item.path(), "soft limit " + std::to_string(r.soft) + " is above hard limit " +
                                     std::to_string(r.hard));
        out.push_back(r);
    });
    return out;
}

Scheduler parse_scheduler(const Obj& obj) {
    Scheduler s;
    s.policy = obj.need_str("policy");
    check_one_of(obj.at("policy"), s.policy,
                 {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
                  "SCHED_DEADLINE"},
                 "a scheduler policy");
    s.nice = obj.integer<int32_t>("nice");
    s.priority = obj.integer<int32_t>("priority");
    s.flags = obj.strings("flags");
    for (size_t i = 0; i < s.flags.size(); ++i)
        check_one_of(index_path(obj.at("flags"), i), s.flags[i],
                     {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
                      "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
                      "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"},
                     "a scheduler flag");
    s.runtime = obj.integer<uint64_t>("runtime");
    s.deadline = obj.integer<uint64_t>("deadline");
    s.period = obj.integer<uint64_t>("period");
    return s;
}

IoPriority parse_io_priority(const Obj& obj) {
    IoPriority p;
    p.io_class = obj.need_str("class");
    check_one_of(obj.at("class"), p.io_class,
                 {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"},
                 "an I/O priority class");
    p.priority = obj.integer<int32_t>("priority");
    check_between(obj.at("priority"), p.priority, 0, 7);
    return p;
}

std::string cpu_list(const Obj& obj, std::string_view key) {
    std::string list = obj.str(key);
    if (list.find_first_not_of("0123456789, -") != std::string::npos)
        fail_at(obj.at(key), quote(list) + " is not a CPU list like \"0-3,7\"");
    return list;
}

} // namespace

Process parse_process(const Obj& obj) {
    Process p;
    p.terminal = obj.boolean("terminal");
    if (auto size = obj.opt_obj("consoleSize"))
        p.console_size =
            ConsoleSize{size->need_int<uint32_t>("height"), size->need_int<uint32_t>("width")};
    if (auto user = obj.opt_obj("user"))
        p.user = parse_user(*user);
    p.args = obj.strings("args");
    if (p.args.empty())
        fail_at(obj.at("args"), "must name the program to run (at least one entry)");
    p.env = obj.strings("env");
    for (size_t i = 0; i < p.env.size(); ++i)
        if (p.env[i].find('=') == std::string::npos || p.env[i].starts_with('='))
            fail_at(index_path(obj.at("env"), i), quote(p.env[i]) + " is not NAME=VALUE");
    p.cwd = obj.need_str("cwd");
    check_absolute(obj.at("cwd"), p.cwd);
    if (auto caps = obj.opt_obj("capabilities"))
        p.capabilities = parse_capabilities(*caps);
    p.rlimits = parse_rlimits(obj);
    p.no_new_privileges = obj.opt_bool("noNewPrivileges");
    p.apparmor_profile = obj.str("apparmorProfile");
    p.oom_score_adj = obj.opt_int<int32_t>("oomScoreAdj");
    if (p.oom_score_adj)
        check_between(obj.at("oomScoreAdj"), *p.oom_score_adj, -1000, 1000);
    p.selinux_label = obj.str("selinuxLabel");
    if (auto sched = obj.opt_obj("scheduler"))
        p.scheduler = parse_scheduler(*sched);
    if (auto io = obj.opt_obj("ioPriority"))
        p.io_priority = parse_io_priority(*io);
    if (auto affinity = obj.opt_obj("execCPUAffinity"))
        p.exec_cpu_affinity =
            CpuAffinity{cpu_list(*affinity, "initial"), cpu_list(*affinity, "final")};
    if (auto landlock = obj.opt_obj("landlock"))
        p.landlock = parse_landlock(*landlock);
    return p;
}

} // namespace ward::spec::detail
