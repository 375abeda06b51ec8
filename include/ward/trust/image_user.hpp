// An image's Config.User ("web", "1000", "web:staff", "1000:50", ...)
// resolved against the image's own /etc/passwd and /etc/group, the way
// runc's libcontainer/user (and so podman) resolves it:
//   - a numeric user is used as is; its passwd entry, when there is one,
//     gives the primary group and home (else gid 0, home "/");
//   - a user name must have a passwd entry (else an error naming it);
//   - a group, numeric or a name (which must be in /etc/group), replaces the
//     primary group; without one, every group listing the user's name as a
//     member becomes an additional gid;
//   - ids must be in 0..2147483647, as runc requires.
// The files are read from the rootfs without following any symlink (a
// symlinked /etc or /etc/passwd is reported, never resolved: it could point
// out of the image), and capped in size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::trust {

struct PasswdEntry {
    std::string name;
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::string home;
};

struct GroupEntry {
    std::string name;
    uint32_t gid = 0;
    std::vector<std::string> members;
};

// Lines "name:password:uid:gid:gecos:home:shell" / "name:password:gid:a,b".
// Empty lines, comments and NIS "+"/"-" lines are skipped, and so are lines
// without numeric ids (libc skips what it cannot read, too).
std::vector<PasswdEntry> parse_passwd(std::string_view text);
std::vector<GroupEntry> parse_group(std::string_view text);

// One of the image's account files, as found in its rootfs.
struct AccountFile {
    std::optional<std::string> text; // nullopt: not read
    std::string absent_why;          // when not read: "missing", "a symlink (not followed)", ...
};

struct AccountFiles {
    AccountFile passwd; // /etc/passwd
    AccountFile group;  // /etc/group
};

// Reads ROOTFS/etc/passwd and ROOTFS/etc/group beneath the rootfs (no
// symlink followed anywhere, regular files only, at most 4 MiB each). A file
// that is missing, a symlink or not a regular file is reported in
// absent_why; other failures (EIO, EACCES) throw.
AccountFiles read_account_files(const std::string& rootfs);

struct ImageUser {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<uint32_t> additional_gids;
    std::string home = "/"; // from the passwd entry, when there is one
};

// Throws Error: `config.User "web": no user "web" in the image's /etc/passwd`,
// `config.User "web": cannot look up "web": the image's /etc/passwd is a
// symlink (not followed)`, `config.User "1:staff": no group "staff" in the
// image's /etc/group`, `config.User "4294967296": uid out of range
// (0-2147483647)`. An empty user is root (uid 0).
ImageUser resolve_image_user(std::string_view user, const AccountFiles& files);

} // namespace ward::trust
