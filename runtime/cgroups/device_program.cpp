// bpf(2) for device filters: load, attach to a cgroup dir, detach the old.
// No libbpf: four commands of a stable syscall ABI are all it takes.
#include "ward/cgroups/device_program.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::cgroups {
namespace {

long bpf(int cmd, bpf_attr& attr) {
    return ::syscall(SYS_bpf, cmd, &attr, sizeof attr);
}

// The log's last lines: the verifier ends with what it refused.
std::string log_tail(const std::string& log) {
    std::string text(trim(log));
    constexpr size_t keep = 2000;
    return text.size() > keep ? "..." + text.substr(text.size() - keep) : text;
}

UniqueFd open_cgroup_dir(const std::string& dir) {
    // Not O_PATH: bpf(2) takes the cgroup from a real open file.
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        fail_errno("open cgroup " + dir);
    return fd;
}

// Ids of the device programs attached to this very cgroup (not its parents).
std::vector<uint32_t> attached_ids(int dir_fd) {
    std::vector<uint32_t> ids(64);
    for (int attempt = 0; attempt < 4; ++attempt) {
        bpf_attr attr{};
        attr.query.target_fd = static_cast<uint32_t>(dir_fd);
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids.data());
        attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
        if (bpf(BPF_PROG_QUERY, attr) == 0) {
            ids.resize(attr.query.prog_cnt);
            return ids;
        }
        if (errno != ENOSPC) // ENOSPC: prog_cnt now says how many there are
            fail_errno("query device programs of the cgroup");
        ids.resize(attr.query.prog_cnt);
    }
    fail("query device programs of the cgroup: the list keeps growing");
}

void attach_program(int dir_fd, int prog_fd) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(dir_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attr) < 0)
        fail_errno("attach device program to the cgroup (BPF_PROG_ATTACH)");
}

void detach_program(int dir_fd, int prog_fd) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(dir_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, attr) < 0)
        fail_errno("detach the previous device program from the cgroup");
}

// Detaches the programs with these ids. One this process may not touch (an
// LSM's, say) stays: it can only restrict more, never less.
void detach_ids(int dir_fd, const std::vector<uint32_t>& ids) {
    for (uint32_t id : ids) {
        bpf_attr attr{};
        attr.prog_id = id;
        UniqueFd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, attr)));
        if (!old) {
            if (errno == ENOENT || errno == EPERM || errno == EACCES)
                continue;
            fail_errno("open device program " + std::to_string(id));
        }
        log::debug("detaching device program " + std::to_string(id) + " left on the cgroup");
        detach_program(dir_fd, old.get());
    }
}

} // namespace

UniqueFd load_device_program(const std::vector<bpf_insn>& insns) {
    auto load = [&](char* log, uint32_t log_size) {
        bpf_attr attr{};
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = reinterpret_cast<uintptr_t>(insns.data());
        attr.insn_cnt = static_cast<uint32_t>(insns.size());
        // The program calls no helper, so no GPL-only one: any license does.
        attr.license = reinterpret_cast<uintptr_t>("Apache-2.0");
        std::strncpy(attr.prog_name, "ward_devices", sizeof attr.prog_name - 1);
        if (log) {
            attr.log_level = 1;
            attr.log_buf = reinterpret_cast<uintptr_t>(log);
            attr.log_size = log_size;
        }
        return UniqueFd(static_cast<int>(bpf(BPF_PROG_LOAD, attr)));
    };
    UniqueFd fd = load(nullptr, 0);
    if (fd)
        return fd;
    int err = errno;
    // Again with the verifier's log, only now: a log too small for a
    // program that loads would make the load fail.
    std::string log(1 << 16, '\0');
    UniqueFd retry = load(log.data(), static_cast<uint32_t>(log.size()));
    if (retry)
        return retry;
    log.resize(std::strlen(log.c_str()));
    std::string msg = "load device program (BPF_PROG_LOAD, " + std::to_string(insns.size()) +
                      " instructions): " + errno_text(err);
    if (!trim(log).empty())
        msg += "; verifier log:\n" + log_tail(log);
    fail(msg);
}

DeviceFilter DeviceFilter::attach(const std::string& cgroup_dir,
                                  const std::vector<DeviceRule>& rules) {
    DeviceFilter filter;
    filter.chains_ = reduce_device_rules(rules);
    filter.dir_ = open_cgroup_dir(cgroup_dir);
    filter.prog_ = load_device_program(compile_device_filter(filter.chains_));
    std::vector<uint32_t> old = attached_ids(filter.dir_.get());
    attach_program(filter.dir_.get(), filter.prog_.get());
    detach_ids(filter.dir_.get(), old);
    return filter;
}

void DeviceFilter::replace(const std::vector<DeviceRule>& rules) {
    if (!attached())
        return;
    auto chains = reduce_device_rules(rules);
    if (chains == chains_)
        return;
    UniqueFd next = load_device_program(compile_device_filter(chains));
    attach_program(dir_.get(), next.get());
    detach_program(dir_.get(), prog_.get());
    prog_ = std::move(next);
    chains_ = std::move(chains);
}

bool in_user_namespace() {
    std::string map;
    try {
        map = read_file("/proc/self/uid_map");
    } catch (const Error&) {
        return false; // no /proc: nothing says otherwise
    }
    std::vector<std::string> fields;
    for (const auto& field : split(trim(map), ' '))
        if (!field.empty())
            fields.push_back(field);
    return fields != std::vector<std::string>{"0", "0", "4294967295"};
}

DeviceFilter apply_device_rules(const std::string& cgroup_dir,
                                const std::vector<DeviceRule>& rules) {
    try {
        return DeviceFilter::attach(cgroup_dir, rules);
    } catch (const Error& e) {
        if (!in_user_namespace())
            throw;
        log::degraded(std::string("linux.resources.devices not enforced: ") + e.what() +
                      " (ward runs in a user namespace)");
        return {};
    }
}

} // namespace ward::cgroups
