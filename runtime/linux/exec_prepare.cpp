// The last steps before execve: no fd leaks into the container, the program
// is found inside the container's root, and the cwd really is inside it.
// (CVE-2024-21626)
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/procfs.hpp"

#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::linux {

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: mark each open fd instead,
// as listed by ward's procfs handle (the container's /proc could list a
// directory of its choosing). This runs under the seccomp filter, so no
// new procfs mount is made here.
void mark_cloexec_by_walking(int first) {
    UniqueFd dir_fd = open_procfs_no_mount("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    DIR* dir = ::fdopendir(dir_fd.get());
    if (!dir)
        fail_errno("opendir /proc/self/fd");
    const int own = dir_fd.release();
    while (dirent* entry = ::readdir(dir)) {
        auto fd = parse_int(entry->d_name);
        if (!fd || *fd < first || *fd == own)
            continue;
        int flags = ::fcntl(static_cast<int>(*fd), F_GETFD);
        if (flags >= 0)
            ::fcntl(static_cast<int>(*fd), F_SETFD, flags | FD_CLOEXEC);
    }
    ::closedir(dir);
}

// Go's exec.LookPath check for one candidate: 0 when it can be executed,
// else the errno explaining why not.
int executable_error(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0)
        return errno;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    if (::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) < 0)
        return errno;
    return 0;
}

std::string path_from(const std::vector<std::string>& env) {
    // The last PATH wins, as when the environment is applied in order.
    for (auto it = env.rbegin(); it != env.rend(); ++it)
        if (it->starts_with("PATH="))
            return it->substr(5);
    return kDefaultPath;
}

} // namespace

void close_fds_on_exec(int preserve_fds) {
    if (preserve_fds < 0)
        fail("--preserve-fds must not be negative");
    const unsigned first = 3 + static_cast<unsigned>(preserve_fds);
    if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    // ENOSYS/EINVAL: a kernel without it (or without the flag). EPERM: a
    // seccomp filter ward itself runs under that lacks close_range (ward
    // marks fds before it loads the container's own filter).
    if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
        fail_errno("close_range");
    mark_cloexec_by_walking(static_cast<int>(first));
}

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
    const std::string prefix = "exec: " + quote(name) + ": ";
    if (name.empty())
        fail(prefix + "executable file not found in $PATH");
    if (name.find('/') != std::string::npos) {
        int err = executable_error(name);
        if (err == ENOENT || err == ENOTDIR)
            fail(prefix + "stat " + name + ": " + errno_text(err));
        if (err)
            fail(prefix + errno_text(err));
        return name;
    }
    for (const auto& dir : split(path_from(env), ':')) {
        // Relative PATH entries would resolve against the container's cwd;
        // Go refuses those too (exec.ErrDot).
        if (!dir.starts_with("/"))
            continue;
        std::string candidate = dir.ends_with("/") ? dir + name : dir + "/" + name;
        if (executable_error(candidate) == 0)
            return candidate;
    }
    fail(prefix + "executable file not found in $PATH");
}

void change_directory(const std::string& cwd) {
    if (::chdir(cwd.c_str()) < 0)
        fail_errno("chdir to cwd (" + quote(cwd) + ") set in config.json failed");
    char buffer[PATH_MAX];
    // glibc turns the kernel's "(unreachable)" prefix into ENOENT; check the
    // prefix too in case another libc passes it through.
    if (!::getcwd(buffer, sizeof buffer) || buffer[0] != '/')
        fail("cwd " + quote(cwd) + " is outside the container root");
}

} // namespace ward::linux
