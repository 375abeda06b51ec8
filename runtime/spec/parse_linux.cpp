// config.json "linux" (everything but resources).
#include "sections.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/names.hpp"

#include <algorithm>
#include <set>

namespace ward::spec::detail {
namespace {

std::vector<IdMapping> parse_mappings(const Obj& obj, std::string_view key) {
    std::vector<IdMapping> out;
    obj.each_obj(key, [&](const Obj& item) { out.push_back(parse_id_mapping(item)); });
    return out;
}

std::vector<Namespace> parse_namespaces(const Obj& obj) {
    std::vector<Namespace> out;
    std::set<std::string> seen;
    obj.each_obj("namespaces", [&](const Obj& item) {
        Namespace ns;
        ns.type = item.need_str("type");
        check_one_of(item.at("type"), ns.type, namespace_types(), "a namespace type");
        if (!seen.insert(ns.type).second)
            fail_at(item.at("type"), quote(ns.type) + " is listed twice");
        ns.path = item.str("path");
        if (item.get("path"))
            check_absolute(item.at("path"), ns.path);
        out.push_back(ns);
    });
    return out;
}

std::vector<Device> parse_devices(const Obj& obj) {
    std::vector<Device> out;
    std::set<std::string> seen;
    obj.each_obj("devices", [&](const Obj& item) {
        Device d;
        d.type = item.need_str("type");
        check_one_of(item.at("type"), d.type, {"c", "b", "u", "p"}, "a device type (c, b, u, p)");
        d.path = item.need_str("path");
        check_absolute(item.at("path"), d.path);
        if (!seen.insert(d.path).second)
            fail_at(item.at("path"), quote(d.path) + " is listed twice");
        if (d.type == "p") {
            d.major = item.integer<int64_t>("major");
            d.minor = item.integer<int64_t>("minor");
        } else {
            d.major = item.need_int<int64_t>("major");
            d.minor = item.need_int<int64_t>("minor");
        }
        d.file_mode = item.opt_int<uint32_t>("fileMode");
        d.uid = item.opt_int<uint32_t>("uid");
        d.gid = item.opt_int<uint32_t>("gid");
        out.push_back(d);
    });
    return out;
}

SeccompSyscall parse_syscall(const Obj& obj) {
    SeccompSyscall s;
    s.names = to_strings(obj.need("names"), obj.at("names"));
    if (s.names.empty())
        fail_at(obj.at("names"), "must name at least one syscall");
    for (size_t i = 0; i < s.names.size(); ++i)
        if (s.names[i].empty())
            fail_at(index_path(obj.at("names"), i), "empty syscall name");
    s.action = obj.need_str("action");
    check_one_of(obj.at("action"), s.action, seccomp_actions(), "a seccomp action");
    s.errno_ret = obj.opt_int<uint32_t>("errnoRet");
    obj.each_obj("args", [&](const Obj& item) {
        SeccompArg a;
        a.index = item.need_int<uint32_t>("index");
        if (a.index > 5)
            fail_at(item.at("index"),
                    std::to_string(a.index) + " is not a syscall argument index (0..5)");
        a.value = item.need_int<uint64_t>("value");
        a.value_two = item.integer<uint64_t>("valueTwo");
        a.op = item.need_str("op");
        check_one_of(item.at("op"), a.op, seccomp_operators(), "a seccomp operator");
        s.args.push_back(a);
    });
    return s;
}

Seccomp parse_seccomp(const Obj& obj) {
    Seccomp s;
    s.default_action = obj.need_str("defaultAction");
    check_one_of(obj.at("defaultAction"), s.default_action, seccomp_actions(), "a seccomp action");
    s.default_errno_ret = obj.opt_int<uint32_t>("defaultErrnoRet");
    s.architectures = obj.strings("architectures");
    for (size_t i = 0; i < s.architectures.size(); ++i)
        check_one_of(index_path(obj.at("architectures"), i), s.architectures[i],
                     seccomp_architectures(), "a seccomp architecture");
    s.flags = obj.strings("flags");
    for (size_t i = 0; i < s.flags.size(); ++i)
        check_one_of(index_path(obj.at("flags"), i), s.flags[i], seccomp_flags(),
                     "a seccomp filter flag");
    s.listener_path = obj.str("listenerPath");
    // ward connects to it from its own cwd, which is not the bundle's.
    if (!s.listener_path.empty())
        check_absolute(obj.at("listenerPath"), s.listener_path);
    s.listener_metadata = obj.str("listenerMetadata");
    obj.each_obj("syscalls", [&](const Obj& item) { s.syscalls.push_back(parse_syscall(item)); });
    bool notify = s.default_action == "SCMP_ACT_NOTIFY" ||
                  std::any_of(s.syscalls.begin(), s.syscalls.end(), [](const SeccompSyscall& c) {
                      return c.action == "SCMP_ACT_NOTIFY";
                  });
    if (notify && s.listener_path.empty())
        fail_at(obj.at("listenerPath"), "missing required field (SCMP_ACT_NOTIFY is used)");
    return s;
}

std::optional<std::vector<std::string>> parse_paths(const Obj& obj, std::string_view key) {
    auto paths = obj.opt_strings(key);
    if (paths)
        for (size_t i = 0; i < paths->size(); ++i)
            check_absolute(index_path(obj.at(key), i), (*paths)[i]);
    return paths;
}

// What the kernel accepts as a network interface name (dev_valid_name).
bool is_interface_name(const std::string& name) {
    if (name.empty() || name.size() >= 16 || name == "." || name == "..")
        return false;
    return std::none_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c));
    });
}

