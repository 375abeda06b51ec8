// LSM labels for the container process. Both are set "on exec", so the
// label applies to the container program and not to the runtime code that
// still runs until execve.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/procfs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::linux {

namespace {

// These run after pivot_root, where the container may have no /sys (and
// never has selinuxfs), so each check falls back to a probe of ward's own
// procfs handle (never the container's /proc).
bool apparmor_enabled() {
    try {
        return starts_with(read_file("/sys/module/apparmor/parameters/enabled"), "Y");
    } catch (const Error&) {
    }
    try {
        // Reading the label fails (EINVAL) when AppArmor is built in but off.
        UniqueFd fd = open_procfs("/proc/thread-self/attr/apparmor/current", O_RDONLY);
        return !read_fd(fd.get()).empty();
    } catch (const Error&) {
        return false;
    }
}

bool selinux_enabled() {
    struct stat st {};
    if (::stat("/sys/fs/selinux/enforce", &st) == 0)
        return true;
    // selinuxfs is only registered when SELinux is enabled at boot.
    try {
        UniqueFd fd = open_procfs("/proc/filesystems", O_RDONLY);
        for (const auto& line : split(read_fd(fd.get()), '\n'))
            if (trim(line).ends_with("selinuxfs"))
                return true;
    } catch (const Error&) {
    }
    return false;
}

void apply_apparmor(const std::string& profile) {
    if (!apparmor_enabled())
        fail("apparmor profile " + quote(profile) +
             " requested but AppArmor is not enabled on this host");
    // Newer kernels give AppArmor its own attr directory so that it can
    // stack with other LSMs; the shared file is the older interface. The
    // label is the calling thread's: thread-self, as the kernel only lets a
    // task write its own attributes.
    const std::string path = procfs_exists("/proc/thread-self/attr/apparmor/exec")
                                 ? "/proc/thread-self/attr/apparmor/exec"
                                 : "/proc/thread-self/attr/exec";
    with_context("apply apparmor profile " + quote(profile),
                 [&] { write_procfs(path, "exec " + profile); });
}

void apply_selinux(const std::string& label) {
    if (!selinux_enabled())
        fail("selinux label " + quote(label) +
             " requested but SELinux is not enabled on this host");
    with_context("apply selinux label " + quote(label),
                 [&] { write_procfs("/proc/thread-self/attr/exec", label); });
}

} // namespace

void apply_security_labels(const spec::Process& process) {
    if (!process.apparmor_profile.empty())
        apply_apparmor(process.apparmor_profile);
    if (!process.selinux_label.empty())
        apply_selinux(process.selinux_label);
}

} // namespace ward::linux
