// io: linux.resources.blockIO → io.bfq.weight (or io.weight without BFQ)
// and io.max throttles; the v1 leaf weights are refused; usage from
// io.stat.
#include "controller.hpp"
#include "ward/base/strings.hpp"

namespace ward::cgroups {
namespace {

void check_device(const std::string& field, int64_t major, int64_t minor) {
    if (major < 0 || minor < 0)
        refuse(field,
               std::to_string(major) + ":" + std::to_string(minor) + " is not a device number");
}

std::string device(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

uint16_t checked_weight(const std::string& field, uint16_t w) {
    if (w < 10 || w > 1000)
        refuse(field, std::to_string(w) + " is not a weight (10 to 1000)");
    return w;
}

// BFQ takes the v1 range as is; io.weight (iocost) has 1..10000.
void add_weight(Planner& p, const std::string& prefix, uint16_t w, const std::string& field,
                std::string given) {
    Write& write = p.add("io.bfq.weight", prefix + std::to_string(w), field, std::move(given));
    write.fallback_file = "io.weight";
    write.fallback_value = prefix + std::to_string(io_weight_from_blkio(w));
}

void plan_weights(const spec::BlockIoResources& b, Planner& p) {
    if (b.weight && *b.weight != 0)
        add_weight(p, "", checked_weight("blockIO.weight", *b.weight), "blockIO.weight", "");
    if (b.leaf_weight && *b.leaf_weight != 0)
        refuse("blockIO.leafWeight", std::to_string(*b.leaf_weight) +
                                         ": cgroup v2 has no leaf weight (blkio.leaf_weight "
                                         "is v1 only)");
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& d = b.weight_device[i];
        std::string field = "blockIO.weightDevice[" + std::to_string(i) + "]";
        check_device(field, d.major, d.minor);
        if (d.leaf_weight && *d.leaf_weight != 0)
            refuse(field + ".leafWeight",
                   std::to_string(*d.leaf_weight) + ": cgroup v2 has no leaf weight (v1 only)");
        if (!d.weight || *d.weight == 0)
            continue;
        uint16_t w = checked_weight(field + ".weight", *d.weight);
        add_weight(p, device(d.major, d.minor) + " ", w, field + ".weight", std::to_string(w));
    }
}

void plan_throttles(const spec::BlockIoResources& b, Planner& p) {
    const struct {
        const char* key;
        const char* field;
        const std::vector<spec::ThrottleDevice>& list;
    } throttles[] = {
        {"rbps", "throttleReadBpsDevice", b.throttle_read_bps_device},
        {"wbps", "throttleWriteBpsDevice", b.throttle_write_bps_device},
        {"riops", "throttleReadIOPSDevice", b.throttle_read_iops_device},
        {"wiops", "throttleWriteIOPSDevice", b.throttle_write_iops_device},
    };
    for (const auto& [key, name, list] : throttles) {
        for (size_t i = 0; i < list.size(); ++i) {
            const auto& t = list[i];
            std::string field = std::string("blockIO.") + name + "[" + std::to_string(i) + "]";
            check_device(field, t.major, t.minor);
            // A v1 throttle of 0 meant "no throttle"; io.max says "max".
            std::string rate = t.rate == 0 ? "max" : std::to_string(t.rate);
            p.add("io.max", device(t.major, t.minor) + " " + key + "=" + rate, field + ".rate",
                  std::to_string(t.rate));
        }
    }
}

void plan(const spec::Resources& r, Planner& p) {
    if (!r.block_io)
        return;
    plan_weights(*r.block_io, p);
    plan_throttles(*r.block_io, p);
}

// io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"; the
// four runc maps onto cgroup v1's tables are kept, the rest skipped.
void read(const std::string& dir, Stats& stats) {
    BlkioStats& blkio = stats.blkio;
    std::string path = dir + "/io.stat";
    auto text = read_optional(path);
    if (!text)
        return;
    for (auto& line : split(*text, '\n')) {
        auto fields = split(trim(line), ' ');
        if (fields.size() < 2)
            continue;
        auto dev = split(fields[0], ':');
        if (dev.size() != 2)
            continue;
        auto major = parse_uint(dev[0]), minor = parse_uint(dev[1]);
        if (!major || !minor)
            not_a_number(path, fields[0]);
        for (size_t i = 1; i < fields.size(); ++i) {
            auto eq = fields[i].find('=');
            if (eq == std::string::npos)
                continue;
            std::string key = fields[i].substr(0, eq);
            std::vector<BlkioEntry>* table = nullptr;
            if (key == "rbytes" || key == "wbytes")
                table = &blkio.service_bytes;
            else if (key == "rios" || key == "wios")
                table = &blkio.serviced;
            else
                continue;
            auto value = parse_uint(std::string_view(fields[i]).substr(eq + 1));
            if (!value)
                not_a_number(path, fields[i]);
            table->push_back({*major, *minor, key[0] == 'r' ? "Read" : "Write", *value});
        }
    }
}

} // namespace

const Controller kIoController{"io", plan, read};

uint64_t io_weight_from_blkio(uint64_t weight) {
    if (weight == 0)
        return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

} // namespace ward::cgroups
