// linux.cgroupsPath → a systemd scope and its slice.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/systemd.hpp"

namespace ward::cgroups {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

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

} // namespace ward::cgroups
