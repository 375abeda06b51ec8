// The Landlock rights table (landlock.hpp) and process.landlock → JSON.
#include "ward/spec/landlock.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

namespace ward::spec::landlock {

const std::vector<Right>& rights(Kind kind) {
    // LANDLOCK_ACCESS_FS_*, LANDLOCK_ACCESS_NET_*, LANDLOCK_SCOPE_*; the
    // ABI column is the kernel documentation's "Landlock ABI version N".
    static const std::vector<Right> fs = {
        {"execute", 1ull << 0, 1},    {"write_file", 1ull << 1, 1}, {"read_file", 1ull << 2, 1},
        {"read_dir", 1ull << 3, 1},   {"remove_dir", 1ull << 4, 1}, {"remove_file", 1ull << 5, 1},
        {"make_char", 1ull << 6, 1},  {"make_dir", 1ull << 7, 1},   {"make_reg", 1ull << 8, 1},
        {"make_sock", 1ull << 9, 1},  {"make_fifo", 1ull << 10, 1}, {"make_block", 1ull << 11, 1},
        {"make_sym", 1ull << 12, 1},  {"refer", 1ull << 13, 2},     {"truncate", 1ull << 14, 3},
        {"ioctl_dev", 1ull << 15, 5},
    };
    static const std::vector<Right> net = {{"bind_tcp", 1ull << 0, 4},
                                           {"connect_tcp", 1ull << 1, 4}};
    static const std::vector<Right> scope = {{"abstract_unix_socket", 1ull << 0, 6},
                                             {"signal", 1ull << 1, 6}};
    switch (kind) {
    case Kind::fs:
        return fs;
    case Kind::net:
        return net;
    case Kind::scope:
        break;
    }
    return scope;
}

uint64_t supported(Kind kind, int abi) {
    if (abi > kKnownAbi)
        return ~0ull;
    uint64_t mask = 0;
    for (const auto& right : rights(kind))
        if (right.abi <= abi)
            mask |= right.bit;
    return mask;
}

uint64_t all_known(Kind kind) {
    return supported(kind, kKnownAbi);
}

std::optional<uint64_t> bit_of(Kind kind, std::string_view name) {
    for (const auto& right : rights(kind))
        if (name == right.name)
            return right.bit;
    return std::nullopt;
}

uint64_t mask_of(Kind kind, std::initializer_list<std::string_view> names) {
    uint64_t mask = 0;
    for (std::string_view name : names) {
        auto bit = bit_of(kind, name);
        if (!bit)
            fail("landlock: no right named " + quote(name));
        mask |= *bit;
    }
    return mask;
}

std::vector<std::string> names(Kind kind, uint64_t mask) {
    std::vector<std::string> out;
    for (const auto& right : rights(kind))
        if (mask & right.bit)
            out.emplace_back(right.name);
    return out;
}

json::Value to_json(Kind kind, uint64_t mask) {
    json::Value out = json::Value::array();
    for (const auto& name : names(kind, mask))
        out.push(name);
    if (uint64_t unnamed = mask & ~all_known(kind))
        out.push(json::Value(static_cast<unsigned long long>(unnamed)));
    return out;
}

json::Value landlock_to_json(const Landlock& l) {
    using json::Value;
    Value ruleset = Value::object();
    if (l.handled_access_fs)
        ruleset.set("handledAccessFS", to_json(Kind::fs, l.handled_access_fs));
    if (l.handled_access_net)
        ruleset.set("handledAccessNetwork", to_json(Kind::net, l.handled_access_net));
    if (l.scoped)
        ruleset.set("scoped", to_json(Kind::scope, l.scoped));
    Value rules = Value::object();
    if (!l.path_beneath.empty()) {
        Value list = Value::array();
        for (const auto& rule : l.path_beneath) {
            Value r = Value::object();
            r.set("allowedAccess", to_json(Kind::fs, rule.allowed_access));
            Value paths = Value::array();
            for (const auto& p : rule.paths)
                paths.push(p);
            r.set("paths", std::move(paths));
            list.push(std::move(r));
        }
        rules.set("pathBeneath", std::move(list));
    }
    if (!l.net_port.empty()) {
        Value list = Value::array();
        for (const auto& rule : l.net_port) {
            Value r = Value::object();
            r.set("allowedAccess", to_json(Kind::net, rule.allowed_access));
            Value ports = Value::array();
            for (uint64_t port : rule.ports)
                ports.push(Value(static_cast<unsigned long long>(port)));
            r.set("ports", std::move(ports));
            list.push(std::move(r));
        }
        rules.set("netPort", std::move(list));
    }
    Value out = Value::object();
    out.set("ruleset", std::move(ruleset));
    if (!rules.as_object().empty())
        out.set("rules", std::move(rules));
    if (l.disable_best_effort)
        out.set("disableBestEffort", true);
    return out;
}

} // namespace ward::spec::landlock
