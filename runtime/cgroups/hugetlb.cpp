// hugetlb: linux.resources.hugepageLimits → hugetlb.SIZE.max and, where
// the kernel has them, the reservation limits; usage per page size.
#include "controller.hpp"

#include <dirent.h>

namespace ward::cgroups {
namespace {

void plan(const spec::Resources& r, Planner& p) {
    for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
        const auto& h = r.hugepage_limits[i];
        std::string field = "hugepageLimits[" + std::to_string(i) + "]";
        std::string prefix = "hugetlb." + h.page_size;
        p.add(prefix + ".max", std::to_string(h.limit), field + ".limit");
        // Reservations (5.7+) are limited too, as runc does, or a mapping
        // could reserve pages beyond the limit and fault later.
        p.add(prefix + ".rsvd.max", std::to_string(h.limit), field + ".limit").optional = true;
    }
}

// Page sizes from the dir's own hugetlb.SIZE.current files.
std::vector<std::string> page_sizes(const std::string& dir) {
    std::vector<std::string> sizes;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return sizes;
    while (dirent* entry = ::readdir(d)) {
        std::string_view name = entry->d_name;
        if (name.starts_with("hugetlb.") && name.ends_with(".current") &&
            !name.ends_with(".rsvd.current"))
            sizes.emplace_back(name.substr(8, name.size() - 8 - 8));
    }
    ::closedir(d);
    return sizes;
}

void read(const std::string& dir, Stats& stats) {
    for (const auto& size : page_sizes(dir)) {
        // runc prefers the reservation counters (Linux 5.7+): they also count
        // pages reserved by mmap and not yet faulted in.
        std::string prefix = dir + "/hugetlb." + size + ".rsvd";
        auto usage = read_value(prefix + ".current");
        if (!usage) {
            prefix = dir + "/hugetlb." + size;
            usage = read_value(prefix + ".current");
        }
        if (!usage)
            continue;
        HugetlbStats h;
        h.usage = *usage;
        if (auto events = read_keyed(prefix + ".events"))
            h.failcnt = value_of(*events, "max");
        stats.hugetlb[size] = h;
    }
}

} // namespace

const Controller kHugetlbController{"hugetlb", plan, read};

} // namespace ward::cgroups
