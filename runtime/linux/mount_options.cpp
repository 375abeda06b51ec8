#include "ward/linux/mount_options.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/names.hpp"

#include <string_view>
#include <sys/mount.h>

namespace ward::linux {

namespace {

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
        const spec::MountOption* entry = spec::find_mount_option(option);
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
