// config.json "linux.resources" (also `ward update --resources`).
#include "sections.hpp"
#include "ward/base/strings.hpp"

namespace ward::spec::detail {
namespace {

DeviceRule parse_device_rule(const Obj& obj) {
    DeviceRule r;
    r.allow = to_bool(obj.need("allow"), obj.at("allow"));
    r.type = obj.str("type");
    if (!r.type.empty())
        check_one_of(obj.at("type"), r.type, {"a", "c", "b"}, "a device rule type (a, c, b)");
    r.major = obj.opt_int<int64_t>("major");
    r.minor = obj.opt_int<int64_t>("minor");
    r.access = obj.str("access");
    if (r.access.find_first_not_of("rwm") != std::string::npos)
        fail_at(obj.at("access"), quote(r.access) + " is not a combination of r, w and m");
    return r;
}

MemoryResources parse_memory(const Obj& obj) {
    MemoryResources m;
    m.limit = obj.opt_int<int64_t>("limit");
    m.reservation = obj.opt_int<int64_t>("reservation");
    m.swap = obj.opt_int<int64_t>("swap");
    m.kernel = obj.opt_int<int64_t>("kernel");
    m.kernel_tcp = obj.opt_int<int64_t>("kernelTCP");
    m.swappiness = obj.opt_int<uint64_t>("swappiness");
    m.disable_oom_killer = obj.opt_bool("disableOOMKiller");
    m.use_hierarchy = obj.opt_bool("useHierarchy");
    m.check_before_update = obj.opt_bool("checkBeforeUpdate");
    return m;
}

CpuResources parse_cpu(const Obj& obj) {
    CpuResources c;
    c.shares = obj.opt_int<uint64_t>("shares");
    c.quota = obj.opt_int<int64_t>("quota");
    c.burst = obj.opt_int<uint64_t>("burst");
    c.period = obj.opt_int<uint64_t>("period");
    c.realtime_runtime = obj.opt_int<int64_t>("realtimeRuntime");
    c.realtime_period = obj.opt_int<uint64_t>("realtimePeriod");
    c.cpus = obj.str("cpus");
    c.mems = obj.str("mems");
    c.idle = obj.opt_int<int64_t>("idle");
    return c;
}

std::vector<ThrottleDevice> parse_throttles(const Obj& obj, std::string_view key) {
    std::vector<ThrottleDevice> out;
    obj.each_obj(key, [&](const Obj& item) {
        out.push_back(ThrottleDevice{item.need_int<int64_t>("major"),
                                     item.need_int<int64_t>("minor"),
                                     item.integer<uint64_t>("rate")});
    });
    return out;
}

BlockIoResources parse_block_io(const Obj& obj) {
    BlockIoResources b;
    b.weight = obj.opt_int<uint16_t>("weight");
    b.leaf_weight = obj.opt_int<uint16_t>("leafWeight");
    obj.each_obj("weightDevice", [&](const Obj& item) {
        b.weight_device.push_back(
            WeightDevice{item.need_int<int64_t>("major"), item.need_int<int64_t>("minor"),
                         item.opt_int<uint16_t>("weight"), item.opt_int<uint16_t>("leafWeight")});
    });
    b.throttle_read_bps_device = parse_throttles(obj, "throttleReadBpsDevice");
    b.throttle_write_bps_device = parse_throttles(obj, "throttleWriteBpsDevice");
    b.throttle_read_iops_device = parse_throttles(obj, "throttleReadIOPSDevice");
    b.throttle_write_iops_device = parse_throttles(obj, "throttleWriteIOPSDevice");
    return b;
}

// "2MB", "64KB", "1GB": what the hugetlb controller's file names use.
bool is_page_size(const std::string& s) {
    if (s.size() < 3 || s[0] < '1' || s[0] > '9' || !s.ends_with('B'))
        return false;
    char unit = s[s.size() - 2];
    if (unit != 'K' && unit != 'M' && unit != 'G')
        return false;
    return s.find_first_not_of("0123456789") == s.size() - 2;
}

HugepageLimit parse_hugepage(const Obj& obj) {
    HugepageLimit h;
    h.page_size = obj.need_str("pageSize");
    if (!is_page_size(h.page_size))
        fail_at(obj.at("pageSize"),
                quote(h.page_size) +
                    " is not a page size like \"2MB\" (digits, then KB, MB or GB)");
    h.limit = obj.need_int<uint64_t>("limit");
    return h;
}

NetworkResources parse_network(const Obj& obj) {
    NetworkResources n;
    n.class_id = obj.opt_int<uint32_t>("classID");
    obj.each_obj("priorities", [&](const Obj& item) {
        n.priorities.push_back(
            NetworkPriority{item.need_str("name"), item.need_int<uint32_t>("priority")});
    });
    return n;
}

} // namespace

Resources parse_resources(const Obj& obj) {
    Resources r;
    obj.each_obj("devices", [&](const Obj& item) { r.devices.push_back(parse_device_rule(item)); });
    if (auto memory = obj.opt_obj("memory"))
        r.memory = parse_memory(*memory);
    if (auto cpu = obj.opt_obj("cpu"))
        r.cpu = parse_cpu(*cpu);
    if (auto pids = obj.opt_obj("pids"))
        r.pids = PidsResources{pids->need_int<int64_t>("limit")};
    if (auto block_io = obj.opt_obj("blockIO"))
        r.block_io = parse_block_io(*block_io);
    obj.each_obj("hugepageLimits",
                 [&](const Obj& item) { r.hugepage_limits.push_back(parse_hugepage(item)); });
    if (auto network = obj.opt_obj("network"))
        r.network = parse_network(*network);
    obj.each_member_obj("rdma", [&](const std::string& device, const Obj& item) {
        r.rdma[device] =
            RdmaLimit{item.opt_int<uint32_t>("hcaHandles"), item.opt_int<uint32_t>("hcaObjects")};
    });
    r.unified = obj.string_map("unified");
    return r;
}

} // namespace ward::spec::detail
