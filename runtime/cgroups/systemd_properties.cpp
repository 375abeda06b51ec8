// linux.resources → the unit properties systemd has for them. Derived from
// the cgroupfs driver's own plan (resources.hpp), file by file, so a
// daemon-reload rewrites what ward wrote: the same conversions, and a
// unified key overrides a typed field here as its write does there.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/resources.hpp"
#include "ward/cgroups/systemd.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace ward::cgroups {

namespace {

constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kDefaultPeriod = 100000; // the kernel's, as cpu.max's

bool parse_into(std::string_view s, std::uint64_t& out) {
    auto v = parse_uint(s);
    if (v)
        out = *v;
    return v.has_value();
}

class PropertyPlanner {
  public:
    PropertyPlanner(PlannedProperties& out, const BlockDevicePath& path_of)
        : out_(out), path_of_(path_of) {}

    void add(std::string name, dbus::Value value) {
        out_.properties.push_back({std::move(name), std::move(value)});
    }
    void left_to_cgroup(const Write& w, const std::string& why) {
        out_.warnings.push_back(w.field + ": " + w.file + " \"" + w.value + "\" " + why +
                                ", so it is written to the cgroup only: a systemctl "
                                "daemon-reload can reset it");
    }
    // "MAJ:MIN" → the device's path for systemd; nullopt (and a warning)
    // when the value is not a device number or the host has no node for it.
    std::optional<std::string> device_path(const Write& w, std::string_view dev) {
        auto colon = dev.find(':');
        std::uint64_t maj = 0, min = 0;
        if (colon == std::string_view::npos || !parse_into(dev.substr(0, colon), maj) ||
            !parse_into(dev.substr(colon + 1), min) || maj > 0xffffffffu || min > 0xffffffffu) {
            left_to_cgroup(w, "does not start with a device number");
            return std::nullopt;
        }
        auto path = path_of_(static_cast<std::uint32_t>(maj), static_cast<std::uint32_t>(min));
        if (!path)
            left_to_cgroup(w, "names a device with no block node under /dev (systemd names "
                              "devices by path)");
        return path;
    }

