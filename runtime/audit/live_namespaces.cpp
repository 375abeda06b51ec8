// /proc/PID/ns/*: each namespace's identity beside the host's (live.hpp
// says what "host" is and the fallbacks when pid 1 cannot be read).
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <unistd.h>
#include <utility>

namespace ward::audit {
namespace {

// spec name → /proc/PID/ns name.
const std::pair<const char*, const char*> kTypes[] = {
    {"pid", "pid"}, {"network", "net"}, {"mount", "mnt"},     {"ipc", "ipc"},
    {"uts", "uts"}, {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"},
};

// Every namespace link of `pid`; throws when one cannot be read.
std::map<std::string, std::string> links_of(int pid) {
    ProcessHandle p = ProcessHandle::open(pid);
    std::map<std::string, std::string> out;
    for (const auto& [spec_name, proc_name] : kTypes)
        out[spec_name] = p.link(std::string("ns/") + proc_name);
    return out;
}

bool is_kthreadd(int pid) {
    try {
        ProcessHandle p = ProcessHandle::open(pid);
        auto st = parse_status(p.read("status"));
        return st.name == "kthreadd" && trim(p.read("stat")).find(") S 0 ") != std::string::npos;
    } catch (const Error&) {
        return false;
    }
}

std::map<std::string, std::string> host_links(std::string& reference) {
    std::string why;
    try {
        reference = "pid 1";
        return links_of(1);
    } catch (const Error& e) {
        why = e.what();
    }
    if (is_kthreadd(2)) {
        try {
            reference = "pid 2 (kthreadd; pid 1's links: " + why + ")";
            return links_of(2);
        } catch (const Error&) {
        }
    }
    reference = "ward itself (pid 1's links: " + why + ")";
    return links_of(::getpid());
}

} // namespace

std::string proc_namespace_name(const std::string& spec_type) {
    for (const auto& [spec_name, proc_name] : kTypes)
        if (spec_type == spec_name)
            return proc_name;
    return spec_type;
}

std::vector<NamespaceState> read_namespaces(const ProcessHandle& process, std::string& reference) {
    auto host = host_links(reference);
    std::vector<NamespaceState> out;
    for (const auto& [spec_name, proc_name] : kTypes) {
        NamespaceState ns;
        ns.type = spec_name;
        ns.id = process.link(std::string("ns/") + proc_name);
        ns.host = host[spec_name];
        out.push_back(std::move(ns));
    }
    return out;
}

} // namespace ward::audit
