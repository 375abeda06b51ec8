#include "ward/cgroups/update.hpp"

namespace ward::cgroups {
namespace {

template <typename T>
void take(std::optional<T>& into, const std::optional<T>& from) {
    if (from)
        into = from;
}

void take(std::string& into, const std::string& from) {
    if (!from.empty())
        into = from;
}

// Replaces the entry with the same key, or appends.
template <typename T, typename Same>
void upsert(std::vector<T>& into, const std::vector<T>& from, Same same) {
    for (const auto& item : from) {
        bool found = false;
        for (auto& have : into)
            if (same(have, item)) {
                have = item;
                found = true;
            }
        if (!found)
            into.push_back(item);
    }
}

template <typename T>
bool same_device(const T& a, const T& b) {
    return a.major == b.major && a.minor == b.minor;
}

void merge_memory(spec::MemoryResources& m, const spec::MemoryResources& r) {
    take(m.limit, r.limit);
    take(m.reservation, r.reservation);
    take(m.swap, r.swap);
    take(m.kernel, r.kernel);
    take(m.kernel_tcp, r.kernel_tcp);
    take(m.swappiness, r.swappiness);
    take(m.disable_oom_killer, r.disable_oom_killer);
    take(m.use_hierarchy, r.use_hierarchy);
    take(m.check_before_update, r.check_before_update);
    // runc: lifting the limit (-1) without a word about swap lifts swap
    // too, rather than failing with "swap limit without memory limit".
    if (r.limit && *r.limit == -1 && !r.swap)
        m.swap.reset();
}

void merge_cpu(spec::CpuResources& c, const spec::CpuResources& r) {
    take(c.shares, r.shares);
    take(c.quota, r.quota);
    take(c.burst, r.burst);
    take(c.period, r.period);
    take(c.realtime_runtime, r.realtime_runtime);
    take(c.realtime_period, r.realtime_period);
    take(c.cpus, r.cpus);
    take(c.mems, r.mems);
    take(c.idle, r.idle);
}

void merge_io(spec::BlockIoResources& b, const spec::BlockIoResources& r) {
    take(b.weight, r.weight);
    take(b.leaf_weight, r.leaf_weight);
    upsert(b.weight_device, r.weight_device, same_device<spec::WeightDevice>);
    upsert(b.throttle_read_bps_device, r.throttle_read_bps_device,
           same_device<spec::ThrottleDevice>);
    upsert(b.throttle_write_bps_device, r.throttle_write_bps_device,
           same_device<spec::ThrottleDevice>);
    upsert(b.throttle_read_iops_device, r.throttle_read_iops_device,
           same_device<spec::ThrottleDevice>);
    upsert(b.throttle_write_iops_device, r.throttle_write_iops_device,
           same_device<spec::ThrottleDevice>);
}

} // namespace

Update plan_update(const spec::Resources& current, const spec::Resources& request) {
    Update u{current, request};
    spec::Resources& m = u.merged;
    if (request.memory) {
        if (!m.memory)
            m.memory = spec::MemoryResources{};
        merge_memory(*m.memory, *request.memory);
    }
    if (request.cpu) {
        if (!m.cpu)
            m.cpu = spec::CpuResources{};
        merge_cpu(*m.cpu, *request.cpu);
    }
    if (request.pids)
        m.pids = request.pids;
    if (request.block_io) {
        if (!m.block_io)
            m.block_io = spec::BlockIoResources{};
        merge_io(*m.block_io, *request.block_io);
    }
    upsert(m.hugepage_limits, request.hugepage_limits,
           [](const spec::HugepageLimit& a, const spec::HugepageLimit& b) {
               return a.page_size == b.page_size;
           });
    if (request.network)
        m.network = request.network;
    for (const auto& [dev, limit] : request.rdma)
        m.rdma[dev] = limit;
    for (const auto& [key, value] : request.unified)
        m.unified[key] = value;
    // Device rules are the device filter's, which update does not reload
    // (runc skips them too).
    u.delta.devices.clear();

    if (auto& d = u.delta.memory) {
        if (d->limit || d->swap) {
            d->limit = m.memory->limit;
            d->swap = m.memory->swap;
        }
        d->check_before_update = m.memory->check_before_update;
    }
    if (auto& d = u.delta.cpu) {
        if (d->quota || d->period) {
            d->quota = m.cpu->quota;
            d->period = m.cpu->period;
        }
    }
    return u;
}

} // namespace ward::cgroups
