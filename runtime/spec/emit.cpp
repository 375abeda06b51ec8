// Spec → config.json. Absent optionals and empty lists are left out, so a
// parsed config comes back with the same fields it had.
#include "ward/spec/landlock.hpp"
#include "ward/spec/parse.hpp"

namespace ward::spec {
namespace {

using json::Value;

Value strings(const std::vector<std::string>& list) {
    Value out = Value::array();
    for (const auto& s : list)
        out.push(s);
    return out;
}

Value string_map(const std::map<std::string, std::string>& map) {
    Value out = Value::object();
    for (const auto& [key, value] : map)
        out.set(key, value);
    return out;
}

template <typename T>
void set_opt(Value& obj, const char* key, const std::optional<T>& v) {
    if (v)
        obj.set(key, Value(*v));
}

void set_str(Value& obj, const char* key, const std::string& s) {
    if (!s.empty())
        obj.set(key, s);
}

void set_strings(Value& obj, const char* key, const std::vector<std::string>& list) {
    if (!list.empty())
        obj.set(key, strings(list));
}

template <typename T, typename Fn>
void set_list(Value& obj, const char* key, const std::vector<T>& list, Fn&& fn) {
    if (list.empty())
        return;
    Value out = Value::array();
    for (const auto& item : list)
        out.push(fn(item));
    obj.set(key, std::move(out));
}

Value id_mapping(const IdMapping& m) {
    Value v = Value::object();
    v.set("containerID", m.container_id);
    v.set("hostID", m.host_id);
    v.set("size", m.size);
    return v;
}

Value process_json(const Process& p) {
    Value v = Value::object();
    v.set("terminal", p.terminal);
    if (p.console_size) {
        Value size = Value::object();
        size.set("height", p.console_size->height);
        size.set("width", p.console_size->width);
        v.set("consoleSize", std::move(size));
    }
    Value user = Value::object();
    user.set("uid", p.user.uid);
    user.set("gid", p.user.gid);
    set_opt(user, "umask", p.user.umask);
    set_list(user, "additionalGids", p.user.additional_gids, [](uint32_t g) { return Value(g); });
    set_str(user, "username", p.user.username);
    v.set("user", std::move(user));
    set_strings(v, "args", p.args);
    set_strings(v, "env", p.env);
    v.set("cwd", p.cwd);
    if (p.capabilities) {
        Value caps = Value::object();
        const Capabilities& c = *p.capabilities;
        // Present-but-empty sets are kept: "no capabilities" differs from "unset".
        for (auto [key, set] : c.named_sets())
            if (*set)
                caps.set(key, strings(**set));
        v.set("capabilities", std::move(caps));
    }
    set_list(v, "rlimits", p.rlimits, [](const Rlimit& r) {
        Value o = Value::object();
        o.set("type", r.type);
        o.set("hard", Value(static_cast<unsigned long long>(r.hard)));
        o.set("soft", Value(static_cast<unsigned long long>(r.soft)));
        return o;
    });
    set_opt(v, "noNewPrivileges", p.no_new_privileges);
    set_str(v, "apparmorProfile", p.apparmor_profile);
    set_opt(v, "oomScoreAdj", p.oom_score_adj);
    set_str(v, "selinuxLabel", p.selinux_label);
    if (p.scheduler) {
        const Scheduler& s = *p.scheduler;
        Value o = Value::object();
        o.set("policy", s.policy);
        if (s.nice)
            o.set("nice", s.nice);
        if (s.priority)
            o.set("priority", s.priority);
        set_strings(o, "flags", s.flags);
        if (s.runtime)
            o.set("runtime", Value(static_cast<unsigned long long>(s.runtime)));
        if (s.deadline)
            o.set("deadline", Value(static_cast<unsigned long long>(s.deadline)));
        if (s.period)
            o.set("period", Value(static_cast<unsigned long long>(s.period)));
        v.set("scheduler", std::move(o));
    }
    if (p.io_priority) {
        Value o = Value::object();
        o.set("class", p.io_priority->io_class);
        o.set("priority", p.io_priority->priority);
        v.set("ioPriority", std::move(o));
    }
    if (p.exec_cpu_affinity) {
        Value o = Value::object();
        set_str(o, "initial", p.exec_cpu_affinity->initial);
        set_str(o, "final", p.exec_cpu_affinity->final);
        v.set("execCPUAffinity", std::move(o));
    }
    if (p.landlock)
        v.set("landlock", landlock::landlock_to_json(*p.landlock));
    return v;
}

Value mount_json(const Mount& m) {
    Value v = Value::object();
    v.set("destination", m.destination);
    set_str(v, "type", m.type);
    set_str(v, "source", m.source);
    set_strings(v, "options", m.options);
    set_list(v, "uidMappings", m.uid_mappings, id_mapping);
    set_list(v, "gidMappings", m.gid_mappings, id_mapping);
    return v;
}

Value hooks_json(const Hooks& h) {
    auto hook = [](const Hook& k) {
        Value v = Value::object();
        v.set("path", k.path);
        set_strings(v, "args", k.args);
        set_strings(v, "env", k.env);
        set_opt(v, "timeout", k.timeout);
        return v;
    };
    Value v = Value::object();
    set_list(v, "prestart", h.prestart, hook);
    set_list(v, "createRuntime", h.create_runtime, hook);
    set_list(v, "createContainer", h.create_container, hook);
    set_list(v, "startContainer", h.start_container, hook);
    set_list(v, "poststart", h.poststart, hook);
    set_list(v, "poststop", h.poststop, hook);
    return v;
}

Value throttle(const ThrottleDevice& t) {
    Value v = Value::object();
    v.set("major", t.major);
    v.set("minor", t.minor);
    v.set("rate", Value(static_cast<unsigned long long>(t.rate)));
    return v;
}

template <typename T>
Value opt_u64(const std::optional<T>& v) {
    return Value(static_cast<unsigned long long>(*v));
}

Value resources_json(const Resources& r) {
    Value v = Value::object();
    set_list(v, "devices", r.devices, [](const DeviceRule& d) {
        Value o = Value::object();
        o.set("allow", d.allow);
        set_str(o, "type", d.type);
        set_opt(o, "major", d.major);
        set_opt(o, "minor", d.minor);
        set_str(o, "access", d.access);
        return o;
    });
    if (r.memory) {
        const MemoryResources& m = *r.memory;
        Value o = Value::object();
        set_opt(o, "limit", m.limit);
        set_opt(o, "reservation", m.reservation);
        set_opt(o, "swap", m.swap);
        set_opt(o, "kernel", m.kernel);
        set_opt(o, "kernelTCP", m.kernel_tcp);
        if (m.swappiness)
            o.set("swappiness", opt_u64(m.swappiness));
        set_opt(o, "disableOOMKiller", m.disable_oom_killer);
        set_opt(o, "useHierarchy", m.use_hierarchy);
        set_opt(o, "checkBeforeUpdate", m.check_before_update);
        v.set("memory", std::move(o));
    }
    if (r.cpu) {
        const CpuResources& c = *r.cpu;
        Value o = Value::object();
        if (c.shares)
            o.set("shares", opt_u64(c.shares));
        set_opt(o, "quota", c.quota);
        if (c.burst)
            o.set("burst", opt_u64(c.burst));
        if (c.period)
            o.set("period", opt_u64(c.period));
        set_opt(o, "realtimeRuntime", c.realtime_runtime);
        if (c.realtime_period)
            o.set("realtimePeriod", opt_u64(c.realtime_period));
        set_str(o, "cpus", c.cpus);
        set_str(o, "mems", c.mems);
        set_opt(o, "idle", c.idle);
        v.set("cpu", std::move(o));
    }
    if (r.pids) {
        Value o = Value::object();
        set_opt(o, "limit", r.pids->limit);
        v.set("pids", std::move(o));
    }
    if (r.block_io) {
        const BlockIoResources& b = *r.block_io;
        Value o = Value::object();
        set_opt(o, "weight", b.weight);
        set_opt(o, "leafWeight", b.leaf_weight);
        set_list(o, "weightDevice", b.weight_device, [](const WeightDevice& w) {
            Value d = Value::object();
            d.set("major", w.major);
            d.set("minor", w.minor);
            set_opt(d, "weight", w.weight);
            set_opt(d, "leafWeight", w.leaf_weight);
            return d;
        });
        set_list(o, "throttleReadBpsDevice", b.throttle_read_bps_device, throttle);
        set_list(o, "throttleWriteBpsDevice", b.throttle_write_bps_device, throttle);
        set_list(o, "throttleReadIOPSDevice", b.throttle_read_iops_device, throttle);
        set_list(o, "throttleWriteIOPSDevice", b.throttle_write_iops_device, throttle);
        v.set("blockIO", std::move(o));
    }
    set_list(v, "hugepageLimits", r.hugepage_limits, [](const HugepageLimit& h) {
        Value o = Value::object();
        o.set("pageSize", h.page_size);
        o.set("limit", Value(static_cast<unsigned long long>(h.limit)));
        return o;
    });
    if (r.network) {
        Value o = Value::object();
        set_opt(o, "classID", r.network->class_id);
        set_list(o, "priorities", r.network->priorities, [](const NetworkPriority& p) {
            Value n = Value::object();
            n.set("name", p.name);
            n.set("priority", p.priority);
            return n;
        });
        v.set("network", std::move(o));
    }
    if (!r.rdma.empty()) {
        Value o = Value::object();
        for (const auto& [device, limit] : r.rdma) {
            Value l = Value::object();
            set_opt(l, "hcaHandles", limit.hca_handles);
            set_opt(l, "hcaObjects", limit.hca_objects);
            o.set(device, std::move(l));
        }
        v.set("rdma", std::move(o));
    }
    if (!r.unified.empty())
        v.set("unified", string_map(r.unified));
    return v;
}

Value seccomp_json(const Seccomp& s) {
    Value v = Value::object();
    v.set("defaultAction", s.default_action);
    set_opt(v, "defaultErrnoRet", s.default_errno_ret);
    set_strings(v, "architectures", s.architectures);
    set_strings(v, "flags", s.flags);
    set_str(v, "listenerPath", s.listener_path);
    set_str(v, "listenerMetadata", s.listener_metadata);
    set_list(v, "syscalls", s.syscalls, [](const SeccompSyscall& c) {
        Value o = Value::object();
        o.set("names", strings(c.names));
        o.set("action", c.action);
        set_opt(o, "errnoRet", c.errno_ret);
        set_list(o, "args", c.args, [](const SeccompArg& a) {
            Value arg = Value::object();
            arg.set("index", a.index);
            arg.set("value", Value(static_cast<unsigned long long>(a.value)));
            if (a.value_two)
                arg.set("valueTwo", Value(static_cast<unsigned long long>(a.value_two)));
            arg.set("op", a.op);
            return arg;
        });
        return o;
    });
    return v;
}

Value linux_json(const Linux& l) {
    Value v = Value::object();
    set_list(v, "uidMappings", l.uid_mappings, id_mapping);
    set_list(v, "gidMappings", l.gid_mappings, id_mapping);
    if (!l.time_offsets.empty()) {
        Value o = Value::object();
        for (const auto& [clock, offset] : l.time_offsets) {
            Value t = Value::object();
            t.set("secs", offset.secs);
            t.set("nanosecs", offset.nanosecs);
            o.set(clock, std::move(t));
        }
        v.set("timeOffsets", std::move(o));
    }
    if (!l.sysctl.empty())
        v.set("sysctl", string_map(l.sysctl));
    if (l.resources)
        v.set("resources", resources_json(*l.resources));
    set_str(v, "cgroupsPath", l.cgroups_path);
    set_list(v, "namespaces", l.namespaces, [](const Namespace& ns) {
        Value o = Value::object();
        o.set("type", ns.type);
        set_str(o, "path", ns.path);
        return o;
    });
    set_list(v, "devices", l.devices, [](const Device& d) {
        Value o = Value::object();
        o.set("type", d.type);
        o.set("path", d.path);
        o.set("major", d.major);
        o.set("minor", d.minor);
        set_opt(o, "fileMode", d.file_mode);
        set_opt(o, "uid", d.uid);
        set_opt(o, "gid", d.gid);
        return o;
    });
    if (l.seccomp)
        v.set("seccomp", seccomp_json(*l.seccomp));
    set_str(v, "rootfsPropagation", l.rootfs_propagation);
    if (l.masked_paths)
        v.set("maskedPaths", strings(*l.masked_paths));
    if (l.readonly_paths)
        v.set("readonlyPaths", strings(*l.readonly_paths));
    set_str(v, "mountLabel", l.mount_label);
    if (l.personality) {
        Value o = Value::object();
        o.set("domain", l.personality->domain);
        set_strings(o, "flags", l.personality->flags);
        v.set("personality", std::move(o));
    }
    if (l.intel_rdt) {
        const IntelRdt& r = *l.intel_rdt;
        Value o = Value::object();
        set_str(o, "closID", r.clos_id);
        set_str(o, "l3CacheSchema", r.l3_cache_schema);
        set_str(o, "memBwSchema", r.mem_bw_schema);
        set_strings(o, "schemata", r.schemata);
        if (r.enable_monitoring)
            o.set("enableMonitoring", true);
        v.set("intelRdt", std::move(o));
    }
    if (!l.net_devices.empty()) {
        Value o = Value::object();
        for (const auto& [host_name, device] : l.net_devices) {
            Value d = Value::object();
            set_str(d, "name", device.name);
            o.set(host_name, std::move(d));
        }
        v.set("netDevices", std::move(o));
    }
    return v;
}

} // namespace

json::Value resources_to_json(const Resources& resources) {
    return resources_json(resources);
}

json::Value spec_to_json(const Spec& spec) {
    Value v = Value::object();
    v.set("ociVersion", spec.oci_version);
    if (spec.process)
        v.set("process", process_json(*spec.process));
    if (spec.root) {
        Value root = Value::object();
        root.set("path", spec.root->path);
        set_opt(root, "readonly", spec.root->readonly);
        v.set("root", std::move(root));
    }
    set_str(v, "hostname", spec.hostname);
    set_str(v, "domainname", spec.domainname);
    set_list(v, "mounts", spec.mounts, mount_json);
    if (spec.hooks)
        v.set("hooks", hooks_json(*spec.hooks));
    if (!spec.annotations.empty())
        v.set("annotations", string_map(spec.annotations));
    if (spec.linux)
        v.set("linux", linux_json(*spec.linux));
    return v;
}

} // namespace ward::spec
