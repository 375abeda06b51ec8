// A mount's "options" list split the way the kernel needs it: MS_* flags
// for mount(2), flags explicitly cleared (rw, suid, ...), propagation changes
// applied after the mount, recursive attributes for mount_setattr
// (AT_RECURSIVE), idmap requests, and the filesystem's own data options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ward::linux {

struct MountOptions {
    unsigned long flags = 0;   // MS_* to set, MS_BIND|MS_REC for rbind included
    unsigned long cleared = 0; // MS_* an option explicitly clears ("rw", "suid", "atime", ...)
    std::vector<unsigned long> propagation; // in order: MS_SLAVE|MS_REC, MS_PRIVATE, ...
    uint64_t recursive_set = 0;             // MOUNT_ATTR_* for every mount in the tree
    uint64_t recursive_clear = 0;
    bool idmap = false;            // "idmap" or "ridmap"
    bool recursive_idmap = false;  // "ridmap"
    bool copy_up = false;          // "tmpcopyup": fill a new tmpfs with what it covers
    std::vector<std::string> data; // filesystem options ("mode=755", "size=64k"), in order

    bool bind() const;
    bool recursive_bind() const;
    // The data options joined with "," as mount(2) takes them.
    std::string data_string() const;
};

// Later options win over earlier ones ("ro,rw" is rw). Unknown names are
// data for the filesystem, as runc passes them. Throws Error for an empty
// option or one that only makes sense with a value it lacks.
MountOptions parse_mount_options(const std::vector<std::string>& options);

// MOUNT_ATTR_* equivalents of the per-mount MS_* flags in `flags`
// (ro, nosuid, nodev, noexec, atime modes, nodiratime, nosymfollow).
uint64_t mount_attrs_of(unsigned long flags);

// The atime bits are one field: changing any means clearing all of them.
bool touches_atime(unsigned long flags);

} // namespace ward::linux
