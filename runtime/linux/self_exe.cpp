#include "ward/linux/self_exe.hpp"

#include "statmount_abi.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U // Linux 6.3: executable memfd, explicit under vm.memfd_noexec
#endif

namespace ward::linux {

namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

enum class Membership { attached, detached, unknown };

// statmount looks the mount up in the caller's mount namespace only:
// ENOENT means it is in none of ours. About 1 us, where reading
// mountinfo took 35-70 us on the path of every create, run and exec.
Membership statmount_membership(int fd) {
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &sx) < 0 ||
        !(sx.stx_mask & STATX_MNT_ID_UNIQUE))
        return Membership::unknown;
    statmount_abi::Request request;
    request.mnt_id = sx.stx_mnt_id;
    alignas(8) char reply[statmount_abi::kReplySize];
    if (::syscall(SYS_statmount, &request, reply, sizeof reply, 0) == 0)
        return Membership::attached;
    return errno == ENOENT ? Membership::detached : Membership::unknown;
}

// Whether the mount `fd` is on is one of this mount namespace's: by
// statmount, else (before Linux 6.8) listed in /proc/self/mountinfo.
// Anything unknown counts as attached: the answer "detached" must be
// certain, or ward would run unprotected.
bool mount_is_attached(int fd) {
    Membership by_statmount = statmount_membership(fd);
    if (by_statmount != Membership::unknown)
        return by_statmount == Membership::attached;
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
        return true;
    std::string mountinfo;
    try {
        mountinfo = read_file("/proc/self/mountinfo");
    } catch (const Error&) {
        return true;
    }
    std::string id = std::to_string(sx.stx_mnt_id) + " ";
    for (const auto& line : split(mountinfo, '\n'))
        if (starts_with(line, id))
            return true;
    return false;
}

// Read-only and on a mount no namespace of ours has: nobody left can make
// it writable (mount_setattr needs the mount in the caller's namespace).
// An installed binary on a read-only /usr does not count: an operator can
// remount that read-write while a container still holds an fd.
bool on_detached_read_only_mount(int fd) {
    struct statvfs sv {};
    return ::fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY) && !mount_is_attached(fd);
}

// F_GET_SEALS needs an fd that is not O_PATH; any other file says EINVAL.
bool sealed_against_writes(int fd) {
    int seals = ::fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & kSeals) == kSeals;
}

BinaryProtection protection_of(int path_fd) {
    if (on_detached_read_only_mount(path_fd))
        return BinaryProtection::detached_read_only_mount;
    UniqueFd readable(
        ::open(("/proc/self/fd/" + std::to_string(path_fd)).c_str(), O_RDONLY | O_CLOEXEC));
    if (readable && sealed_against_writes(readable.get()))
        return BinaryProtection::sealed_memfd;
    return BinaryProtection::none;
}

UniqueFd open_self() {
    UniqueFd self(::open("/proc/self/exe", O_PATH | O_CLOEXEC));
    if (!self)
        fail_errno("open /proc/self/exe");
    return self;
}

// The binary alone, bound read-only on a mount attached nowhere: the
// exec's close of this fd (it is close-on-exec) dissolves the mount tree,
// and the running image keeps the now unmounted, read-only mount alive.
UniqueFd read_only_mount_of(int self_fd) {
    UniqueFd mount = clone_mount(self_fd, false);
    set_mount_attrs(mount.get(), MOUNT_ATTR_RDONLY, 0, false);
    if (!on_detached_read_only_mount(mount.get()))
        fail("the cloned mount is not read-only and detached");
    return mount;
}

UniqueFd sealed_copy_of(int self_fd) {
    UniqueFd source(
        ::open(("/proc/self/fd/" + std::to_string(self_fd)).c_str(), O_RDONLY | O_CLOEXEC));
    if (!source)
        fail_errno("open ward's binary for reading");
    unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    UniqueFd copy(::memfd_create("ward", flags | MFD_EXEC));
    if (!copy && errno == EINVAL) // before Linux 6.3, MFD_EXEC is unknown
        copy.reset(::memfd_create("ward", flags));
    if (!copy)
        fail_errno("memfd_create");
    for (;;) {
        ssize_t n = ::sendfile(copy.get(), source.get(), nullptr, 1 << 30);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno("copy ward's binary into a memfd");
        if (n == 0)
            break;
    }
    if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) < 0)
        fail_errno("seal the memfd copy");
    if (!sealed_against_writes(copy.get()))
        fail("the memfd copy is not sealed");
    return copy;
}

} // namespace

BinaryProtection binary_protection() {
    return protection_of(open_self().get());
}

// Each copy is checked with the very test the new process applies to
// itself before it is exec'd, so a copy that would not pass is never
// exec'd and ward cannot re-exec itself in a loop.
void reexec_from_protected_copy(char** argv, char** envp) {
    UniqueFd self = open_self();
    if (protection_of(self.get()) != BinaryProtection::none)
        return;
    std::string why;
    try {
        UniqueFd mount = read_only_mount_of(self.get());
        ::execveat(mount.get(), "", argv, envp, AT_EMPTY_PATH);
        fail_errno("execveat");
    } catch (const Error& e) {
        why = std::string("read-only mount: ") + e.what();
    }
    try {
        UniqueFd copy = sealed_copy_of(self.get());
        ::execveat(copy.get(), "", argv, envp, AT_EMPTY_PATH);
        fail_errno("execveat");
    } catch (const Error& e) {
        why += std::string("; sealed copy: ") + e.what();
    }
    fail("protect ward's binary from the container (CVE-2019-5736): " + why);
}

void make_non_dumpable() {
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        fail_errno("prctl PR_SET_DUMPABLE");
    if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
        fail("prctl PR_SET_DUMPABLE: the process is still dumpable");
}

} // namespace ward::linux
