// Config.User → uid, gid, additional gids and home, from the image's own
// account files (see image_user.hpp for the rules).
#include "ward/trust/image_user.hpp"

#include "beneath.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {
namespace {

// runc's limit: ids are int32 in its user package, and the kernel's
// overflow id sits just above.
constexpr uint64_t kMaxId = 2147483647;

// A generous cap: /etc/passwd of a large image is a few KiB; nothing read
// from an image is unbounded.
constexpr size_t kMaxAccountFile = 4u << 20;

std::optional<uint32_t> id_field(std::string_view s) {
    auto n = parse_uint(s);
    if (!n || *n > UINT32_MAX)
        return std::nullopt;
    return static_cast<uint32_t>(*n);
}

// The lines worth reading: not empty, not a comment, not NIS compat.
std::vector<std::vector<std::string>> records(std::string_view text) {
    std::vector<std::vector<std::string>> out;
    for (const auto& raw : split(text, '\n')) {
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-')
            continue;
        out.push_back(split(line, ':'));
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

uint32_t numeric_id(std::string_view text, const char* kind, const std::string& where) {
    auto n = parse_uint(text);
    if (!n || *n > kMaxId)
        fail(where + ": " + kind + " " + std::string(text) + " out of range (0-" +
             std::to_string(kMaxId) + ")");
    return static_cast<uint32_t>(*n);
}

// Why a lookup in `file` could not be made, for the error message.
std::string unreadable(const AccountFile& file, const char* path) {
    return std::string("the image's ") + path + " is " + file.absent_why;
}

AccountFile read_account_file(int etc_fd, const char* name) {
    AccountFile out;
    UniqueFd fd(::openat(etc_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        int err = errno;
        if (err == ENOENT) {
            out.absent_why = "missing";
            return out;
        }
        if (err == ELOOP) {
            out.absent_why = "a symlink (not followed)";
            return out;
        }
        fail_errno(std::string("open /etc/") + name + " in the image", err);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0)
        fail_errno(std::string("stat /etc/") + name + " in the image");
    if (!S_ISREG(st.st_mode)) {
        out.absent_why = "not a regular file";
        return out;
    }
    if (static_cast<uint64_t>(st.st_size) > kMaxAccountFile) {
        out.absent_why = "larger than " + std::to_string(kMaxAccountFile >> 20) + " MiB";
        return out;
    }
    // Read at most cap + 1 bytes: a file that grows meanwhile is not
    // read without end.
    std::string text;
    char buf[8192];
    while (text.size() <= kMaxAccountFile) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno(std::string("read /etc/") + name + " in the image");
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    if (text.size() > kMaxAccountFile) {
        out.absent_why = "larger than " + std::to_string(kMaxAccountFile >> 20) + " MiB";
        return out;
    }
    out.text = std::move(text);
    return out;
}

} // namespace

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
    std::vector<PasswdEntry> out;
    for (const auto& f : records(text)) {
        if (f.size() < 4 || f[0].empty())
            continue;
        auto uid = id_field(f[2]);
        auto gid = id_field(f[3]);
        if (!uid || !gid)
            continue;
        out.push_back({f[0], *uid, *gid, f.size() > 5 ? f[5] : std::string()});
    }
    return out;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
    std::vector<GroupEntry> out;
    for (const auto& f : records(text)) {
        if (f.size() < 3 || f[0].empty())
            continue;
        auto gid = id_field(f[2]);
        if (!gid)
            continue;
        GroupEntry g{f[0], *gid, {}};
        if (f.size() > 3)
            for (const auto& member : split(f[3], ','))
                if (auto m = trim(member); !m.empty())
                    g.members.emplace_back(m);
        out.push_back(std::move(g));
    }
    return out;
}

AccountFiles read_account_files(const std::string& rootfs) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        fail_errno("open rootfs " + rootfs);
    AccountFiles files;
    UniqueFd etc;
    std::string etc_why;
    try {
        etc = detail::open_dir_beneath(root.get(), {"etc"}, 1, nullptr);
        if (!etc)
            etc_why = "missing (no /etc)";
    } catch (const Error& e) {
        // "parent "etc" is a symlink (...)", "... is not a directory"
        etc_why = std::string("unreadable: /etc: ") + e.what();
    }
    if (!etc) {
        files.passwd.absent_why = files.group.absent_why = etc_why;
        return files;
    }
    files.passwd = read_account_file(etc.get(), "passwd");
    files.group = read_account_file(etc.get(), "group");
    return files;
}

ImageUser resolve_image_user(std::string_view spec, const AccountFiles& files) {
    const std::string where = "config.User " + quote(spec);
    ImageUser out;
    auto colon = spec.find(':');
    std::string_view user = spec.substr(0, colon);
    bool has_group = colon != std::string_view::npos;
    std::string_view group = has_group ? spec.substr(colon + 1) : std::string_view();
    if (has_group && group.empty())
        fail(where + ": empty group after ':'");
    if (user.empty())
        user = "0"; // ":staff" and "": root, as runc defaults

    std::vector<PasswdEntry> passwd;
    if (files.passwd.text)
        passwd = parse_passwd(*files.passwd.text);
    bool numeric_user = all_digits(user);
    std::optional<uint32_t> uid;
    if (numeric_user)
        uid = numeric_id(user, "uid", where);
    else if (!files.passwd.text)
        fail(where + ": cannot look up user " + quote(user) + ": " +
             unreadable(files.passwd, "/etc/passwd"));

    const PasswdEntry* entry = nullptr;
    for (const auto& e : passwd) {
        if (numeric_user ? e.uid == *uid : e.name == user) {
            entry = &e;
            break;
        }
    }
    if (!entry && !numeric_user)
        fail(where + ": no user " + quote(user) + " in the image's /etc/passwd");
    if (entry) {
        out.uid = entry->uid;
        out.gid = entry->gid;
        if (!entry->home.empty())
            out.home = entry->home;
        if (out.uid > kMaxId || out.gid > kMaxId)
            fail(where + ": the image's /etc/passwd gives " + quote(entry->name) + " uid " +
                 std::to_string(out.uid) + ", gid " + std::to_string(out.gid) +
                 ": out of range (0-" + std::to_string(kMaxId) + ")");
    } else {
        out.uid = *uid;
    }

    std::vector<GroupEntry> groups;
    if (files.group.text)
        groups = parse_group(*files.group.text);
    if (has_group) {
        if (all_digits(group)) {
            out.gid = numeric_id(group, "gid", where);
        } else {
            if (!files.group.text)
                fail(where + ": cannot look up group " + quote(group) + ": " +
                     unreadable(files.group, "/etc/group"));
            auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](const GroupEntry& g) { return g.name == group; });
            if (it == groups.end())
                fail(where + ": no group " + quote(group) + " in the image's /etc/group");
            out.gid = it->gid;
            if (out.gid > kMaxId)
                fail(where + ": the image's /etc/group gives " + quote(group) + " gid " +
                     std::to_string(out.gid) + ": out of range (0-" + std::to_string(kMaxId) + ")");
        }
        return out;
    }
    // Supplementary groups: those listing the passwd entry's name, when no
    // group was given. runc does this for a numeric user with an entry too
    // (the image spec would leave it alone); ward follows runc, which is
    // what podman and containerd users see.
    if (entry) {
        for (const auto& g : groups) {
            if (g.gid > kMaxId ||
                std::find(g.members.begin(), g.members.end(), entry->name) == g.members.end())
                continue;
            if (std::find(out.additional_gids.begin(), out.additional_gids.end(), g.gid) ==
                out.additional_gids.end())
                out.additional_gids.push_back(g.gid);
        }
    }
    return out;
}

} // namespace ward::trust
