#include "ward/container/state.hpp"

#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/freezer.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/spec/config.hpp"
#include "ward/trust/image_user.hpp"

#include <algorithm>
#include <chrono>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ward::container {

void check_id(const std::string& id) {
    bool ok = !id.empty() && id != "." && id != ".." && id.size() <= 1024 &&
              std::all_of(id.begin(), id.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' ||
                         c == '-' || c == '.';
              });
    if (!ok)
        fail("invalid container id " + quote(id) +
             ": use letters, digits, '_', '+', '-' and '.' only");
}

const char* status_name(Status status) {
    switch (status) {
    case Status::creating:
        return "creating";
    case Status::created:
        return "created";
    case Status::running:
        return "running";
    case Status::paused:
        return "paused";
    case Status::stopped:
        return "stopped";
    }
    return "unknown";
}

StateDir::StateDir(std::string root, std::string id)
    : root_(std::move(root)), id_(std::move(id)), path_(root_ + "/" + id_) {
    check_id(id_);
}

namespace {

// How long a verb waits for another ward working on the same container
// (a create running its hooks, a delete waiting for the init to die). The
// lock dies with its holder, and the init closes its inherited copy before
// it waits for anything, so only a live ward can hold it; still, no verb
// waits forever.
constexpr auto kLockWait = std::chrono::seconds(60);

UniqueFd lock_dir(const std::string& path, int operation) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return fd;
    const auto deadline = std::chrono::steady_clock::now() + kLockWait;
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd.get(), operation | LOCK_NB) < 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            fail_errno("lock " + path);
        if (std::chrono::steady_clock::now() >= deadline)
            fail("container state " + path + " is still locked by another ward process after " +
                 std::to_string(kLockWait.count()) + " s; try again when it has finished");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
    return fd;
}

void make_root(const std::string& root) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec)
        fail("create state root " + root + ": " + ec.message());
    ::chmod(root.c_str(), 0700);
}

} // namespace

void StateDir::create_locked() {
    make_root(root_);
    if (::mkdir(path_.c_str(), 0700) < 0) {
        if (errno == EEXIST)
            fail("container with given ID already exists: " + id_);
        fail_errno("create state dir " + path_);
    }
    lock_ = lock_dir(path_, LOCK_EX);
    if (!lock_)
        fail_errno("open state dir " + path_);
}

void StateDir::open_locked() {
    lock_ = lock_dir(path_, LOCK_EX);
    if (!lock_ || !exists())
        fail("container does not exist");
}

void StateDir::open_shared() {
    lock_ = lock_dir(path_, LOCK_SH);
    if (!lock_ || !exists())
        fail("container does not exist");
}

bool StateDir::exists() const {
    struct stat st {};
    return ::stat((path_ + "/state.json").c_str(), &st) == 0;
}

void StateDir::save(const State& s) const {
    write_file_atomic(path_ + "/state.json", serialize_state(s));
}

State StateDir::load() const {
    std::string text;
    try {
        text = read_document(path_ + "/state.json");
    } catch (const Error&) {
        fail("container does not exist");
    }
    return parse_state(text, "state of " + id_ + " (" + path_ + "/state.json)");
}

void StateDir::remove() const {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec)
        fail("remove state dir " + path_ + ": " + ec.message());
}

Status current_status(const StateDir& dir, const State& state) {
    if (state.pid <= 0)
        return Status::creating;
    unsigned long long start = linux::process_start_time(state.pid);
    if (start == 0 || start != state.start_time)
        return Status::stopped;
    char proc_state = linux::process_state(state.pid);
    if (proc_state == 'Z' || proc_state == 'X' || proc_state == 0)
        return Status::stopped;
    if (!state.cgroup.empty() && cgroups::is_frozen(cgroups::Cgroup::attach(state.cgroup)))
        return Status::paused;
    struct stat st {};
    if (::stat(dir.fifo_path().c_str(), &st) == 0)
        return Status::created;
    return Status::running;
}

UniqueFd open_init(const State& state) {
    if (state.pid <= 0)
        return {};
    UniqueFd fd = linux::open_pidfd(state.pid);
    if (!fd || linux::process_start_time(state.pid) != state.start_time)
        return {};
    return fd;
}

namespace {

// The owner's name from the host's /etc/passwd itself, as runc reads it:
// no NSS (ward is linked statically, and a directory service has no
// business in `state`); the number when the file has no entry for it. The
// host's own file is trusted as it is, a symlink too (hosts that keep
// /etc/passwd elsewhere link it): the image rule of never following a
// link in /etc is for a rootfs ward does not own.
std::string user_name(unsigned uid) {
    static const std::vector<trust::PasswdEntry> passwd = [] {
        try {
            if (auto text = read_optional_document("/etc/passwd", 4u << 20))
                return trust::parse_passwd(*text);
        } catch (const Error&) {
        }
        return std::vector<trust::PasswdEntry>{};
    }();
    for (const auto& entry : passwd)
        if (entry.uid == uid)
            return entry.name;
    return std::to_string(uid);
}

} // namespace

json::Value oci_state(const State& s, Status status, bool with_runtime_fields) {
    auto doc = json::Value::object();
    doc.set("ociVersion", spec::kOciVersion);
    doc.set("id", s.id);
    // A stopped container has no process: the spec makes pid optional then;
    // runc prints 0.
    doc.set("pid", status == Status::stopped ? 0 : s.pid);
    doc.set("status", status_name(status));
    doc.set("bundle", s.bundle);
    if (with_runtime_fields) {
        doc.set("rootfs", s.rootfs);
        doc.set("created", s.created);
        doc.set("owner", user_name(s.owner_uid));
    }
    if (!s.annotations.empty() || with_runtime_fields) {
        auto annotations = json::Value::object();
        for (const auto& [k, v] : s.annotations)
            annotations.set(k, v);
        doc.set("annotations", std::move(annotations));
    }
    return doc;
}

std::vector<std::string> list_ids(const std::string& root) {
    std::vector<std::string> ids;
    DIR* dir = ::opendir(root.c_str());
    if (!dir)
        return ids;
    while (dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..")
            continue;
        struct stat st {};
        if (::stat((root + "/" + name + "/state.json").c_str(), &st) == 0)
            ids.push_back(name);
    }
    ::closedir(dir);
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace ward::container