  private:
    PlannedProperties& out_;
    const BlockDevicePath& path_of_;
};

// "max" or a number, as the memory and pids files take them.
std::optional<std::uint64_t> limit_value(std::string_view v) {
    v = trim(v);
    if (v == "max")
        return kInfinity;
    return parse_uint(v);
}

// Blocks of "KEY VALUE" (io.weight's "default 100", "8:0 200") or a bare
// value: the key (empty for a bare one) and the value.
std::pair<std::string, std::string> keyed(std::string_view line) {
    auto words = split(trim(line), ' ');
    words.erase(std::remove(words.begin(), words.end(), ""), words.end());
    if (words.size() == 1)
        return {"", words[0]};
    if (words.size() == 2)
        return {words[0], words[1]};
    return {"?", ""};
}

// io.weight and io.bfq.weight: the default weight, or one device's.
// io.bfq.weight carries blkio's 1..1000 range; systemd's IOWeight takes
// io.weight's 1..10000, converted as the cgroupfs driver converts it.
void io_weight(const Write& w, PropertyPlanner& p) {
    bool bfq = w.file == "io.bfq.weight";
    auto [key, value] = keyed(bfq && !w.fallback_value.empty() ? w.fallback_value : w.value);
    auto weight = parse_uint(value);
    if (key == "?" || !weight) {
        p.left_to_cgroup(w, "is not a weight ward converts");
        return;
    }
    // fallback_value is converted already (the typed blockIO fields).
    if (bfq && w.fallback_value.empty())
        *weight = io_weight_from_blkio(std::clamp<std::uint64_t>(*weight, 10, 1000));
    if (key.empty() || key == "default") {
        p.add("IOWeight", *weight);
        return;
    }
    if (auto path = p.device_path(w, key))
        p.add("IODeviceWeight", dbus::IoLimits{{*path, *weight}});
}

// io.max "MAJ:MIN rbps=N wiops=max ...": one property per key.
void io_max(const Write& w, PropertyPlanner& p) {
    auto words = split(trim(w.value), ' ');
    words.erase(std::remove(words.begin(), words.end(), ""), words.end());
    if (words.empty())
        return;
    static const std::pair<const char*, const char*> kNames[] = {
        {"rbps", "IOReadBandwidthMax"},
        {"wbps", "IOWriteBandwidthMax"},
        {"riops", "IOReadIOPSMax"},
        {"wiops", "IOWriteIOPSMax"},
    };
    std::vector<std::pair<std::string, std::uint64_t>> limits;
    for (size_t i = 1; i < words.size(); ++i) {
        auto eq = words[i].find('=');
        std::string key = words[i].substr(0, eq);
        auto name = std::find_if(std::begin(kNames), std::end(kNames),
                                 [&](const auto& n) { return key == n.first; });
        auto value = eq == std::string::npos ? std::nullopt : limit_value(words[i].substr(eq + 1));
        if (name == std::end(kNames) || !value) {
            p.left_to_cgroup(w, "has \"" + words[i] + "\", which ward does not convert");
            return;
        }
        limits.emplace_back(name->second, *value);
    }
    auto path = p.device_path(w, words[0]);
    if (!path)
        return;
    for (const auto& [name, value] : limits)
        p.add(name, dbus::IoLimits{{*path, value}});
}

// cpu.max "QUOTA|max [PERIOD]". systemd keeps the quota per second (and
// saves it as a whole percent, 10 ms steps, which a daemon-reload reads
// back): rounded up, the limit is never tighter than asked.
void cpu_max(const Write& w, PropertyPlanner& p) {
    auto words = split(trim(w.value), ' ');
    words.erase(std::remove(words.begin(), words.end(), ""), words.end());
    std::uint64_t quota = kInfinity, period = kDefaultPeriod;
    bool ok = !words.empty() && words.size() <= 2 &&
              (words[0] == "max" || parse_into(words[0], quota)) &&
              (words.size() == 1 || (parse_into(words[1], period) && period != 0));
    if (!ok) {
        p.left_to_cgroup(w, "is not \"QUOTA PERIOD\"");
        return;
    }
    std::uint64_t per_sec = kInfinity;
    if (quota != kInfinity) {
        unsigned __int128 q = static_cast<unsigned __int128>(quota) * 1000000 / period;
        q = (q + 9999) / 10000 * 10000;
        per_sec = q >= kInfinity ? kInfinity - 1 : static_cast<std::uint64_t>(q);
    }
    p.add("CPUQuotaPerSecUSec", per_sec);
    if (words.size() == 2)
        p.add("CPUQuotaPeriodUSec", period);
}

void convert(const Write& w, PropertyPlanner& p) {
    static const std::pair<const char*, const char*> kMemory[] = {
        {"memory.max", "MemoryMax"},          {"memory.high", "MemoryHigh"},
        {"memory.low", "MemoryLow"},          {"memory.min", "MemoryMin"},
        {"memory.swap.max", "MemorySwapMax"},
    };
    for (const auto& [file, name] : kMemory)
        if (w.file == file) {
            if (auto v = limit_value(w.value))
                p.add(name, *v);
            else
                p.left_to_cgroup(w, "is not a number of bytes or \"max\"");
            return;
        }
    if (w.file == "pids.max") {
        auto v = limit_value(w.value);
        if (!v)
            p.left_to_cgroup(w, "is not a number or \"max\"");
        else // systemd refuses TasksMax=0; 1 stops every fork as well (runc)
            p.add("TasksMax", *v == 0 ? 1 : *v);
    } else if (w.file == "cpu.weight") {
        auto v = parse_uint(trim(w.value));
        if (v)
            p.add("CPUWeight", *v);
        else
            p.left_to_cgroup(w, "is not a weight");
    } else if (w.file == "cpu.max") {
        cpu_max(w, p);
    } else if (w.file == "cpuset.cpus" || w.file == "cpuset.mems") {
        // systemd's bitmask form: byte i bit j is cpu (or node) 8i+j.
        p.add(w.file == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes",
              cpuset_mask(std::string(trim(w.value)), w.field));
    } else if (w.file == "io.weight" || w.file == "io.bfq.weight") {
        io_weight(w, p);
    } else if (w.file == "io.max") {
        io_max(w, p);
    }
    // Everything else (hugetlb, rdma, cpu.idle, cpu.max.burst, ...) has no
    // property ward sets: systemd does not write those files either.
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

std::vector<dbus::Property> merge_properties(std::vector<dbus::Property> props) {
    std::vector<dbus::Property> out;
    for (auto& p : props) {
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const dbus::Property& o) { return o.name == p.name; });
        auto* limits = std::get_if<dbus::IoLimits>(&p.value);
        auto* have = same == out.end() ? nullptr : std::get_if<dbus::IoLimits>(&same->value);
        if (limits && have) {
            // One entry per device, as systemd keeps them.
            for (auto& entry : *limits) {
                auto dev = std::find_if(have->begin(), have->end(),
                                        [&](const auto& h) { return h.first == entry.first; });
                if (dev != have->end())
                    dev->second = entry.second;
                else
                    have->push_back(std::move(entry));
            }
            continue;
        }
        if (same != out.end())
            out.erase(same);
        out.push_back(std::move(p));
    }
    return out;
}

PlannedProperties plan_resource_properties(const std::vector<Write>& writes,
                                           const BlockDevicePath& path_of) {
    PlannedProperties out;
    PropertyPlanner p(out, path_of);
    for (const auto& w : writes)
        convert(w, p);
    out.properties = merge_properties(std::move(out.properties));
    return out;
}

std::optional<std::string> host_block_device_path(std::uint32_t major, std::uint32_t minor,
                                                  const std::string& dev) {
    dev_t want = makedev(major, minor);
    std::string link = dev + "/block/" + std::to_string(major) + ":" + std::to_string(minor);
    struct stat st {};
    if (::stat(link.c_str(), &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == want)
        return link;
    // No udev link: a node directly in /dev (where the kernel's devtmpfs
    // puts every block device).
    DIR* dir = ::opendir(dev.c_str());
    if (!dir)
        return std::nullopt;
    std::optional<std::string> found;
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_type != DT_BLK && e->d_type != DT_UNKNOWN)
            continue;
        if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISBLK(st.st_mode) && st.st_rdev == want) {
            found = dev + "/" + e->d_name;
            break;
        }
    }
    ::closedir(dir);
    return found;
}

std::vector<dbus::Property> resource_properties(const std::vector<Write>& writes) {
    auto planned = plan_resource_properties(writes, [](std::uint32_t major, std::uint32_t minor) {
        return host_block_device_path(major, minor);
    });
    for (const auto& w : planned.warnings)
        log::warn(w);
    return std::move(planned.properties);
}

} // namespace ward::cgroups
