// Docker/moby profiles: the format Docker's and podman's default seccomp
// profiles are written in. Docker (profiles/seccomp) and containers/common
// (pkg/seccomp) turn one into an OCI linux.seccomp when a container starts:
// archMap picks the architectures for the machine's native one, and each
// syscalls[] entry is kept only when its excludes do not match (an arch
// listed, any listed capability in the bounding set, a kernel at least
// minKernel) and its includes do (the arch listed, every listed
// capability held, a kernel at least minKernel). This does the same for an
// architecture and capability set given on the command line.
#include "moby_profile.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/seccomp/filter.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sys/utsname.h>

namespace ward::seccomp::moby {

namespace {

struct Where {
    std::string source;

    [[noreturn]] void fail_at(const std::string& path, const std::string& why) const {
        fail(source + ": " + path + ": " + why);
    }
    const json::Value::Object& object(const json::Value& v, const std::string& path) const {
        if (!v.is_object())
            fail_at(path, std::string("expected object, got ") + json::type_name(v.type()));
        return v.as_object();
    }
    const std::string& string(const json::Value& v, const std::string& path) const {
        if (!v.is_string())
            fail_at(path, std::string("expected string, got ") + json::type_name(v.type()));
        return v.as_string();
    }
    std::vector<std::string> strings(const json::Value& v, const std::string& path) const {
        if (!v.is_array())
            fail_at(path, std::string("expected array, got ") + json::type_name(v.type()));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v.as_array().size(); ++i)
            out.push_back(string(v.as_array()[i], path + "[" + std::to_string(i) + "]"));
        return out;
    }
    // Only the keys moby's Go types have; a misspelt key would silently
    // change what the profile means, so it is an error.
    void known_keys(const json::Value& v, const std::string& path,
                    std::initializer_list<std::string_view> keys) const {
        for (const auto& [key, value] : object(v, path))
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                fail_at(path.empty() ? key : path + "." + key,
                        "unknown field in a Docker/moby seccomp profile");
    }
};

using Version = std::array<unsigned, 3>;

// "5.15", "4.8.0", "6.18.0-1-amd64": the leading numbers, as Docker's
// kernel.ParseRelease reads them.
std::optional<Version> parse_version(std::string_view text) {
    Version v{0, 0, 0};
    std::size_t part = 0, i = 0;
    while (part < 3) {
        std::size_t start = i;
        unsigned n = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 9)
            n = n * 10 + static_cast<unsigned>(text[i++] - '0');
        if (i == start)
            break;
        v[part++] = n;
        if (i >= text.size() || text[i] != '.')
            break;
        ++i;
    }
    if (part < 2)
        return std::nullopt;
    return v;
}

