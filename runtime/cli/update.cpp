// update: runc's flags (or a LinuxResources document with --resources) →
// the resources request container::update applies.
#include "verbs.hpp"
#include "ward/base/document.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/parse.hpp"

#include <cctype>
#include <cmath>

namespace ward::cli {
namespace {

// docker/go-units RAMInBytes, which runc uses: "1024", "64m", "1.5GiB",
// "512 kb"; binary multiples; the fraction is truncated after scaling.
std::optional<int64_t> ram_in_bytes(std::string_view s) {
    size_t i = 0;
    auto digits = [&] {
        size_t start = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
        return i > start;
    };
    if (!digits())
        return std::nullopt;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits())
            return std::nullopt;
    }
    double value = std::stod(std::string(s.substr(0, i)));
    if (i < s.size() && s[i] == ' ')
        ++i;
    static const std::string units = "kmgtp";
    if (i < s.size()) {
        auto u = units.find(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
        if (u != std::string::npos) {
            value *= std::pow(1024.0, static_cast<double>(u + 1));
            ++i;
        }
    }
    if (i < s.size() && (s[i] == 'i' || s[i] == 'I'))
        ++i;
    if (i < s.size() && (s[i] == 'b' || s[i] == 'B'))
        ++i;
    if (i != s.size() || value >= 9.2e18)
        return std::nullopt;
    return static_cast<int64_t>(value);
}

// --memory and friends: -1 or a size.
std::optional<int64_t> memory_flag(const ParsedArgs& p, const char* name) {
    auto v = p.value(name);
    if (!v || v->empty())
        return std::nullopt;
    if (*v == "-1")
        return -1;
    auto bytes = ram_in_bytes(*v);
    if (!bytes)
        fail(std::string("invalid value for ") + name + ": invalid size: '" + *v + "'");
    return bytes;
}

std::optional<uint64_t> uint_flag(const ParsedArgs& p, const char* name) {
    auto v = p.value(name);
    if (!v || v->empty())
        return std::nullopt;
    auto n = parse_uint(*v);
    if (!n)
        fail(std::string("invalid value for ") + name + ": strconv.ParseUint: parsing " +
             quote(*v) + ": invalid syntax");
    return n;
}

std::optional<int64_t> int_flag(const ParsedArgs& p, const char* name) {
    auto v = p.value(name);
    if (!v || v->empty())
        return std::nullopt;
    auto n = parse_int(*v);
    if (!n)
        fail(std::string("invalid value for ") + name + ": strconv.ParseInt: parsing " + quote(*v) +
             ": invalid syntax");
    return n;
}

// Go's flag package for runc's IntFlags (--pids-limit, --blkio-weight).
std::optional<int64_t> go_int_flag(const ParsedArgs& p, const char* name) {
    auto v = p.value(name);
    if (!v)
        return std::nullopt;
    auto n = parse_int(*v);
    if (!n)
        throw UsageError("update",
                         "invalid value " + quote(*v) + " for flag -" + name + ": parse error");
    return n;
}

spec::Resources from_document(const std::string& source) {
    std::string text = source == "-" ? read_capped(0, kMaxDocumentBytes, "read standard input")
                                     : read_document(source);
    std::string what = source == "-" ? "--resources (stdin)" : "--resources " + source;
    json::Value doc = with_context(what, [&] { return json::parse(text); });
    return spec::resources_from_json(doc, what);
}

spec::Resources from_flags(const ParsedArgs& p) {
    spec::Resources r;
    spec::MemoryResources m;
    m.limit = memory_flag(p, "memory");
    m.swap = memory_flag(p, "memory-swap");
    m.reservation = memory_flag(p, "memory-reservation");
    m.kernel = memory_flag(p, "kernel-memory");
    m.kernel_tcp = memory_flag(p, "kernel-memory-tcp");
    if (m.limit || m.swap || m.reservation || m.kernel || m.kernel_tcp)
        r.memory = m;

    spec::CpuResources c;
    c.shares = uint_flag(p, "cpu-share");
    if (auto shares = uint_flag(p, "cpu-shares"))
        c.shares = shares;
    c.period = uint_flag(p, "cpu-period");
    c.quota = int_flag(p, "cpu-quota");
    c.burst = uint_flag(p, "cpu-burst");
    c.idle = int_flag(p, "cpu-idle");
    c.realtime_period = uint_flag(p, "cpu-rt-period");
    c.realtime_runtime = int_flag(p, "cpu-rt-runtime");
    c.cpus = p.value("cpuset-cpus").value_or("");
    c.mems = p.value("cpuset-mems").value_or("");
    if (c.shares || c.period || c.quota || c.burst || c.idle || c.realtime_period ||
        c.realtime_runtime || !c.cpus.empty() || !c.mems.empty())
        r.cpu = c;

    if (auto limit = go_int_flag(p, "pids-limit"))
        r.pids = spec::PidsResources{*limit};
    // runc: 0 (the flag's default) leaves the weight alone.
    if (auto weight = go_int_flag(p, "blkio-weight"); weight && *weight != 0) {
        if (*weight < 0 || *weight > 65535)
            fail("invalid value for blkio-weight: " + std::to_string(*weight) +
                 " is not a weight (10 to 1000)");
        r.block_io = spec::BlockIoResources{};
        r.block_io->weight = static_cast<uint16_t>(*weight);
    }
    return r;
}

} // namespace

int verb_update(const Context& ctx, const VerbArgs& args) {
    std::string id = container_id(args);
    const ParsedArgs& p = args.parsed;
    if (p.value("l3-cache-schema") || p.value("mem-bw-schema"))
        fail("updating Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported");
    // As runc: with --resources every other flag is ignored.
    spec::Resources request;
    if (auto file = p.value("resources"); file && !file->empty())
        request = from_document(*file);
    else
        request = from_flags(p);
    container::update(ctx.lifecycle, id, request);
    return 0;
}

} // namespace ward::cli
