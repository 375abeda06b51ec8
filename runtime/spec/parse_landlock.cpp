// config.json "process.landlock" (runtime-spec PR #1241's shape, plus
// "scoped" for the ABI 6 scopes, which the PR predates):
//   {"ruleset": {"handledAccessFS": [...], "handledAccessNetwork": [...],
//                "scoped": [...]},
//    "rules": {"pathBeneath": [{"allowedAccess": [...], "paths": [...]}],
//              "netPort": [{"allowedAccess": [...], "ports": [...]}]},
//    "disableBestEffort": false}
// A right is a name ("write_file") or the kernel's number (a bit mask, so
// a right newer than ward can still be asked for, as the PR's review
// wanted). What the kernel would refuse is refused here, with the field.
#include "sections.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/landlock.hpp"

namespace ward::spec::detail {
namespace {

using landlock::Kind;

const char* kind_words(Kind kind) {
    switch (kind) {
    case Kind::fs:
        return "a Landlock filesystem right";
    case Kind::net:
        return "a Landlock network right";
    case Kind::scope:
        break;
    }
    return "a Landlock scope";
}

uint64_t right_bits(const json::Value& v, const std::string& path, Kind kind) {
    if (v.is_string()) {
        if (auto bit = landlock::bit_of(kind, v.as_string()))
            return *bit;
        std::string known;
        for (const auto& right : landlock::rights(kind))
            known += (known.empty() ? "" : ", ") + std::string(right.name);
        fail_at(path, quote(v.as_string()) + " is not " + kind_words(kind) + " (" + known +
                          ", or the kernel's number)");
    }
    uint64_t bits = to_int<uint64_t>(v, path);
    if (bits == 0)
        fail_at(path, "0 is no access right");
    return bits;
}

// An array of rights; absent or empty is 0.
uint64_t rights_at(const Obj& obj, std::string_view key, Kind kind) {
    const json::Value* v = obj.get(key);
    if (!v)
        return 0;
    std::string base = obj.at(key);
    const auto& items = to_array(*v, base);
    uint64_t mask = 0;
    for (size_t i = 0; i < items.size(); ++i)
        mask |= right_bits(items[i], index_path(base, i), kind);
    return mask;
}

// A rule may only allow what the ruleset handles (the kernel says EINVAL).
void check_within(const std::string& path, uint64_t allowed, uint64_t handled, Kind kind,
                  const char* handled_field) {
    if (allowed == 0)
        fail_at(path, "allows no access right");
    if (uint64_t extra = allowed & ~handled) {
        auto named = landlock::names(kind, extra);
        std::string what = named.empty() ? std::to_string(extra) : join(named, ", ");
        fail_at(path, what + " is not in process.landlock.ruleset." + handled_field);
    }
}

} // namespace

Landlock parse_landlock(const Obj& obj) {
    Landlock l;
    if (auto ruleset = obj.opt_obj("ruleset")) {
        l.handled_access_fs = rights_at(*ruleset, "handledAccessFS", Kind::fs);
        l.handled_access_net = rights_at(*ruleset, "handledAccessNetwork", Kind::net);
        l.scoped = rights_at(*ruleset, "scoped", Kind::scope);
    }
    if (!l.handled_access_fs && !l.handled_access_net && !l.scoped)
        fail_at(obj.at("ruleset"), "handles no access right and scopes nothing (the kernel "
                                   "refuses an empty ruleset)");
    if (auto rules = obj.opt_obj("rules")) {
        rules->each_obj("pathBeneath", [&](const Obj& item) {
            LandlockPathRule rule;
            rule.allowed_access = rights_at(item, "allowedAccess", Kind::fs);
            check_within(item.at("allowedAccess"), rule.allowed_access, l.handled_access_fs,
                         Kind::fs, "handledAccessFS");
            rule.paths = item.strings("paths");
            if (rule.paths.empty())
                fail_at(item.at("paths"), "names no path");
            for (size_t i = 0; i < rule.paths.size(); ++i)
                check_absolute(index_path(item.at("paths"), i), rule.paths[i]);
            l.path_beneath.push_back(std::move(rule));
        });
        rules->each_obj("netPort", [&](const Obj& item) {
            LandlockPortRule rule;
            rule.allowed_access = rights_at(item, "allowedAccess", Kind::net);
            check_within(item.at("allowedAccess"), rule.allowed_access, l.handled_access_net,
                         Kind::net, "handledAccessNetwork");
            const json::Value* ports = item.get("ports");
            if (!ports)
                fail_missing(item.at("ports"));
            const auto& list = to_array(*ports, item.at("ports"));
            if (list.empty())
                fail_at(item.at("ports"), "names no port");
            for (size_t i = 0; i < list.size(); ++i)
                rule.ports.push_back(to_int<uint16_t>(list[i], index_path(item.at("ports"), i)));
            l.net_port.push_back(std::move(rule));
        });
    }
    l.disable_best_effort = obj.boolean("disableBestEffort");
    return l;
}

} // namespace ward::spec::detail