Version kernel_version(const ProfileSource& resolve) {
    std::string release = resolve.kernel;
    if (release.empty()) {
        struct utsname u {};
        ::uname(&u);
        release = u.release;
    }
    auto v = parse_version(release);
    if (!v)
        fail("kernel version " + quote(release) + " is not of the form MAJOR.MINOR[.PATCH]");
    return *v;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

struct Filter {
    std::vector<std::string> caps, arches;
    std::optional<Version> min_kernel;
};

Filter read_filter(const Where& at, const json::Value& v, const std::string& path) {
    at.known_keys(v, path, {"caps", "arches", "minKernel"});
    Filter f;
    if (const auto* caps = v.find("caps"); caps && !caps->is_null())
        f.caps = at.strings(*caps, path + ".caps");
    if (const auto* arches = v.find("arches"); arches && !arches->is_null())
        f.arches = at.strings(*arches, path + ".arches");
    if (const auto* min = v.find("minKernel"); min && !min->is_null()) {
        const std::string& text = at.string(*min, path + ".minKernel");
        if (!text.empty()) {
            f.min_kernel = parse_version(text);
            if (!f.min_kernel)
                at.fail_at(path + ".minKernel",
                           quote(text) + " is not a kernel version (MAJOR.MINOR[.PATCH])");
        }
    }
    return f;
}

struct Context {
    std::string native;
    const std::vector<std::string>& caps;
    Version kernel;
};

// Docker's order: any exclude that matches drops the entry, then every
// include must match.
bool applies(const Filter& excludes, const Filter& includes, const Context& c) {
    if (contains(excludes.arches, c.native))
        return false;
    for (const auto& cap : excludes.caps)
        if (contains(c.caps, cap))
            return false;
    if (excludes.min_kernel && *excludes.min_kernel <= c.kernel)
        return false;
    if (!includes.arches.empty() && !contains(includes.arches, c.native))
        return false;
    for (const auto& cap : includes.caps)
        if (!contains(c.caps, cap))
            return false;
    if (includes.min_kernel && *includes.min_kernel > c.kernel)
        return false;
    return true;
}

void check_action(const Where& at, const json::Value& v, const std::string& path) {
    const std::string& action = at.string(v, path);
    if (!contains(action_names(), action))
        at.fail_at(path, quote(action) + " is not a seccomp action");
}

void check_args(const Where& at, const json::Value& args, const std::string& path) {
    if (!args.is_array())
        at.fail_at(path, std::string("expected array, got ") + json::type_name(args.type()));
    for (std::size_t i = 0; i < args.as_array().size(); ++i) {
        const json::Value& arg = args.as_array()[i];
        std::string p = path + "[" + std::to_string(i) + "]";
        at.known_keys(arg, p, {"index", "value", "valueTwo", "op"});
        const auto* index = arg.find("index");
        if (!index || !index->as_uint64() || *index->as_uint64() > 5)
            at.fail_at(p + ".index", "must be an argument index 0..5");
        for (const char* key : {"value", "valueTwo"})
            if (const auto* n = arg.find(key); n && !n->is_null() && !n->as_uint64())
                at.fail_at(p + "." + key, "must be an integer 0..2^64-1");
        const auto* op = arg.find("op");
        if (!op)
            at.fail_at(p + ".op", "missing required field");
        if (!contains(operator_names(), at.string(*op, p + ".op")))
            at.fail_at(p + ".op", quote(op->as_string()) + " is not a seccomp operator");
    }
}

// One syscalls[] entry as OCI LinuxSyscall, or null when it does not apply.
json::Value resolve_call(const Where& at, const json::Value& call, const std::string& path,
                         const Context& c) {
    // "errno" (a symbolic name beside errnoRet in containers-common's file)
    // is a note for readers: the resolvers read only errnoRet.
    at.known_keys(call, path,
                  {"names", "name", "comment", "action", "errnoRet", "errno", "args", "includes",
                   "excludes"});
    std::vector<std::string> names;
    const auto* many = call.find("names");
    const auto* one = call.find("name");
    if (many && !many->is_null())
        names = at.strings(*many, path + ".names");
    if (one && !one->is_null() && !at.string(*one, path + ".name").empty()) {
        if (!names.empty())
            at.fail_at(path, "has both \"name\" and \"names\"; use one");
        names.push_back(one->as_string());
    }
    if (names.empty())
        at.fail_at(path + ".names", "must name at least one syscall");
    const auto* action = call.find("action");
    if (!action)
        at.fail_at(path + ".action", "missing required field");
    check_action(at, *action, path + ".action");
    const auto* errno_ret = call.find("errnoRet");
    if (errno_ret && !errno_ret->is_null() && !errno_ret->as_uint64())
        at.fail_at(path + ".errnoRet", "must be a non-negative integer");
    const auto* args = call.find("args");
    if (args && !args->is_null())
        check_args(at, *args, path + ".args");
    Filter excludes, includes;
    if (const auto* v = call.find("excludes"); v && !v->is_null())
        excludes = read_filter(at, *v, path + ".excludes");
    if (const auto* v = call.find("includes"); v && !v->is_null())
        includes = read_filter(at, *v, path + ".includes");
    if (!applies(excludes, includes, c))
        return json::Value();

    json::Value out = json::Value::object();
    json::Value name_list = json::Value::array();
    for (auto& n : names)
        name_list.push(json::Value(n));
    out.set("names", std::move(name_list));
    out.set("action", *action);
    if (errno_ret && !errno_ret->is_null())
        out.set("errnoRet", *errno_ret);
    if (args && !args->is_null())
        out.set("args", *args);
    return out;
}

// archMap: the entry for the target architecture and its sub-architectures.
json::Value architectures(const Where& at, const json::Value& profile, std::string_view arch) {
    json::Value out = json::Value::array();
    const auto* map = profile.find("archMap");
    if (!map || map->is_null())
        return out;
    if (!map->is_array())
        at.fail_at("archMap", std::string("expected array, got ") + json::type_name(map->type()));
    for (std::size_t i = 0; i < map->as_array().size(); ++i) {
        const json::Value& entry = map->as_array()[i];
        std::string path = "archMap[" + std::to_string(i) + "]";
        at.known_keys(entry, path, {"architecture", "subArchitectures"});
        const auto* main = entry.find("architecture");
        if (!main)
            at.fail_at(path + ".architecture", "missing required field");
        std::vector<std::string> subs;
        if (const auto* s = entry.find("subArchitectures"); s && !s->is_null())
            subs = at.strings(*s, path + ".subArchitectures");
        if (at.string(*main, path + ".architecture") != arch || !out.as_array().empty())
            continue;
        out.push(*main);
        for (auto& s : subs)
            out.push(json::Value(s));
    }
    return out;
}

} // namespace

