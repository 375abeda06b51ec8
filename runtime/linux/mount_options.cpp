#include "ward/linux/mount_options.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <array>
#include <string_view>
#include <sys/mount.h>

namespace ward::linux {

namespace {

// Same shape as spec::MountOption, so lookup_option can later become
// spec::find_mount_option without touching the parser. For recursive
// options `flag` is the MS_* flag the attribute mirrors.
struct OptionEntry {
    const char* name;
    unsigned long flag;
    bool clear;
    bool recursive;
    bool propagation;
};

constexpr std::array kOptions = {
    // Per-mount and superblock flags, mount(8) names.
    OptionEntry{"async", MS_SYNCHRONOUS, true, false, false},
    OptionEntry{"atime", MS_NOATIME, true, false, false},
    OptionEntry{"bind", MS_BIND, false, false, false},
    OptionEntry{"defaults", 0, false, false, false},
    OptionEntry{"dev", MS_NODEV, true, false, false},
    OptionEntry{"diratime", MS_NODIRATIME, true, false, false},
    OptionEntry{"dirsync", MS_DIRSYNC, false, false, false},
    OptionEntry{"exec", MS_NOEXEC, true, false, false},
    OptionEntry{"iversion", MS_I_VERSION, false, false, false},
    OptionEntry{"lazytime", MS_LAZYTIME, false, false, false},
    OptionEntry{"loud", MS_SILENT, true, false, false},
    OptionEntry{"mand", MS_MANDLOCK, false, false, false},
    OptionEntry{"noatime", MS_NOATIME, false, false, false},
    OptionEntry{"nodev", MS_NODEV, false, false, false},
    OptionEntry{"nodiratime", MS_NODIRATIME, false, false, false},
    OptionEntry{"noexec", MS_NOEXEC, false, false, false},
    OptionEntry{"noiversion", MS_I_VERSION, true, false, false},
    OptionEntry{"nolazytime", MS_LAZYTIME, true, false, false},
    OptionEntry{"nomand", MS_MANDLOCK, true, false, false},
    OptionEntry{"norelatime", MS_RELATIME, true, false, false},
    OptionEntry{"nostrictatime", MS_STRICTATIME, true, false, false},
    OptionEntry{"nosuid", MS_NOSUID, false, false, false},
    OptionEntry{"nosymfollow", MS_NOSYMFOLLOW, false, false, false},
    OptionEntry{"rbind", MS_BIND | MS_REC, false, false, false},
    OptionEntry{"relatime", MS_RELATIME, false, false, false},
    OptionEntry{"remount", MS_REMOUNT, false, false, false},
    OptionEntry{"ro", MS_RDONLY, false, false, false},
    OptionEntry{"rw", MS_RDONLY, true, false, false},
    OptionEntry{"silent", MS_SILENT, false, false, false},
    OptionEntry{"strictatime", MS_STRICTATIME, false, false, false},
    OptionEntry{"suid", MS_NOSUID, true, false, false},
    OptionEntry{"symfollow", MS_NOSYMFOLLOW, true, false, false},
    OptionEntry{"sync", MS_SYNCHRONOUS, false, false, false},
    // Propagation, applied by a separate call after the mount.
    OptionEntry{"private", MS_PRIVATE, false, false, true},
    OptionEntry{"rprivate", MS_PRIVATE | MS_REC, false, false, true},
    OptionEntry{"shared", MS_SHARED, false, false, true},
    OptionEntry{"rshared", MS_SHARED | MS_REC, false, false, true},
    OptionEntry{"slave", MS_SLAVE, false, false, true},
    OptionEntry{"rslave", MS_SLAVE | MS_REC, false, false, true},
    OptionEntry{"unbindable", MS_UNBINDABLE, false, false, true},
    OptionEntry{"runbindable", MS_UNBINDABLE | MS_REC, false, false, true},
    // Recursive attributes (mount_setattr with AT_RECURSIVE), runtime-spec 1.1+.
    OptionEntry{"rro", MS_RDONLY, false, true, false},
    OptionEntry{"rrw", MS_RDONLY, true, true, false},
    OptionEntry{"rnosuid", MS_NOSUID, false, true, false},
    OptionEntry{"rsuid", MS_NOSUID, true, true, false},
    OptionEntry{"rnodev", MS_NODEV, false, true, false},
    OptionEntry{"rdev", MS_NODEV, true, true, false},
    OptionEntry{"rnoexec", MS_NOEXEC, false, true, false},
    OptionEntry{"rexec", MS_NOEXEC, true, true, false},
    OptionEntry{"rnodiratime", MS_NODIRATIME, false, true, false},
    OptionEntry{"rdiratime", MS_NODIRATIME, true, true, false},
    OptionEntry{"rnoatime", MS_NOATIME, false, true, false},
    OptionEntry{"ratime", MS_NOATIME, true, true, false},
    OptionEntry{"rrelatime", MS_RELATIME, false, true, false},
    OptionEntry{"rnorelatime", MS_RELATIME, true, true, false},
    OptionEntry{"rstrictatime", MS_STRICTATIME, false, true, false},
    OptionEntry{"rnostrictatime", MS_STRICTATIME, true, true, false},
    OptionEntry{"rnosymfollow", MS_NOSYMFOLLOW, false, true, false},
    OptionEntry{"rsymfollow", MS_NOSYMFOLLOW, true, true, false},
};

// The one place that knows where the table lives.
const OptionEntry* lookup_option(std::string_view name) {
    for (const auto& entry : kOptions)
        if (name == entry.name)
            return &entry;
    return nullptr;
}

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

// Setting one atime mode replaces the others; clearing one falls back to
// the kernel default (relatime).
void apply_flag(unsigned long& flags, unsigned long& cleared, unsigned long flag, bool clear) {
    if (flag & kAtimeFlags) {
        flags &= ~kAtimeFlags;
        cleared |= kAtimeFlags & ~flag;
    }
    if (clear) {
        flags &= ~flag;
        cleared |= flag;
    } else {
        flags |= flag;
        cleared &= ~flag;
    }
}

void apply_recursive(MountOptions& out, unsigned long flag, bool clear) {
    if (flag & kAtimeFlags) {
        // One atime field: clear it all, then set the mode (relatime is 0).
        out.recursive_clear |= MOUNT_ATTR__ATIME;
        out.recursive_set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
        if (!clear)
            out.recursive_set |= mount_attrs_of(flag);
        return;
    }
    uint64_t attr = mount_attrs_of(flag);
    if (clear) {
        out.recursive_clear |= attr;
        out.recursive_set &= ~attr;
    } else {
        out.recursive_set |= attr;
        out.recursive_clear &= ~attr;
    }
}

} // namespace

bool MountOptions::bind() const {
    return (flags & MS_BIND) != 0;
}

bool MountOptions::recursive_bind() const {
    return (flags & (MS_BIND | MS_REC)) == (MS_BIND | MS_REC);
}

std::string MountOptions::data_string() const {
    return join(data, ",");
}

uint64_t mount_attrs_of(unsigned long flags) {
    uint64_t attrs = 0;
    if (flags & MS_RDONLY)
        attrs |= MOUNT_ATTR_RDONLY;
    if (flags & MS_NOSUID)
        attrs |= MOUNT_ATTR_NOSUID;
    if (flags & MS_NODEV)
        attrs |= MOUNT_ATTR_NODEV;
    if (flags & MS_NOEXEC)
        attrs |= MOUNT_ATTR_NOEXEC;
    if (flags & MS_NODIRATIME)
        attrs |= MOUNT_ATTR_NODIRATIME;
    if (flags & MS_NOSYMFOLLOW)
        attrs |= MOUNT_ATTR_NOSYMFOLLOW;
    if (flags & MS_NOATIME)
        attrs |= MOUNT_ATTR_NOATIME;
    else if (flags & MS_STRICTATIME)
        attrs |= MOUNT_ATTR_STRICTATIME;
    return attrs;
}

bool touches_atime(unsigned long flags) {
    return (flags & kAtimeFlags) != 0;
}

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions out;
    for (const auto& option : options) {
        if (option.empty())
            fail("mount option " + quote(option) + " is empty");
        if (option == "idmap" || option == "ridmap") {
            out.idmap = true;
            out.recursive_idmap = out.recursive_idmap || option == "ridmap";
            continue;
        }
        if (option == "tmpcopyup") {
            out.copy_up = true;
            continue;
        }
        const OptionEntry* entry = lookup_option(option);
        if (!entry) {
            out.data.push_back(option);
            continue;
        }
        if (entry->propagation)
            out.propagation.push_back(entry->flag);
        else if (entry->recursive)
            apply_recursive(out, entry->flag, entry->clear);
        else
            apply_flag(out.flags, out.cleared, entry->flag, entry->clear);
    }
    return out;
}

} // namespace ward::linux