std::map<std::string, NetDevice> parse_net_devices(const Obj& obj) {
    std::map<std::string, NetDevice> out;
    obj.each_member_obj("netDevices", [&](const std::string& host_name, const Obj& item) {
        if (!is_interface_name(host_name))
            fail_at(item.path(), quote(host_name) + " is not a network interface name");
        NetDevice d{item.str("name")};
        if (item.get("name") && !is_interface_name(d.name))
            fail_at(item.at("name"), quote(d.name) + " is not a network interface name");
        out[host_name] = d;
    });
    return out;
}

IntelRdt parse_intel_rdt(const Obj& obj) {
    IntelRdt r;
    r.clos_id = obj.str("closID");
    r.l3_cache_schema = obj.str("l3CacheSchema");
    r.mem_bw_schema = obj.str("memBwSchema");
    if (!r.mem_bw_schema.empty() &&
        (!r.mem_bw_schema.starts_with("MB:") || r.mem_bw_schema.find('\n') != std::string::npos))
        fail_at(obj.at("memBwSchema"), quote(r.mem_bw_schema) + " is not one \"MB:...\" line");
    r.schemata = obj.strings("schemata");
    r.enable_monitoring = obj.boolean("enableMonitoring");
    return r;
}

// Cross-field rules between namespaces and the settings that need them.
void check_namespace_use(const Obj& obj, const Linux& l) {
    auto has = [&](const char* type) {
        return std::any_of(l.namespaces.begin(), l.namespaces.end(),
                           [&](const Namespace& ns) { return ns.type == type; });
    };
    auto new_userns = std::find_if(l.namespaces.begin(), l.namespaces.end(),
                                   [](auto& ns) { return ns.type == "user" && ns.path.empty(); });
    if (!has("user") && (!l.uid_mappings.empty() || !l.gid_mappings.empty()))
        fail_at(obj.at(l.uid_mappings.empty() ? "gidMappings" : "uidMappings"),
                "set, but there is no user namespace in linux.namespaces");
    if (new_userns != l.namespaces.end() && (l.uid_mappings.empty() || l.gid_mappings.empty()))
        fail_at(obj.at(l.uid_mappings.empty() ? "uidMappings" : "gidMappings"),
                "missing required field (a new user namespace needs mappings)");
    if (!l.time_offsets.empty() && !has("time"))
        fail_at(obj.at("timeOffsets"), "set, but there is no time namespace in linux.namespaces");
}

} // namespace

Linux parse_linux(const Obj& obj) {
    Linux l;
    l.uid_mappings = parse_mappings(obj, "uidMappings");
    l.gid_mappings = parse_mappings(obj, "gidMappings");
    obj.each_member_obj("timeOffsets", [&](const std::string& clock, const Obj& item) {
        check_one_of(item.path(), clock, {"boottime", "monotonic"},
                     "a clock (boottime, monotonic)");
        TimeOffset t{item.integer<int64_t>("secs"), item.integer<uint32_t>("nanosecs")};
        if (t.nanosecs >= 1000000000)
            fail_at(item.at("nanosecs"),
                    std::to_string(t.nanosecs) + " is out of range (0..999999999)");
        l.time_offsets[clock] = t;
    });
    l.sysctl = obj.string_map("sysctl");
    if (auto resources = obj.opt_obj("resources"))
        l.resources = parse_resources(*resources);
    l.cgroups_path = obj.str("cgroupsPath");
    l.namespaces = parse_namespaces(obj);
    l.devices = parse_devices(obj);
    if (auto seccomp = obj.opt_obj("seccomp"))
        l.seccomp = parse_seccomp(*seccomp);
    l.rootfs_propagation = obj.str("rootfsPropagation");
    if (obj.get("rootfsPropagation"))
        check_one_of(obj.at("rootfsPropagation"), l.rootfs_propagation,
                     {"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable",
                      "runbindable"},
                     "a mount propagation");
    l.masked_paths = parse_paths(obj, "maskedPaths");
    l.readonly_paths = parse_paths(obj, "readonlyPaths");
    l.mount_label = obj.str("mountLabel");
    if (auto personality = obj.opt_obj("personality")) {
        Personality p;
        p.domain = personality->need_str("domain");
        check_one_of(personality->at("domain"), p.domain, {"LINUX", "LINUX32"},
                     "a personality domain (LINUX, LINUX32)");
        p.flags = personality->strings("flags");
        l.personality = p;
    }
    if (auto rdt = obj.opt_obj("intelRdt"))
        l.intel_rdt = parse_intel_rdt(*rdt);
    l.net_devices = parse_net_devices(obj);
    check_namespace_use(obj, l);
    return l;
}

} // namespace ward::spec::detail