bool is_moby(const json::Value& profile) {
    if (!profile.is_object())
        return false;
    if (profile.find("archMap"))
        return true;
    const auto* calls = profile.find("syscalls");
    if (!calls || !calls->is_array())
        return false;
    return std::any_of(calls->as_array().begin(), calls->as_array().end(), [](const auto& c) {
        return c.is_object() &&
               (c.find("includes") || c.find("excludes") || c.find("name") || c.find("comment"));
    });
}

std::string native_arch_name(std::string_view scmp_arch) {
    static const std::pair<std::string_view, std::string_view> names[] = {
        {"SCMP_ARCH_X86", "x86"},
        {"SCMP_ARCH_X86_64", "amd64"},
        {"SCMP_ARCH_X32", "x32"},
        {"SCMP_ARCH_ARM", "arm"},
        {"SCMP_ARCH_AARCH64", "arm64"},
        {"SCMP_ARCH_MIPS", "mips"},
        {"SCMP_ARCH_MIPS64", "mips64"},
        {"SCMP_ARCH_MIPS64N32", "mips64n32"},
        {"SCMP_ARCH_MIPSEL", "mipsel"},
        {"SCMP_ARCH_MIPSEL64", "mipsel64"},
        {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
        {"SCMP_ARCH_PPC", "ppc"},
        {"SCMP_ARCH_PPC64", "ppc64"},
        {"SCMP_ARCH_PPC64LE", "ppc64le"},
        {"SCMP_ARCH_S390", "s390"},
        {"SCMP_ARCH_S390X", "s390x"},
        {"SCMP_ARCH_PARISC", "parisc"},
        {"SCMP_ARCH_PARISC64", "parisc64"},
        {"SCMP_ARCH_RISCV64", "riscv64"},
    };
    for (const auto& [scmp, native] : names)
        if (scmp == scmp_arch)
            return std::string(native);
    return "";
}

json::Value resolve(const json::Value& profile, std::string_view source,
                    const ProfileSource& resolve) {
    Where at{std::string(source)};
    // "defaultErrno" is containers-common's symbolic note beside defaultErrnoRet.
    at.known_keys(profile, "",
                  {"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap",
                   "flags", "listenerPath", "listenerMetadata", "syscalls"});
    const auto* default_action = profile.find("defaultAction");
    if (!default_action)
        at.fail_at("defaultAction", "missing required field");
    check_action(at, *default_action, "defaultAction");
    const auto* arches = profile.find("architectures");
    if (arches && !arches->is_null() && !at.strings(*arches, "architectures").empty() &&
        profile.find("archMap"))
        at.fail_at("archMap", "the profile has both \"architectures\" and \"archMap\"; use one");
    std::string native = native_arch_name(resolve.arch);
    if (native.empty())
        fail("seccomp architecture " + quote(resolve.arch) + " is not known");

    json::Value out = json::Value::object();
    out.set("defaultAction", *default_action);
    for (const char* key : {"defaultErrnoRet", "flags", "listenerPath", "listenerMetadata"})
        if (const auto* v = profile.find(key); v && !v->is_null())
            out.set(key, *v);
    // As Docker: a non-empty "architectures" as written, else archMap's pick.
    bool listed = arches && !arches->is_null() && !arches->as_array().empty();
    out.set("architectures", listed ? *arches : architectures(at, profile, resolve.arch));
    Context c{native, resolve.capabilities, kernel_version(resolve)};
    json::Value calls = json::Value::array();
    if (const auto* list = profile.find("syscalls"); list && !list->is_null()) {
        if (!list->is_array())
            at.fail_at("syscalls",
                       std::string("expected array, got ") + json::type_name(list->type()));
        for (std::size_t i = 0; i < list->as_array().size(); ++i) {
            json::Value call =
                resolve_call(at, list->as_array()[i], "syscalls[" + std::to_string(i) + "]", c);
            if (!call.is_null())
                calls.push(std::move(call));
        }
    }
    out.set("syscalls", std::move(calls));
    return out;
}

} // namespace ward::seccomp::moby
