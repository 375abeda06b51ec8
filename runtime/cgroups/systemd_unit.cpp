// linux.cgroupsPath → a systemd scope and its slice, and linux.resources →
// the unit properties systemd has for them.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/resources.hpp"
#include "ward/cgroups/systemd.hpp"

#include <limits>

namespace ward::cgroups {

namespace {

constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::vector<std::uint8_t> cpuset_mask(const std::string& list, const std::string& field) {
    std::vector<std::uint8_t> mask;
    auto bad = [&](const std::string& why) { fail(field + " \"" + list + "\": " + why); };
    for (const auto& item : split(list, ',')) {
        if (item.empty())
            bad("empty entry");
        auto dash = item.find('-');
        auto first = parse_int(item.substr(0, dash));
        auto last = dash == std::string::npos ? first : parse_int(item.substr(dash + 1));
        if (!first || !last || *first < 0 || *last < *first)
            bad("\"" + item + "\" is not a number or a range low-high");
        if (*last >= kMaxCpusetIndex)
            bad(std::to_string(*last) + " is past " + std::to_string(kMaxCpusetIndex - 1));
        if (mask.size() <= static_cast<std::size_t>(*last / 8))
            mask.resize(static_cast<std::size_t>(*last / 8) + 1, 0);
        for (auto i = *first; i <= *last; ++i)
            mask[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(1u << (i % 8));
    }
    return mask;
}

std::string SystemdUnit::cgroup_path() const {
    return manager_root + expand_slice(slice) + "/" + unit;
}

std::string expand_slice(const std::string& slice) {
    auto bad = [&](const char* why) { fail("linux.cgroupsPath: slice \"" + slice + "\" " + why); };
    if (slice == "-.slice")
        return "";
    if (!ends_with(slice, ".slice"))
        bad("does not end in .slice");
    if (slice.find('/') != std::string::npos)
        bad("holds a \"/\"");
    std::string base = slice.substr(0, slice.size() - 6);
    if (base.empty())
        bad("has an empty name");
    std::string path, prefix;
    for (const auto& part : split(base, '-')) {
        if (part.empty())
            bad("has an empty part between dashes");
        prefix += (prefix.empty() ? "" : "-") + part;
        path += "/" + prefix + ".slice";
    }
    return path;
}

SystemdUnit systemd_unit_for(const std::string& cgroups_path, const std::string& id, uid_t user) {
    std::string spec = cgroups_path.empty() ? ":ward:" + id : cgroups_path;
    auto parts = split(spec, ':');
    if (parts.size() != 3)
        fail("linux.cgroupsPath \"" + cgroups_path +
             "\": the systemd cgroup driver wants \"slice:prefix:name\"");
    SystemdUnit u;
    const char* default_slice = user == 0 ? "system.slice" : "user.slice";
    u.slice = parts[0].empty() ? default_slice : parts[0] == "-" ? "-.slice" : parts[0];
    if (user != 0) {
        std::string uid = std::to_string(user);
        u.manager_root = "/user.slice/user-" + uid + ".slice/user@" + uid + ".service";
    }
    const std::string& prefix = parts[1];
    const std::string& name = parts[2];
    if (name.empty())
        fail("linux.cgroupsPath \"" + cgroups_path + "\": the name part is empty");
    if (ends_with(name, ".slice"))
        fail("linux.cgroupsPath \"" + cgroups_path +
             "\": a slice as the container's unit is not supported (use a scope name)");
    if (name.find('/') != std::string::npos || prefix.find('/') != std::string::npos)
        fail("linux.cgroupsPath \"" + cgroups_path + "\": a unit name cannot hold \"/\"");
    u.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
    expand_slice(u.slice); // refuses a bad slice now, not at StartTransientUnit
    return u;
}

std::vector<dbus::Property> resource_properties(const spec::Resources& r) {
    std::vector<dbus::Property> props;
    auto bytes = [](std::int64_t v) { return v < 0 ? kInfinity : static_cast<std::uint64_t>(v); };
    if (r.memory) {
        const auto& m = *r.memory;
        if (m.limit)
            props.push_back({"MemoryMax", bytes(*m.limit)});
        if (m.reservation)
            props.push_back({"MemoryLow", bytes(*m.reservation)});
        // memory.swap is memory+swap (v1 semantics); v2's swap.max is the
        // swap alone, as the cgroupfs driver converts it.
        if (m.swap) {
            if (*m.swap < 0)
                props.push_back({"MemorySwapMax", kInfinity});
            else if (m.limit && *m.limit >= 0 && *m.swap >= *m.limit)
                props.push_back({"MemorySwapMax", static_cast<std::uint64_t>(*m.swap - *m.limit)});
        }
    }
    if (r.pids && r.pids->limit && *r.pids->limit != 0)
        props.push_back({"TasksMax", bytes(*r.pids->limit)});
    if (r.cpu) {
        const auto& c = *r.cpu;
        // The cgroupfs driver's conversion, so both drivers (and a
        // daemon-reload rewriting cpu.weight) agree.
        if (c.shares && *c.shares != 0)
            props.push_back({"CPUWeight", cpu_weight_from_shares(*c.shares)});
        if (c.quota) {
            if (*c.quota < 0) {
                props.push_back({"CPUQuotaPerSecUSec", kInfinity});
            } else if (*c.quota > 0) {
                std::uint64_t period = c.period && *c.period ? *c.period : 100000;
                // systemd keeps the quota per second in 10 ms steps: round up
                // so the limit is never tighter than asked.
                std::uint64_t per_sec = static_cast<std::uint64_t>(*c.quota) * 1000000 / period;
                per_sec = (per_sec + 9999) / 10000 * 10000;
                props.push_back({"CPUQuotaPerSecUSec", per_sec});
            }
        }
    }
    // systemd's bitmask form: byte i bit j is cpu (or node) 8i+j.
    if (r.cpu && !r.cpu->cpus.empty())
        props.push_back({"AllowedCPUs", cpuset_mask(r.cpu->cpus, "linux.resources.cpu.cpus")});
    if (r.cpu && !r.cpu->mems.empty())
        props.push_back(
            {"AllowedMemoryNodes", cpuset_mask(r.cpu->mems, "linux.resources.cpu.mems")});
    return props;
}

} // namespace ward::cgroups
